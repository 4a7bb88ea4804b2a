"""Sheets are deflated in segments cut where the rows say, so a workbook that copies the
segments of unchanged rows from the previous one has the bytes of one written whole.

The frames are invented.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows import workbook, workbook_segments
from jrr.flows.workbook import write_workbook
from jrr.flows.workbook_segments import CarriedSheets, row_marks, segment_bounds
from jrr.flows.zip_segments import SegmentZipWriter, crc32_combine, deflate_segment

STAMP = "2026-01-15"


@settings(max_examples=200)
@given(first=st.binary(max_size=300), second=st.binary(max_size=300))
def test_crc32_combine_gives_the_crc_of_both_texts(first: bytes, second: bytes) -> None:
    combined = crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
    assert combined == zlib.crc32(first + second)


def test_crc32_combine_reaches_texts_of_gigabytes() -> None:
    zeros = b"\0" * (1 << 20)
    crc = zlib.crc32(zeros)
    for _ in range(3):  # 1 MiB → 8 MiB, each step the text twice
        crc = crc32_combine(crc, crc, len(zeros))
        zeros += zeros
    assert crc == zlib.crc32(zeros)


@given(parts=st.lists(st.lists(st.binary(max_size=200), max_size=4), min_size=1, max_size=4))
def test_parts_made_of_segments_read_back_as_their_texts(parts: list[list[bytes]]) -> None:
    import datetime as dt

    buffer = io.BytesIO()
    writer = SegmentZipWriter(buffer, dt.datetime(2026, 1, 15))
    for number, texts in enumerate(parts):
        writer.write_part(f"part{number}.xml", [deflate_segment(text) for text in texts])
    writer.close()
    with zipfile.ZipFile(buffer) as archive:
        assert archive.testzip() is None
        for number, texts in enumerate(parts):
            assert archive.read(f"part{number}.xml") == b"".join(texts)
            assert archive.getinfo(f"part{number}.xml").date_time == (2026, 1, 15, 0, 0, 0)


@given(
    marks=st.lists(st.booleans(), max_size=300),
    start=st.integers(0, 50),
    minimum=st.integers(1, 8),
    maximum=st.integers(8, 40),
)
def test_segments_cover_a_sheet_in_bounded_pieces(
    marks: list[bool], start: int, minimum: int, maximum: int
) -> None:
    start = min(start, len(marks))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbook_segments, "MIN_ROWS", minimum)
        patch.setattr(workbook_segments, "MAX_ROWS", maximum)
        bounds = segment_bounds(np.array(marks, bool), start, len(marks))
    if start == len(marks):
        assert bounds == []
        return
    assert [first for first, _ in bounds] == [start, *(last for _, last in bounds[:-1])]
    assert bounds[-1][1] == len(marks)
    assert all(0 < last - first <= maximum for first, last in bounds)
    for first, last in bounds[:-1]:  # each ends at a mark once long enough, or at the maximum
        assert last - first == maximum or (marks[last - 1] and last - first >= minimum)


def test_marks_depend_on_the_first_cell_only_and_are_rare() -> None:
    ids = pd.Series([f"cl-{number:016x}" for number in range(200_000)], dtype="str")
    marks = row_marks(ids, len(ids))
    assert 0.5 / workbook_segments.TARGET_ROWS < marks.mean() < 2 / workbook_segments.TARGET_ROWS
    assert (row_marks(ids.iloc[1000:2000].reset_index(drop=True), 1000) == marks[1000:2000]).all()
    as_objects = row_marks(ids.astype(object), len(ids))
    assert (as_objects == marks).all()


# Invented sheets: an id and a text per row; rows are then kept, changed, dropped or added.
_EDITS = st.lists(st.sampled_from(["keep", "keep", "keep", "change", "drop", "add"]), max_size=80)


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(0, 80), edits=_EDITS, max_rows=st.integers(5, 60))
def test_a_workbook_copying_segments_has_the_bytes_of_one_written_whole(
    rows: int, edits: list[str], max_rows: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("book")
    old = pd.DataFrame({"id": [f"r{n}" for n in range(rows)], "text": ["old"] * rows})
    new_ids, texts, sources = [], [], []
    for row in range(rows):
        edit = edits[row] if row < len(edits) else "keep"
        if edit == "add":
            new_ids.append(f"added{row}")
            texts.append("new")
            sources.append(-1)
        if edit != "drop":
            new_ids.append(f"r{row}")
            texts.append("old" if edit != "change" else "changed")
            sources.append(row if edit != "change" else -1)
    new = pd.DataFrame({"id": new_ids, "text": texts})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbook_segments, "TARGET_ROWS", 4)
        patch.setattr(workbook_segments, "MIN_ROWS", 2)
        patch.setattr(workbook_segments, "MAX_ROWS", 9)
        patch.setattr(workbook, "CHUNK_ROWS", 7)
        layout = write_workbook(folder / "old.xlsx", {"t": old}, STAMP, max_rows=max_rows)
        carried = CarriedSheets(folder / "old.xlsx", layout, {"t": np.array(sources, np.int64)})
        write_workbook(folder / "new.xlsx", {"t": new}, STAMP, max_rows=max_rows, carried=carried)
        write_workbook(folder / "whole.xlsx", {"t": new}, STAMP, max_rows=max_rows)
    assert (folder / "new.xlsx").read_bytes() == (folder / "whole.xlsx").read_bytes()


def test_a_workbook_with_one_changed_row_copies_every_other_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"cl-{number:016x}" for number in range(30_000)]
    old = pd.DataFrame({"id": ids, "value": range(30_000)})
    layout = write_workbook(tmp_path / "old.xlsx", {"claims": old}, STAMP)
    new = old.copy()
    new.loc[12_345, "value"] = -1
    sources = np.arange(30_000)
    sources[12_345] = -1
    reads: list[int] = []
    read_segment = workbook._read_segment
    monkeypatch.setattr(
        workbook, "_read_segment", lambda *args: reads.append(1) or read_segment(*args)
    )
    carried = CarriedSheets(tmp_path / "old.xlsx", layout, {"claims": sources})
    write_workbook(tmp_path / "new.xlsx", {"claims": new}, STAMP, carried=carried)
    assert len(reads) == len(layout["claims"].segments) - 1
    with zipfile.ZipFile(tmp_path / "new.xlsx") as archive:
        assert archive.testzip() is None
