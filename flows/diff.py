"""Stage 5, diff: what changed between two versions, and the semver bump that calls for."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jrr.flows.diff_listed import ArrowTexts, listed_every_row
from jrr.flows.diff_schema import SchemaChange, first_field, ordered_tables, schema_changes
from jrr.flows.diff_values import abouts, abouts_at, differs, missing_from, plain_rows, texts
from jrr.schemas import TABLES

BUMPS = ["patch", "minor", "major"]
CHANGES_COLUMNS = [
    "table",
    "record_id",
    "change",
    "previous_id",
    "field",
    "old_value",
    "new_value",
]


@dataclass(frozen=True)
class RecordChange:
    """A record added, removed, changed or renamed; `fields` maps changed fields to (old, new).

    A renamed record's `previous_id` is its id in the old version.
    """

    table: str
    record_id: str
    change: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    previous_id: str | None = None
    about: tuple[str, str] | None = None  # for evidence and claims: the record they concern


@dataclass(frozen=True)
class Listed:
    """Records of one table added or removed: their ids in order and, for evidence and
    claims, the record each row concerns (column-wise: a first release lists every row)."""

    ids: Sequence[str] = field(default_factory=list)
    abouts: Sequence[tuple[str, str] | None] = field(default_factory=list)


@dataclass(frozen=True)
class TableChanges:
    """One table's records added, removed, renamed and changed, each kind by id."""

    table: str
    added: Listed = field(default_factory=Listed)
    removed: Listed = field(default_factory=Listed)
    renamed: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)

    def records(self) -> list[RecordChange]:
        """Every change as one object, in the order added, removed, renamed, changed."""
        listed = [
            RecordChange(self.table, record_id, kind, about=about)
            for kind, of_kind in (("added", self.added), ("removed", self.removed))
            for record_id, about in zip(of_kind.ids, of_kind.abouts, strict=True)
        ]
        return listed + self.renamed + self.changed

    def kinds(self) -> list[str]:
        """The kinds of change this table has."""
        present = [bool(self.added.ids), bool(self.removed.ids), self.renamed, self.changed]
        return [kind for kind, has in zip(_KINDS, present, strict=True) if has]


@dataclass(frozen=True)
class Diff:
    """Every record and schema change between two versions."""

    tables: list[TableChanges]
    schema: list[SchemaChange]
    documents: list[str] = field(default_factory=list)  # e.g. "Coding rules (…) changed"
    # The new version's claims: which article stated each value (None before contract v2).
    claims: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_records(
        cls,
        records: list[RecordChange],
        schema: list[SchemaChange],
        claims: pd.DataFrame | None = None,
    ) -> Diff:
        """A diff of the given record changes (grouped by table, in order of appearance)."""
        tables: dict[str, TableChanges] = {}
        for change in records:
            changes = tables.setdefault(change.table, TableChanges(change.table))
            if change.change in ("added", "removed"):
                listed = changes.added if change.change == "added" else changes.removed
                listed.ids.append(change.record_id)  # type: ignore[attr-defined]
                listed.abouts.append(change.about)  # type: ignore[attr-defined]
            else:
                (changes.renamed if change.change == "renamed" else changes.changed).append(change)
        return cls(list(tables.values()), schema, claims=claims)

    @property
    def records(self) -> list[RecordChange]:
        """Every record change as one object (for small diffs: a first release has many)."""
        return [change for table in self.tables for change in table.records()]

    @property
    def bump(self) -> str | None:
        """major, minor or patch by the release rules; None when nothing changed."""
        bumps = [change.bump for change in self.schema]
        bumps += [_RECORD_BUMPS[kind] for table in self.tables for kind in table.kinds()]
        bumps += ["patch" for _ in self.documents]
        return max(bumps, key=BUMPS.index) if bumps else None

    def changes_frame(self) -> pd.DataFrame:
        """The record changes as published in changes.csv: one row per changed field."""
        parts = []
        for table in self.tables:
            for kind, listed in (("added", table.added), ("removed", table.removed)):
                if listed.ids:
                    ids = listed.ids
                    record_ids = ids.strings() if isinstance(ids, ArrowTexts) else ids
                    columns = {"table": table.table, "record_id": record_ids, "change": kind}
                    parts.append(pd.DataFrame(columns, columns=CHANGES_COLUMNS, dtype=str))
            rows = [row for change in table.renamed + table.changed for row in _change_rows(change)]
            if rows:
                parts.append(pd.DataFrame(rows, columns=CHANGES_COLUMNS, dtype=str))
        if not parts:
            return pd.DataFrame([], columns=CHANGES_COLUMNS, dtype=str)
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _change_rows(change: RecordChange) -> list[tuple[str | None, ...]]:
    """A change's rows of changes.csv: its own (but for a changed record), then one per field."""
    head = (change.table, change.record_id)
    rows = [
        (*head, "changed", None, name, value_text(old), value_text(new))
        for name, (old, new) in change.fields.items()
    ]
    if change.change == "changed":
        return rows
    return [(*head, change.change, change.previous_id, None, None, None), *rows]


_KINDS = ["added", "removed", "renamed", "changed"]
_RECORD_BUMPS = {"added": "minor", "removed": "major", "changed": "patch", "renamed": "major"}


