"""The changelog section of a release, written from the diff in Keep a Changelog's groups."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow
import pyarrow.compute

from jrr.flows.diff import Diff, RecordChange, SchemaChange, TableChanges
from jrr.flows.diff_listed import Abouts

# Tables whose rows are about another table's records: summarised as counts per record.
_SUPPORTING = {"evidence": ("quote", "quotes"), "claims": ("claim", "claims")}
_DERIVED_SUFFIXES = ("_start", "_end", "_precision")
_MOST_RECORDS_LISTED = 12
Sources = dict[tuple[str, str, str], list[str]]


def render_section(
    version: str,
    date: str,
    diff: Diff,
    note: str | None = None,
) -> str:
    """One `## [version] - date` section: the note, then Added, Changed and Removed.

    The new version's claims say which article stated each changed value.
    """
    sources = _current_sources(diff.claims, _listed_changes(diff.tables))
    lines = [f"## [{version}] - {date}", ""]
    if note:
        lines += [note.strip(), ""]
    groups = {
        "Added": _schema_lines(diff.schema, "added") + _record_lines(diff.tables, "added", sources),
        "Changed": _schema_lines(diff.schema, "changed")
        + _document_lines(diff.documents, "changed")
        + _record_lines(diff.tables, "renamed", sources)
        + _record_lines(diff.tables, "changed", sources),
        "Removed": _schema_lines(diff.schema, "removed")
        + _document_lines(diff.documents, "removed")
        + _record_lines(diff.tables, "removed", sources),
    }
    for title, entries in groups.items():
        if entries:
            lines += [f"### {title}", "", *entries, ""]
    return "\n".join(lines).rstrip() + "\n"


def _schema_lines(changes: list[SchemaChange], group: str) -> list[str]:
    """Schema changes of one group: tables, then columns per table, then other changes."""
    of_group = [change for change in changes if _schema_group(change) == group]
    tables = [f"`{c.table}`" for c in of_group if c.column is None]
    lines = [f"- Tables: {', '.join(tables)}."] if tables else []
    if group == "changed":
        return lines + [
            f"- Column `{c.table}.{c.column}`: {c.description}." for c in of_group if c.column
        ]
    for table in dict.fromkeys(c.table for c in of_group if c.column):
        columns = ", ".join(f"`{c.column}`" for c in of_group if c.table == table and c.column)
        lines.append(f"- Columns of `{table}`: {columns}.")
    return lines


def _document_lines(documents: list[str], group: str) -> list[str]:
    """Changes to the documents a release carries that belong to one group."""
    return [f"- {document}" for document in documents if document.endswith(f"{group}.")]


def _schema_group(change: SchemaChange) -> str:
    """added, removed or changed."""
    for group in ("added", "removed"):
        if change.description.endswith(group):
            return group
    return "changed"


def _record_lines(tables: list[TableChanges], kind: str, sources: Sources) -> list[str]:
    """Records of one kind of change: ids per table, counts per record for evidence and claims."""
    lines = []
    for changes in tables:
        if kind in ("added", "removed"):
            listed = changes.added if kind == "added" else changes.removed
            ids, abouts = listed.ids, listed.abouts
        else:
            of_kind = changes.renamed if kind == "renamed" else changes.changed
            ids, abouts = [c.record_id for c in of_kind], [c.about for c in of_kind]
        if not ids:
            continue
        table = changes.table
        if table in _SUPPORTING:
            lines.append(_supporting_line(table, abouts, kind))
        elif kind in ("added", "removed"):
            shown = [f"`{record_id}`" for record_id in ids[: _MOST_RECORDS_LISTED + 1]]
            lines.append(
                f"- `{table}` ({len(ids):,}): {', '.join(_at_most(shown, 'records', len(ids)))}"
            )
        else:
            lines += [_changed_line(c, sources) for c in of_kind[:_MOST_RECORDS_LISTED]]
            if len(of_kind) > _MOST_RECORDS_LISTED:
                rest = len(of_kind) - _MOST_RECORDS_LISTED
                lines.append(f"- `{table}`: {rest:,} more records {kind} (see changes.csv)")
    return lines


def _supporting_line(table: str, abouts: Sequence[tuple[str, str] | None], kind: str) -> str:
    """`evidence`: 3 quotes added — meetings `x` (2), treaties `y` (1)."""
    singular, plural = _SUPPORTING[table]
    if isinstance(abouts, Abouts):  # a whole table's rows: counted in Arrow
        first, records = abouts.first_counts(_MOST_RECORDS_LISTED + 1)
    else:
        counts = Counter(about for about in abouts if about)
        first, records = heapq.nsmallest(_MOST_RECORDS_LISTED + 1, counts.items()), len(counts)
    listed = _at_most([f"{t} `{r}` ({n})" for (t, r), n in first], "records", records)
    noun = singular if len(abouts) == 1 else plural
    return f"- `{table}`: {len(abouts):,} {noun} {kind}, for " + ", ".join(listed)


def _at_most(items: list[str], noun: str, total: int | None = None) -> list[str]:
    """The first few of `total` items, then how many more there are (all are in changes.csv)."""
    total = len(items) if total is None else total
    if total <= _MOST_RECORDS_LISTED:
        return items
    rest = total - _MOST_RECORDS_LISTED
    return [*items[:_MOST_RECORDS_LISTED], f"and {rest:,} more {noun} (see changes.csv)"]


def _changed_line(change: RecordChange, sources: Sources) -> str:
    """One changed or renamed record, its fields old → new, and which article said so."""
    edits = [
        f"`{name}` {_show(old)} → {_show(new)}{_per(change, name, sources)}"
        for name, (old, new) in change.fields.items()
        if not _derived_from(name, change.fields)
    ]
    if change.change == "renamed":
        head = f"- `{change.table}` `{change.previous_id}` renamed to `{change.record_id}`"
        return head + (": " + "; ".join(edits) if edits else "")
    return f"- `{change.table}` `{change.record_id}`: " + "; ".join(edits)


def _per(change: RecordChange, name: str, sources: Sources) -> str:
    """ " (per `article`)" for a value some article states; "" for derived values."""
    articles = sources.get((change.table, change.record_id, name))
    return f" (per {', '.join(f'`{a}`' for a in articles)})" if articles else ""


def _derived_from(name: str, fields: dict[str, Any]) -> bool:
    """True for `X_start`/`X_end`/`X_precision` when `X` itself is listed."""
    return any(name == stem + suffix for stem in fields for suffix in _DERIVED_SUFFIXES)


def _listed_changes(tables: list[TableChanges]) -> set[str]:
    """Ids of the changed and renamed records a section lists (the first few per table)."""
    return {
        change.record_id
        for changes in tables
        for of_kind in (changes.renamed, changes.changed)
        for change in of_kind[:_MOST_RECORDS_LISTED]
    }


def _current_sources(claims: pd.DataFrame | None, records: set[str]) -> Sources:
    """(table, record, field) → the articles whose claim is the published value, for `records`."""
    if claims is None or claims.empty or not records:
        return {}
    wanted = pyarrow.compute.is_in(
        pyarrow.array(claims["record_id"]), value_set=pyarrow.array(sorted(records))
    ).to_numpy(zero_copy_only=False)
    current = claims[wanted & claims["current"].astype(bool).to_numpy()]
    sources: Sources = {}
    for row in current.itertuples(index=False):
        sources.setdefault((row.record_table, row.record_id, row.field), []).append(row.article_id)
    return sources


def _show(value: Any) -> str:
    """A value as a reader sees it in the changelog."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return '"' + value.replace("\n", " ") + '"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
