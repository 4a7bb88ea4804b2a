"""The Arrow checks of patterns and enums agree with pandera's own, value by value."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from jrr.schemas import codes
from jrr.schemas.fast_checks import enum_check, pattern_check

VALUES = [
    "abe-putin-1",
    "Abe",
    "abe\n",
    "abe\n\n",
    "-x",
    "=SUM(A1)",
    "Japan–Russia talks",
    "\u3000leading ideographic space",
    "https://example.org/a",
    "https://example.org/a\u00a0b",
    "https://example.org/a b",
    "JP;RU",
    "JP;SU;XX",
    "2019-01/2019-03",
    "",
    None,
]


def _failures(check: pa.Check, values: list[str | None]) -> list[int]:
    """Rows of `values` that fail `check`, as pandera reports them."""
    schema = pa.DataFrameSchema({"v": pa.Column(str, checks=[check], nullable=True)}, coerce=True)
    try:
        schema.validate(pd.DataFrame({"v": values}), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return sorted(errors.failure_cases["index"].astype(int).tolist())
    return []


@pytest.mark.parametrize(
    "pattern",
    [
        codes.SLUG,
        codes.FREE_TEXT,
        codes.URL,
        codes.PARTIES_PATTERN,
        codes.EDTF_TEXT,
        codes.SHA256_HEX,
        r"^(?:[a-z]+)$",
    ],
)
def test_pattern_check_agrees_with_str_matches(pattern: str) -> None:
    expected = _failures(pa.Check.str_matches(pattern), VALUES)
    assert _failures(pattern_check(pattern), VALUES) == expected


def test_enum_check_agrees_with_isin() -> None:
    allowed = ["held", "planned", "NA"]
    values = ["held", "NA", "Held", "", None, "planned ", "planned"]
    assert _failures(enum_check(allowed), values) == _failures(pa.Check.isin(allowed), values)
    assert _failures(enum_check(allowed), values) == [2, 3, 5]


def test_failures_keep_the_names_messages_are_written_for() -> None:
    schema = pa.DataFrameSchema({"v": pa.Column(str, checks=[enum_check(["a"])])})
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        schema.validate(pd.DataFrame({"v": ["b"]}), lazy=True)
    assert raised.value.failure_cases["check"].tolist() == ["isin(['a'])"]
