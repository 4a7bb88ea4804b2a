"""The column-wise cross-table rules report exactly what a row-by-row reading of them does.

The oracle below is the rules written one row at a time, as plainly as possible. The frames
are the committed latest release's tables, broken at random: ids changed, rows dropped, quotes
moved past their article or edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows.publish import read_index
from jrr.schemas import TABLES, codes
from jrr.schemas.cross_table import check_claims, check_evidence, check_foreign_keys
from jrr.schemas.io import read_release
from jrr.schemas.registry import ForeignKey
from jrr.schemas.violations import Violation

DATASET = ROOT / "dataset"
LATEST = DATASET / f"v{read_index(DATASET)['releases'][-1]['version']}"
TABLES_READ = read_release(LATEST)
TEXTS = {
    path.stem: path.read_text(encoding="utf-8")
    for path in (ROOT / "raw" / "articles").glob("*.txt")
}
FOREIGN_KEYS = {name: spec.foreign_keys for name, spec in TABLES.items()}


def oracle_foreign_keys(
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


def oracle_evidence(
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


def oracle_claims(frames: Mapping[str, pd.DataFrame]) -> list[Violation]:
    """Each claim is about a record that exists, by an article that quotes that record."""
    claims, evidence = frames["claims"], frames["evidence"]
    quoted = set(
        zip(evidence["record_table"], evidence["record_id"], evidence["article_id"], strict=True)
    )
    records = {
        (table, record_id)
        for table in codes.CLAIM_TABLES
        for record_id in frames[table][TABLES[table].primary_key]
    }
    violations = []
    rows = zip(claims["record_table"], claims["record_id"], claims["article_id"], strict=True)
    for row, (table, record_id, article_id) in zip(claims.index, rows, strict=True):
        if (table, record_id) not in records:
            message = f"is about {table} record {record_id!r}, which does not exist"
            violations.append(Violation("claims", int(row), "record_id", message))
        elif table == "articles":
            if record_id != article_id:
                message = "an article's metadata is claimed by the article itself"
                violations.append(Violation("claims", int(row), "article_id", message))
        elif (table, record_id, article_id) not in quoted:
            message = f"article {article_id!r} has no evidence for {table} record {record_id!r}"
            violations.append(Violation("claims", int(row), "article_id", message))
    return violations


def _quote_differs(text: str, row: Any) -> bool:
    """True when an evidence row's quote is not the text at its offsets."""
    return text[row.char_start : row.char_end] != row.quote


BREAKS = ["record_id", "article_id", "drop", "char_end", "quote", "record_table", "parent_id"]


@st.composite
def broken_release(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """The latest release's tables with one to five random breaks."""
    frames = {name: frame.copy() for name, frame in TABLES_READ.items()}
    for _ in range(draw(st.integers(1, 5))):
        table = draw(st.sampled_from(["evidence", "claims", *codes.RECORD_TABLES]))
        frame = frames[table]
        row = draw(st.integers(0, len(frame) - 1))
        kind = draw(st.sampled_from(BREAKS))
        if kind == "drop":
            frames[table] = frame.drop(index=frame.index[row]).reset_index(drop=True)
        elif kind == "char_end" and table == "evidence":
            frame.loc[row, "char_end"] = int(frame.loc[row, "char_end"]) + draw(
                st.integers(1, 10**6)
            )
        elif kind in frame.columns and kind != "char_end":
            frame.loc[row, kind] = draw(st.sampled_from(["missing-id", "articles", None]))
    return frames


@settings(max_examples=60, deadline=None, derandomize=True)
@given(frames=broken_release())
def test_column_wise_rules_match_the_row_by_row_oracle(frames: dict[str, pd.DataFrame]) -> None:
    assert check_foreign_keys(frames, FOREIGN_KEYS) == oracle_foreign_keys(frames, FOREIGN_KEYS)
    assert check_evidence(frames, TEXTS) == oracle_evidence(frames, TEXTS)
    assert check_claims(frames) == oracle_claims(frames)


def test_the_committed_release_breaks_no_rule() -> None:
    assert check_foreign_keys(TABLES_READ, FOREIGN_KEYS) == []
    assert check_evidence(TABLES_READ, TEXTS) == []
    assert check_claims(TABLES_READ) == []


@pytest.mark.parametrize("table", ["evidence", "claims"])
def test_a_record_id_nobody_has_is_reported(table: str) -> None:
    frames = {name: frame.copy() for name, frame in TABLES_READ.items()}
    frames[table].loc[0, "record_id"] = "missing-id"
    found = check_evidence(frames, TEXTS) if table == "evidence" else check_claims(frames)
    assert [(v.table, v.row, v.column) for v in found if v.row == 0 and v.table == table] == [
        (table, 0, "record_id")
    ]
