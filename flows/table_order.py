"""The published row order of every table, so output never depends on file order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from jrr.schemas import TABLES

# Event tables are read in time order; evidence and claims grouped by the record they concern.
_EVENT_TABLES = {"meetings", "treaty_events"}
_LAST_DAY = dt.date.max  # rows whose date did not parse (already reported) go last


def sort_rows(table: str, rows: list[dict[str, Any]]) -> list[int]:
    """Indices of `rows` in published order."""
    key = TABLES[table].primary_key
    if table in _EVENT_TABLES:
        columns = [
            [row.get("date_start") or _LAST_DAY for row in rows],
            [row.get("date_end") or _LAST_DAY for row in rows],
            [str(row.get(key)) for row in rows],
        ]
    else:
        if table == "evidence":
            names = ["record_table", "record_id", "article_id", "char_start", "char_end"]
        elif table == "claims":
            names = ["record_table", "record_id", "field", "article_id"]
        else:
            names = [key]
        columns = [[row.get(name) for row in rows] for name in names]
    ranks = [_ranks(values) for values in columns]
    if any(rank is None for rank in ranks):  # values of several types: compare them in Python
        keys = list(zip(*(_sortable(values) for values in columns), strict=True))
        return sorted(range(len(rows)), key=keys.__getitem__)
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
