"""Rows are put in published order exactly as a plain Python sort of their keys would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows.table_order import sort_rows
from jrr.schemas import TABLES

LAST_DAY = dt.date.max


def reference_order(table: str, rows: list[dict[str, Any]]) -> list[int]:
    """The published order, written as the rule reads: a stable sort on a key per row."""
    key = TABLES[table].primary_key

    def sortable(value: Any) -> tuple[int, Any]:
        return (0, "") if value is None else (1, value)

    if table in ("meetings", "treaty_events"):
        return sorted(
            range(len(rows)),
            key=lambda i: (
                rows[i].get("date_start") or LAST_DAY,
                rows[i].get("date_end") or LAST_DAY,
                str(rows[i].get(key)),
            ),
        )
    columns = {
        "evidence": ["record_table", "record_id", "article_id", "char_start", "char_end"],
        "claims": ["record_table", "record_id", "field", "article_id"],
    }.get(table, [key])
    return sorted(range(len(rows)), key=lambda i: tuple(sortable(rows[i].get(c)) for c in columns))


TEXT = st.one_of(st.none(), st.sampled_from(["", "a", "b", "B", "é", "a-1", "a-10", "a-2"]))
DATES = st.one_of(st.none(), st.dates(dt.date(2018, 1, 1), dt.date(2018, 1, 5)))
NUMBERS = st.one_of(st.none(), st.integers(0, 3))
COLUMNS = {
    "record_table": TEXT,
    "record_id": TEXT,
    "field": TEXT,
    "article_id": TEXT,
    "char_start": NUMBERS,
    "char_end": NUMBERS,
    "date_start": DATES,
    "date_end": DATES,
    "meeting_id": TEXT,
    "event_id": TEXT,
    "project_id": st.one_of(TEXT, NUMBERS),  # mixed types: the Python comparison decides
}


@settings(max_examples=300, deadline=None)
@given(
    table=st.sampled_from(["claims", "evidence", "meetings", "treaty_events", "projects"]),
    rows=st.lists(st.fixed_dictionaries({}, optional=COLUMNS), max_size=30),
)
def test_published_order_is_the_plain_sort(table: str, rows: list[dict[str, Any]]) -> None:
    try:
        expected = reference_order(table, rows)
    except TypeError:  # values that Python cannot compare cannot be ordered either way
        return
    assert sort_rows(table, rows) == expected
