"""Rows gathered column by column make the frame a list of row dicts would make.

Rows are invented by hypothesis; the reference is sort_rows over the same rows as dicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows.row_columns import RowColumns
from jrr.flows.table_order import sort_rows
from jrr.schemas import TABLES

COLUMNS = TABLES["meetings"].columns
DAY = st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2018, 1, 3))
MEETING = st.fixed_dictionaries(
    {"meeting_id": st.sampled_from(["m-1", "m-2", "m-3"]), "date_start": DAY, "date_end": DAY},
    optional={
        "city": st.none() | st.sampled_from(["Moscow", "Tokyo"]) | st.just(float("nan")),
        "n_sources": st.integers(1, 3),
    },
)


@settings(max_examples=60, deadline=None)
@given(st.lists(MEETING, max_size=8))
def test_the_frame_holds_the_rows_in_published_order(rows: list[dict[str, Any]]) -> None:
    columns = RowColumns("meetings")
    columns.extend(rows)
    frame, order = columns.frame()
    assert order == sort_rows("meetings", rows)
    assert list(frame.columns) == COLUMNS
    expected = [[_null(rows[i].get(name)) for name in COLUMNS] for i in order]
    assert frame.to_numpy().tolist() == expected
    assert set(frame.dtypes.astype(str)) <= {"object"}


def test_a_column_a_row_lacks_is_null_and_the_columns_are_let_go() -> None:
    columns = RowColumns("meetings")
    columns.append({"meeting_id": "m-1", "city": "Moscow"})
    assert len(columns) == 1
    assert columns.column("city") == ["Moscow"]
    frame, order = columns.frame()
    assert order == [0]
    assert frame.loc[0, "date"] is None
    assert columns.cells == {}


def test_no_rows_make_an_empty_frame_with_every_column() -> None:
    frame, order = RowColumns("treaties").frame()
    assert order == []
    assert list(frame.columns) == TABLES["treaties"].columns
    assert frame.empty


def _null(value: Any) -> Any:
    """What the frame holds for a cell: None for a missing value."""
    return None if value is None or pd.isna(value) else value
