"""Stage 5, diff: what changed between two versions, and the semver bump that calls for."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jrr.schemas import TABLES

BUMPS = ["patch", "minor", "major"]
CHANGES_COLUMNS = ["table", "record_id", "change", "fields"]


@dataclass(frozen=True)
class RecordChange:
    """A record added, removed or changed; `fields` maps each changed field to (old, new)."""

    table: str
    record_id: str
    change: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemaChange:
    """A change of a table's structure and the bump it calls for."""

    table: str
    column: str | None
    description: str
    bump: str


@dataclass(frozen=True)
class Diff:
    """Every record and schema change between two versions."""

    records: list[RecordChange]
    schema: list[SchemaChange]

    @property
    def bump(self) -> str | None:
        """major, minor or patch by the release rules; None when nothing changed."""
        bumps = [change.bump for change in self.schema]
        bumps += [_RECORD_BUMPS[change.change] for change in self.records]
        return max(bumps, key=BUMPS.index) if bumps else None

    def changes_frame(self) -> pd.DataFrame:
        """The record changes as published in changes.csv."""
        rows = [
            [change.table, change.record_id, change.change, ";".join(change.fields)]
            for change in self.records
        ]
        return pd.DataFrame(rows, columns=CHANGES_COLUMNS, dtype=str)


_RECORD_BUMPS = {"added": "minor", "removed": "major", "changed": "patch"}


def diff_versions(
    old_tables: dict[str, pd.DataFrame],
    old_schemas: dict[str, dict[str, Any]],
    new_tables: dict[str, pd.DataFrame],
    new_schemas: dict[str, dict[str, Any]],
) -> Diff:
    """Compare two versions table by table (tables in publication order)."""
    schema_changes = _schema_changes(old_schemas, new_schemas)
    records: list[RecordChange] = []
    for table in _ordered_tables(old_schemas, new_schemas):
        key = TABLES[table].primary_key if table in TABLES else _first_field(old_schemas, table)
        old = _rows_by_key(old_tables.get(table), key)
        new = _rows_by_key(new_tables.get(table), key)
        for record_id in sorted(new.keys() - old.keys()):
            records.append(RecordChange(table, record_id, "added"))
        for record_id in sorted(old.keys() - new.keys()):
            records.append(RecordChange(table, record_id, "removed"))
        for record_id in sorted(old.keys() & new.keys()):
            fields = _changed_fields(old[record_id], new[record_id])
            if fields:
                records.append(RecordChange(table, record_id, "changed", fields))
    return Diff(records, schema_changes)


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


def _schema_changes(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> list[SchemaChange]:
    """Tables and columns added or removed, types changed, other schema edits."""
    changes = []
    for table in _ordered_tables(old, new):
        if table not in old:
            changes.append(SchemaChange(table, None, "table added", "minor"))
            continue
        if table not in new:
            changes.append(SchemaChange(table, None, "table removed", "major"))
            continue
        old_fields = {f["name"]: f for f in old[table]["fields"]}
        new_fields = {f["name"]: f for f in new[table]["fields"]}
        for name in new_fields.keys() - old_fields.keys():
            changes.append(SchemaChange(table, name, "column added", "minor"))
        for name in old_fields.keys() - new_fields.keys():
            changes.append(SchemaChange(table, name, "column removed", "major"))
        for name in sorted(old_fields.keys() & new_fields.keys()):
            before, after = old_fields[name], new_fields[name]
            if before["type"] != after["type"]:
                description = f"type changed {before['type']} → {after['type']}"
                changes.append(SchemaChange(table, name, description, "major"))
            elif before != after:
                changes.append(
                    SchemaChange(table, name, "description or constraints changed", "patch")
                )
    return sorted(changes, key=lambda c: (_table_rank(c.table), c.column or ""))


def _ordered_tables(*schemas: dict[str, Any]) -> list[str]:
    """Every table named in any version, in publication order."""
    names = {name for schema in schemas for name in schema}
    return sorted(names, key=lambda name: (_table_rank(name), name))


def _table_rank(table: str) -> int:
    """Position of a table in publication order; unknown tables last."""
    order = list(TABLES)
    return order.index(table) if table in order else len(order)


def _first_field(schemas: dict[str, dict[str, Any]], table: str) -> str:
    """The primary key of a table the current models no longer define."""
    return schemas[table]["primaryKey"][0]


def _rows_by_key(frame: pd.DataFrame | None, key: str) -> dict[str, dict[str, Any]]:
    """Rows as plain dicts, keyed by primary key."""
    if frame is None:
        return {}
    return {
        str(row[key]): {column: _plain(value) for column, value in row.items()}
        for row in frame.to_dict(orient="records")
    }


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields present in both rows whose values differ."""
    return {name: (old[name], new[name]) for name in old if name in new and old[name] != new[name]}


def _plain(value: Any) -> Any:
    """A comparable plain value: null for every missing marker, dates as ISO text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value
