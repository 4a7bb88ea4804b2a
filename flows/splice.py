"""Rebuild some records and splice their rows into the tables of the last build.

The records are rebuilt by the very stages of a whole build (build_tables, validate_frame)
from every article that mentions them; their old rows, claims and evidence are dropped, the
new ones merged in published order. Each table is then checked as a whole: its kept rows passed
their model before and its new rows have just passed it, so what a row check would find is
known, and what is left is checked (unique ids across kept and new rows; any check that is not
known to look at one row at a time means validating the whole table). Last come the rules
across tables, where dropping and adding rows can break them (cross_table_splice).
"""

from __future__ import annotations

from collections.abc import Set

import numpy as np
import pandas as pd
import pandera.pandas as pa

from jrr.flows.article_unit import ArticleUnit
from jrr.flows.build import Built, build_tables
from jrr.flows.build_snapshot import RecordKey, Snapshot
from jrr.flows.corpus import resolved_quotes
from jrr.flows.gather import gathered
from jrr.flows.incremental import only_affected
from jrr.flows.pipeline import Dataset, Spliced
from jrr.flows.table_order import merged_order, sort_key_columns
from jrr.schemas import TABLES
from jrr.schemas.cross_table import isin
from jrr.schemas.cross_table_splice import Splice, passes_after_splice
from jrr.schemas.validation import checks_row_by_row, validate_frame

_ABOUT_RECORDS = ("evidence", "claims")  # tables whose rows concern a record of another table


def rebuild_records(
    snapshot: Snapshot, units: dict[str, ArticleUnit], affected: set[RecordKey]
) -> Dataset | None:
    """The snapshot's tables with the affected records rebuilt from `units`; None on any
    problem (the whole build reports it)."""
    built = _build_affected(units, affected)
    if built is None:
        return None
    tables, before, added, rows = {}, {}, {}, {}
    for name, spec in TABLES.items():
        new, violations = validate_frame(
            name, spec.schema, _rows_of(name, built.tables[name], affected)
        )
        if violations:
            return None
        old = snapshot.tables[name]
        rebuilt = in_affected(name, old, affected).to_numpy()
        positions = _splice_order(name, old, rebuilt, new)
        spliced = None if positions is None else gathered(old, new, positions)
        if spliced is not None:
            spliced = _checked(name, spec.schema, old, rebuilt, new, spliced)
        if spliced is None:
            return None
        tables[name], before[name], added[name] = spliced, old[rebuilt], new
        rows[name] = _rows_kept(positions, old, rebuilt, new)
    if not _valid_across_tables(Splice(tables, before, added), units):
        return None
    renames = _renames(snapshot.renames, built.renames, affected)
    base_build = getattr(snapshot, "build_id", None)  # None: a snapshot kept before build ids
    spliced = None if base_build is None else Spliced(base_build, frozenset(affected), before, rows)
    return Dataset(tables, renames, spliced=spliced)


def _build_affected(units: dict[str, ArticleUnit], affected: set[RecordKey]) -> Built | None:
    """The tables built from the units' statements about affected records; None on a problem."""
    articles = {}
    for article_id in sorted(units, key=lambda name: f"{name}.txt"):
        if units[article_id].article is not None:
            articles[article_id] = units[article_id].article
    ordered = [units[article_id] for article_id in sorted(units, key=lambda name: f"{name}.yaml")]
    annotations = only_affected(ordered, affected)
    quotes = [
        quote
        for unit in ordered
        for quote in unit.quotes
        if (quote.table, quote.record_id) in affected
    ]
    resolved = resolved_quotes(annotations, quotes)
    if resolved.problems:
        return None
    built = build_tables(articles, annotations, resolved)
    return None if built.problems else built


def in_affected(table: str, frame: pd.DataFrame, affected: Set[RecordKey]) -> pd.Series:
    """Per row: is it a row, claim or evidence of an affected record?"""
    if table not in _ABOUT_RECORDS:
        ids = [record_id for name, record_id in affected if name == table]
        return isin(frame[TABLES[table].primary_key], pd.Series(ids, dtype=object))
    mask = pd.Series(False, index=frame.index)
    for name in {name for name, _ in affected}:
        ids = [record_id for about, record_id in affected if about == name]
        in_table = (frame["record_table"] == name).fillna(False).astype(bool)
        mask |= in_table & isin(frame["record_id"], pd.Series(ids, dtype=object))
    return mask


