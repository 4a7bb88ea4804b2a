"""Stage 3, build tables: records, the refs of other articles and resolved evidence become one
frame per published table, with every statement kept in `claims`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from jrr.flows.annotation_values import clean
from jrr.flows.annotations import Annotations, Record, Ref, input_fields
from jrr.flows.article_rows import article_rows
from jrr.flows.claims import Consolidated, Statement, consolidate, reported_dates
from jrr.flows.claims_rows import ClaimsRows
from jrr.flows.dates import EdtfError, parse_edtf
from jrr.flows.evidence import Resolved
from jrr.flows.ingest import Article
from jrr.flows.problems import Location, Problem
from jrr.flows.record_checks import unknown_refs, value_problem
from jrr.flows.row_columns import RowColumns
from jrr.schemas import TABLES
from jrr.schemas.codes import SOURCED_TABLES

# Events before treaties: a treaty's signed_date comes from its (consolidated) events.
_BUILD_ORDER = ["meetings", "treaty_events", "treaties", "projects", "figures"]
Key = tuple[str, str]


class _Event(NamedTuple):
    """What a treaty's dates are taken from: one of its events."""

    type: Any
    start: dt.date | None
    date: str | None


@dataclass
class Built:
    """One frame per table, the source of every row, renames, and build problems."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    locations: dict[str, Sequence[Location]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    renames: dict[str, dict[str, str]] = field(default_factory=dict)


def build_tables(
    articles: dict[str, Article], annotations: Annotations, evidence: Resolved
) -> Built:
    """Build every table; rows in a fixed order so output never depends on file order.

    The records and refs of `annotations` and the rows of `evidence` are taken out as their
    rows are made (a build of 100,000 articles would otherwise hold each value twice).
    """
    built = Built()
    claims = ClaimsRows()
    article_table, locations, metadata = article_rows(articles, built.problems)
    dates = {row["article_id"]: row["published_date"] for row in article_table}
    for statement in metadata:
        claims.extend(consolidate([statement], dates, input_fields("articles")))
    _add_table(built, _columns("articles", article_table), locations)
    del article_table, locations, metadata
    built.problems.extend(unknown_refs(annotations))
    built.renames = _renames(annotations.records)
    restated = _ref_statements(annotations.refs, built.problems)
    by_table = _by_table(annotations.records)
    annotations.refs.clear()
    annotations.records.clear()
    events: dict[str, list[_Event]] = {}
    for table in _BUILD_ORDER:
        rows, locations = RowColumns(table), []
        records = by_table.pop(table, [])
        records.reverse()  # popped from the end: each record is let go once its row is made
        seen: set[str] = set()
        while records:
            record = records.pop()
            if record.record_id in seen:  # a duplicate id: its row is reported, not merged
                sources = [_statement(record, [])]
            else:
                home = _statement(record, built.problems)
                sources = [home, *restated.pop((table, record.record_id), [])]
            merged = consolidate(sources, dates, input_fields(table))
            built.problems.extend(merged.problems)
            rows.append(_record_row(record, merged, dates, events))
            locations.append(_row_location(record, sources))
            if record.record_id not in seen:
                claims.extend(merged)
            seen.add(record.record_id)
        if table == "treaty_events":
            events = _events_by_treaty(rows)
        _add_table(built, rows, locations)
    _add_table(built, _evidence_columns(evidence), list(evidence.locations))
    built.tables["claims"], built.locations["claims"] = claims.frame()
    built.tables = {table: built.tables[table] for table in TABLES}
    built.locations = {table: built.locations[table] for table in TABLES}
    return built


def _columns(table: str, rows: list[dict[str, Any]]) -> RowColumns:
    """Rows of `table` gathered as columns."""
    columns = RowColumns(table)
    columns.extend(rows)
    return columns


def _evidence_columns(evidence: Resolved) -> RowColumns:
    """The evidence rows as columns; each row's dict is let go as it is taken."""
    columns = RowColumns("evidence")
    rows = evidence.rows
    rows.reverse()
    while rows:
        columns.append(rows.pop())
    return columns


def _by_table(records: list[Record]) -> dict[str, list[Record]]:
    """Records grouped by their table, each group in the records' order."""
    grouped: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        grouped[record.table].append(record)
    return grouped


def _ref_statements(refs: list[Ref], problems: list[Problem]) -> dict[Key, list[Statement]]:
    """What each ref states, by the record it names, in the refs' order.

    A record's own statement comes first; a second record with the same id is left out of its
    statements: it is reported as a duplicate.
    """
    statements: dict[Key, list[Statement]] = defaultdict(list)
    for ref in refs:
        statements[ref.table, ref.record_id].append(_statement(ref, problems))
    return statements


