"""The rules that span tables: foreign keys, evidence for every record, claims backed by quotes.

Each rule is computed column-wise (membership tests on whole columns); Python only visits the
rows that break it, so a release of millions of rows is checked in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow
import pyarrow.compute

from jrr.schemas import codes
from jrr.schemas.registry import TABLES, ForeignKey
from jrr.schemas.violations import Violation


def check_foreign_keys(
    frames: Mapping[str, pd.DataFrame], foreign_keys: Mapping[str, tuple[ForeignKey, ...]]
) -> list[Violation]:
    """Every foreign key value must exist in the table it references."""
    violations = []
    for table, keys in foreign_keys.items():
        for key in keys:
            known = frames[key.reference_table][key.reference_column].dropna()
            values = frames[table][key.column]
            broken = values[values.notna() & ~isin(values, known)]
            for row, value in broken.items():
                message = f"{value!r} is not a {key.reference_column} in {key.reference_table}"
                violations.append(Violation(table, int(row), key.column, message))
    return violations


def check_evidence(
    frames: Mapping[str, pd.DataFrame], texts: Mapping[str, str] | None = None
) -> list[Violation]:
    """Every record has evidence; every quote lies inside its article and equals the text there."""
    return (
        records_without_evidence(frames)
        + orphan_evidence(frames)
        + quotes_outside_text(frames["evidence"], frames["articles"], texts)
    )


def records_without_evidence(frames: Mapping[str, pd.DataFrame]) -> list[Violation]:
    """Records that no evidence row backs."""
    evidence = frames["evidence"]
    violations = []
    for table in codes.RECORD_TABLES:
        key = TABLES[table].primary_key
        ids = frames[table][key]
        for row in ids.index[~isin(ids, _ids_of(evidence, table))]:
            message = "has no evidence row: quote the article that supports it"
            violations.append(Violation(table, int(row), key, message))
    return violations


def orphan_evidence(frames: Mapping[str, pd.DataFrame]) -> list[Violation]:
    """Evidence rows that back a record which does not exist."""
    evidence = frames["evidence"]
    orphans = ~_record_exists(evidence, frames, codes.RECORD_TABLES)
    violations = []
    for row, table, record_id in _rows(evidence, orphans, "record_table", "record_id"):
        message = f"backs {table} record {record_id!r}, which does not exist"
        violations.append(Violation("evidence", row, "record_id", message))
    return violations


def check_claims(frames: Mapping[str, pd.DataFrame]) -> list[Violation]:
    """Each claim is about a record that exists, by an article that quotes that record."""
    claims, evidence = frames["claims"], frames["evidence"]
    exists = _record_exists(claims, frames, codes.CLAIM_TABLES)
    about_article = flag(claims["record_table"] == "articles")
    quoted = pd.Series(triples(claims).isin(triples(evidence)), index=claims.index)
    by_itself = flag(claims["record_id"] == claims["article_id"])
    broken = ~exists | (about_article & ~by_itself) | (~about_article & ~quoted)
    violations = []
    columns = ("record_table", "record_id", "article_id")
    for row, table, record_id, article_id in _rows(claims, broken, *columns):
        if not exists[row]:
            message = f"is about {table} record {record_id!r}, which does not exist"
            violations.append(Violation("claims", row, "record_id", message))
        elif table == "articles":
            message = "an article's metadata is claimed by the article itself"
            violations.append(Violation("claims", row, "article_id", message))
        else:
            message = f"article {article_id!r} has no evidence for {table} record {record_id!r}"
            violations.append(Violation("claims", row, "article_id", message))
    return violations


def quotes_outside_text(
    evidence: pd.DataFrame, articles: pd.DataFrame, texts: Mapping[str, str] | None
) -> list[Violation]:
    """Quotes that end past their article, or differ from its text at their offsets."""
    lengths = dict(zip(articles["article_id"], articles["n_chars"], strict=True))
    texts = texts or {}
    violations = []
    rows = zip(
        evidence.index.tolist(),
        *(evidence[name].tolist() for name in ("article_id", "char_start", "char_end", "quote")),
        strict=True,
    )
    for row, article_id, start, end, quote in rows:
        if article_id in lengths and end > lengths[article_id]:
            message = f"ends past the article's {lengths[article_id]} characters"
            violations.append(Violation("evidence", int(row), "char_end", message))
        elif article_id in texts and texts[article_id][start:end] != quote:
            message = "differs from the article's text at char_start:char_end"
            violations.append(Violation("evidence", int(row), "quote", message))
    return violations


def _ids_of(frame: pd.DataFrame, table: str) -> pd.Series:
    """The record ids a frame with record_table and record_id columns gives for `table`."""
    return frame.loc[frame["record_table"] == table, "record_id"]


def _record_exists(
    frame: pd.DataFrame, frames: Mapping[str, pd.DataFrame], tables: list[str]
) -> pd.Series:
    """Per row of `frame`: does the record it names (record_table, record_id) exist?"""
    exists = pd.Series(False, index=frame.index)
    for table in tables:
        in_table = flag(frame["record_table"] == table)
        ids = frames[table][TABLES[table].primary_key]
        exists |= in_table & isin(frame["record_id"], ids)
    return exists


def isin(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """`values.isin(allowed)` as plain booleans, with Arrow's hash lookup where it can run
    (pandas 3 tests Arrow-backed text one value at a time in Python)."""
    try:
        array = pyarrow.array(values, from_pandas=True)
        value_set = pyarrow.array(allowed, from_pandas=True).cast(array.type)
        found = pyarrow.compute.is_in(array, value_set=value_set, skip_nulls=False)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, pyarrow.ArrowNotImplementedError):
        return flag(values.isin(allowed))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def flag(mask: pd.Series) -> pd.Series:
    """A mask as plain booleans, a missing comparison (null on either side) as False."""
    return mask.fillna(False).astype(bool)


def triples(frame: pd.DataFrame) -> pd.MultiIndex:
    """(record_table, record_id, article_id) of every row."""
    columns = ("record_table", "record_id", "article_id")
    return pd.MultiIndex.from_arrays([frame[name] for name in columns])


def _rows(frame: pd.DataFrame, mask: pd.Series, *columns: str) -> list[tuple]:
    """(row, values of `columns`) of the rows where `mask` holds, in row order."""
    picked = frame.loc[mask.to_numpy(dtype=bool), list(columns)]
    return list(zip(picked.index.tolist(), *(picked[c].tolist() for c in columns), strict=True))
