"""Stage 4, validate: every table against its model, then the cross-table rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from jrr.flows.build import Built
from jrr.flows.problems import Location, Problem
from jrr.schemas import TABLES
from jrr.schemas.validation import Violation, check_cross_table, validate_frame


def validate_built(
    built: Built, texts: dict[str, str]
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Validated tables and every problem, each pointing at the annotation line to edit.

    Each built frame is let go once validated (`built.tables` is emptied), so that the build's
    rows and the typed tables are not all held at once.
    """
    tables: dict[str, pd.DataFrame] = {}
    violations: list[Violation] = []
    for name, spec in TABLES.items():
        frame, found = validate_frame(name, spec.schema, built.tables.pop(name))
        tables[name] = frame
        violations.extend(found)
    foreign_keys = {name: spec.foreign_keys for name, spec in TABLES.items()}
    violations.extend(check_cross_table(tables, foreign_keys, texts))
    problems = [_locate(violation, built.locations) for violation in violations]
    return tables, problems


def _locate(violation: Violation, locations: Mapping[str, Sequence[Location]]) -> Problem:
    """The annotation file and line a violation comes from."""
    if violation.row is None:
        schema_file = "schemas/tables.py"
        return Problem(schema_file, 1, f"{violation.table}.{violation.column}", violation.message)
    location = locations[violation.table][violation.row]
    field = annotation_field(violation.table, violation.column)
    if violation.table in ("evidence", "claims"):
        field = violation.table
    return location.problem(field, violation.message)


def annotation_field(table: str, column: str) -> str:
    """The annotation field a published column comes from (date_start comes from date)."""
    columns = TABLES[table].columns
    for suffix in ("_start", "_end", "_precision"):
        stem = column.removesuffix(suffix)
        if stem != column and stem in columns:
            return stem
    return column
