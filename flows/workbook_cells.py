"""The cells of a workbook's rows as XML text, a column at a time (see workbook).

Cells are written with Arrow's string kernels, giving the bytes `_cell` gives value by value
(the path of columns without a fast one). Every text cell is an inline string, never a
formula; dates are ISO text; numbers are numbers; a missing value is an empty cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Characters XML 1.0 cannot carry, and text that Excel would read as such an escape.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
# The same test in Arrow's RE2, which has no lookahead: finds the texts `_UNWRITABLE` changes.
_UNWRITABLE_RE2 = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]|_x[0-9A-Fa-f]{4}_"
_ESCAPED_BYTES = np.frombuffer(b"&<>", np.uint8)
_XML_WHITESPACE = np.frombuffer(b" \t\r\n", np.uint8)
# What xml.sax.saxutils.escape replaces, in its order (quotes are left as they are).
_ENTITIES = {"&": "&amp;", ">": "&gt;", "<": "&lt;"}
_STR = pa.large_string()  # 64-bit offsets: a chunk of long rows may pass 2 GiB
_SEPARATOR = pa.scalar("", _STR)
_EMPTY = "<c/>"  # the cell of a missing value
# Text is marked to keep its spaces only where a reader would trim them: at its start or end
# (the mark on every cell made the sheets' XML a quarter longer, and its compression slower).
_TEXT, _PRESERVED_TEXT = '<c t="inlineStr"><is><t>', '<c t="inlineStr"><is><t xml:space="preserve">'
_PADDED = re.compile(r"\A[ \t\r\n]|[ \t\r\n]\Z")
_PADDED_RE2 = r"^[ \t\r\n]|[ \t\r\n]$"
# The days since 1970 of Python's first and last dates, the span Arrow's dates may pass.
_PYTHON_DAYS = [(day - dt.date(1970, 1, 1)).days for day in (dt.date.min, dt.date.max)]
# Extension arrays whose Arrow form carries the values their cells show.
_ARROW_BACKED = (
    pd.arrays.ArrowExtensionArray,
    pd.arrays.StringArray,
    pd.arrays.IntegerArray,
    pd.arrays.FloatingArray,
    pd.arrays.BooleanArray,
)


def row_texts(frame: pd.DataFrame) -> pa.Array:
    """One `<row>` element per record of `frame`, built column by column."""
    columns = [_cells(frame.iloc[:, number]) for number in range(len(frame.columns))]
    if not columns:  # a record without columns is still a row, an empty one
        return pa.array(["<row></row>"] * len(frame), _STR)
    return _join("<row>", *columns, "</row>")


def _cells(column: pd.Series) -> pa.Array:
    """One cell element per value of `column`, written as `_cell` would write each value."""
    values = _arrow(column)
    kind = pa.null() if values is None else values.type  # null: no fast path
    if pa.types.is_boolean(kind):
        cells = pc.if_else(values, '<c t="b"><v>1</v></c>', '<c t="b"><v>0</v></c>')
    elif pa.types.is_integer(kind):
        cells = _join("<c><v>", pc.cast(values, _STR), "</v></c>")
    elif pa.types.is_floating(kind):
        cells = _float_cells(values.to_numpy(zero_copy_only=False))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        cells = _text_cells(pc.cast(values, _STR))
    elif pa.types.is_date32(kind) and _python_dates(values):
        cells = _text_cells(pc.cast(values, _STR))  # ISO 8601, as date.isoformat()
    else:  # object, categorical, timestamps, …: value by value
        return pa.array([_cell(value) for value in column], _STR)
    return pc.fill_null(pc.cast(cells, _STR), pa.scalar(_EMPTY, _STR))


def _arrow(column: pd.Series) -> pa.Array | None:
    """The column as one Arrow array (nulls for missing values), if its dtype has a fast path."""
    if isinstance(column.dtype, np.dtype):
        if column.dtype.kind not in "biuf":
            return None
        return pa.array(column.to_numpy(), from_pandas=True)
    if isinstance(column.array, _ARROW_BACKED):
        values = pa.array(column.array)
        return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return None


def _float_cells(numbers: np.ndarray) -> pa.Array:
    """Numbers in Python's spelling (`repr`), infinities as text, NaN as null."""
    spelled = pa.array([repr(number) for number in numbers.tolist()], _STR)
    finite = pa.array(np.isfinite(numbers))
    cells = pc.if_else(finite, _join("<c><v>", spelled, "</v></c>"), _text_cells(spelled))
    return pc.if_else(pa.array(np.isnan(numbers)), pa.scalar(None, _STR), cells)


