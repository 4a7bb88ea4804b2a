"""One Excel workbook per release: every table as a sheet, for spreadsheet users.

Excel opens a UTF-8 CSV without a byte-order mark in the legacy code page and garbles `–`
and `’`; adding a BOM would break RFC 4180 readers. The .xlsx (Office Open XML, written here
directly, which is ~40 times faster than openpyxl's writer) carries the same cells with their
characters intact. Every text cell is an inline string, never a formula, so a verbatim quote
starting with `=`, `+`, `-` or `@` shows as text. Dates are ISO text (Excel's dates cannot
reach before 1900); numbers are numbers. A table longer than a sheet's row limit continues on
sheets `<table> 2`, `<table> 3`, … Every zip entry and the workbook's created/modified
properties carry the release date, so the same release gives the same bytes.

Cells are written a column at a time (workbook_cells), `CHUNK_ROWS` records at a time. Each
sheet is deflated in segments (workbook_segments): those the previous release's workbook holds
are copied from it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from jrr.flows.workbook_cells import row_texts, text_cell
from jrr.flows.workbook_parts import (
    MAIN,
    content_types,
    core_properties,
    package_rels,
    styles,
    workbook_part,
    workbook_rels,
)
from jrr.flows.workbook_segments import (
    SEGMENT,
    CarriedSheets,
    SheetLayout,
    carried_run,
    row_marks,
    segment_bounds,
)
from jrr.flows.zip_segments import Segment, SegmentZipWriter, deflate_segment

MAX_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows per sheet, less the header
CHUNK_ROWS = 10_000  # records formatted and written at a time: bounds the memory a sheet takes


def write_workbook(
    path: Path,
    tables: dict[str, pd.DataFrame],
    date: str,
    max_rows: int = MAX_DATA_ROWS,
    carried: CarriedSheets | None = None,
) -> dict[str, SheetLayout]:
    """Write every table as sheets of an .xlsx at `path`, stamped with the release `date`.

    Segments of rows the previous release's workbook already holds (`carried`) are copied
    from it. Returns each table's SheetLayout, for the next release to copy from.
    """
    stamp = dt.datetime.fromisoformat(date)
    sheets = [
        (name if part == 1 else f"{name} {part}", name, start, min(start + max_rows, len(frame)))
        for name, frame in tables.items()
        for part, start in enumerate(range(0, max(len(frame), 1), max_rows), 1)
    ]
    layout: dict[str, list[tuple[int, int, int, int, int, int]]] = {name: [] for name in tables}
    with path.open("wb") as file, _opened(carried) as previous:
        writer = SegmentZipWriter(file, stamp)
        parts = [
            ("[Content_Types].xml", content_types(len(sheets))),
            ("_rels/.rels", package_rels()),
            ("docProps/core.xml", core_properties(stamp)),
            ("xl/workbook.xml", workbook_part([title for title, *_ in sheets])),
            ("xl/_rels/workbook.xml.rels", workbook_rels(len(sheets))),
            ("xl/styles.xml", styles()),
        ]
        for name, text in parts:
            writer.write_part(name, [deflate_segment(text.encode("utf-8"))])
        marks = {name: _marks(frame, name, carried) for name, frame in tables.items()}
        for number, (_, name, start, end) in enumerate(sheets, 1):
            frame, bounds = tables[name], segment_bounds(marks[name], start, end)
            copies = _copies(carried, name, bounds, previous)
            segments = _sheet(frame, bounds, copies)
            placed = writer.write_part(f"xl/worksheets/sheet{number}.xml", segments)
            for (first, last), (offset, segment) in zip(bounds, placed[1:-1], strict=True):
                layout[name].append(
                    (first, last, offset, len(segment.data), segment.crc, segment.size)
                )
        writer.close()
    return {
        name: SheetLayout(np.array(records, SEGMENT), marks[name])
        for name, records in layout.items()
    }


@contextmanager
def _opened(carried: CarriedSheets | None) -> Iterator[int | None]:
    """The previous workbook's file descriptor, open while the new one is written."""
    if carried is None:
        yield None
        return
    descriptor = os.open(carried.path, os.O_RDONLY)
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def _marks(frame: pd.DataFrame, table: str, carried: CarriedSheets | None) -> np.ndarray:
    """Per row, whether a segment may end after it: decided by its first cell (its id, as a
    rule), and for the rows of the previous release taken from its layout."""
    column = frame.iloc[:, 0] if len(frame.columns) else None
    known = None if carried is None else carried.marks(table, column)
    return row_marks(column, len(frame)) if known is None else known


