"""Validate tables against their schemas and the cross-table rules; report plain violations."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from jrr.schemas import codes
from jrr.schemas.cross_table import check_claims, check_evidence, check_foreign_keys
from jrr.schemas.distinct import without_proven_unique
from jrr.schemas.registry import ForeignKey
from jrr.schemas.violations import Violation

# By pattern without anchors, so that patterns read back from a datapackage.json match too.
PATTERN_MESSAGES = {
    codes.SLUG: "must be a lowercase slug of letters, digits and single hyphens, e.g. abe-putin-1",
    codes.FREE_TEXT: "must not start with =, +, - or @ (a spreadsheet would run it as a formula)",
    codes.SHA256_HEX: "must be 64 lowercase hexadecimal digits",
    codes.URL: "must be an http(s) URL",
    codes.EDTF_TEXT: "must be an EDTF date such as 2018-11-14, 2019-06 or 2019-01/2019-03",
    codes.PARTIES_PATTERN: "must be ';'-joined ISO 3166-1 alpha-2 codes (or SU), e.g. JP;RU",
    codes.FIELD_NAME: "must be a column name",
    codes.INFERRED_FIELDS: "must be ';'-joined column names",
}
PATTERN_MESSAGES = {codes.unanchored(pattern): text for pattern, text in PATTERN_MESSAGES.items()}
_CONTROL = re.compile(f"[{codes.CONTROL_CHARACTERS}]")
SHOWN_CHARACTERS = 60  # a failing value is quoted up to this many characters


# The checks of the models that look at one row at a time: pandera's column checks in use and
# each model's row rules. A table that was valid stays valid under them when rows are only
# added that pass them and removed; uniqueness (`unique=True`) is the one rule across rows.
ROW_CHECKS = frozenset(
    {
        "greater_than_or_equal_to",
        "less_than_or_equal_to",
        "isin",
        "str_length",
        "str_matches",
        "date_end_not_before_start",
        "signed_date_end_not_before_start",
        "in_force_date_end_not_before_start",
        "as_of_end_not_before_start",
        "period_end_not_before_start",
        "quote_length_matches_offsets",
        "reason_given_exactly_when_inferred",
    }
)


def checks_row_by_row(schema: pa.DataFrameSchema) -> bool:
    """True if every check of the schema is one of ROW_CHECKS, uniqueness of columns aside."""
    names = {check.name for check in schema.checks}
    names |= {check.name for column in schema.columns.values() for check in column.checks}
    return not schema.unique and schema.index is None and names <= ROW_CHECKS


def validate_frame(
    table: str, schema: pa.DataFrameSchema, frame: pd.DataFrame
) -> tuple[pd.DataFrame, list[Violation]]:
    """Validate lazily; return the coerced frame and every violation."""
    frame = frame.reset_index(drop=True)
    schema = without_proven_unique(schema, frame)
    try:
        return schema.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    cases = cases.drop_duplicates(subset=["check", "index", "column"])
    # A check that raised (e.g. `>=` on text) in a column that could not be coerced: the
    # coercion failure already names each bad value.
    checks = cases["check"].astype(str)
    uncoerced = set(cases.loc[checks.str.startswith("coerce_dtype("), "column"])
    raised = cases["failure_case"].astype(str).str.match(r"^[A-Za-z]+Error\(")
    cases = cases[~(raised & cases["index"].isna() & cases["column"].isin(uncoerced))]
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


def check_cross_table(
    frames: Mapping[str, pd.DataFrame],
    foreign_keys: Mapping[str, tuple[ForeignKey, ...]],
    texts: Mapping[str, str] | None = None,
) -> list[Violation]:
    """Every rule that spans tables; a rule needing a table the package lacks is skipped."""
    violations = check_foreign_keys(frames, present_foreign_keys(frames, foreign_keys))
    if has_evidence_tables(frames):
        violations += check_evidence(frames, texts)
    violations += check_counts(frames)
    if has_claim_tables(frames):
        violations += check_claims(frames)
    if has_project_tree(frames):
        violations += check_project_tree(frames["projects"])
    return violations


def present_foreign_keys(
    frames: Mapping[str, pd.DataFrame], foreign_keys: Mapping[str, tuple[ForeignKey, ...]]
) -> dict[str, tuple[ForeignKey, ...]]:
    """The foreign keys of the tables present that reference a table present."""
    return {
        table: tuple(key for key in table_keys if key.reference_table in frames)
        for table, table_keys in foreign_keys.items()
        if table in frames
    }


def has_evidence_tables(frames: Mapping[str, pd.DataFrame]) -> bool:
    """True if the package has the tables the evidence rules look at."""
    return {"evidence", "articles", *codes.RECORD_TABLES} <= set(frames)


def has_claim_tables(frames: Mapping[str, pd.DataFrame]) -> bool:
    """True if the package has the tables the claims rule looks at."""
    return {"claims", "evidence", *codes.CLAIM_TABLES} <= set(frames)


def has_project_tree(frames: Mapping[str, pd.DataFrame]) -> bool:
    """True if the package has projects with their kinds."""
    return "projects" in frames and "kind" in frames["projects"]


def check_project_tree(
    projects: pd.DataFrame, parents: pd.DataFrame | None = None
) -> list[Violation]:
    """Plans have no parent; an area belongs to a plan and names its area; a project does not
    hang under another project. A parent's kind is looked up in `parents` (default: `projects`)."""
    columns = ("project_id", "kind", "parent_id", "cooperation_area")
    ids, kinds, parents_of, areas = (projects[name].tolist() for name in columns)  # not rows
    lookup = projects if parents is None else parents
    kind_of = dict(zip(lookup["project_id"].tolist(), lookup["kind"].tolist(), strict=True))
    violations = []
    for index, project_id, kind, parent_id, area in zip(
        projects.index.tolist(), ids, kinds, parents_of, areas, strict=True
    ):
        parent_kind = kind_of.get(parent_id) if isinstance(parent_id, str) else None
        message = None
        if kind == "plan" and isinstance(parent_id, str):
            message = "a plan has no parent_id"
        elif kind == "area" and parent_kind != "plan":
            message = "an area's parent_id must be the plan it belongs to"
        elif kind == "project" and parent_kind == "project":
            message = "a project's parent_id must be a plan or an area, not another project"
        elif parent_id == project_id:
            message = "a record cannot be its own parent"
        if message:
            violations.append(Violation("projects", int(index), "parent_id", message))
        if kind == "area" and not isinstance(area, str):
            message = "required for an area: which of the eight areas it is"
            violations.append(Violation("projects", int(index), "cooperation_area", message))
    return violations


