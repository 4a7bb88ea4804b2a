"""How a spliced table is checked against its model without validating every row again.

The rows are those of the golden corpus's whole build; the conflicts are invented.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from jrr.flows import splice
from jrr.flows.pipeline import build_uncached
from jrr.schemas import TABLES
from jrr.schemas.validation import checks_row_by_row


def checked(
    schema: pa.DataFrameSchema, kept: pd.DataFrame, new: pd.DataFrame
) -> pd.DataFrame | None:
    """What splicing makes of `kept` (no row of it rebuilt) and `new` as meetings."""
    spliced = pd.concat([kept, new], ignore_index=True)
    return splice._checked("meetings", schema, kept, np.zeros(len(kept), bool), new, spliced)


@pytest.fixture(scope="module")
def meetings() -> pd.DataFrame:
    """The golden build's meetings table (validated, two rows)."""
    root = Path(__file__).parent / "fixtures" / "golden"
    return build_uncached(root).tables["meetings"]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_check_of_every_model_is_known_to_look_at_one_row(table: str) -> None:
    schema = TABLES[table].schema
    assert checks_row_by_row(schema), (
        f"{table} has a check schemas/validation.py does not know: if it looks at one row at a "
        "time, add its name to ROW_CHECKS there; otherwise spliced tables are validated whole"
    )


def test_a_new_row_repeating_a_kept_id_fails(meetings: pd.DataFrame) -> None:
    schema = TABLES["meetings"].schema
    kept, new = meetings.iloc[1:], meetings.iloc[:1].copy()
    assert checked(schema, kept, new) is not None
    new["meeting_id"] = kept["meeting_id"].iloc[0]
    assert checked(schema, kept, new) is None


def test_a_model_with_a_check_across_rows_is_validated_whole(meetings: pd.DataFrame) -> None:
    across_rows = pa.Check(lambda frame: len(frame) < 2, name="fewer_than_two_rows")
    schema = copy.deepcopy(TABLES["meetings"].schema)
    schema.checks = [*schema.checks, across_rows]
    kept, new = meetings.iloc[1:2], meetings.iloc[:1]
    assert not checks_row_by_row(schema)
    assert checked(schema, kept, new) is None


def test_a_column_whose_type_changed_in_splicing_is_validated_and_typed_whole(
    meetings: pd.DataFrame,
) -> None:
    schema = TABLES["meetings"].schema
    kept, new = meetings.iloc[1:], meetings.iloc[:1].astype(object)
    assert not splice._same_columns(pd.concat([kept, new], ignore_index=True), kept)
    typed = checked(schema, kept, new)
    assert typed is not None and splice._same_columns(typed, kept)
