"""Changes of the tables' structure between two versions, and the bump each calls for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jrr.schemas import TABLES


@dataclass(frozen=True)
class SchemaChange:
    """A change of a table's structure and the bump it calls for."""

    table: str
    column: str | None
    description: str
    bump: str


def schema_changes(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> list[SchemaChange]:
    """Tables and columns added or removed, types changed, other schema edits."""
    changes = []
    for table in ordered_tables(old, new):
        if table not in old:
            changes.append(SchemaChange(table, None, "table added", "minor"))
            continue
        if table not in new:
            changes.append(SchemaChange(table, None, "table removed", "major"))
            continue
        old_fields = {f["name"]: f for f in old[table]["fields"]}
        new_fields = {f["name"]: f for f in new[table]["fields"]}
        for name in in_order(new_fields, old_fields):
            changes.append(SchemaChange(table, name, "column added", "minor"))
        for name in in_order(old_fields, new_fields):
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
    return sorted(changes, key=lambda c: table_rank(c.table))


def in_order(fields: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Names in `fields` but not in `other`, in column order."""
    return [name for name in fields if name not in other]


def ordered_tables(*schemas: dict[str, Any]) -> list[str]:
    """Every table named in any version, in publication order."""
    names = {name for schema in schemas for name in schema}
    return sorted(names, key=lambda name: (table_rank(name), name))


def table_rank(table: str) -> int:
    """Position of a table in publication order; unknown tables last."""
    order = list(TABLES)
    return order.index(table) if table in order else len(order)


def first_field(schemas: dict[str, dict[str, Any]], table: str) -> str:
    """The primary key of a table the current models no longer define."""
    return schemas[table]["primaryKey"][0]
