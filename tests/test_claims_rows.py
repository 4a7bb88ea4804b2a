"""The claims table gathered as Arrow batches equals the rows sorted as every table is sorted.

Rows are invented by hypothesis; the reference order is sort_rows over plain dicts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows.claims import ClaimRow, Consolidated
from jrr.flows.claims_rows import ClaimsRows
from jrr.flows.problems import Location
from jrr.flows.table_order import sort_rows
from jrr.schemas import TABLES

COLUMNS = TABLES["claims"].columns
TEXT = st.text(alphabet=st.sampled_from(["a", "b", "-", "é", "日", "\U0001f600", "Z", "1"]))
ROW = st.tuples(
    TEXT,  # claim_id
    st.sampled_from(["meetings", "treaties", "articles"]),
    st.none() | TEXT,  # record_id
    st.sampled_from(["city", "date", "status"]),
    TEXT,  # value
    st.sampled_from(["a-1", "a-2", "b"]),
    st.sampled_from(["stated", "inferred"]),
    st.none() | TEXT,  # reason
    st.booleans(),
)
PLACE = st.tuples(
    st.sampled_from(["raw/annotations/a.yaml", "raw/annotations/b.yaml"]), st.integers(1, 99)
)


def gathered(
    records: list[list[tuple[ClaimRow, tuple[str, int]]]], batch_rows: int = 2
) -> ClaimsRows:
    """ClaimsRows fed one record's claims at a time, converted `batch_rows` rows at a time."""
    rows = ClaimsRows(batch_rows)
    for record in records:
        claims = [row for row, _ in record]
        places = [place for _, place in record]
        rows.extend(Consolidated({}, [], [], claims, places))
    return rows


def plain(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """A frame's rows as Python values, a missing value as None."""
    cells = frame.astype(object).where(frame.notna(), None)
    return [tuple(row) for row in cells.itertuples(index=False)]


@settings(max_examples=60, deadline=None)
@given(records=st.lists(st.lists(st.tuples(ROW, PLACE), max_size=4), max_size=12))
@pytest.mark.parametrize("batch_rows", [1, 3, 1000])
def test_rows_come_out_in_published_order_with_their_places(
    records: list[list[tuple[ClaimRow, tuple[str, int]]]],
    batch_rows: int,
) -> None:
    flat = [pair for record in records for pair in record]
    order = sort_rows("claims", [dict(zip(COLUMNS, row, strict=True)) for row, _ in flat])
    frame, places = gathered(records, batch_rows).frame()
    assert list(frame.columns) == COLUMNS
    assert plain(frame) == [flat[i][0] for i in order]
    assert list(places) == [Location(*flat[i][1]) for i in order]
    assert str(frame["claim_id"].dtype) == "str" and frame["current"].dtype == bool


def test_a_value_arrow_cannot_hold_keeps_every_row_as_python_values() -> None:
    good = [("c1", "meetings", "m-2", "city", "Oita", "a", "stated", None, True)] * 3
    bad = ("c0", "meetings", "m-1", "city", "\ud800", "a", "stated", None, True)  # no UTF-8 for it
    rows = [*good, bad]
    records = [[(row, ("raw/annotations/a.yaml", line))] for line, row in enumerate(rows)]
    frame, places = gathered(records).frame()
    assert all(dtype is np.dtype(object) for dtype in frame.dtypes)
    assert plain(frame) == [bad, *good]  # m-1 before m-2
    assert list(places) == [Location("raw/annotations/a.yaml", line) for line in (3, 0, 1, 2)]


def test_no_claims_give_an_empty_table() -> None:
    frame, places = ClaimsRows().frame()
    assert list(frame.columns) == COLUMNS and len(frame) == 0 and len(places) == 0
