"""Ids proved distinct by their hashes are distinct; a repeat is always left to pandera.

Ids are invented by hypothesis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.schemas import TABLES
from jrr.schemas.distinct import proven_distinct, without_proven_unique
from jrr.schemas.validation import validate_frame

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' `str`, what validation gives
IDS = st.lists(st.text(alphabet="ab-é\U0001f600", min_size=3, max_size=3), max_size=30)


@settings(max_examples=200, deadline=None)
@given(IDS, st.integers(1, 4))
def test_proved_exactly_when_no_id_repeats(ids: list[str], chunks: int) -> None:
    values = pd.Series(pd.array(ids, dtype=TEXT))
    split = pd.concat([values.iloc[i::chunks] for i in range(chunks)], ignore_index=True)
    one_width = len({len(text.encode()) for text in ids}) <= 1
    assert proven_distinct(split) == (one_width and len(set(ids)) == len(ids))


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["cl-1", None], dtype=TEXT),
        pd.Series(["cl-1", "cl-22"], dtype=TEXT),
        pd.Series(["cl-1", "cl-2"], dtype=object),
        pd.Series(["", ""], dtype=TEXT),
    ],
    ids=["a missing id", "ids of two lengths", "not Arrow text", "empty ids"],
)
def test_nothing_is_proved_of_other_columns(values: pd.Series) -> None:
    assert not proven_distinct(values)


def test_a_repeated_claim_id_is_still_reported_by_pandera() -> None:
    columns = TABLES["claims"].columns
    row = ["cl-0123456789abcdef", "meetings", "m-1", "city", "Moscow", "a-1", "stated", None, True]
    frame = pd.DataFrame([row, row], columns=columns).astype({"current": bool})
    schema = TABLES["claims"].schema
    assert without_proven_unique(schema, frame.astype({"claim_id": TEXT})) is schema
    _, violations = validate_frame("claims", schema, frame.astype({"claim_id": TEXT}))
    assert [(v.row, v.column) for v in violations] == [(0, "claim_id"), (1, "claim_id")]
    unique = frame.assign(claim_id=pd.Series(["cl-0123456789abcdef", "cl-0123456789abcdee"]))
    assert (
        not without_proven_unique(schema, unique.astype({"claim_id": TEXT}))
        .columns["claim_id"]
        .unique
    )
