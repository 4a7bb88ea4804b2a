"""A table's CSV written a column at a time with Arrow's string kernels.

The bytes are those pandas' `to_csv` writes as files.write_csv calls it (Python's csv module
underneath, QUOTE_MINIMAL): a cell is quoted when it holds a comma, a double quote, CR or LF,
with its quotes doubled; null is an empty cell; whole floats lose their `.0`; booleans are
true/false; dates are ISO. A column of any other type returns None: the caller writes the
table with pandas.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jrr.flows.files import number_text

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 50_000  # rows formatted and written at a time: bounds the memory a table takes
_STR = pa.large_string()  # 64-bit offsets: a chunk of long rows may pass 2 GiB
_NEEDS_QUOTES = r'[,"\r\n]'
_EMPTY, _COMMA, _QUOTE, _QUOTE_PAIR, _CRLF = (
    pa.scalar(text, _STR) for text in ("", ",", '"', '""', "\r\n")
)


class CsvText(NamedTuple):
    """A table's CSV: the header line, then its rows as chunks of bytes, each with the byte
    length of every row in it (where each row ends, for a later release to copy rows)."""

    header: bytes
    chunks: Iterator[tuple[bytes, np.ndarray]]


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes] | None:
    """The CSV bytes of `frame` (header, then rows, CRLF), in chunks; None if a column's type
    has no Arrow path here."""
    text = csv_text(frame)
    if text is None:
        return None
    return itertools.chain([text.header], (data for data, _ in text.chunks))


def csv_text(frame: pd.DataFrame) -> CsvText | None:
    """The CSV of `frame` as CsvText; None if a column's type has no Arrow path here."""
    columns = [_cells(frame[name]) for name in frame.columns]
    if any(column is None for column in columns):
        return None
    header = (",".join(_quoted(str(name)) for name in frame.columns) + "\r\n").encode("utf-8")
    return CsvText(header, _chunks(columns, len(frame)))  # type: ignore[arg-type]


def _chunks(columns: list[pa.Array], rows: int) -> Iterator[tuple[bytes, np.ndarray]]:
    """The rows `CHUNK_ROWS` at a time, with each row's length in bytes."""
    for start in range(0, rows, CHUNK_ROWS):
        cells = [_quote(column.slice(start, CHUNK_ROWS)) for column in columns]
        if len(cells) == 1:  # an empty line would read as no row: the csv module writes ""
            cells = [pc.if_else(pc.equal(cells[0], _EMPTY), _QUOTE_PAIR, cells[0])]
        lines = pc.binary_join_element_wise(*cells, _COMMA)
        lines = pc.binary_join_element_wise(lines, _EMPTY, _CRLF)
        yield _text_bytes(lines), np.diff(_offsets(lines))


def _cells(column: pd.Series) -> pa.Array | None:
    """The text of each cell of a column (null for an empty cell), unquoted."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else None
    if kind == "b":
        values = pa.array(column.to_numpy(), type=pa.bool_())
        return pc.if_else(values, pa.scalar("true", _STR), pa.scalar("false", _STR))
    if kind == "f":
        texts = [None if value != value else number_text(value) for value in column.tolist()]
        return pa.array(texts, type=_STR)
    if kind in ("i", "u"):
        return pa.array(column.to_numpy()).cast(_STR)
    if kind is not None:
        return None
    try:
        values = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values.cast(_STR)
    if pa.types.is_date32(values.type) or pa.types.is_integer(values.type):
        return values.cast(_STR)
    return None


def _quote(cells: pa.Array) -> pa.Array:
    """Cells as CSV writes them: quoted where needed, null as empty."""
    needs = pc.fill_null(pc.match_substring_regex(cells, _NEEDS_QUOTES), False)
    if pc.any(needs).as_py():
        doubled = pc.replace_substring(cells, '"', '""')
        quoted = pc.binary_join_element_wise(_QUOTE, doubled, _QUOTE, _EMPTY)
        cells = pc.if_else(needs, quoted, cells)
    return pc.fill_null(cells, _EMPTY)


def _text_bytes(lines: pa.Array) -> bytes:
    """The concatenated text of a string array without nulls."""
    offsets = _offsets(lines)
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]].tobytes()


def _offsets(lines: pa.Array) -> np.ndarray:
    """Where each text of a large_string array starts in its data, and where the last ends."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    return offsets[lines.offset : lines.offset + len(lines) + 1]


def _quoted(text: str) -> str:
    """One cell written in Python, as the csv module writes it."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
