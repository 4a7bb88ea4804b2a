"""Records listed as added or removed, held in Arrow: a first release lists millions.

When a table is new or gone (a first release, or a release of another corpus), every row is
added or removed. Listing them as Python text and tuples took 19 s and 2.5 GB at its peak at
100,000 articles (6.7 million rows); here the ids are sorted and the records they concern
counted in Arrow (5.4 s and 0.8 GB), and a value becomes Python text only when read. The listing
is the one the general diff gives: ids in UTF-8 byte order (Python's order of `str`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jrr.schemas.distinct import proven_distinct

About = tuple[str, str] | None
_BATCH = 65_536  # values made Python text at a time when iterated
T = TypeVar("T")


class _ArrowListing(Sequence[T]):
    """Values held in Arrow, made Python values a run at a time when read."""

    @abstractmethod
    def _run(self, start: int, length: int) -> list[T]:
        """The values at positions start … start + length - 1 (fewer at the end)."""

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                return self._run(start, max(stop - start, 0))
            return [self[position] for position in range(start, stop, step)]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._run(position, 1)[0]

    def __iter__(self) -> Iterator[T]:
        for start in range(0, len(self), _BATCH):
            yield from self._run(start, _BATCH)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class ArrowTexts(_ArrowListing[str]):
    """Text values held in Arrow, each made `str` when read."""

    def __init__(self, values: pa.Array) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def _run(self, start: int, length: int) -> list[str]:
        return self.values.slice(start, length).to_pylist()

    def strings(self) -> pd.array:
        """The values as pandas' `str` array (no Python text made)."""
        return pd.array(self.values, dtype=str)


class Abouts(_ArrowListing[About]):
    """The record each listed evidence or claims row concerns: (table, id), held in Arrow.

    `tables` and `records` are in the table's own row order (grouped by record, as the
    tables are published); `order` gives the listed order (by the rows' ids).
    """

    def __init__(self, tables: pa.Array, records: pa.Array, order: pa.Array) -> None:
        self.tables = tables
        self.records = records
        self.order = order

    def __len__(self) -> int:
        return len(self.order)

    def _run(self, start: int, length: int) -> list[About]:
        rows = self.order.slice(start, length)
        tables = self.tables.take(rows).to_pylist()
        records = self.records.take(rows).to_pylist()
        return list(zip(tables, records, strict=True))

    def first_counts(self, count: int) -> tuple[list[tuple[tuple[str, str], int]], int]:
        """The first `count` records in (table, id) order with how many rows concern each,
        and how many records the rows concern."""
        starts = _sorted_runs(self.tables, self.records)
        if starts is None:  # rows not grouped by record: count them by hashing
            return _grouped_counts(self.tables, self.records, count)
        sizes = np.diff(np.append(starts, len(self.tables)))
        first = pa.array(starts[:count], pa.int64())
        pairs = zip(
            self.tables.take(first).to_pylist(),
            self.records.take(first).to_pylist(),
            sizes[:count].tolist(),
            strict=True,
        )
        return [((table, record), rows) for table, record, rows in pairs], len(starts)


def _sorted_runs(tables: pa.Array, records: pa.Array) -> np.ndarray | None:
    """Where each run of rows about one record starts, if the runs are in (table, id) order
    with no record in two runs; else None."""
    if len(tables) == 0:
        return np.array([], dtype=np.int64)
    differs = pc.or_(pc.not_equal(tables[1:], tables[:-1]), pc.not_equal(records[1:], records[:-1]))
    starts = np.concatenate([[0], np.flatnonzero(differs.to_numpy(zero_copy_only=False)) + 1])
    positions = pa.array(starts, pa.int64())
    run_tables, run_records = tables.take(positions), records.take(positions)
    before_tables, after_tables = run_tables[:-1], run_tables[1:]
    ascending = pc.or_(
        pc.less(before_tables, after_tables),
        pc.and_(pc.equal(before_tables, after_tables), pc.less(run_records[:-1], run_records[1:])),
    )
    return starts if len(starts) == 1 or pc.all(ascending).as_py() else None


def _grouped_counts(
    tables: pa.Array, records: pa.Array, count: int
) -> tuple[list[tuple[tuple[str, str], int]], int]:
    """Abouts.first_counts of rows in any order."""
    rows = pa.table({"table": tables, "record": records})
    grouped = rows.group_by(["table", "record"]).aggregate([([], "count_all")])
    keys = [("table", "ascending"), ("record", "ascending")]
    first = grouped.take(pc.sort_indices(grouped, sort_keys=keys)[:count])
    pairs = zip(
        first["table"].to_pylist(),
        first["record"].to_pylist(),
        first["count_all"].to_pylist(),
        strict=True,
    )
    return [((table, record), rows) for table, record, rows in pairs], grouped.num_rows


def listed_every_row(frame: pd.DataFrame, key: str) -> tuple[ArrowTexts, Sequence[About]] | None:
    """Every row's id sorted, and the record each concerns; None if the ids are not text
    held in Arrow and proved distinct (the general diff lists those)."""
    column = frame[key]
    if not proven_distinct(column):
        return None
    ids = _arrow(column)
    order = pc.sort_indices(ids)
    listed = ArrowTexts(ids.take(order))
    if "record_table" not in frame or "record_id" not in frame:
        return listed, [None] * len(listed)
    about = [frame[name] for name in ("record_table", "record_id")]
    if not all(isinstance(part.dtype, pd.StringDtype) and not part.hasnans for part in about):
        return None
    tables, records = (_arrow(part) for part in about)
    return listed, Abouts(tables, records, order)


def _arrow(column: pd.Series) -> pa.Array:
    """A text column as one Arrow array (its chunks combined)."""
    values = pa.array(column.array)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
