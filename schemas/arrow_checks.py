"""Pattern and enum tests on whole Arrow columns, with no pandas: the core of the fast checks.

RE2 (Arrow's regex engine) and Python's `re` agree on ASCII text, and on any text when the
pattern has no `\\s`, `\\w`, `\\d` or `\\b` (RE2 reads those as ASCII only); other values are
matched with Python's `re`, one by one.

pyarrow imports pandas whenever it converts a Python value (a list, a scalar, a fill value), so
these helpers build arrays from buffers and fill nulls with Kleene logic: `jrr validate FILE`
then starts without pandas.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

import pyarrow
import pyarrow.compute as pc

_ASCII_ONLY_IN_RE2 = re.compile(r"\\[sSwWdDbB]")


def all_match(values: pyarrow.Array, pattern: str) -> bool:
    """True when every value matches `pattern` as `re.match` does (nulls match)."""
    python = re.compile(pattern)
    re2 = re2_pattern(pattern)
    matched = re2_match(values, re2) if re2 else None
    if matched is None:
        return all(value is None or python.match(value) for value in values.to_pylist())
    if not _ASCII_ONLY_IN_RE2.search(pattern):
        return is_all(true_where_null(matched))
    unicode = false_where_null(pc.invert(pc.string_is_ascii(values)))
    if not is_all(pc.or_(true_where_null(matched), unicode)):
        return False
    return all(python.match(text) for text in values.filter(unicode).to_pylist())


def all_among(values: pyarrow.Array, allowed: list[str]) -> bool:
    """True when every value is one of `allowed` (nulls pass)."""
    found = pc.is_in(values, value_set=value_set(tuple(str(value) for value in allowed)))
    return is_all(pc.or_(found, values.is_null()))


def text_array(texts: Iterable[str]) -> pyarrow.Array:
    """An Arrow string array of `texts`, built from buffers (no Python conversion, no pandas)."""
    encoded = [text.encode() for text in texts]
    offsets = array("q", [0, *accumulate(map(len, encoded))])
    buffers = [None, pyarrow.py_buffer(offsets), pyarrow.py_buffer(b"".join(encoded))]
    return pyarrow.Array.from_buffers(pyarrow.large_string(), len(encoded), buffers).cast(
        pyarrow.string()
    )


def repeated(text: str, times: int) -> pyarrow.Array:
    """An Arrow string array of `text`, `times` times."""
    return pyarrow.repeat(text_array([text])[0], times)


@lru_cache(maxsize=64)
def value_set(texts: tuple[str, ...]) -> pyarrow.Array:
    """`texts` as an Arrow array for `is_in`, built once per set."""
    return text_array(texts)


def true_where_null(mask: pyarrow.Array) -> pyarrow.Array:
    """A boolean mask with its nulls as True."""
    return pc.or_kleene(mask, mask.is_null())


def false_where_null(mask: pyarrow.Array) -> pyarrow.Array:
    """A boolean mask with its nulls as False."""
    return pc.and_kleene(mask, mask.is_valid())


def is_all(mask: pyarrow.Array) -> bool:
    """True when every value of a boolean mask without nulls is True (or it is empty)."""
    return pc.all(mask).as_py() is not False  # null for an empty mask


def re2_pattern(pattern: str) -> str | None:
    """`pattern` for RE2 with Python's meaning of its end anchor; None if it has no end anchor."""
    # Python's `\Z` is RE2's `$` (the very end); Python's `$` also matches before one final
    # newline, so RE2 must allow it.
    if pattern.endswith("\\Z"):
        return pattern[:-2] + "$"
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\n?$"
    return None


def re2_match(values: pyarrow.Array, pattern: str) -> pyarrow.Array | None:
    """Where each value matches `pattern` under RE2 (null where the value is null); None if RE2
    cannot run the pattern."""
    try:
        return pc.match_substring_regex(values, pattern=pattern)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowNotImplementedError):
        return None
