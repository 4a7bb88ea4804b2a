"""The claims table of a build, gathered record by record as Arrow columns.

Claims are the largest table (one row per article per field stated: ~5 million rows at
100,000 articles). Held as a Python tuple per row and a Location each, they took ~2 GiB more
than the same values in Arrow, so they are converted `BATCH_ROWS` rows at a time, and each
row's location is kept as two numbers. A value Arrow cannot hold as text (a lone surrogate,
which a YAML escape can write: a problem the build reports) keeps every row as Python values,
as the other tables are, so that the problem reads the same.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jrr.flows.claims import ClaimRow, Consolidated
from jrr.flows.problems import Location
from jrr.flows.table_order import sort_columns, sort_key_columns
from jrr.schemas import TABLES

BATCH_ROWS = 100_000
_COLUMNS = TABLES["claims"].columns
_TYPES = {name: pa.large_string() for name in _COLUMNS} | {"current": pa.bool_()}
_SCHEMA = pa.schema([(name, _TYPES[name]) for name in _COLUMNS])
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' `str`, what validation gives


class ClaimsRows:
    """Claims rows and the place each was written, appended a record at a time."""

    def __init__(self, batch_rows: int = BATCH_ROWS) -> None:
        self.batch_rows = batch_rows
        self.pending: list[ClaimRow] = []
        self.batches: list[pa.RecordBatch] = []
        self.python: list[ClaimRow] | None = None  # every row, once Arrow could not take one
        self.paths: dict[str, int] = {}
        self.path_numbers = array("q")
        self.lines = array("q")

    def extend(self, merged: Consolidated) -> None:
        """Append a record's claims rows and their locations."""
        rows = self.python if self.python is not None else self.pending
        rows.extend(merged.claims)
        for path, line in merged.claim_locations:
            self.path_numbers.append(self.paths.setdefault(path, len(self.paths)))
            self.lines.append(line)
        if len(self.pending) >= self.batch_rows:
            self._flush()

    def frame(self) -> tuple[pd.DataFrame, Sequence[Location]]:
        """The rows in published order, and the location of each (the rows are let go)."""
        self._flush()
        if self.python is not None:
            return self._python_frame()
        table = pa.Table.from_batches(self.batches, _SCHEMA)
        self.batches.clear()
        # Nulls first and ties kept in order (a stable sort), as sort_columns orders.
        keys = [(name, "ascending", "at_start") for name in sort_key_columns("claims")]
        order = pc.sort_indices(table, sort_keys=keys)
        columns = {}
        for name in _COLUMNS:  # a column at a time, each let go once taken: one copy at most
            columns[name] = _series(table.column(name).take(order))
            table = table.drop_columns([name])
        return pd.DataFrame(columns, columns=_COLUMNS), self._locations(order.to_numpy())

    def _flush(self) -> None:
        """Convert the pending rows to an Arrow batch, or keep them all as Python values."""
        if self.python is not None or not self.pending:
            return
        try:
            columns = zip(_COLUMNS, zip(*self.pending, strict=True), strict=True)
            arrays = [pa.array(values, _TYPES[name]) for name, values in columns]
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            self.python = [row for batch in self.batches for row in _tuples(batch)]
            self.python.extend(self.pending)
            self.batches.clear()
        else:
            self.batches.append(pa.RecordBatch.from_arrays(arrays, schema=_SCHEMA))
        self.pending = []

    def _python_frame(self) -> tuple[pd.DataFrame, Sequence[Location]]:
        """The rows as Python values in object columns, as _add_table makes the other tables."""
        rows = self.python or []
        length = len(rows)
        cells = dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
        self.python = []
        order = np.asarray(sort_columns("claims", cells, length) if cells else [], dtype=np.intp)
        columns = {name: _objects(cells.pop(name, ()), order, length) for name in _COLUMNS}
        return pd.DataFrame(columns, columns=_COLUMNS, dtype=object), self._locations(order)

    def _locations(self, order: np.ndarray) -> Sequence[Location]:
        """The location of each row, in `order`."""
        numbers = np.frombuffer(self.path_numbers, dtype=np.int64)[order]
        lines = np.frombuffer(self.lines, dtype=np.int64)[order]
        return ClaimLocations(list(self.paths), numbers, lines)


class ClaimLocations(Sequence[Location]):
    """The location of each claims row, made when asked (a problem names a few)."""

    def __init__(self, paths: list[str], numbers: np.ndarray, lines: np.ndarray) -> None:
        self.paths = paths
        self.numbers = numbers
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, row: int) -> Location: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[Location]: ...
    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, slice):
            return [self[number] for number in range(len(self))[row]]
        return Location(self.paths[int(self.numbers[row])], int(self.lines[row]))


def _series(values: pa.ChunkedArray) -> pd.Series:
    """A column as pandas holds it after validation: text as `str`, flags as numpy booleans."""
    if pa.types.is_large_string(values.type):
        return pd.Series(pd.array(values, dtype=_TEXT), copy=False)
    return pd.Series(values.to_numpy(), copy=False)


def _tuples(batch: pa.RecordBatch) -> list[ClaimRow]:
    """The rows of a batch as Python tuples."""
    return list(zip(*(column.to_pylist() for column in batch.columns), strict=True))


def _objects(values: Sequence[Any], order: np.ndarray, length: int) -> np.ndarray:
    """`values` as an object array, in `order`."""
    column = np.empty(length, dtype=object)
    column[:] = values
    return column[order]