def value_text(value: Any) -> str | None:
    """A plain value as changes.csv writes it: null empty, whole numbers without `.0`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def diff_versions(
    old_tables: dict[str, pd.DataFrame],
    old_schemas: dict[str, dict[str, Any]],
    new_tables: dict[str, pd.DataFrame],
    new_schemas: dict[str, dict[str, Any]],
    renames: dict[str, dict[str, str]] | None = None,
) -> Diff:
    """Compare two versions table by table (tables in publication order).

    `renames` maps, per table, a new id to the old id it replaces (`renamed_from`).
    """
    structure = schema_changes(old_schemas, new_schemas)
    tables = []
    for table in ordered_tables(old_schemas, new_schemas):
        key = TABLES[table].primary_key if table in TABLES else first_field(old_schemas, table)
        changes = _listed_whole(table, key, old_tables.get(table), new_tables.get(table))
        if changes is None:
            old = _keyed(old_tables.get(table), key)
            new = _keyed(new_tables.get(table), key)
            changes = _table_changes(table, key, old, new, (renames or {}).get(table, {}))
        if changes.kinds():
            tables.append(changes)
    return Diff(tables, structure, claims=new_tables.get("claims"))


def next_version(previous: str | None, bump: str) -> str:
    """The version after `previous` for a bump; 1.0.0 for the first release."""
    if previous is None:
        return "1.0.0"
    major, minor, patch = (int(part) for part in previous.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _listed_whole(
    table: str, key: str, old: pd.DataFrame | None, new: pd.DataFrame | None
) -> TableChanges | None:
    """A table with rows on one side only: every row added or removed, listed in Arrow
    (diff_listed); None for the general diff."""
    has_old, has_new = old is not None and not old.empty, new is not None and not new.empty
    if has_old == has_new:
        return None
    listed = listed_every_row(new, key) if new is not None and has_new else None
    if listed is not None:
        return TableChanges(table, added=Listed(*listed))
    listed = listed_every_row(old, key) if old is not None and has_old else None
    return None if listed is None else TableChanges(table, removed=Listed(*listed))


def _keyed(frame: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """The rows indexed by the text of their key; of rows sharing a key, the last one."""
    if frame is None or frame.empty:
        return pd.DataFrame(index=pd.Index([], dtype=object))
    keyed = frame.set_axis(pd.Index(texts(frame[key]), dtype=object), axis="index")
    return keyed if keyed.index.is_unique else keyed[~keyed.index.duplicated(keep="last")]


def _table_changes(
    table: str, key: str, old: pd.DataFrame, new: pd.DataFrame, renames: dict[str, str]
) -> TableChanges:
    """One table's records added, removed, renamed and changed, in that order, each by id."""
    added, added_at = missing_from(new.index, old.index)
    removed, removed_at = missing_from(old.index, new.index)
    added_set, removed_set = set(added), set(removed)
    renamed = {
        new_id: old_id
        for new_id, old_id in renames.items()
        if new_id in added_set and old_id in removed_set
    }
    replaced = set(renamed.values())
    added_ids, added_at = _without(added, added_at, renamed.keys())
    removed_ids, removed_at = _without(removed, removed_at, replaced)
    renamed_pairs = sorted(renamed.items())
    old_rows = plain_rows(old, [old_id for _, old_id in renamed_pairs])
    new_rows = plain_rows(new, [new_id for new_id, _ in renamed_pairs])
    renamed_records = [
        RecordChange(table, record_id, "renamed", _changed_fields(before, after, skip=key), old_id)
        for (record_id, old_id), before, after in zip(
            renamed_pairs, old_rows, new_rows, strict=True
        )
    ]
    return TableChanges(
        table,
        Listed(added_ids, abouts_at(new, added_at)),
        Listed(removed_ids, abouts_at(old, removed_at)),
        renamed_records,
        _changed_records(table, old, new),
    )


def _without(
    ids: list[str], positions: np.ndarray, left_out: Collection[str]
) -> tuple[list[str], np.ndarray]:
    """`ids` and their positions, but those in `left_out`."""
    if not left_out:
        return ids, positions
    kept = np.fromiter((record_id not in left_out for record_id in ids), bool, len(ids))
    return [record_id for record_id in ids if record_id not in left_out], positions[kept]


def _changed_records(table: str, old: pd.DataFrame, new: pd.DataFrame) -> list[RecordChange]:
    """Records kept under the same id whose values differ, by id.

    Whole columns are compared first; only the rows found to differ become plain dicts.
    """
    columns = [name for name in old.columns if name in new.columns]
    if old.index.equals(new.index):
        common, before, after = old.index, old[columns], new[columns]
    else:
        common = old.index.intersection(new.index)
        before, after = old.loc[common, columns], new.loc[common, columns]
    before, after = before.reset_index(drop=True), after.reset_index(drop=True)
    changed = np.zeros(len(common), dtype=bool)
    for name in columns:
        changed |= differs(before[name], after[name])
    ids = sorted(common[changed])
    rows = zip(ids, plain_rows(old, ids), plain_rows(new, ids), abouts(new, ids), strict=True)
    records = []
    for record_id, old_row, new_row, about in rows:
        fields = _changed_fields(old_row, new_row)
        if fields:
            records.append(RecordChange(table, record_id, "changed", fields, about=about))
    return records


def _changed_fields(
    old: dict[str, Any], new: dict[str, Any], skip: str | None = None
) -> dict[str, tuple[Any, Any]]:
    """Fields present in both rows whose values differ (but `skip`)."""
    return {
        name: (old[name], new[name])
        for name in old
        if name in new and name != skip and old[name] != new[name]
    }
