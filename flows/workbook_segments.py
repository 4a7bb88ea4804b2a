"""Where a sheet's rows are cut into deflate segments, and which segments a release can copy.

A sheet's rows are deflated in segments (zip_segments). Where a segment ends depends only on
the rows themselves: after a row whose first cell hashes to a mark (one row in TARGET_ROWS),
once the segment holds at least MIN_ROWS rows, and at the latest after MAX_ROWS rows or at the
end of the sheet. So the same table always gives the same segments, and so the same bytes,
whether its workbook was written whole or from the previous release's: after one record
changes, every segment away from it holds the same rows as before, and its compressed bytes
are copied from the previous workbook instead of being written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

TARGET_ROWS = 4096  # rows per segment on average
MIN_ROWS = 512
MAX_ROWS = 32_768
_WINDOW = 8  # the last bytes of a first cell that decide its mark
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))  # murmur3's finaliser
# One segment of a sheet: its rows (table positions), where its bytes are in the workbook
# file, and the CRC-32 and length of its text.
SEGMENT = np.dtype(
    [
        ("start", "i8"),
        ("end", "i8"),
        ("offset", "i8"),
        ("length", "i8"),
        ("crc", "u4"),
        ("size", "i8"),
    ]
)


@dataclass(frozen=True)
class SheetLayout:
    """How a table's rows were cut into segments, and where those are in the workbook file."""

    segments: np.ndarray  # SEGMENT records
    marks: np.ndarray  # per row: whether a segment may end after it (row_marks)


@dataclass(frozen=True)
class CarriedSheets:
    """What a workbook may copy from the previous release's: that workbook's file, each
    table's SheetLayout in it, and for each row of each table the row of the previous release
    it is (-1 for a row written anew)."""

    path: Path
    layouts: dict[str, SheetLayout]
    rows: dict[str, np.ndarray]

    def reusable(self, table: str) -> dict[tuple[int, int], tuple[int, int, int, int]] | None:
        """The previous segments of `table` by their (start, end) rows, or None if none."""
        if table not in self.layouts or table not in self.rows:
            return None
        return {
            (int(s["start"]), int(s["end"])): (
                int(s["offset"]),
                int(s["length"]),
                int(s["crc"]),
                int(s["size"]),
            )
            for s in self.layouts[table].segments
        }

    def marks(self, table: str, column: pd.Series | None) -> np.ndarray | None:
        """row_marks of a table's `column`, those of previous rows taken from their layout."""
        rows, layout = self.rows.get(table), self.layouts.get(table)
        if column is None or rows is None or layout is None or len(rows) != len(column):
            return None
        kept = rows >= 0
        marks = np.zeros(len(rows), bool)
        marks[kept] = layout.marks[rows[kept]]
        new = np.flatnonzero(~kept)
        marks[new] = row_marks(column.iloc[new], len(new))
        return marks


def row_marks(column: pd.Series | None, rows: int) -> np.ndarray:
    """Per row, whether a segment may end after it: its first cell hashes to a mark."""
    if column is None or rows == 0:
        return np.zeros(rows, bool)
    marks = [_marks(chunk) for chunk in _text_chunks(column)]
    return np.concatenate(marks) if marks else np.zeros(rows, bool)


def _marks(texts: pa.Array) -> np.ndarray:
    """row_marks of one Arrow text array: a hash of each text's last bytes and length."""
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int64)[texts.offset : texts.offset + len(texts) + 1]
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    )
    data = data if len(data) else np.zeros(1, np.uint8)  # every text empty: nothing to read
    starts, ends = offsets[:-1], offsets[1:]
    hashes = np.full(len(texts), _FNV_OFFSET, np.uint64)
    for back in range(_WINDOW, 0, -1):
        at = ends - back
        inside = at >= starts
        byte = np.where(inside, data[np.where(inside, at, 0)], 0).astype(np.uint64)
        hashes = (hashes ^ byte) * _FNV_PRIME
    hashes = _mixed(hashes ^ (ends - starts).astype(np.uint64))
    return hashes % np.uint64(TARGET_ROWS) == 0


def segment_bounds(marks: np.ndarray, start: int, end: int) -> list[tuple[int, int]]:
    """The segments of the sheet holding rows start … end-1, as (first, past-last) rows."""
    bounds = []
    marked = np.flatnonzero(marks[start:end]) + start
    first = start
    for row in marked.tolist():
        while row + 1 - first > MAX_ROWS:
            bounds.append((first, first + MAX_ROWS))
            first += MAX_ROWS
        if row + 1 - first >= MIN_ROWS:
            bounds.append((first, row + 1))
            first = row + 1
    while end - first > MAX_ROWS:
        bounds.append((first, first + MAX_ROWS))
        first += MAX_ROWS
    if first < end:
        bounds.append((first, end))
    return bounds


def carried_run(rows: np.ndarray | None, first: int, last: int) -> tuple[int, int] | None:
    """The previous release's rows that rows first … last-1 are, if one unbroken run."""
    if rows is None:
        return None
    run = rows[first:last]
    if len(run) == 0 or run[0] < 0:
        return None
    if not np.array_equal(run, np.arange(run[0], run[0] + len(run))):
        return None
    return int(run[0]), int(run[0]) + len(run)


def _text_chunks(column: pd.Series) -> list[pa.Array]:
    """The column's values as Arrow text, a chunk at a time (its first cells: ids, as a rule)."""
    try:
        values = pa.array(column, from_pandas=True)
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        return [chunk.cast(pa.large_string()) for chunk in chunks if len(chunk)]
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return [pa.array([str(value) for value in column.tolist()], pa.large_string())]


def _mixed(hashes: np.ndarray) -> np.ndarray:
    """Every bit of each hash stirred into every other (FNV's low bits are weak)."""
    shift = np.uint64(33)
    hashes = (hashes ^ (hashes >> shift)) * _MIX[0]
    hashes = (hashes ^ (hashes >> shift)) * _MIX[1]
    return hashes ^ (hashes >> shift)