def _statement(item: Record | Ref, problems: list[Problem]) -> Statement:
    """What one record or ref states: its values cleaned, each checked against its column."""
    values = {}
    for name, raw in item.values.items():
        value = clean(raw)
        message = value_problem(item.table, name, value)
        if message:
            problems.append(item.location.problem(name, message))
        elif value is not None:
            values[name] = value
    reasons = {name: reason for name, reason in item.reasons.items() if name in values}
    return Statement(item.table, item.record_id, item.article_id, values, reasons, item.location)


def _record_row(
    record: Record,
    merged: Consolidated,
    dates: dict[str, dt.date | None],
    events: dict[str, list[_Event]],
) -> dict[str, Any]:
    """One table row from a record's published values, with derived columns filled in."""
    table = record.table
    row: dict[str, Any] = {TABLES[table].primary_key: record.record_id, **merged.values}
    if table == "treaties":
        row["signed_date"] = _event_date("signed", events.get(record.record_id, []))
        row["in_force_date"] = _event_date("in_force", events.get(record.record_id, []))
    if table == "treaty_events":
        row["treaty_id"] = record.parent_id
    if table == "figures":
        row["article_id"] = record.article_id
    for name in _edtf_columns(table):
        row.update(_expand_edtf(name, row.get(name)))
    columns = TABLES[table].columns
    row["inferred"] = ";".join(name for name in columns if name in merged.inferred) or None
    if table in SOURCED_TABLES:
        row["n_sources"] = len(merged.sources)
        row["first_reported"], row["last_reported"] = reported_dates(merged.sources, dates)
    return row


def _row_location(record: Record, statements: list[Statement]) -> Location:
    """Where a row's values were written: its home file, or a ref's line for restated fields."""
    if len(statements) == 1 and not record.location.field_paths:
        return record.location  # what the lines below make of it, shared rather than copied
    lines = dict(record.location.field_lines)
    paths = {}
    for statement in statements[1:]:
        for name in statement.values:
            lines[name] = statement.location.line_of(name)
            paths[name] = statement.location.path
    return Location(
        record.location.path, record.location.line, tuple(lines.items()), tuple(paths.items())
    )


def _add_table(built: Built, rows: RowColumns, locations: list[Location]) -> None:
    """Store rows as a frame in published column order, in the table's published row order."""
    built.tables[rows.table], order = rows.frame()
    built.locations[rows.table] = [locations[i] for i in order]


def _edtf_columns(table: str) -> list[str]:
    """Columns X published with X_start, X_end and X_precision."""
    columns = TABLES[table].columns
    return [name for name in columns if f"{name}_start" in columns]


def _expand_edtf(name: str, value: Any) -> dict[str, Any]:
    """X_start, X_end and X_precision of an EDTF value (None if absent; checked earlier)."""
    derived: dict[str, Any] = dict.fromkeys([f"{name}_start", f"{name}_end", f"{name}_precision"])
    if not isinstance(value, str):
        return derived
    try:
        parsed = parse_edtf(value)
    except EdtfError:
        return derived
    return {
        f"{name}_start": parsed.start,
        f"{name}_end": parsed.end,
        f"{name}_precision": parsed.precision,
    }


def _events_by_treaty(events: RowColumns) -> dict[str, list[_Event]]:
    """Event rows grouped by their treaty (one pass, so treaties need not scan every event)."""
    grouped: dict[str, list[_Event]] = defaultdict(list)
    columns = (events.column(name) for name in ("treaty_id", "type", "date_start", "date"))
    for treaty_id, event_type, start, date in zip(*columns, strict=True):
        grouped[treaty_id].append(_Event(event_type, start, date))
    return grouped


def _event_date(event_type: str, events: list[_Event]) -> str | None:
    """EDTF date of the earliest of a treaty's `events` of `event_type`, if any."""
    dates = [
        (event.start, event.date)
        for event in events
        if event.type == event_type and event.start is not None
    ]
    return min(dates)[1] if dates else None


def _renames(records: list[Record]) -> dict[str, dict[str, str]]:
    """Per table, new id → the previous id its record states with `renamed_from`."""
    renames: dict[str, dict[str, str]] = defaultdict(dict)
    for record in records:
        if record.renamed_from:
            renames[record.table][record.record_id] = record.renamed_from
    return dict(renames)
