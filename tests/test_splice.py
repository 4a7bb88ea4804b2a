"""How a spliced table is checked against its model without validating every row again, and
the rules across tables where the splice can break them (see tests/test_cross_table_splice.py).

The rows are those of the golden corpus's whole build; the conflicts are invented.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from conftest import GOLDEN
from test_cross_table_splice import FOREIGN_KEYS, same_verdict, spliced

from jrr.flows import splice
from jrr.flows.ingest import read_inputs
from jrr.flows.pipeline import build_uncached
from jrr.flows.splice import in_affected
from jrr.schemas import TABLES
from jrr.schemas.cross_table_splice import Splice, broken_rules, passes_after_splice
from jrr.schemas.validation import checks_row_by_row


def checked(
    schema: pa.DataFrameSchema, kept: pd.DataFrame, new: pd.DataFrame
) -> pd.DataFrame | None:
    """What splicing makes of `kept` (no row of it rebuilt) and `new` as meetings."""
    spliced = pd.concat([kept, new], ignore_index=True)
    return splice._checked("meetings", schema, kept, np.zeros(len(kept), bool), new, spliced)


@pytest.fixture(scope="module")
def golden() -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The golden build's validated tables and its articles' texts."""
    return build_uncached(GOLDEN).tables, read_inputs(GOLDEN).texts


@pytest.fixture
def meetings(golden: tuple) -> pd.DataFrame:
    """The golden build's meetings table (validated, two rows)."""
    return golden[0]["meetings"]


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


Break = Callable[[dict[str, pd.DataFrame]], tuple[dict[str, np.ndarray], dict[str, pd.DataFrame]]]


def about(tables: dict[str, pd.DataFrame], table: str, record_id: str, **also: str) -> np.ndarray:
    """Rows of `table` that are, or are about, one record (and match `also`, column: value)."""
    frame_ = tables[table]
    column = "record_id" if table in ("evidence", "claims") else TABLES[table].primary_key
    mask = frame_[column] == record_id
    for name, value in also.items():
        mask &= frame_[name] == value
    return mask.fillna(False).to_numpy(dtype=bool)


def replaced(
    tables: dict[str, pd.DataFrame], table: str, record_id: str, **values: object
) -> tuple[dict[str, np.ndarray], dict[str, pd.DataFrame]]:
    """What to drop and add to replace a record's row by one with `values`."""
    mask = about(tables, table, record_id)
    return {table: mask}, {table: tables[table][mask].assign(**values)}


MOSCOW, G20 = "2019-01-22-moscow", "2019-06-g20-japan"
SUMMIT, FOLLOWUP = "example-2019-01-22-summit", "example-2019-02-01-followup"
JOINT = "example-joint-statement"
# Edits that break one rule each, at a row they keep but for the negative count: (the rule, the
# edit).
BREAKS: dict[str, tuple[str, Break]] = {
    "a treaty gone, its event kept": (
        "foreign keys",
        lambda t: ({n: in_affected(n, t[n], {("treaties", JOINT)}).to_numpy() for n in t}, {}),
    ),
    "a record's evidence gone, the record kept": (
        "evidence for every record",
        lambda t: ({n: about(t, n, G20) for n in ("evidence", "claims")}, {}),
    ),
    "a record gone, its evidence kept": (
        "evidence about a record",
        lambda t: ({n: about(t, n, G20) for n in ("meetings", "claims")}, {}),
    ),
    "an article shortened under its quotes": (
        "quotes in their article",
        lambda t: replaced(t, "articles", SUMMIT, n_chars=20),
    ),
    "a negative count": (
        "counts",
        lambda t: replaced(t, "figures", "meetings-25", value=-25.0),
    ),
    "an article's evidence gone, its claims kept": (
        "claims",
        lambda t: ({"evidence": about(t, "evidence", G20, article_id=FOLLOWUP)}, {}),
    ),
    "a record gone, its claims kept": (
        "claims",
        lambda t: ({n: about(t, n, MOSCOW) for n in ("meetings", "evidence")}, {}),
    ),
}


def refused(after: Splice, texts: Mapping[str, str]) -> set[str]:
    """The rules a splice breaks; asserted as whole checking finds them, and not passed."""
    assert not same_verdict(after, texts)
    assert not passes_after_splice(after, FOREIGN_KEYS, texts)
    return broken_rules(after, FOREIGN_KEYS, texts)


@pytest.mark.parametrize("name", list(BREAKS), ids=list(BREAKS))
def test_a_rule_broken_at_a_kept_row_is_found(name: str, golden: tuple) -> None:
    tables, every_text = golden
    texts = {a: text for a, text in every_text.items() if a != SUMMIT}  # its row's length counts
    assert same_verdict(spliced(tables, {}, {}), texts)
    rule, edit = BREAKS[name]
    assert refused(spliced(tables, *edit(tables)), texts) == {rule}


def test_a_changed_text_is_read_under_the_quotes_kept(golden: tuple) -> None:
    tables, texts = golden
    retold = texts | {SUMMIT: texts[SUMMIT].replace("Moscow", "Moskva")}
    assert refused(spliced(tables, {}, {}), retold) == {"quotes in their article"}
