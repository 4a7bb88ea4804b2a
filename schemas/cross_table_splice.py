"""The rules across tables after a splice, looked at only where the splice can break them.

Tables that passed every rule (check_cross_table) had some rows dropped and others added. A rule
holds or fails at one row, by that row's values and by the rows it looks up: the record a key,
evidence row or claim names, a record's evidence, a quote's article, a project's parent. A kept
row passed, and what it looks up changed only if a dropped or added row holds the value it is
looked up by. So each rule is run, as written, on the added rows and on the kept rows that name
such a value, with every row those look up:

- foreign keys: the added rows, and any row naming a value dropped and not there any more;
- every record has evidence: the added records, and the records dropped evidence was about;
- evidence is about a record: the added evidence, and evidence about a record now gone;
- quotes lie in their article: the added evidence, and evidence quoting an article whose row
  was dropped or added or whose text is given (any text given may differ from the last one);
- counts are not negative: the added figures;
- claims: the added claims, and claims about a record now gone or by an article whose evidence
  for the record is gone;
- the project tree: the added projects, and the projects whose parent was dropped or added.

The kept rows to look at are found by probing a whole column with the few values changed: Arrow
hashes those few (hashing a column of millions as the set to look in takes some 20 times
longer). A record is looked for among the added rows first, its table read only for the ids not
found there; primary keys are unique (the tables passed their models), so an added row is the
record's only row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jrr.schemas import codes
from jrr.schemas.chunked_rows import rows_where
from jrr.schemas.cross_table import (
    check_claims,
    flag,
    isin,
    orphan_evidence,
    quotes_outside_text,
    records_without_evidence,
    triples,
)
from jrr.schemas.registry import TABLES, ForeignKey
from jrr.schemas.validation import (
    check_counts,
    check_project_tree,
    has_claim_tables,
    has_evidence_tables,
    has_project_tree,
    present_foreign_keys,
)

# The rules of check_cross_table, by the names broken_rules gives them.
RULES = (
    "foreign keys",
    "evidence for every record",
    "evidence about a record",
    "quotes in their article",
    "counts",
    "claims",
    "project tree",
)


@dataclass(frozen=True)
class Splice:
    """Tables made of the rows of tables that passed the rules, less `dropped`, plus `added`
    (each by table name, the same names in all three)."""

    tables: Mapping[str, pd.DataFrame]
    dropped: Mapping[str, pd.DataFrame]
    added: Mapping[str, pd.DataFrame]


def passes_after_splice(
    splice: Splice,
    foreign_keys: Mapping[str, tuple[ForeignKey, ...]],
    texts: Mapping[str, str] | None = None,
) -> bool:
    """True if check_cross_table(splice.tables, foreign_keys, texts) finds nothing."""
    return not broken_rules(splice, foreign_keys, texts)


def broken_rules(
    splice: Splice,
    foreign_keys: Mapping[str, tuple[ForeignKey, ...]],
    texts: Mapping[str, str] | None = None,
) -> set[str]:
    """The rules (of RULES) check_cross_table would find broken in the spliced tables."""
    tables = splice.tables
    broken = {"foreign keys": not _keys_hold(splice, present_foreign_keys(tables, foreign_keys))}
    if has_evidence_tables(tables):
        broken["evidence for every record"] = bool(
            records_without_evidence(_records_to_back(splice))
        )
        broken["evidence about a record"] = bool(orphan_evidence(_evidence_to_place(splice)))
        broken["quotes in their article"] = _quotes_outside(splice, texts or {})
    if "figures" in tables:
        broken["counts"] = bool(check_counts({"figures": splice.added["figures"]}))
    if has_claim_tables(tables):
        broken["claims"] = not _claims_hold(splice)
    if has_project_tree(tables):
        broken["project tree"] = not _tree_holds(splice)
    return {rule for rule, found in broken.items() if found}


def _keys_hold(splice: Splice, foreign_keys: Mapping[str, tuple[ForeignKey, ...]]) -> bool:
    """No added row names a value its key's table lacks, and no row names one that is gone."""
    for table, keys in foreign_keys.items():
        for key in keys:
            known = splice.tables[key.reference_table][key.reference_column]
            values = splice.added[table][key.column].dropna()
            if not _found(values, known).all():
                return False
            gone = _gone(splice, key.reference_table, key.reference_column)
            if _where(splice.tables[table][key.column], gone).any():
                return False
    return True


def _records_to_back(splice: Splice) -> dict[str, pd.DataFrame]:
    """The added records and those the dropped evidence was about, with their evidence."""
    dropped = splice.dropped["evidence"]
    frames, named = {}, []
    for table in codes.RECORD_TABLES:
        key = TABLES[table].primary_key
        about = dropped.loc[flag(dropped["record_table"] == table).to_numpy(), "record_id"]
        ids = _series([*splice.added[table][key], *about])
        frames[table] = _rows_named(splice, table, key, ids)
        named.extend(frames[table][key])
    frames["evidence"] = _rows_where(splice.tables["evidence"], "record_id", _series(named))
    return frames


