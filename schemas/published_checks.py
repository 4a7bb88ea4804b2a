"""Rules a Table Schema cannot express, checked on published tables: the models' row checks.

A column `X` is an EDTF date when the table also has `X_start` and `X_end`, or when its
pattern is the dataset's EDTF pattern. Its text must parse as EDTF level 0/1, `X_start`,
`X_end` and `X_precision` must be what it means, and no range may end before it starts.
A quote with offsets (`quote`, `char_start`, `char_end`) must be as long as they say.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from jrr.schemas.edtf_dates import EdtfError, parse_edtf, precision_before_2_0
from jrr.schemas.package_json import edtf_columns, has_range
from jrr.schemas.violations import Violation


def check_rows(table: str, frame: pd.DataFrame, schema: dict[str, Any]) -> list[Violation]:
    """Every rule of this module on one table."""
    return check_dates(table, frame, schema) + check_quote_lengths(table, frame)


def check_quote_lengths(table: str, frame: pd.DataFrame) -> list[Violation]:
    """Each quote is exactly char_end - char_start characters long."""
    if not {"quote", "char_start", "char_end"} <= set(frame.columns):
        return []
    starts = pd.to_numeric(frame["char_start"], errors="coerce")
    ends = pd.to_numeric(frame["char_end"], errors="coerce")
    lengths = frame["quote"].astype("string").str.len()
    wrong = (lengths != ends - starts).fillna(False) & starts.notna() & ends.notna()
    message = "quote length differs from char_end - char_start"
    return [Violation(table, int(row), "quote", message) for row in np.flatnonzero(wrong)]


def check_dates(table: str, frame: pd.DataFrame, schema: dict[str, Any]) -> list[Violation]:
    """Every EDTF date parses, its derived columns agree with it, and its range is in order."""
    violations = []
    for column in edtf_columns(schema):
        if column in frame:
            violations += _check_date_column(table, frame, column, has_range(schema, column))
    return violations


def _check_date_column(
    table: str, frame: pd.DataFrame, column: str, has_range: bool = True
) -> list[Violation]:
    """The rules for one EDTF column, parsing each distinct text once."""
    texts = _iso(frame[column])
    meanings: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for text in texts.dropna().unique():
        try:
            meanings[text] = parse_edtf(text)
        except EdtfError as error:
            errors[text] = str(error)
    violations = [
        Violation(table, int(row), column, errors[texts.iloc[row]])
        for row in np.flatnonzero(texts.map(errors).notna())
    ]
    backwards = {text: meant.end < meant.start for text, meant in meanings.items()}
    violations += [
        Violation(table, int(row), column, "the date range ends before it starts")
        for row in np.flatnonzero(texts.map(backwards).fillna(False).astype(bool))
    ]
    meant_parts = {
        "start": {text: meant.start.isoformat() for text, meant in meanings.items()},
        "end": {text: meant.end.isoformat() for text, meant in meanings.items()},
        "precision": {
            text: meant.precision if has_range else precision_before_2_0(text)
            for text, meant in meanings.items()
        },
    }
    derived = {}
    for part, by_text in meant_parts.items():
        name = f"{column}_{part}"
        if name not in frame:
            continue
        derived[part] = actual = _iso(frame[name])
        expected = texts.map(by_text).astype("string")
        wrong = (actual != expected).fillna(False) & actual.notna() & expected.notna()
        for row in np.flatnonzero(wrong):
            message = (
                f"{actual.iloc[row]!r} disagrees with {column} {texts.iloc[row]!r}, "
                f"which means {expected.iloc[row]!r}"
            )
            violations.append(Violation(table, int(row), name, message))
    if {"start", "end"} <= derived.keys():
        backwards_days = (derived["end"] < derived["start"]).fillna(False).astype(bool)
        violations += [
            Violation(table, int(row), f"{column}_end", "the date range ends before it starts")
            for row in np.flatnonzero(backwards_days)
        ]
    return violations


def _iso(series: pd.Series) -> pd.Series:
    """A column as the text CSV shows (dates in ISO form), null where the cell is empty."""
    array = pyarrow.array(series, from_pandas=True)  # no copy for Arrow-backed columns
    if pyarrow.types.is_null(array.type):
        array = array.cast(pyarrow.string())
    text = pyarrow.compute.cast(array, pyarrow.string())
    return pd.Series(pd.arrays.ArrowExtensionArray(text), index=series.index)