def _text_cells(texts: pa.Array) -> pa.Array:
    """A string cell per text, as `_text_cell` writes it; null stays null.

    Most columns hold no character to escape and no text with spaces at its ends. A look at
    the text's bytes tells (it may see one where there is none, never the reverse), so the
    rewriting passes run only on the columns where they may change something.
    """
    data, offsets = _bytes_of(texts)
    if _may_be_unwritable(data) and _any_match(texts, _UNWRITABLE_RE2):
        texts = pa.array([_writable(text) for text in texts.to_pylist()], _STR)
    if np.isin(data, _ESCAPED_BYTES).any():
        for character, entity in _ENTITIES.items():
            texts = pc.replace_substring(texts, character, entity)
    if not _may_be_padded(data, offsets):
        return _join(_TEXT, texts, "</t></is></c>")
    return pc.if_else(
        pc.match_substring_regex(texts, _PADDED_RE2),
        _join(_PRESERVED_TEXT, texts, "</t></is></c>"),
        _join(_TEXT, texts, "</t></is></c>"),
    )


def _bytes_of(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of `texts` and where each text starts in them (and the last ends)."""
    _, offsets, data = texts.buffers()
    ends = np.frombuffer(offsets, np.int64)[texts.offset : texts.offset + len(texts) + 1]
    if data is None or len(ends) == 0:
        return np.zeros(0, np.uint8), np.zeros(len(ends), np.int64)
    return np.frombuffer(data, np.uint8)[ends[0] : ends[-1]], ends - ends[0]


def _may_be_unwritable(data: np.ndarray) -> bool:
    """Whether the bytes hold a control character, a byte that may start U+FFFE or U+FFFF,
    or `_x` (which may start an escape): the texts _UNWRITABLE_RE2 may find."""
    control = (data < 0x20) & ~np.isin(data, _XML_WHITESPACE)
    escape_start = (data[:-1] == ord("_")) & (data[1:] == ord("x"))
    return bool(control.any() or (data == 0xEF).any() or escape_start.any())


def _may_be_padded(data: np.ndarray, starts: np.ndarray) -> bool:
    """Whether a text may start or end with a space, tab, CR or LF."""
    filled = np.flatnonzero(starts[1:] > starts[:-1])
    first, last = data[starts[filled]], data[starts[filled + 1] - 1]
    return bool(np.isin(first, _XML_WHITESPACE).any() or np.isin(last, _XML_WHITESPACE).any())


def _any_match(texts: pa.Array, pattern: str) -> bool:
    """Whether any text matches the RE2 `pattern`."""
    return bool(pc.any(pc.match_substring_regex(texts, pattern)).as_py())


def _join(*parts: pa.Array | str) -> pa.Array:
    """Arrays and constant strings concatenated element-wise (null where any part is null)."""
    scalars = [pa.scalar(part, _STR) if isinstance(part, str) else part for part in parts]
    return pc.binary_join_element_wise(*scalars, _SEPARATOR)


def _python_dates(dates: pa.Array) -> bool:
    """Whether every date is within Python's years 1 to 9999 (outside them `_cell` raises)."""
    days = pc.min_max(dates.cast(pa.int32()))
    earliest, latest = days["min"].as_py(), days["max"].as_py()
    return earliest is None or (_PYTHON_DAYS[0] <= earliest and latest <= _PYTHON_DAYS[1])


def _cell(value: object) -> str:
    """One cell: empty for null, a number for a number, an inline string for anything else."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return _EMPTY
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars (numpy's booleans too)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>" if math.isfinite(value) else text_cell(str(value))
    if isinstance(value, dt.date):
        return text_cell(value.isoformat())
    return text_cell(str(value))


def text_cell(text: str) -> str:
    """A string cell holding `text` as written (never evaluated)."""
    start = _PRESERVED_TEXT if _PADDED.search(text) else _TEXT
    return f"{start}{escape(_writable(text))}</t></is></c>"


def _writable(text: str | None) -> str | None:
    """`text` with the characters XML cannot carry written as Excel's `_xHHHH_` escapes."""
    if text is None:
        return None
    return _UNWRITABLE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
