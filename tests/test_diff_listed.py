"""A table with rows on one side only is listed in Arrow exactly as the general diff lists it.

The tables are invented (ids and the records their rows concern drawn by hypothesis, the rows
in published order or not); the reference is the same diff with the Arrow listing turned off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows import diff as diff_module
from jrr.flows.changelog import render_section
from jrr.flows.diff import Diff, diff_versions
from jrr.flows.diff_listed import Abouts, ArrowTexts
from jrr.schemas.datapackage import current_table_schemas

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' `str`, what validation gives
SCHEMAS = current_table_schemas()
RECORDS = st.tuples(st.sampled_from(["meetings", "treaties"]), st.sampled_from("abcé日"))


def tables(meetings: list[int], concerns: list[tuple[str, str]]) -> dict[str, pd.DataFrame]:
    """A meetings table and a claims table of the given ids and concerned records."""
    meeting_ids = [f"m-{number:04d}" for number in meetings]
    claims = pd.DataFrame(
        {
            "claim_id": [f"cl-{number:016x}" for number in range(len(concerns), 0, -1)],
            "record_table": [table for table, _ in concerns],
            "record_id": [record for _, record in concerns],
        }
    )
    return {
        "meetings": pd.DataFrame({"meeting_id": meeting_ids}).astype(TEXT),
        "claims": claims.astype(TEXT),
    }


def both_ways(old: dict[str, Any], new: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The diff listed in Arrow, and the general diff of the same tables."""
    old_schemas = {name: SCHEMAS[name] for name in old}
    new_schemas = {name: SCHEMAS[name] for name in new}
    fast = diff_versions(old, old_schemas, new, new_schemas)
    with monkeypatch.context() as patched:
        patched.setattr(diff_module, "listed_every_row", lambda frame, key: None)
        general = diff_versions(old, old_schemas, new, new_schemas)
    return fast, general


def assert_same_listing(fast: Diff, general: Diff) -> None:
    """Same changelog, changes.csv and records."""
    section = render_section("2.0.0", "2030-01-01", fast)
    assert section == render_section("2.0.0", "2030-01-01", general)
    pd.testing.assert_frame_equal(fast.changes_frame(), general.changes_frame())
    assert repr(fast.records) == repr(general.records)
    assert fast.bump == general.bump


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 9999), unique=True, max_size=30),
    st.lists(RECORDS, max_size=40),
    st.booleans(),
    st.booleans(),
)
def test_rows_on_one_side_are_listed_as_the_general_diff_lists_them(
    meetings: list[int], concerns: list[tuple[str, str]], added: bool, published_order: bool
) -> None:
    if published_order:  # rows grouped by the record they concern, as tables are published
        concerns = sorted(concerns)
    with pytest.MonkeyPatch.context() as monkeypatch:
        made = tables(meetings, concerns)
        old, new = ({}, made) if added else (made, {})
        fast, general = both_ways(old, new, monkeypatch)
    assert_same_listing(fast, general)
    for changes in fast.tables:
        listed = changes.added if added else changes.removed
        assert isinstance(listed.ids, ArrowTexts)
        assert isinstance(listed.abouts, Abouts) == (changes.table == "claims")


def test_repeated_ids_are_left_to_the_general_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    made = tables([1, 2], [("meetings", "a")] * 3)
    made["claims"]["claim_id"] = pd.Series(["cl-1", "cl-1", "cl-2"], dtype=TEXT)
    fast, general = both_ways({}, made, monkeypatch)
    assert_same_listing(fast, general)
    [claims] = [changes for changes in fast.tables if changes.table == "claims"]
    assert not isinstance(claims.added.ids, ArrowTexts)
    assert list(claims.added.ids) == ["cl-1", "cl-2"]


def test_listings_read_as_lists() -> None:
    texts = ArrowTexts(pa.array(["a", "é", "日"]))
    assert len(texts) == 3 and texts[1] == "é" and texts[-1] == "日"
    assert texts[:2] == ["a", "é"] and texts[::2] == ["a", "日"] and texts[5:] == []
    assert texts == ["a", "é", "日"] and list(texts) == ["a", "é", "日"]
    with pytest.raises(IndexError):
        texts[3]
    abouts = Abouts(pa.array(["meetings", "treaties"]), pa.array(["m", "t"]), pa.array([1, 0]))
    assert list(abouts) == [("treaties", "t"), ("meetings", "m")] == abouts[:]
    assert abouts[-1] == ("meetings", "m") and len(abouts) == 2
