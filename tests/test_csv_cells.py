"""The Arrow CSV writer gives the bytes pandas' `to_csv` gives, for every column type a release
holds (the frames are invented by hypothesis). Set JRR_FUZZ_EXAMPLES for a longer run."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jrr.flows import csv_cells
from jrr.flows.csv_cells import csv_chunks
from jrr.flows.files import write_csv, write_csv_with_pandas

EXAMPLES = int(os.environ.get("JRR_FUZZ_EXAMPLES", "0")) or None
# Text that needs quoting or might: separators, quotes, line ends, spaces, non-ASCII.
TEXT = st.text(alphabet=st.sampled_from(list(",\"\r\n ;'\tabcXYZ0–’é中\u00a0")), max_size=8)
DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**20), 10**20).map(float)


@st.composite
def columns(draw: st.DrawFn, rows: int) -> pd.Series:
    """One column of a type a release table holds, with missing values where it can."""
    kind = draw(st.sampled_from(["str", "int64", "Int64", "float64", "bool", "date"]))
    if kind == "str":
        return pd.Series(
            draw(st.lists(st.none() | TEXT, min_size=rows, max_size=rows)), dtype="str"
        )
    if kind == "int64":
        values = draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=rows, max_size=rows))
        return pd.Series(np.array(values, dtype="int64"))
    if kind == "Int64":
        values = draw(
            st.lists(st.none() | st.integers(-(10**9), 10**9), min_size=rows, max_size=rows)
        )
        return pd.Series(values, dtype="Int64")
    if kind == "float64":
        return pd.Series(draw(st.lists(FLOATS, min_size=rows, max_size=rows)), dtype="float64")
    if kind == "bool":
        return pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
    days = draw(st.lists(st.none() | DAYS, min_size=rows, max_size=rows))
    return pd.Series(days, dtype="date32[pyarrow]")


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of 0 to 40 rows and 1 to 5 columns."""
    rows = draw(st.integers(0, 40))
    names = draw(st.lists(TEXT.filter(bool), min_size=1, max_size=5, unique=True))
    return pd.DataFrame({name: draw(columns(rows)) for name in names})


@settings(
    max_examples=EXAMPLES or 150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frame=frames(), chunk=st.sampled_from([1, 3, 50_000]))
def test_arrow_cells_are_the_bytes_pandas_writes(
    frame: pd.DataFrame, chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_cells, "CHUNK_ROWS", chunk)
    assert csv_chunks(frame) is not None  # every column type here has the Arrow path
    write_csv(frame, tmp_path / "arrow.csv")
    write_csv_with_pandas(frame, tmp_path / "pandas.csv")
    assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_other_column_types_are_written_by_pandas(tmp_path: Path) -> None:
    frame = pd.DataFrame({"mixed": pd.Series([1, "a", None], dtype=object), "n": [1, 2, 3]})
    assert csv_chunks(frame) is None
    write_csv(frame, tmp_path / "mixed.csv")
    assert (tmp_path / "mixed.csv").read_bytes() == b"mixed,n\r\n1,1\r\na,2\r\n,3\r\n"
