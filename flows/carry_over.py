"""Copy what the latest release already holds into the next one, instead of writing it again.

After a release, where each row of each table lies in its CSV file and which deflate segments
hold it in the workbook are kept in the project's cache (LAYOUT_PATH), with the checksums of
the files they describe. A build spliced into the build that release holds (splice) knows, for
each row of each table, the row of that release it is, or that it is new. The next release's
CSV then copies every run of unchanged rows byte for byte from the latest release's file and
formats only the new rows; its workbook copies the segments of unchanged rows (workbook); an
unchanged table's Parquet file is copied whole. The bytes are those a whole write gives.
"""

from __future__ import annotations

import os
import pickle
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from jrr.flows.csv_cells import csv_text

if TYPE_CHECKING:
    import pandas as pd

    from jrr.flows.workbook_segments import SheetLayout

LAYOUT_PATH = Path(".jrr/cache/release-layout.pickle")
_COPY_LIMIT = 1 << 30  # bytes copied by one system call at most
_READ_LIMIT = 1 << 24  # bytes held at once where the kernel cannot copy


@dataclass(frozen=True)
class ReleaseLayout:
    """Where each row of a release's tables lies in its CSV files and in its workbook."""

    version: str
    files: dict[str, str]  # name → SHA-256 of every file the layout describes
    csv_ends: dict[str, np.ndarray]  # per table: the byte offset where each row's line ends
    sheets: dict[str, SheetLayout]  # per table: its workbook segments and row marks


@dataclass(frozen=True)
class Carried:
    """What a release may copy from the latest release: its folder and layout, and for each
    row of each table the row of the latest release it is (-1 for a new row)."""

    folder: Path
    layout: ReleaseLayout
    rows: dict[str, np.ndarray]

    def unchanged(self, table: str) -> bool:
        """Whether `table` holds exactly the latest release's rows, in the same order."""
        rows, ends = self.rows.get(table), self.layout.csv_ends.get(table)
        if rows is None or ends is None or len(rows) != len(ends):
            return False
        return bool((rows == np.arange(len(rows))).all())


def carried_from(
    root: Path, folder: Path, files: list[dict[str, Any]], rows: dict[str, np.ndarray]
) -> Carried | None:
    """What the next release may copy from the latest, published in `folder` with releases.json
    entries `files`; None if no layout of exactly those files is kept."""
    layout = load_layout(root)
    if layout is None:
        return None
    published = {entry["path"]: entry["sha256"] for entry in files}
    if any(published.get(name) != digest for name, digest in layout.files.items()):
        return None
    return Carried(folder, layout, rows)


def load_layout(root: Path) -> ReleaseLayout | None:
    """The layout kept after the last release, or None (none kept, or unreadable)."""
    try:
        with (root / LAYOUT_PATH).open("rb") as stream:
            layout = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return layout if isinstance(layout, ReleaseLayout) and _current_format(layout) else None


def _current_format(layout: ReleaseLayout) -> bool:
    """Whether a kept layout has this code's form (one kept by older code may not)."""
    from jrr.flows.workbook_segments import SheetLayout

    return all(isinstance(sheet, SheetLayout) for sheet in layout.sheets.values())


