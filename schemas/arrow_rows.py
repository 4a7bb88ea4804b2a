"""The row rules of published tables (schemas/published_checks.py) as yes-or-no answers over
Arrow columns: each distinct EDTF text is parsed once, then compared column-wise."""

from __future__ import annotations

from typing import Any

import pyarrow
import pyarrow.compute as pc

from jrr.schemas.arrow_checks import false_where_null, repeated, text_array
from jrr.schemas.edtf_dates import EdtfError, parse_edtf, precision_before_2_0
from jrr.schemas.package_json import edtf_columns, has_range


def dates_agree(columns: dict[str, pyarrow.Array], schema: dict[str, Any]) -> bool:
    """Every EDTF date parses, runs forward, and X_start, X_end, X_precision say what it means."""
    for column in edtf_columns(schema):
        if column in columns and not _date_column_agrees(
            columns, column, has_range(schema, column)
        ):
            return False
    return True


def quotes_fit(columns: dict[str, pyarrow.Array]) -> bool:
    """Each quote is exactly char_end - char_start characters long."""
    if not {"quote", "char_start", "char_end"} <= columns.keys():
        return True
    span = pc.subtract(columns["char_end"], columns["char_start"])
    lengths = pc.utf8_length(columns["quote"]).cast(span.type)
    return not pc.any(false_where_null(pc.not_equal(lengths, span))).as_py()


def _date_column_agrees(columns: dict[str, pyarrow.Array], column: str, ranges: bool) -> bool:
    """The rules for one EDTF column and its derived columns."""
    encoded = pc.dictionary_encode(_text(columns[column]))
    meanings = _meanings(encoded.dictionary, ranges)
    if meanings is None:
        return False
    derived = {}
    for part in ("start", "end", "precision"):
        name = f"{column}_{part}"
        if name not in columns:
            continue
        derived[part] = actual = columns[name]
        expected = meanings[part].cast(actual.type).take(encoded.indices)
        if pc.any(false_where_null(pc.not_equal(actual, expected))).as_py():
            return False
    if {"start", "end"} <= derived.keys():
        return not pc.any(false_where_null(pc.less(derived["end"], derived["start"]))).as_py()
    return True


def _meanings(texts: pyarrow.Array, ranges: bool) -> dict[str, pyarrow.Array] | None:
    """First day, last day and precision of each distinct EDTF text, as ISO text; None if one
    does not parse or runs backwards.

    A plain day (`2018-11-14`) means itself, at day precision: Arrow checks those all at once,
    and only other texts (months, seasons, ranges, qualifiers) are parsed one by one.
    """
    plain = false_where_null(pc.match_substring_regex(texts, pattern=_PLAIN_DAY))
    if pc.any(plain).as_py():
        try:
            texts.filter(plain).cast(pyarrow.date32())
        except (pyarrow.ArrowInvalid, pyarrow.ArrowNotImplementedError):
            plain = pc.and_(plain, pc.invert(plain))  # a day that does not exist: parse each
    others = pc.invert(plain)
    parts: dict[str, list[str]] = {"start": [], "end": [], "precision": []}
    for text in texts.filter(others).to_pylist():
        try:
            meant = parse_edtf(text)
        except EdtfError:
            return None
        if meant.end < meant.start:
            return None
        parts["start"].append(meant.start.isoformat())
        parts["end"].append(meant.end.isoformat())
        parts["precision"].append(meant.precision if ranges else precision_before_2_0(text))
    days = repeated("day", len(texts))
    if not parts["start"]:
        return {"start": texts, "end": texts, "precision": days}
    return {
        part: pc.replace_with_mask(
            texts if part != "precision" else days, others, text_array(values)
        )
        for part, values in parts.items()
    }


# A day of a year from 1 on: EDTF has no year 0, which Arrow would read as a date.
_PLAIN_DAY = r"^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}$"


def _text(values: pyarrow.Array) -> pyarrow.Array:
    """A column as the text a CSV shows (dates in ISO form)."""
    return values if pyarrow.types.is_string(values.type) else values.cast(pyarrow.string())
