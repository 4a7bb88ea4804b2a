"""The published row order of every table, so output never depends on file order."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jrr.schemas import TABLES

# Event tables are read in time order; evidence and claims grouped by the record they concern.
_EVENT_TABLES = {"meetings", "treaty_events"}
_LAST_DAY = dt.date.max  # rows whose date did not parse (already reported) go last


def sort_rows(table: str, rows: list[dict[str, Any]]) -> list[int]:
    """Indices of `rows` in published order."""
    cells = {name: [row.get(name) for row in rows] for name in sort_key_columns(table)}
    return sort_columns(table, cells, len(rows))


def sort_columns(table: str, cells: Mapping[str, Sequence[Any]], length: int) -> list[int]:
    """Indices of `length` rows given column by column (`cells`), in published order."""
    names = sort_key_columns(table)
    if table in _EVENT_TABLES:
        start, end, key = (cells[name] for name in names)
        columns = [
            [value or _LAST_DAY for value in start],
            [value or _LAST_DAY for value in end],
            [str(value) for value in key],
        ]
    else:
        columns = [list(cells[name]) for name in names]
    ranks = [_ranks(values) for values in columns]
    if any(rank is None for rank in ranks):  # values of several types: compare them in Python
        keys = list(zip(*(_sortable(values) for values in columns), strict=True))
        return sorted(range(length), key=keys.__getitem__)
    return np.lexsort([rank for rank in reversed(ranks) if rank is not None]).tolist()


def _ranks(values: list[Any]) -> np.ndarray | None:
    """Each value's rank among the column's distinct values, nulls first (-1).

    None when the values are of more than one type, which only Python's comparison orders.
    """
    if len({type(value) for value in values if value is not None}) > 1:
        return None
    codes, _ = pd.factorize(np.array(values, dtype=object), sort=True)
    return codes


def _sortable(values: list[Any]) -> list[tuple[int, Any]]:
    """Values of one column comparable with each other, nulls first."""
    return [(0, "") if value is None else (1, value) for value in values]


def sort_key_columns(table: str) -> list[str]:
    """The columns a table's rows are ordered by, first to last."""
    key = TABLES[table].primary_key
    if table in _EVENT_TABLES:
        return ["date_start", "date_end", key]
    if table == "evidence":
        return ["record_table", "record_id", "article_id", "char_start", "char_end"]
    if table == "claims":
        return ["record_table", "record_id", "field", "article_id"]
    return [key]


def merged_order(
    table: str, kept: pd.DataFrame, added: pd.DataFrame, kept_rows: np.ndarray | None = None
) -> np.ndarray | None:
    """Row positions of `kept` (in published order) and `added` (in published order, after
    them), merged in published order; None if a row of each has the same sort key.

    With `kept_rows`, the kept rows are those rows of `kept` (in that order), read in place.
    """
    old_keys = _SortKeys(table, kept, kept_rows)
    new_keys = _SortKeys(table, added)
    positions = []
    for row in range(len(added)):
        key = new_keys[row]
        position = bisect.bisect_left(old_keys, key)
        if position < len(old_keys) and old_keys[position] == key:
            return None
        positions.append(position)
    count = len(old_keys)
    return np.insert(np.arange(count), positions, count + np.arange(len(added)))


class _SortKeys(Sequence[tuple[Any, ...]]):
    """The sort key of each row of a typed frame, computed when asked (as sort_rows orders)."""

    def __init__(self, table: str, frame: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        self.events = table in _EVENT_TABLES
        self.columns = [frame[name].array for name in sort_key_columns(table)]
        self.rows = rows
        self.length = len(frame) if rows is None else len(rows)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, row: Any) -> tuple[Any, ...]:
        if self.rows is not None:
            row = int(self.rows[row])
        values = [_plain(column[row]) for column in self.columns]
        if self.events:
            start, end, key = values
            return (1, start or _LAST_DAY), (1, end or _LAST_DAY), (1, str(key))
        return tuple(_sortable(values))


def _plain(value: Any) -> Any:
    """A cell as the build wrote it: a missing value as None."""
    return None if value is None or value is pd.NA or value != value else value
