"""pandera checks of a Table Schema's pattern and enum, computed with Arrow at a million rows.

pandas 3 runs `str.match` in a Python loop for patterns that use `\\s` or `\\S` (RE2 reads them
as ASCII only) and `Series.isin` on strings in a Python loop too: seconds per million rows.
These checks give the same answers as `pa.Check.str_matches` and `pa.Check.isin` and report
failures under the same names, so messages stay as they are.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute

from jrr.schemas.arrow_checks import re2_match, re2_pattern


def pattern_check(pattern: str) -> pa.Check:
    """Values match `pattern` as `re.match` does, like pa.Check.str_matches(pattern)."""
    python = re.compile(pattern)
    re2 = re2_pattern(pattern)

    def matches(values: pd.Series) -> pd.Series:
        """True where a value matches (or is null)."""
        array = _strings(values)
        matched = re2_match(array, re2) if re2 else None
        fast = None if matched is None else _filled(matched, True).copy()
        if fast is None:
            result = [
                value is None or python.match(value) is not None for value in array.to_pylist()
            ]
            return pd.Series(result, index=values.index, dtype=bool)
        # RE2 and Python agree on ASCII text; other values are checked with Python's re.
        unicode = np.flatnonzero(~_filled(pyarrow.compute.string_is_ascii(array), True))
        texts = array.take(pyarrow.array(unicode, type=pyarrow.int64())).to_pylist()
        fast[unicode] = [python.match(text) is not None for text in texts]
        return pd.Series(fast, index=values.index)

    return pa.Check(
        matches,
        name="str_matches",
        error=f"str_matches({pattern!r})",
        statistics={"pattern": pattern},
    )


def enum_check(allowed: list[str]) -> pa.Check:
    """Values are among `allowed`, like pa.Check.isin(allowed)."""
    value_set = pyarrow.array([str(value) for value in allowed], type=pyarrow.string())

    def among(values: pd.Series) -> pd.Series:
        """True where a value is allowed (or is null)."""
        array = _strings(values)
        found = _filled(pyarrow.compute.is_in(array, value_set=value_set), False)
        return pd.Series(found | _filled(array.is_null(), False), index=values.index)

    return pa.Check(
        among, name="isin", error=f"isin({list(allowed)!r})", statistics={"allowed_values": allowed}
    )


def _strings(values: pd.Series) -> pyarrow.Array:
    """A column as an Arrow string array (other values as their text, as pandas shows them)."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    return pyarrow.array(values, from_pandas=True).cast(pyarrow.string())


def _filled(mask: pyarrow.Array, null: bool) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls as `null`."""
    return mask.fill_null(null).to_numpy(zero_copy_only=False)
