"""Validate tables against their schemas and the cross-table rules; report plain violations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from jrr.schemas import codes
from jrr.schemas.registry import TABLES, ForeignKey


@dataclass(frozen=True, order=True)
class Violation:
    """A broken rule: which table, which row (0-based; None = whole table), which column."""

    table: str
    row: int | None
    column: str
    message: str


_MESSAGES = {
    codes.SLUG: "must be a lowercase slug of letters, digits and single hyphens, e.g. abe-putin-1",
    codes.FREE_TEXT: "must not start with =, +, - or @ (a spreadsheet would run it as a formula)",
    codes.SHA256_HEX: "must be 64 lowercase hexadecimal digits",
    codes.URL: "must be an http(s) URL",
    codes.EDTF_TEXT: "must be an EDTF date such as 2018-11-14, 2019-06 or 2019-01/2019-03",
    codes.PARTIES_PATTERN: "must be ';'-joined ISO 3166-1 alpha-2 codes (or SU), e.g. JP;RU",
}
# Keyed by the pattern without anchors, so published Table Schema patterns find them too.
PATTERN_MESSAGES = {
    pattern.removeprefix("^").removesuffix("$"): message for pattern, message in _MESSAGES.items()
}


def validate_frame(
    table: str, schema: pa.DataFrameSchema, frame: pd.DataFrame
) -> tuple[pd.DataFrame, list[Violation]]:
    """Validate lazily; return the coerced frame and every violation."""
    frame = frame.reset_index(drop=True)
    try:
        return schema.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    cases = cases.drop_duplicates(subset=["check", "index", "column"])
    seen_frame_checks: set[tuple[str, object]] = set()
    violations = []
    for case in cases.itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index)
        if case.schema_context == "DataFrameSchema" and row is not None:
            if (case.check, row) in seen_frame_checks:
                continue
            seen_frame_checks.add((case.check, row))
        column = _frame_check_column(case.check) or (
            case.column if isinstance(case.column, str) else ""
        )
        violations.append(Violation(table, row, column, _message(case.check, case.failure_case)))
    return frame, sorted(violations, key=lambda v: (v.row is not None, v.row or 0, v.column))


def check_foreign_keys(
    frames: Mapping[str, pd.DataFrame], foreign_keys: Mapping[str, tuple[ForeignKey, ...]]
) -> list[Violation]:
    """Every foreign key value must exist in the table it references."""
    violations = []
    for table, keys in foreign_keys.items():
        for key in keys:
            known = set(frames[key.reference_table][key.reference_column].dropna())
            values = frames[table][key.column]
            for row, value in values.items():
                if pd.notna(value) and value not in known:
                    message = f"{value!r} is not a {key.reference_column} in {key.reference_table}"
                    violations.append(Violation(table, int(row), key.column, message))
    return violations


def check_evidence(
    frames: Mapping[str, pd.DataFrame], texts: Mapping[str, str] | None = None
) -> list[Violation]:
    """Every record has evidence; every quote lies inside its article and equals the text there."""
    evidence = frames["evidence"]
    backed = set(zip(evidence["record_table"], evidence["record_id"], strict=True))
    records = {
        (table, record_id)
        for table in codes.RECORD_TABLES
        for record_id in frames[table][TABLES[table].primary_key]
    }
    violations = []
    for table in codes.RECORD_TABLES:
        key = TABLES[table].primary_key
        for row, record_id in frames[table][key].items():
            if (table, record_id) not in backed:
                message = "has no evidence row: quote the article that supports it"
                violations.append(Violation(table, int(row), key, message))
    pairs = zip(evidence["record_table"], evidence["record_id"], strict=True)
    for row, (table, record_id) in zip(evidence.index, pairs, strict=True):
        if (table, record_id) not in records:
            message = f"backs {table} record {record_id!r}, which does not exist"
            violations.append(Violation("evidence", int(row), "record_id", message))
    lengths = dict(
        zip(frames["articles"]["article_id"], frames["articles"]["n_chars"], strict=True)
    )
    for row in evidence.itertuples():
        if row.article_id in lengths and row.char_end > lengths[row.article_id]:
            message = f"ends past the article's {lengths[row.article_id]} characters"
            violations.append(Violation("evidence", int(row.Index), "char_end", message))
        elif texts and row.article_id in texts and _quote_differs(texts[row.article_id], row):
            message = "differs from the article's text at char_start:char_end"
            violations.append(Violation("evidence", int(row.Index), "quote", message))
    return violations


def _frame_check_column(check: str) -> str | None:
    """The column a whole-row check is about (date_end for date_end_not_before_start)."""
    if check.endswith("_end_not_before_start"):
        return check.removesuffix("_not_before_start")
    if check == "quote_length_matches_offsets":
        return "quote"
    return None


def _quote_differs(text: str, row: Any) -> bool:
    """True when an evidence row's quote is not the text at its offsets."""
    return text[row.char_start : row.char_end] != row.quote


def _message(check: str, value: object) -> str:
    """A message a person can act on for one pandera failure case."""
    shown = "" if pd.isna(value) else f"{value!r} "
    if check == "not_nullable":
        return "required: missing or empty"
    if check in ("field_uniqueness", "unique"):
        return f"{shown}is used by more than one record; ids must be unique"
    if check.startswith("str_matches("):
        pattern = re.sub(r"^str_matches\('(.*)'\)$", r"\1", check).replace("\\\\", "\\")
        return shown + PATTERN_MESSAGES.get(_core(pattern), f"does not match {pattern}")
    if check.startswith("isin("):
        allowed = eval_list(check)
        listed = ", ".join(allowed) if len(allowed) <= 10 else "see the data dictionary"
        return f"{shown}is not an allowed value ({listed})"
    if check.startswith("str_length("):
        return "must not be empty"
    if check.startswith(("coerce_dtype(", "dtype(")):
        return f"{shown}has the wrong type: {check}"
    if check.endswith("_end_not_before_start"):
        return "the date range ends before it starts"
    if check == "quote_length_matches_offsets":
        return "quote length differs from char_end - char_start"
    return f"{shown}fails check {check}"


def _core(pattern: str) -> str:
    """A pattern without its anchors, however a schema wrapped it: ^(?:p)$ and ^p$ give p."""
    if pattern.startswith("^(?:") and pattern.endswith(")$"):
        return pattern[4:-2]
    return pattern.removeprefix("^").removesuffix("$")


def eval_list(check: str) -> list[str]:
    """The quoted values listed inside a check name such as isin(['a', 'b'])."""
    return re.findall(r"'([^']*)'", check)
