"""The published row order of every table, so output never depends on file order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jrr.schemas import TABLES

# Event tables are read in time order; evidence and claims grouped by the record they concern.
_EVENT_TABLES = {"meetings", "treaty_events"}
_LAST_DAY = dt.date.max  # rows whose date did not parse (already reported) go last


def sort_rows(table: str, rows: list[dict[str, Any]]) -> list[int]:
    """Indices of `rows` in published order."""
    key = TABLES[table].primary_key
    if table in _EVENT_TABLES:
        return sorted(
            range(len(rows)),
            key=lambda i: (
                rows[i].get("date_start") or _LAST_DAY,
                rows[i].get("date_end") or _LAST_DAY,
                str(rows[i].get(key)),
            ),
        )
    if table == "evidence":
        columns = ["record_table", "record_id", "article_id", "char_start", "char_end"]
    elif table == "claims":
        columns = ["record_table", "record_id", "field", "article_id"]
    else:
        columns = [key]
    return sorted(range(len(rows)), key=lambda i: tuple(_sortable(rows[i].get(c)) for c in columns))


def _sortable(value: Any) -> tuple[int, Any]:
    """Values of one column comparable with each other, nulls first."""
    return (0, "") if value is None else (1, value)
