"""Property: the column-wise diff finds exactly what a row-by-row comparison of plain dicts finds.

The reference below is the straightforward algorithm: every row of both versions becomes a dict
of plain values, keyed by the text of its primary key, and rows are compared field by field.
Random small tables of every kind of column (text, Int64, float, boolean, dates, mixed objects,
each with its own missing markers) are diffed both ways; records, their order, the bump and
changes.csv must come out the same. `make test` runs a fixed set of examples; set
JRR_FUZZ_EXAMPLES (e.g. 10000) for a longer, randomised run.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jrr.flows import diff_schema
from jrr.flows.diff import CHANGES_COLUMNS, Diff, RecordChange, diff_versions, value_text
from jrr.flows.diff_schema import first_field
from jrr.schemas import TABLES

EXAMPLES = int(os.environ.get("JRR_FUZZ_EXAMPLES", "0")) or None
NAN = float("nan")
DAY = dt.date(2020, 1, 1)
# Values per kind of column, and the dtype a column of that kind has.
KINDS: dict[str, tuple[str, list[Any]]] = {
    "str": ("str", ["x", "y", "", "2020-01-01", "3", None, NAN]),
    "string": ("string", ["x", "y", "", "3", None, pd.NA]),
    "Int64": ("Int64", [0, 1, 3, None, pd.NA]),
    "float": ("float64", [0.0, -0.0, 1.0, 3.0, 3.5, None, NAN]),
    "int": ("int64", [0, 1, 3]),
    "boolean": ("boolean", [True, False, None]),
    "bool": ("bool", [True, False]),
    "date32": ("date32[day][pyarrow]", [DAY, dt.date(2021, 2, 3), None]),
    "datetime": ("datetime64[ns]", [pd.Timestamp(DAY), pd.Timestamp("2020-01-01 12:00"), pd.NaT]),
    "dates": (
        "object",
        [DAY, "2020-01-01", dt.datetime(2020, 1, 1), pd.Timestamp(DAY), None, pd.NA, NAN, pd.NaT],
    ),
    "mixed": (
        "object",
        [1, 1.0, True, "1", 3, np.int64(3), np.float64(3.0), np.float32(NAN), None, NAN, pd.NA],
    ),
}
KEY_KINDS: dict[str, tuple[str, list[Any]]] = {
    "str": ("str", ["a", "b", "c", "d", "e", "é", "B", "10", "9", None]),
    "string": ("string", ["a", "b", "c", "d", "e", "10", pd.NA]),
    "Int64": ("Int64", [1, 2, 3, 10, pd.NA]),
    "mixed": ("object", ["a", "b", 1, 1.0, "1", None, NAN, pd.NA, np.int64(2)]),
}
# Keys no random row holds, which a renamed record takes.
FRESH_KEYS = {
    "str": ["r1", "r2"],
    "string": ["r1", "r2"],
    "Int64": [101, 102],
    "mixed": ["r1", 102],
}
COLUMNS = ["p", "q", "r", "s"]
ABOUT = ["record_table", "record_id"]
# (old tables, old schemas), (new tables, new schemas), renames
Versions = tuple[
    tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]]],
    tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]]],
    dict[str, dict[str, str]],
]
TABLE_KEYS = {"meetings": "meeting_id", "evidence": "evidence_id", "extra": "extra_id"}


def reference_diff(
    old_tables: dict[str, pd.DataFrame],
    old_schemas: dict[str, dict[str, Any]],
    new_tables: dict[str, pd.DataFrame],
    new_schemas: dict[str, dict[str, Any]],
    renames: dict[str, dict[str, str]] | None = None,
) -> Diff:
    """The row-dict algorithm: every row of both versions as a dict of plain values."""
    records: list[RecordChange] = []
    for table in diff_schema.ordered_tables(old_schemas, new_schemas):
        key = TABLES[table].primary_key if table in TABLES else first_field(old_schemas, table)
        old = _rows_by_key(old_tables.get(table), key)
        new = _rows_by_key(new_tables.get(table), key)
        added, removed = new.keys() - old.keys(), old.keys() - new.keys()
        renamed = {
            new_id: old_id
            for new_id, old_id in (renames or {}).get(table, {}).items()
            if new_id in added and old_id in removed
        }
        for record_id in sorted(added - renamed.keys()):
            records.append(RecordChange(table, record_id, "added", about=_about(new[record_id])))
        for record_id in sorted(removed - set(renamed.values())):
            records.append(RecordChange(table, record_id, "removed", about=_about(old[record_id])))
        for record_id, old_id in sorted(renamed.items()):
            fields = _changed_fields(old[old_id], new[record_id], skip=key)
            records.append(RecordChange(table, record_id, "renamed", fields, old_id))
        for record_id in sorted(old.keys() & new.keys()):
            fields = _changed_fields(old[record_id], new[record_id])
            if fields:
                about = _about(new[record_id])
                records.append(RecordChange(table, record_id, "changed", fields, about=about))
    return Diff.from_records(records, diff_schema.schema_changes(old_schemas, new_schemas))


def reference_changes_frame(records: list[RecordChange]) -> pd.DataFrame:
    """changes.csv built row by row."""
    rows = []
    for change in records:
        head = [change.table, change.record_id]
        if change.change != "changed":
            rows.append([*head, change.change, change.previous_id, None, None, None])
        for name, (old, new) in change.fields.items():
            rows.append([*head, "changed", None, name, value_text(old), value_text(new)])
    return pd.DataFrame(rows, columns=CHANGES_COLUMNS, dtype=str)


def _rows_by_key(frame: pd.DataFrame | None, key: str) -> dict[str, dict[str, Any]]:
    """Rows as plain dicts, keyed by primary key."""
    if frame is None:
        return {}
    return {
        str(row[key]): {column: _plain(value) for column, value in row.items()}
        for row in frame.to_dict(orient="records")
    }


def _about(row: dict[str, Any]) -> tuple[str, str] | None:
    """The record an evidence or claims row concerns, or None for a record itself."""
    if "record_table" in row and "record_id" in row:
        return (str(row["record_table"]), str(row["record_id"]))
    return None


def _changed_fields(
    old: dict[str, Any], new: dict[str, Any], skip: str | None = None
) -> dict[str, tuple[Any, Any]]:
    """Fields present in both rows whose values differ (but `skip`)."""
    return {
        name: (old[name], new[name])
        for name in old
        if name in new and name != skip and old[name] != new[name]
    }


def _plain(value: Any) -> Any:
    """A comparable plain value: null for every missing marker, dates as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