def _rows_of(table: str, frame: pd.DataFrame, affected: set[RecordKey]) -> pd.DataFrame:
    """The rows of a rebuilt table that concern affected records (others were built only to
    rebuild them)."""
    return frame[in_affected(table, frame, affected).to_numpy()].reset_index(drop=True)


def _splice_order(
    table: str, old: pd.DataFrame, rebuilt: np.ndarray, new: pd.DataFrame
) -> np.ndarray | None:
    """Where each row of the spliced table comes from: the old rows not rebuilt (their index)
    and the new rows (len(old) + theirs), in published order; None if the order is not
    certain. The kept rows are never copied on their own: one gathering makes the table."""
    kept_at = np.flatnonzero(~rebuilt)
    order = merged_order(table, old[sort_key_columns(table)], new, kept_at)
    if order is None:
        return None
    return np.concatenate([kept_at, len(old) + np.arange(len(new))])[order]


def _rows_kept(
    positions: np.ndarray, old: pd.DataFrame, rebuilt: np.ndarray, new: pd.DataFrame
) -> np.ndarray:
    """For each row of the spliced table, the old row it is, or -1 for a rebuilt one.

    When every rebuilt row came back as it was, in its old place, the table is the old one.
    """
    rows = np.where(positions < len(old), positions, -1)
    was = np.flatnonzero(rebuilt)
    if len(new) != len(was) or len(positions) != len(old):
        return rows
    candidate = rows.copy()
    candidate[rows < 0] = was
    same_place = bool((candidate == np.arange(len(old))).all())
    if same_place and _same_values(old.iloc[was], new):
        return candidate
    return rows


def _same_values(old_rows: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Whether two frames hold the same values of the same types, row for row."""
    return old_rows.reset_index(drop=True).equals(new.reset_index(drop=True))


def _checked(
    name: str,
    schema: pa.DataFrameSchema,
    old: pd.DataFrame,
    rebuilt: np.ndarray,
    new: pd.DataFrame,
    spliced: pd.DataFrame,
) -> pd.DataFrame | None:
    """The spliced table as its model makes it, or None if it does not pass the model.

    Old rows passed it in the last build and new rows have just passed it. When every check of
    the model looks at one row at a time, what is left is that no new row repeats the value of
    an old row not rebuilt in a unique column, and that splicing kept the column types;
    otherwise the table is validated (and coerced) whole.
    """
    if checks_row_by_row(schema) and _same_columns(spliced, old):
        unique = [column for column, spec in schema.columns.items() if spec.unique]
        repeats = any(
            (isin(old[column], new[column]).to_numpy() & ~rebuilt).any() for column in unique
        )
        return None if repeats else spliced
    validated, violations = validate_frame(name, schema, spliced)
    return None if violations else validated


def _same_columns(frame: pd.DataFrame, other: pd.DataFrame) -> bool:
    """True if both frames have the same columns, in the same order, of the same types."""
    return list(frame.columns) == list(other.columns) and frame.dtypes.equals(other.dtypes)


def _valid_across_tables(splice: Splice, units: dict[str, ArticleUnit]) -> bool:
    """True if the spliced tables pass the rules across tables (the snapshot's tables did)."""
    texts = {a: unit.article.text for a, unit in units.items() if unit.article is not None}
    foreign_keys = {name: spec.foreign_keys for name, spec in TABLES.items()}
    return passes_after_splice(splice, foreign_keys, texts)


def _renames(
    old: dict[str, dict[str, str]], rebuilt: dict[str, dict[str, str]], affected: set[RecordKey]
) -> dict[str, dict[str, str]]:
    """The snapshot's renames, those of affected records replaced by the rebuilt ones."""
    renames: dict[str, dict[str, str]] = {}
    for table, pairs in old.items():
        kept = {new: was for new, was in pairs.items() if (table, new) not in affected}
        if kept:
            renames[table] = kept
    for table, pairs in rebuilt.items():
        renames.setdefault(table, {}).update(pairs)
    return renames
