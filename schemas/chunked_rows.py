"""Rows of a frame by a mask, taken chunk by chunk.

A table spliced into the last build has columns of many chunks (flows/gather.py): each run of
kept rows shares the old column's memory. Arrow's take over such a column first joins its
chunks into one, a copy of the whole column for a few rows; taking from each chunk the rows
it holds does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def rows_where(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of `frame` where `mask` holds, keeping their index, taken chunk by chunk."""
    positions = np.flatnonzero(mask)
    columns = {name: _rows_at(frame[name], positions) for name in frame.columns}
    return pd.DataFrame(columns, columns=frame.columns, index=frame.index[positions])


def _rows_at(column: pd.Series, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The values of `column` at `positions` (ascending)."""
    values = column.array
    if not isinstance(values, pd.arrays.ArrowExtensionArray):
        return column.take(positions).array
    chunks = values.__arrow_array__()
    chunks = chunks.chunks if isinstance(chunks, pa.ChunkedArray) else [chunks]
    starts = np.cumsum([0] + [len(chunk) for chunk in chunks])
    taken = []
    for number, chunk in enumerate(chunks):
        first, last = np.searchsorted(positions, starts[number : number + 2])
        if last > first:
            taken.append(chunk.take(pa.array(positions[first:last] - starts[number])))
    kind = values.__arrow_array__().type
    return pd.array(pa.chunked_array(taken, kind), dtype=values.dtype)
