"""Plain values of published tables, as the diff compares them: nulls alike, dates as text.

A column is compared natively (vectorised) where its type makes equal values equal plain
values; otherwise value by value, as row dicts would hold them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Where two aligned columns hold different plain values (it may overstate, never miss)."""
    if old.dtype == new.dtype and _compares_natively(old.dtype):
        unequal = old.ne(new).fillna(True).to_numpy(dtype=bool)
        return unequal & ~(old.isna().to_numpy() & new.isna().to_numpy())
    pairs = zip(_plain_values(old), _plain_values(new), strict=True)
    return np.fromiter((before != after for before, after in pairs), dtype=bool, count=len(old))


def _compares_natively(dtype: Any) -> bool:
    """Whether values of `dtype` are equal exactly when their plain values are (null aside)."""
    if isinstance(dtype, pd.ArrowDtype):
        return any(test(dtype.pyarrow_dtype) for test in _ARROW_NATIVE)
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuf"
    return isinstance(dtype, pd.StringDtype) or str(dtype) in _MASKED_NATIVE


_ARROW_NATIVE = (pa.types.is_date32, pa.types.is_string, pa.types.is_integer, pa.types.is_floating)
_MASKED_NATIVE = {"boolean", "Float32", "Float64", "Int8", "Int16", "Int32", "Int64"}
_MASKED_NATIVE |= {f"U{name}" for name in _MASKED_NATIVE if name.startswith("Int")}


def _plain_values(column: pd.Series) -> list[Any]:
    """The column's values as `_plain` makes them from row dicts (`to_dict` boxes alike)."""
    return [_plain(value) for value in _boxed(column)]


def _boxed(column: pd.Series) -> list[Any]:
    """The column's values as row dicts hold them."""
    return next(iter(column.to_frame().to_dict(orient="list").values()))


def texts(column: pd.Series, plain: bool = False) -> list[str]:
    """`str` of each value as a row dict holds it, or of its plain value."""
    if isinstance(column.dtype, pd.StringDtype) and not column.hasnans:
        return column.to_list()
    return [str(value) for value in (_plain_values(column) if plain else _boxed(column))]


def abouts(frame: pd.DataFrame, ids: list[str]) -> list[tuple[str, str] | None]:
    """The record each evidence or claims row of `ids` concerns; None for records themselves."""
    if not ids or "record_table" not in frame or "record_id" not in frame:
        return [None] * len(ids)
    return abouts_at(frame, frame.index.get_indexer(ids))


def abouts_at(frame: pd.DataFrame, positions: np.ndarray) -> list[tuple[str, str] | None]:
    """The record each evidence or claims row at `positions` concerns; None for records."""
    if "record_table" not in frame or "record_id" not in frame:
        return [None] * len(positions)
    tables = texts(frame["record_table"].iloc[positions], True)
    records = texts(frame["record_id"].iloc[positions], True)
    return list(zip(tables, records, strict=True))


def missing_from(index: pd.Index, other: pd.Index) -> tuple[list[str], np.ndarray]:
    """The ids of `index` (text) not in `other`, sorted, and their positions in `index`.

    Found with Arrow's hash lookup and sort: a first release lists millions of ids.
    """
    ids = pa.array(index.to_numpy(dtype=object), pa.large_string())
    present = pc.is_in(ids, value_set=pa.array(other.to_numpy(dtype=object), pa.large_string()))
    positions = np.flatnonzero(~present.to_numpy(zero_copy_only=False))
    missing = ids.take(pa.array(positions, pa.int64()))
    order = pc.sort_indices(missing).to_numpy()  # UTF-8 byte order: Python's order of str
    return missing.take(pa.array(order)).to_pylist(), positions[order]


def plain_rows(frame: pd.DataFrame, ids: list[str]) -> list[dict[str, Any]]:
    """The rows of `ids` as dicts of plain values."""
    rows = frame.loc[ids].to_dict(orient="records") if ids else []
    return [{name: _plain(value) for name, value in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    """A comparable plain value: null for every missing marker, dates as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
