"""Stage 3, build tables: records and resolved evidence become one frame per published table."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jrr.flows.annotations import Annotations, Record, input_fields, type_problem, unknown_keys
from jrr.flows.dates import EdtfError, parse_edtf
from jrr.flows.evidence import Resolved
from jrr.flows.ingest import Article
from jrr.flows.problems import Location, Problem
from jrr.flows.yaml_lines import Sequence
from jrr.schemas import TABLES

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class Built:
    """One frame per table, the source location of every row, and build problems."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    locations: dict[str, list[Location]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def build_tables(
    articles: dict[str, Article], annotations: Annotations, evidence: Resolved
) -> Built:
    """Build every table; rows sorted by primary key so output never depends on file order."""
    built = Built()
    rows, locations = _article_rows(articles, built.problems)
    _add_table(built, "articles", rows, locations)
    built.problems.extend(_unknown_refs(annotations))
    by_table: dict[str, list[Record]] = {table: [] for table in TABLES}
    for record in annotations.records:
        by_table[record.table].append(record)
    events = by_table["treaty_events"]
    for table in ["meetings", "treaties", "treaty_events", "projects", "figures"]:
        rows, locations = [], []
        for record in by_table[table]:
            rows.append(_record_row(record, events, built.problems))
            locations.append(record.location)
        _add_table(built, table, rows, locations)
    _add_table(built, "evidence", evidence.rows, evidence.locations)
    return built


def _add_table(
    built: Built, table: str, rows: list[dict[str, Any]], locations: list[Location]
) -> None:
    """Store rows as a frame in published column order, sorted by primary key."""
    spec = TABLES[table]
    order = sorted(range(len(rows)), key=lambda i: str(rows[i].get(spec.primary_key)))
    frame = pd.DataFrame([rows[i] for i in order], columns=spec.columns)
    built.tables[table] = frame.astype(object).where(frame.notna(), None)
    built.locations[table] = [locations[i] for i in order]


def _record_row(record: Record, events: list[Record], problems: list[Problem]) -> dict[str, Any]:
    """One table row from an annotated record, with derived columns filled in."""
    spec = TABLES[record.table]
    row: dict[str, Any] = {spec.primary_key: record.record_id}
    for name, value in record.values.items():
        row[name] = _clean(value)
    for name in _edtf_columns(record.table):
        row.update(_expand_edtf(name, row.get(name), record.location, problems))
    if record.table == "treaties":
        parties = record.values.get("parties")
        if isinstance(parties, Sequence) and all(isinstance(p, str) for p in parties.items):
            row["parties"] = ";".join(sorted(set(parties.items)))
        row["signed_date"] = _event_date(record.record_id, "signed", events)
        row["in_force_date"] = _event_date(record.record_id, "in_force", events)
    if record.table == "treaty_events":
        row["treaty_id"] = record.parent_id
    if record.table == "figures":
        row["article_id"] = record.article_id
    return row


def _edtf_columns(table: str) -> list[str]:
    """Columns X published with X_start, X_end and X_precision."""
    columns = TABLES[table].columns
    return [name for name in columns if f"{name}_start" in columns]


def _expand_edtf(
    name: str, value: Any, location: Location, problems: list[Problem]
) -> dict[str, Any]:
    """X_start, X_end and X_precision of an EDTF value (all None if absent or invalid)."""
    derived: dict[str, Any] = dict.fromkeys([f"{name}_start", f"{name}_end", f"{name}_precision"])
    if not isinstance(value, str):
        return derived
    try:
        parsed = parse_edtf(value)
    except EdtfError as error:
        problems.append(location.problem(name, str(error)))
        return derived
    return {
        f"{name}_start": parsed.start,
        f"{name}_end": parsed.end,
        f"{name}_precision": parsed.precision,
    }


def _event_date(treaty_id: str, event_type: str, events: list[Record]) -> str | None:
    """EDTF date of the treaty's earliest event of `event_type`, if any."""
    dates = [
        event.values["date"]
        for event in events
        if event.parent_id == treaty_id
        and event.values.get("type") == event_type
        and isinstance(event.values.get("date"), str)
    ]
    return min(dates, key=_sort_key) if dates else None


def _sort_key(value: str) -> tuple[int, str]:
    """Order EDTF texts by their earliest day, unparseable ones last."""
    try:
        return (0, parse_edtf(value).start.isoformat())
    except EdtfError:
        return (1, value)


def _article_rows(
    articles: dict[str, Article], problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[Location]]:
    """One articles row per article, from its metadata file and its text."""
    rows, locations = [], []
    allowed = set(input_fields("articles"))
    for article in articles.values():
        meta = article.metadata
        location = Location(article.metadata_path, meta.line, tuple(meta.key_lines.items()))
        problems.extend(unknown_keys(meta, allowed, article.metadata_path))
        row: dict[str, Any] = {"article_id": article.article_id}
        for name in input_fields("articles"):
            value = meta.get(name)
            message = type_problem("articles", name, value)
            if message:
                problems.append(location.problem(name, message))
                value = None
            row[name] = _clean(value)
        row["published_date"] = _iso_date(row["published_date"], location, problems)
        row["text_sha256"] = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        row["n_chars"] = len(article.text)
        rows.append(row)
        locations.append(location)
    return rows, locations


def _iso_date(value: Any, location: Location, problems: list[Problem]) -> dt.date | None:
    """An ISO 8601 calendar date, or None with a problem."""
    if value is None:
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        message = f"{value!r} is not an ISO date (YYYY-MM-DD)"
        problems.append(location.problem("published_date", message))
        return None


def _unknown_refs(annotations: Annotations) -> list[Problem]:
    """A problem for each `ref` naming no record of its table, or an event of another treaty."""
    known = {(record.table, record.record_id): record for record in annotations.records}
    problems = []
    for ref in annotations.refs:
        record = known.get((ref.table, ref.record_id))
        if record is None:
            message = f"no {ref.table} record has id {ref.record_id!r}"
            problems.append(ref.location.problem("ref", message))
        elif ref.parent_id is not None and record.parent_id != ref.parent_id:
            message = (
                f"event {ref.record_id!r} belongs to treaty {record.parent_id!r}, "
                f"not {ref.parent_id!r}"
            )
            problems.append(ref.location.problem("ref", message))
    return problems


def _clean(value: Any) -> Any:
    """Published form of a value: text stripped, empty text as null."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, Sequence):
        return None
    return value
