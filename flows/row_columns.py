"""A table's rows gathered column by column while a build makes them.

A row as a dict of ~16 columns takes about four times the memory of the same values held in
one list per column (a pointer per cell). A whole build of 100,000 articles makes a million
rows, so the build appends each row's values to its columns and lets the dict go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jrr.flows.table_order import sort_columns
from jrr.schemas import TABLES


class RowColumns:
    """The rows of one table, one list of values per published column."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.cells: dict[str, list[Any]] = {name: [] for name in TABLES[table].columns}

    def __len__(self) -> int:
        return len(next(iter(self.cells.values())))

    def append(self, row: dict[str, Any]) -> None:
        """Add a row (a column it lacks is null)."""
        for name, values in self.cells.items():
            values.append(row.get(name))

    def extend(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add rows, in order."""
        for row in rows:
            self.append(row)

    def column(self, name: str) -> Sequence[Any]:
        """The values of one column, in the order the rows were added."""
        return self.cells[name]

    def frame(self) -> tuple[pd.DataFrame, list[int]]:
        """The rows as a frame of Python values in published row order (nulls are None), and
        the position each row was added at; the columns are let go as the frame is made."""
        order = sort_columns(self.table, self.cells, len(self))
        taken = np.asarray(order, dtype=np.intp)
        columns = {}
        for name in list(self.cells):
            values = self.cells.pop(name)
            cells = np.empty(len(values), dtype=object)
            cells[:] = values
            del values
            columns[name] = pd.Series(cells[taken], dtype=object, copy=False)
        frame = pd.DataFrame(columns, columns=TABLES[self.table].columns)
        return frame.where(frame.notna(), None), order
