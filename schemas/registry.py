"""The tables of the dataset, in publication order, with their keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandera.pandas as pa

from jrr.schemas import tables


@dataclass(frozen=True)
class ForeignKey:
    """`column` of one table holds values of `reference_column` in `reference_table`."""

    column: str
    reference_table: str
    reference_column: str


@dataclass(frozen=True)
class TableSpec:
    """A published table: its name, model, primary key and foreign keys."""

    name: str
    model: type[pa.DataFrameModel]
    primary_key: str
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def description(self) -> str:
        """First line of the model's docstring."""
        return (self.model.__doc__ or "").strip().splitlines()[0]

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The model as a pandera schema (built once: building it is slow)."""
        return self.model.to_schema()

    @property
    def columns(self) -> list[str]:
        """Column names in published order."""
        return list(self.schema.columns)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec("articles", tables.Articles, "article_id"),
        TableSpec("meetings", tables.Meetings, "meeting_id"),
        TableSpec("treaties", tables.Treaties, "treaty_id"),
        TableSpec(
            "treaty_events",
            tables.TreatyEvents,
            "event_id",
            (ForeignKey("treaty_id", "treaties", "treaty_id"),),
        ),
        TableSpec(
            "projects",
            tables.Projects,
            "project_id",
            (ForeignKey("parent_id", "projects", "project_id"),),
        ),
        TableSpec(
            "figures",
            tables.Figures,
            "figure_id",
            (ForeignKey("article_id", "articles", "article_id"),),
        ),
        TableSpec(
            "evidence",
            tables.Evidence,
            "evidence_id",
            (ForeignKey("article_id", "articles", "article_id"),),
        ),
        TableSpec(
            "claims",
            tables.Claims,
            "claim_id",
            (ForeignKey("article_id", "articles", "article_id"),),
        ),
    ]
}