def _evidence_to_place(splice: Splice) -> dict[str, pd.DataFrame]:
    """The added evidence and the evidence about a record now gone, with those records."""
    gone = [_gone(splice, table, TABLES[table].primary_key) for table in codes.RECORD_TABLES]
    kept = _rows_where(splice.tables["evidence"], "record_id", _series(_chained(gone)))
    evidence = pd.concat([splice.added["evidence"], kept], ignore_index=True)
    return {"evidence": evidence, **_records_of(splice, evidence, codes.RECORD_TABLES)}


def _quotes_outside(splice: Splice, texts: Mapping[str, str]) -> bool:
    """True if a quote of the added evidence, or of an article whose row or text may have
    changed, lies outside its article."""
    changed = [*splice.dropped["articles"]["article_id"], *splice.added["articles"]["article_id"]]
    quoting = _series([*changed, *texts])
    kept = _rows_where(splice.tables["evidence"], "article_id", quoting)
    evidence = pd.concat([splice.added["evidence"], kept], ignore_index=True)
    articles = _rows_named(splice, "articles", "article_id", evidence["article_id"])
    return bool(quotes_outside_text(evidence, articles, texts))


def _claims_hold(splice: Splice) -> bool:
    """The claims rule on the added claims and on those about a record now gone or no longer
    quoted by their article."""
    gone = [_gone(splice, table, TABLES[table].primary_key) for table in codes.CLAIM_TABLES]
    named = _series([*_chained(gone), *_unquoted_records(splice)])
    kept = _rows_where(splice.tables["claims"], "record_id", named)
    claims = pd.concat([splice.added["claims"], kept], ignore_index=True)
    evidence = _rows_where(splice.tables["evidence"], "record_id", claims["record_id"])
    records = _records_of(splice, claims, codes.CLAIM_TABLES)
    return not check_claims({"claims": claims, "evidence": evidence, **records})


def _unquoted_records(splice: Splice) -> list[object]:
    """The records of dropped evidence whose (record, article) no evidence row holds now."""
    dropped = splice.dropped["evidence"]
    dropped = dropped[~triples(dropped).isin(triples(splice.added["evidence"]))]
    if dropped.empty:
        return []
    now = _rows_where(splice.tables["evidence"], "record_id", dropped["record_id"])
    return list(dropped.loc[~triples(dropped).isin(triples(now)), "record_id"])


def _tree_holds(splice: Splice) -> bool:
    """The project tree at the added projects and at those whose parent was dropped or added."""
    dropped, added = splice.dropped["projects"], splice.added["projects"]
    if dropped.empty and added.empty:
        return True
    projects = splice.tables["projects"]
    changed = _series([*dropped["project_id"], *added["project_id"]])
    children = _where(projects["parent_id"], changed)
    rows = pd.concat([added, projects[children]], ignore_index=True)
    parents = _rows_where(projects, "project_id", rows["parent_id"].dropna())
    return not check_project_tree(rows, parents)


def _records_of(
    splice: Splice, about: pd.DataFrame, tables: Iterable[str]
) -> dict[str, pd.DataFrame]:
    """Per table, the rows of the records `about` names (by record_table and record_id)."""
    frames = {}
    for table in tables:
        ids = about.loc[flag(about["record_table"] == table).to_numpy(), "record_id"]
        frames[table] = _rows_named(splice, table, TABLES[table].primary_key, ids)
    return frames


def _gone(splice: Splice, table: str, column: str) -> pd.Series:
    """The values of `column` the dropped rows held and no row holds now."""
    values = splice.dropped[table][column].dropna()
    values = values[~isin(values, splice.added[table][column]).to_numpy()]
    if values.empty:
        return values
    return values[~_found(values, splice.tables[table][column]).to_numpy()]


def _rows_named(splice: Splice, table: str, column: str, values: pd.Series) -> pd.DataFrame:
    """The rows of a spliced table whose `column` is one of `values`: among the added rows, and
    among all for the values no added row holds."""
    added = _rows_where(splice.added[table], column, values)
    rest = values[~isin(values, added[column]).to_numpy()]
    if rest.empty:
        return added
    return pd.concat([added, _rows_where(splice.tables[table], column, rest)], ignore_index=True)


def _rows_where(frame: pd.DataFrame, column: str, values: pd.Series) -> pd.DataFrame:
    """The rows of `frame` whose `column` is one of `values`."""
    if values.empty:
        return frame.iloc[:0]
    return rows_where(frame, _where(frame[column], values))


def _found(values: pd.Series, column: pd.Series) -> pd.Series:
    """Per value: does `column` hold it? (`column` probed with the values, not hashed whole)"""
    return isin(values, column[_where(column, values)])


def _where(column: pd.Series, values: pd.Series) -> np.ndarray:
    """Per row of `column`: is it one of `values`? A column is not read for no values."""
    if values.empty:
        return np.zeros(len(column), dtype=bool)
    return isin(column, values).to_numpy()


def _chained(parts: Iterable[pd.Series]) -> list[object]:
    """The values of several series, one list."""
    return [value for part in parts for value in part]


def _series(values: Iterable[object]) -> pd.Series:
    """Values of any type as one Series (duplicates kept: membership is all they serve)."""
    return pd.Series(list(values), dtype=object)