def check_counts(frames: Mapping[str, pd.DataFrame]) -> list[Violation]:
    """A figure that counts records (of meetings, treaties, events, projects) is not negative."""
    figures = frames.get("figures")
    if figures is None or not {"subject", "value"} <= set(figures.columns):
        return []
    violations = []
    for row, subject, value in zip(
        figures.index, figures["subject"], figures["value"], strict=True
    ):
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if subject in codes.COUNT_SUBJECTS and is_number and value < 0:
            message = f"{value:g} is negative, but it counts {subject}: a count is 0 or more"
            violations.append(Violation("figures", int(row), "value", message))
    return violations


def _frame_check_column(check: str) -> str | None:
    """The column a whole-row check is about (date_end for date_end_not_before_start)."""
    if check.endswith("_end_not_before_start"):
        return check.removesuffix("_not_before_start")
    if check == "quote_length_matches_offsets":
        return "quote"
    if check == "reason_given_exactly_when_inferred":
        return "reason"
    return None


def _message(check: str, value: object) -> str:
    """A message a person can act on for one pandera failure case."""
    shown = "" if pd.isna(value) else f"{_shown(value)} "
    if check == "not_nullable":
        return "required: missing or empty"
    if check in ("field_uniqueness", "unique"):
        return f"{shown}is used by more than one record; ids must be unique"
    if check.startswith("str_matches("):
        pattern = re.sub(r"^str_matches\('(.*)'\)$", r"\1", check).replace("\\\\", "\\")
        return shown + _pattern_message(_core_pattern(pattern), value)
    if check.startswith("isin("):
        allowed = eval_list(check)
        listed = ", ".join(allowed) if len(allowed) <= 10 else "see the data dictionary"
        return f"{shown}is not an allowed value ({listed})"
    if check.startswith("str_length("):
        return _length_message(check, value)
    if check.startswith(("greater_than_or_equal_to(", "less_than_or_equal_to(")):
        bound = check.split("(", 1)[1].rstrip(")")
        relation = "at least" if check.startswith("greater") else "at most"
        return f"{shown}must be a number {relation} {bound}"
    if check.startswith(("coerce_dtype(", "dtype(")):
        return f"{shown}has the wrong type: {check}"
    if check.endswith("_end_not_before_start"):
        return "the date range ends before it starts"
    if check == "quote_length_matches_offsets":
        return "quote length differs from char_end - char_start"
    if check == "reason_given_exactly_when_inferred":
        return "an inferred claim needs a reason, and a stated one has none"
    return f"{shown}fails check {check}"


def _core_pattern(pattern: str) -> str:
    """A check's pattern without anchors, nor the ^(?:…)\\Z wrapper of a read-back pattern."""
    core = codes.unanchored(pattern)
    wrapped = pattern.startswith("^(?:") and pattern.endswith(")\\Z")
    return core[3:-1] if wrapped and core in {f"(?:{p})" for p in PATTERN_MESSAGES} else core


def _pattern_message(pattern: str, value: object) -> str:
    """Why a value does not match a pattern: a control character, or what the pattern wants."""
    allowed = "\n\t" if pattern == codes.unanchored(codes.FREE_TEXT) else ""
    if isinstance(value, str):
        for character in value:
            if (_CONTROL.match(character) or character in "\n\t") and character not in allowed:
                return f"contains the control character U+{ord(character):04X}: remove it"
    return PATTERN_MESSAGES.get(pattern, f"does not match {pattern}")


def _length_message(check: str, value: object) -> str:
    """Why text is too short or too long; str_length(1, 300) names the bounds."""
    bounds = [int(number) for number in re.findall(r"[0-9]+", check)]
    length = len(value) if isinstance(value, str) else 0
    if length == 0 or len(bounds) < 2:
        return "must not be empty"
    return f"is {length:,} characters long; at most {bounds[-1]:,} are allowed: shorten it"


def _shown(value: object) -> str:
    """A failing value as quoted in a message, cut short if long."""
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return repr(value[:SHOWN_CHARACTERS]) + "…"
    return repr(value)


def eval_list(check: str) -> list[str]:
    """The quoted values listed inside a check name such as isin(['a', 'b'])."""
    return re.findall(r"'([^']*)'", check)