def _copies(
    carried: CarriedSheets | None, table: str, bounds: list[tuple[int, int]], previous: int | None
) -> dict[int, Callable[[], Segment]]:
    """Per segment (by its index in `bounds`) that the previous workbook holds: a reader of it."""
    reusable = None if carried is None else carried.reusable(table)
    if not reusable or previous is None:
        return {}
    copies = {}
    for index, (first, last) in enumerate(bounds):
        run = carried_run(carried.rows[table], first, last)  # type: ignore[union-attr]
        if run is not None and run in reusable:
            offset, length, crc, size = reusable[run]
            copies[index] = functools.partial(_read_segment, previous, offset, length, crc, size)
    return copies


def _read_segment(descriptor: int, offset: int, length: int, crc: int, size: int) -> Segment:
    """A segment of the previous workbook, read from its file."""
    data = os.pread(descriptor, length, offset)
    if len(data) != length:
        raise OSError(f"the previous workbook ends before byte {offset + length}")
    return Segment(data, crc, size)


def _sheet(
    frame: pd.DataFrame, bounds: list[tuple[int, int]], copies: dict[int, Callable[[], Segment]]
) -> Iterator[Segment]:
    """A worksheet's segments: the header row, then the rows' segments, then the end.

    Rows are formatted `CHUNK_ROWS` or so at a time on this thread while the last ones are
    deflated on a helper thread (deflate releases the GIL); copied segments are read in turn.
    """
    yield deflate_segment(_sheet_start(frame).encode("utf-8"))
    with ThreadPoolExecutor(max_workers=1) as deflater:
        pending: Callable[[], list[Segment]] | None = None
        for group in _groups(bounds, copies):
            if group[0] in copies:
                job: Callable[[], list[Segment]] = functools.partial(_copied, copies, group)
            else:
                texts = _segment_texts(frame, [bounds[index] for index in group])
                future = deflater.submit(lambda texts=texts: [deflate_segment(t) for t in texts])
                job = future.result
            if pending is not None:
                yield from pending()
            pending = job
        if pending is not None:
            yield from pending()
    yield deflate_segment(b"</sheetData></worksheet>")


def _sheet_start(frame: pd.DataFrame) -> str:
    """A worksheet's text up to its first record: the frozen header row."""
    header = "".join(text_cell(str(column)) for column in frame.columns)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
        f"<row>{header}</row>"
    )


def _groups(bounds: list[tuple[int, int]], copies: dict[int, object]) -> Iterator[list[int]]:
    """The segments in turn, as groups: one copied segment, or new ones of ~CHUNK_ROWS rows."""
    group: list[int] = []
    for index, (_, last) in enumerate(bounds):
        if index in copies:
            if group:
                yield group
                group = []
            yield [index]
            continue
        group.append(index)
        if last - bounds[group[0]][0] >= CHUNK_ROWS:
            yield group
            group = []
    if group:
        yield group


def _copied(copies: dict[int, Callable[[], Segment]], group: list[int]) -> list[Segment]:
    """The copied segments of a group, read now."""
    return [copies[index]() for index in group]


def _segment_texts(frame: pd.DataFrame, bounds: list[tuple[int, int]]) -> list[memoryview]:
    """The text of each of these consecutive segments, formatted in one go."""
    first = bounds[0][0]
    rows = row_texts(frame.iloc[first : bounds[-1][1]])
    _, offsets, data = rows.buffers()
    ends = np.frombuffer(offsets, np.int64)[rows.offset : rows.offset + len(rows) + 1]
    text = memoryview(data)
    return [text[ends[start - first] : ends[end - first]] for start, end in bounds]
