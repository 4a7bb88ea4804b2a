"""Gathering rows run by run gives what pandas' concat and take give, types included.

Frames and orders are invented by hypothesis.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows.gather import gathered, runs_of
from jrr.schemas.chunked_rows import rows_where

TEXT = st.none() | st.text(alphabet="ab-é日", max_size=4)
ROW = st.tuples(TEXT, st.integers(-5, 5), st.booleans(), st.none() | st.dates())


def frame(rows: list[tuple[object, ...]], chunks: int = 1) -> pd.DataFrame:
    """A frame typed as the build's tables are: text, numbers, flags and Arrow dates,
    its Arrow columns in `chunks` pieces."""
    texts, numbers, flags, days = ([row[i] for row in rows] for i in range(4))
    size = max(1, -(-len(rows) // chunks))

    def pieces(values: list[object], kind: pa.DataType) -> pa.ChunkedArray:
        parts = [values[start : start + size] for start in range(0, len(values), size)]
        return pa.chunked_array([pa.array(part, kind) for part in parts], kind)

    return pd.DataFrame(
        {
            "text": pd.array(pieces(texts, pa.large_string()), dtype="str"),
            "number": np.array(numbers, dtype=np.int64),
            "flag": np.array(flags, dtype=bool),
            "day": pd.array(pieces(days, pa.date32()), dtype=pd.ArrowDtype(pa.date32())),
        }
    )


@st.composite
def splices(
    draw: st.DrawFn,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[int]]:
    """Old rows, new rows, and an order: old rows kept in order, new ones put among them."""
    old = draw(st.lists(ROW, max_size=30))
    new = draw(st.lists(ROW, max_size=5))
    kept = [row for row in range(len(old)) if draw(st.booleans()) or not new]
    order = list(kept)
    for number in range(len(new)):
        order.insert(draw(st.integers(0, len(order))), len(old) + number)
    return old, new, order


@settings(max_examples=150, deadline=None)
@given(case=splices(), chunks=st.integers(1, 3))
def test_gathering_equals_concat_and_take(
    case: tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[int]], chunks: int
) -> None:
    old_rows, new_rows, order = case
    old, new = frame(old_rows, chunks), frame(new_rows)
    positions = np.array(order, dtype=np.intp)
    expected = pd.concat([old, new], ignore_index=True).take(positions).reset_index(drop=True)
    pd.testing.assert_frame_equal(gathered(old, new, positions), expected)


@given(positions=st.lists(st.integers(0, 20), max_size=30), boundary=st.integers(0, 21))
def test_runs_give_back_the_positions_and_never_cross_the_boundary(
    positions: list[int], boundary: int
) -> None:
    runs = runs_of(np.array(positions, dtype=np.int64), boundary)
    assert [start + step for start, rows in runs for step in range(rows)] == positions
    assert all(start >= boundary or start + rows <= boundary for start, rows in runs)


def test_frames_of_other_types_are_taken_by_pandas() -> None:
    old = pd.DataFrame({"text": pd.array(["b", "a"], dtype="str")})
    new = pd.DataFrame({"text": np.array(["c"], dtype=object)})
    taken = gathered(old, new, np.array([2, 1, 0]))
    assert taken["text"].tolist() == ["c", "a", "b"]


def test_dates_survive_as_dates() -> None:
    old = frame([("a", 1, True, dt.date(2019, 1, 2))])
    assert gathered(old, old, np.array([1, 0]))["day"].tolist() == [dt.date(2019, 1, 2)] * 2


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(ROW, max_size=30),
    chunks=st.integers(1, 5),
    picks=st.lists(st.booleans(), max_size=30),
)
def test_rows_taken_chunk_by_chunk_are_those_a_mask_selects(
    rows: list[tuple[object, ...]], chunks: int, picks: list[bool]
) -> None:
    table = frame(rows, chunks)
    mask = np.array([index < len(picks) and picks[index] for index in range(len(rows))], bool)
    pd.testing.assert_frame_equal(rows_where(table, mask), table[mask])
