"""Rules a Table Schema cannot express, checked on published tables: the models' row checks.

A column `X` is an EDTF date when the table also has `X_start` and `X_end`, or when its
pattern is the dataset's EDTF pattern. Its text must parse as EDTF level 0/1, `X_start`,
`X_end` and `X_precision` must be what it means, and no range may end before it starts.
A quote with offsets (`quote`, `char_start`, `char_end`) must be as long as they say.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from jrr.schemas import codes
from jrr.schemas.edtf_dates import EdtfError, parse_edtf
from jrr.schemas.validation import Violation

EDTF_PATTERN = codes.EDTF_TEXT.removeprefix("^").removesuffix("$")


def edtf_columns(schema: dict[str, Any]) -> list[str]:
    """Names of a Table Schema's EDTF date columns."""
    names = [field["name"] for field in schema["fields"]]
    return [
        field["name"]
        for field in schema["fields"]
        if {f"{field['name']}_start", f"{field['name']}_end"} <= set(names)
        or field.get("constraints", {}).get("pattern") == EDTF_PATTERN
    ]


def check_rows(table: str, frame: pd.DataFrame, schema: dict[str, Any]) -> list[Violation]:
    """Every rule of this module on one table."""
    return check_dates(table, frame, schema) + check_quote_lengths(table, frame)


def check_quote_lengths(table: str, frame: pd.DataFrame) -> list[Violation]:
    """Each quote is exactly char_end - char_start characters long."""
    if not {"quote", "char_start", "char_end"} <= set(frame.columns):
        return []
    violations = []
    columns = (frame["quote"], frame["char_start"], frame["char_end"])
    for row, (quote, start, end) in enumerate(zip(*columns, strict=True)):
        if any(_missing(value) for value in (quote, start, end)):
            continue
        try:
            length = int(end) - int(start)
        except ValueError:
            continue  # not a number: the Table Schema check reports it
        if len(str(quote)) != length:
            message = "quote length differs from char_end - char_start"
            violations.append(Violation(table, row, "quote", message))
    return violations


def check_dates(table: str, frame: pd.DataFrame, schema: dict[str, Any]) -> list[Violation]:
    """Every EDTF date parses, its derived columns agree with it, and its range is in order."""
    violations = []
    for column in edtf_columns(schema):
        if column not in frame:
            continue
        derived = {part: frame.get(f"{column}_{part}") for part in ("start", "end", "precision")}
        for row, text in enumerate(frame[column]):
            if _missing(text):
                continue
            try:
                meant = parse_edtf(str(text))
            except EdtfError as error:
                violations.append(Violation(table, row, column, str(error)))
                continue
            expected = {
                "start": meant.start.isoformat(),
                "end": meant.end.isoformat(),
                "precision": meant.precision,
            }
            for part, values in derived.items():
                if values is None or _missing(values.iloc[row]):
                    continue
                if _text(values.iloc[row]) != expected[part]:
                    message = (
                        f"{_text(values.iloc[row])!r} disagrees with {column} {text!r}, "
                        f"which means {expected[part]!r}"
                    )
                    violations.append(Violation(table, row, f"{column}_{part}", message))
            if meant.end < meant.start:
                violations.append(
                    Violation(table, row, column, "the date range ends before it starts")
                )
        violations += _order(table, column, derived["start"], derived["end"])
    return violations


def _order(
    table: str, column: str, starts: pd.Series | None, ends: pd.Series | None
) -> list[Violation]:
    """Rows whose `<column>_end` is before their `<column>_start`."""
    if starts is None or ends is None:
        return []
    return [
        Violation(table, row, f"{column}_end", "the date range ends before it starts")
        for row, (start, end) in enumerate(zip(starts, ends, strict=True))
        if not _missing(start) and not _missing(end) and _text(end) < _text(start)
    ]


def _missing(value: object) -> bool:
    """True for a null cell."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: object) -> str:
    """A cell as the text CSV shows: dates in ISO form."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
