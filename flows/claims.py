"""Many sources, one record: every article's statements of a record's fields become claims,
and the claim of the most recently published article becomes the published value."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from jrr.flows.annotation_values import as_text
from jrr.flows.problems import Location, Problem

_UNDATED = dt.date.min  # an article whose date is invalid (already reported) sorts first
# One claims row: its values in the claims table's column order (a dict per row of the
# largest table would take more memory than the values themselves).
ClaimRow = tuple[Any, ...]
# Where a claim was written: its file and line (a Location each cost a million objects more).
ClaimPlace = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Statement:
    """What one article says about one record: field values (non-null, cleaned) and reasons."""

    table: str
    record_id: str
    article_id: str
    values: dict[str, Any]
    reasons: dict[str, str]
    location: Location


@dataclass
class Consolidated:
    """A record's published values, which of them are inferred, its sources and its claims."""

    values: dict[str, Any]
    inferred: list[str]
    sources: list[str]
    claims: list[ClaimRow] = field(default_factory=list)
    claim_locations: list[ClaimPlace] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def claim_id(table: str, record_id: str, field_name: str, article_id: str) -> str:
    """The id of one article's claim about one field of one record."""
    parts = [table, record_id, field_name, article_id]
    return "cl-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def consolidate(
    statements: list[Statement], dates: dict[str, dt.date | None], fields: list[str]
) -> Consolidated:
    """Published values of one record: per field, the claim of the latest article stating it."""
    sources = sorted({statement.article_id for statement in statements})
    if len(statements) == 1:
        return _single_source(statements[0], fields, sources)
    result = Consolidated({}, [], sources)
    for name in fields:
        stating = [s for s in statements if s.values.get(name) is not None]
        if not stating:
            result.values[name] = None
            continue
        result.problems.extend(_equal_date_conflicts(name, stating, dates))
        latest_date = max(_date(s, dates) for s in stating)
        latest = [s for s in stating if _date(s, dates) == latest_date]
        published = latest[0].values[name]
        current = [s for s in latest if s.values[name] == published]
        result.values[name] = published
        if all(name in s.reasons for s in current):
            result.inferred.append(name)
        for statement in stating:
            result.claims.append(_claim_row(statement, name, statement in current))
            lines = dict(statement.location.field_lines)
            result.claim_locations.append(_field_location(statement.location, lines, name))
    return result


def _single_source(statement: Statement, fields: list[str], sources: list[str]) -> Consolidated:
    """The values of a record only one article states (most records): its claims are current."""
    result = Consolidated(dict.fromkeys(fields), [], sources)
    lines = dict(statement.location.field_lines)
    for name in fields:
        if statement.values.get(name) is None:
            continue
        result.values[name] = statement.values[name]
        if name in statement.reasons:
            result.inferred.append(name)
        result.claims.append(_claim_row(statement, name, True))
        result.claim_locations.append(_field_location(statement.location, lines, name))
    return result


def reported_dates(
    sources: list[str], dates: dict[str, dt.date | None]
) -> tuple[dt.date | None, dt.date | None]:
    """Publication dates of the earliest and latest of a record's sources."""
    known = [day for day in (dates.get(source) for source in sources) if day is not None]
    return (min(known), max(known)) if known else (None, None)


def _claim_row(statement: Statement, name: str, current: bool) -> ClaimRow:
    """One claims row, in the claims table's column order."""
    reason = statement.reasons.get(name)
    return (
        claim_id(statement.table, statement.record_id, name, statement.article_id),
        statement.table,
        statement.record_id,
        name,
        as_text(statement.values[name]),
        statement.article_id,
        "inferred" if reason else "stated",
        reason,
        current,
    )


def _equal_date_conflicts(
    name: str, stating: list[Statement], dates: dict[str, dt.date | None]
) -> list[Problem]:
    """A problem for every two articles of the same date that give different values."""
    problems = []
    ordered = sorted(stating, key=lambda s: (_date(s, dates), s.location.path))
    for day, group in groupby(ordered, key=lambda s: _date(s, dates)):
        same_day = list(group)
        first = same_day[0]
        for other in same_day[1:]:
            if other.values[name] == first.values[name]:
                continue
            where = f"{first.location.path}:{first.location.line_of(name)}"
            message = (
                f"{as_text(other.values[name])!r} conflicts with {as_text(first.values[name])!r} "
                f"at {where}: both articles are dated {day.isoformat()}, so neither is the "
                "latest; correct one of them, or fix an article's published_date"
            )
            problems.append(other.location.problem(name, message))
    return problems


def _date(statement: Statement, dates: dict[str, dt.date | None]) -> dt.date:
    """Publication date of the article making a statement."""
    return dates.get(statement.article_id) or _UNDATED


def _field_location(location: Location, lines: dict[str, int], name: str) -> ClaimPlace:
    """Where one field of a statement was written (`lines`: the location's field lines)."""
    return location.path, lines.get(name, location.line)