@st.composite
def versions(draw: st.DrawFn) -> Versions:
    """Old and new tables and schemas of up to three tables, and renames between them."""
    old_tables: dict[str, pd.DataFrame] = {}
    new_tables: dict[str, pd.DataFrame] = {}
    old_schemas: dict[str, dict[str, Any]] = {}
    new_schemas: dict[str, dict[str, Any]] = {}
    renames: dict[str, dict[str, str]] = {}
    for table, key in TABLE_KEYS.items():
        in_old, in_new = draw(st.booleans()), draw(st.booleans())
        if table not in TABLES:  # a table the models no longer define is keyed by its old schema
            in_old = in_old or in_new
        old, new, table_renames = draw(table_versions(table, key))
        for present, tables, schemas, frame in (
            (in_old, old_tables, old_schemas, old),
            (in_new, new_tables, new_schemas, new),
        ):
            if present:
                schemas[table] = _schema(frame, key)
                if draw(st.integers(0, 9)):  # now and then a schema without its table
                    tables[table] = frame
        renames[table] = table_renames
    return (old_tables, old_schemas), (new_tables, new_schemas), renames


@st.composite
def table_versions(
    draw: st.DrawFn, table: str, key: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """One table's old and new frames: rows kept, edited, dropped and added; and renames."""
    names = [key, *draw(st.permutations(COLUMNS))]
    if table == "evidence":
        names += ABOUT
    old_names = draw(st.lists(st.sampled_from(names[1:]), unique=True))
    new_names = draw(st.lists(st.sampled_from(names[1:]), unique=True))
    old_names, new_names = [key, *old_names], [key, *new_names]
    kinds = {name: draw(st.sampled_from(sorted(KINDS))) for name in names[1:]}
    key_kind = draw(st.sampled_from(sorted(KEY_KINDS)))
    old_kinds = {**kinds, key: key_kind}
    new_kinds = {**old_kinds}
    for name in names:  # a column's type may differ between the versions
        if draw(st.integers(0, 3)) == 0:
            new_kinds[name] = draw(st.sampled_from(sorted(KEY_KINDS if name == key else KINDS)))
    old_rows = draw(st.lists(row(names, old_kinds, key), max_size=8))
    new_rows, fresh_keys = [], list(FRESH_KEYS[key_kind])
    table_renames: dict[str, str] = {}
    for old_row in old_rows:
        fate = draw(st.sampled_from(["keep", "edit", "edit", "drop", "rename"]))
        if fate == "drop":
            continue
        new_row = dict(old_row)
        if fate != "keep":
            for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
                new_row[name] = draw(value(new_kinds[name], name == key))
        if fate == "rename" and fresh_keys:
            new_row[key] = fresh_keys.pop()
            table_renames[str(new_row[key])] = str(old_row[key])
        new_rows.append(new_row)
    new_rows += draw(st.lists(row(names, new_kinds, key), max_size=4))
    new_rows = draw(st.permutations(new_rows))
    old = _frame(old_rows, old_names, old_kinds, draw(st.booleans()))
    new = _frame(new_rows, new_names, new_kinds, draw(st.booleans()))
    pool = sorted({str(r[key]) for r in old_rows + new_rows} | {"zz"})
    table_renames |= draw(st.dictionaries(st.sampled_from(pool), st.sampled_from(pool), max_size=2))
    return old, new, table_renames


def row(names: list[str], kinds: dict[str, str], key: str) -> st.SearchStrategy[dict[str, Any]]:
    """A row's values, drawn from each column's kind."""
    return st.fixed_dictionaries({name: value(kinds[name], name == key) for name in names})


def value(kind: str, is_key: bool = False) -> st.SearchStrategy[Any]:
    """A value a column of `kind` may hold (a key column's kind is one of KEY_KINDS)."""
    return st.sampled_from((KEY_KINDS if is_key else KINDS)[kind][1])


def _frame(
    rows: list[dict[str, Any]], names: list[str], kinds: dict[str, str], shifted: bool
) -> pd.DataFrame:
    """The rows as a frame of `names`, each column of its kind's dtype."""
    key = names[0]
    columns = {}
    for name in names:
        dtype = (KEY_KINDS if name == key else KINDS)[kinds[name]][0]
        values = [_fit(r[name], kinds[name], name == key) for r in rows]
        columns[name] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(columns, columns=names)
    return frame.set_axis(frame.index * 7 + 5, axis="index") if shifted else frame


def _fit(value: Any, kind: str, is_key: bool) -> Any:
    """`value` if a column of `kind` can hold it, else that kind's first value."""
    pool = [*KEY_KINDS[kind][1], *FRESH_KEYS[kind]] if is_key else KINDS[kind][1]
    return value if any(value is item for item in pool) else pool[0]


def _schema(frame: pd.DataFrame, key: str) -> dict[str, Any]:
    """A Table Schema of the frame's columns."""
    fields = [{"name": name, "type": str(frame[name].dtype)} for name in frame.columns]
    return {"fields": fields, "primaryKey": [key]}


@settings(
    max_examples=EXAMPLES or 200,
    derandomize=EXAMPLES is None,  # `make test` runs the same examples every time
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(versions())
def test_column_wise_diff_matches_the_row_by_row_reference(pair: Versions) -> None:
    (old_tables, old_schemas), (new_tables, new_schemas), renames = pair
    expected = reference_diff(old_tables, old_schemas, new_tables, new_schemas, renames)
    found = diff_versions(old_tables, old_schemas, new_tables, new_schemas, renames)

    # repr tells 1 from 1.0 and True, a str from numpy's, and shows the order of fields.
    assert repr(found.records) == repr(expected.records)
    assert found.schema == expected.schema
    assert found.bump == expected.bump
    frame, reference = found.changes_frame(), reference_changes_frame(expected.records)
    pd.testing.assert_frame_equal(frame, reference)
    assert frame.to_csv(index=False) == reference.to_csv(index=False)


def test_a_value_edit_and_its_type_are_found_column_wise() -> None:
    old = pd.DataFrame(
        {
            "evidence_id": pd.Series(["e1", "e2", "e3"], dtype="str"),
            "record_table": pd.Series(["meetings", None, "meetings"], dtype="str"),
            "record_id": pd.Series(["m1", "m2", None], dtype="str"),
            "char_start": pd.Series([3, None, 5], dtype="Int64"),
            "when": pd.Series([DAY, None, DAY], dtype="date32[day][pyarrow]"),
        }
    )
    new = old.copy()
    new["char_start"] = pd.Series([3.0, NAN, 6.0])  # int 3 equals float 3.0, NA equals NaN
    new["when"] = pd.Series(["2020-01-01", None, "2020-01-02"], dtype="str")
    schemas = {"evidence": _schema(old, "evidence_id")}

    found = diff_versions({"evidence": old}, schemas, {"evidence": new}, schemas)

    assert found.records == [
        RecordChange(
            "evidence",
            "e3",
            "changed",
            {"char_start": (5, 6.0), "when": ("2020-01-01", "2020-01-02")},
            about=("meetings", "None"),
        )
    ]