def save_layout(root: Path, layout: ReleaseLayout) -> None:
    """Keep `layout` in place of any other (skipped if it cannot be written)."""
    path = root / LAYOUT_PATH
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            pickle.dump(layout, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def write_table_csv(
    frame: pd.DataFrame, path: Path, table: str, carried: Carried | None
) -> np.ndarray | None:
    """Write a table's CSV (files.write_csv's bytes), copying the rows the latest release holds;
    where each row's line ends, or None if the table has no Arrow path (written by pandas)."""
    old = _previous_csv(carried, table, frame)
    if old is None:
        return _write_whole(frame, path)
    old_path, old_ends, rows, header = old
    with path.open("wb", buffering=0) as stream:  # unbuffered: copies append to the same file
        _write_all(stream.fileno(), header)
        with old_path.open("rb") as source:
            lengths = list(_spliced_rows(frame, rows, old_ends, len(header), source, stream))
    return _ends(len(header), lengths)


def _write_whole(frame: pd.DataFrame, path: Path) -> np.ndarray | None:
    """Write a table's CSV row by row; where each row's line ends (None if written by pandas)."""
    text = csv_text(frame)
    if text is None:
        from jrr.flows.files import write_csv_with_pandas

        write_csv_with_pandas(frame, path)
        return None
    lengths = []
    with path.open("wb", buffering=0) as stream:
        _write_all(stream.fileno(), text.header)
        for data, row_lengths in text.chunks:
            _write_all(stream.fileno(), data)
            lengths.append(row_lengths)
    return _ends(len(text.header), lengths)


def copy_unchanged(carried: Carried | None, table: str, name: str, target: Path) -> bool:
    """Copy the latest release's file `name` of an unchanged `table` to `target`; True if done."""
    if carried is None or not carried.unchanged(table):
        return False
    shutil.copyfile(carried.folder / name, target)
    return True


def _previous_csv(
    carried: Carried | None, table: str, frame: pd.DataFrame
) -> tuple[Path, np.ndarray, np.ndarray, bytes] | None:
    """The latest release's CSV of `table`, its row ends, the rows it shares and the header,
    if rows can be copied from it: its header is the same, and every column's type has an
    Arrow path (decided by the type alone, so any slice of rows has it too)."""
    if carried is None or table not in carried.rows or table not in carried.layout.csv_ends:
        return None
    if any(isinstance(dtype, np.dtype) and dtype.kind == "O" for dtype in frame.dtypes):
        return None
    empty = csv_text(frame.iloc[:0])
    if empty is None:
        return None
    path = carried.folder / f"{table}.csv"
    with path.open("rb") as stream:
        if stream.read(len(empty.header)) != empty.header:  # other columns: every row is new
            return None
    return path, carried.layout.csv_ends[table], carried.rows[table], empty.header


def _spliced_rows(
    frame: pd.DataFrame,
    rows: np.ndarray,
    old_ends: np.ndarray,
    header: int,
    source: Any,
    stream: Any,
) -> Any:
    """Write the rows after the header, run by run; yield the lengths of each run's rows."""
    old_starts = np.concatenate([[header], old_ends[:-1]]).astype(np.int64)
    for first, last in _runs(rows):
        if rows[first] < 0:
            text = csv_text(frame.iloc[first:last])
            if text is None:  # cannot be: the whole frame has an Arrow path, so has any slice
                raise TypeError(f"rows {first}-{last} of a table lost their Arrow path")
            for data, lengths in text.chunks:
                _write_all(stream.fileno(), data)
                yield lengths
            continue
        old_first, old_last = int(rows[first]), int(rows[last - 1]) + 1
        start, end = int(old_starts[old_first]), int(old_ends[old_last - 1])
        _copy_range(source.fileno(), stream.fileno(), start, end - start)
        yield old_ends[old_first:old_last] - old_starts[old_first:old_last]


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of rows that are consecutive rows of the latest release, or all new."""
    if len(rows) == 0:
        return []
    new = rows < 0
    follows = np.zeros(len(rows), bool)
    follows[1:] = (new[1:] & new[:-1]) | (~new[1:] & ~new[:-1] & (rows[1:] == rows[:-1] + 1))
    starts = np.flatnonzero(~follows)
    return list(zip(starts.tolist(), [*starts[1:].tolist(), len(rows)], strict=True))


def _copy_range(source: int, target: int, offset: int, length: int) -> None:
    """Append `length` bytes of `source` from `offset` to `target`, in the kernel if it can."""
    in_kernel = hasattr(os, "copy_file_range")
    while length > 0:
        copied = 0
        if in_kernel:
            try:
                copied = os.copy_file_range(source, target, min(length, _COPY_LIMIT), offset)
            except OSError:  # a file system without it: copy through memory from here on
                in_kernel = False
        if not in_kernel:
            data = os.pread(source, min(length, _READ_LIMIT), offset)
            _write_all(target, data)
            copied = len(data)
        if copied <= 0:
            raise OSError(f"the previous release's file ends before byte {offset + length}")
        offset += copied
        length -= copied


def _write_all(target: int, data: bytes) -> None:
    """Write all of `data` to the file descriptor `target`."""
    view = memoryview(data)
    while view:
        view = view[os.write(target, view) :]


def _ends(header: int, lengths: list[np.ndarray]) -> np.ndarray:
    """Where each row's line ends, from the header's length and the rows' lengths."""
    if not lengths:
        return np.zeros(0, np.int64)
    return header + np.cumsum(np.concatenate(lengths).astype(np.int64))
