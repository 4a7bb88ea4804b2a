"""Patterns match whole values, in the models and in published Table Schemas read back."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from conftest import ROOT

from jrr.flows.validate_release import validate_release
from jrr.schemas import TABLES
from jrr.schemas.datapackage import current_table_schemas, pandera_schema
from jrr.schemas.validation import validate_frame

DATASET = ROOT / "dataset"


def _pattern_checks() -> list[tuple[str, str, str]]:
    """(table, column, pattern) of every pattern check of every model."""
    return [
        (table, name, check.statistics["pattern"])
        for table, spec in TABLES.items()
        for name, column in spec.schema.columns.items()
        for check in column.checks
        if check.name == "str_matches"
    ]


@pytest.mark.parametrize(("table", "column", "pattern"), _pattern_checks())
def test_every_model_pattern_is_anchored_at_both_ends(
    table: str, column: str, pattern: str
) -> None:
    assert pattern.startswith("^") and pattern.endswith("\\Z"), (table, column, pattern)


def _row(table: str, **values: object) -> pd.DataFrame:
    """One valid row of a table (from the golden expected data), with some values replaced."""
    frame = pd.read_csv(
        ROOT / "tests/fixtures/golden/expected" / f"{table}.csv",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    ).head(1)
    for name, value in values.items():
        frame[name] = pd.Series([value], dtype=object)
    return frame


def _v1_schema(table: str) -> dict:
    """The Table Schema of `table` as published in v1.0.0, before patterns ended in \\Z."""
    datapackage = json.loads((DATASET / "v1.0.0" / "datapackage.json").read_text("utf-8"))
    return next(r["schema"] for r in datapackage["resources"] if r["name"] == table)


@pytest.mark.parametrize("how", ["model", "published schema", "v1.0.0 schema"])
def test_a_trailing_newline_fails_every_way_a_table_is_checked(how: str) -> None:
    schema = {
        "model": TABLES["meetings"].schema,
        "published schema": pandera_schema("meetings", current_table_schemas()["meetings"]),
        "v1.0.0 schema": pandera_schema("meetings", _v1_schema("meetings")),
    }[how]
    frame = _row("meetings", meeting_id="2019-01-22-moscow\n")
    frame = frame[list(schema.columns)]  # v1.0.0 had fewer columns than the model has now
    _, violations = validate_frame("meetings", schema, frame)
    message = "'2019-01-22-moscow\\n' contains the control character U+000A: remove it"
    assert [(v.column, v.message) for v in violations] == [("meeting_id", message)]


def test_a_release_published_with_unanchored_patterns_still_validates() -> None:
    releases = json.loads((DATASET / "releases.json").read_text(encoding="utf-8"))["releases"]
    first = releases[0]
    datapackage = json.loads((DATASET / "v1.0.0" / "datapackage.json").read_text("utf-8"))
    patterns = [
        field["constraints"]["pattern"]
        for resource in datapackage["resources"]
        for field in resource["schema"]["fields"]
        if "pattern" in field.get("constraints", {})
    ]
    assert patterns and not any(p.startswith("^") or p.endswith(("$", "\\Z")) for p in patterns)
    assert validate_release(DATASET / "v1.0.0", first["files"], ROOT) == []


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 2.0**60])
def test_figure_values_are_finite_in_the_model_and_the_published_schema(value: float) -> None:
    published = pandera_schema("figures", current_table_schemas()["figures"])
    for schema in (TABLES["figures"].schema, published):
        frame = _row("figures", value=value)
        frame["value"] = frame["value"].astype(float)
        _, violations = validate_frame("figures", schema, frame)
        assert [v.column for v in violations] == ["value"], violations


def test_published_text_fields_state_their_length_limit() -> None:
    fields = {f["name"]: f for f in current_table_schemas()["meetings"]["fields"]}
    assert fields["city"]["constraints"]["maxLength"] == 300
    assert fields["summary"]["constraints"]["maxLength"] == 2000
    assert fields["meeting_id"]["constraints"]["pattern"] == "[a-z0-9]+(-[a-z0-9]+)*"
