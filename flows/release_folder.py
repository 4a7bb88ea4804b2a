"""The files of a release: tables (CSV, Parquet, workbook), datapackage.json, citation, sums."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jrr.flows.carry_over import (
    Carried,
    ReleaseLayout,
    copy_unchanged,
    save_layout,
    write_table_csv,
)
from jrr.flows.files import file_entry, json_bytes, write_csv
from jrr.flows.release_metadata import CITATION_NAME, NAME, package_metadata, render_citation
from jrr.flows.workbook import write_workbook
from jrr.flows.workbook_segments import CarriedSheets, SheetLayout
from jrr.schemas import TABLES
from jrr.schemas.io import CHANGES_NAME, PARQUET_MEDIATYPE, TWIN_SUFFIX

CODEBOOK_NAME = "CODEBOOK.md"
# What each column of changes.csv means; a column not listed gets a pointer to the changelog.
CHANGES_FIELDS = {
    "table": "Table of the record.",
    "record_id": "Identifier of the record.",
    "change": "added, changed, removed or renamed.",
    "previous_id": "The record's former id, for a renamed record.",
    "fields": "Fields that changed.",
    "field": "The field that changed.",
    "old_value": "Value in the previous release.",
    "new_value": "Value in this release.",
}


@dataclass(frozen=True)
class ReleasePlan:
    """What a release will publish, and the version it was diffed against."""

    version: str
    date: str
    tables: dict[str, pd.DataFrame]
    table_schemas: dict[str, dict[str, Any]]
    changes: pd.DataFrame
    changelog_section: str
    base_version: str | None = None
    codebook: str = ""  # the coding rules in force, published as CODEBOOK.md
    carried: Carried | None = None  # what may be copied from the latest release's files
    layout_root: Path | None = None  # the project whose cache keeps this release's layout


def read_codebook(folder: Path) -> str:
    """The coding rules kept in `folder` (the project root or a release folder), or ""."""
    path = folder / CODEBOOK_NAME
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def workbook_name(version: str) -> str:
    """The file name of a release's Excel workbook."""
    return f"{NAME}-{version}.xlsx"


def write_release_folder(folder: Path, plan: ReleasePlan) -> list[dict[str, Any]]:
    """Write every file of a release into `folder`; return releases.json's file entries.

    Each data file is hashed on a helper thread as soon as it is written, while the next one
    is; the Parquet files are written on another, alongside the CSV files and the workbook
    (pyarrow, hashing and most writing release the GIL).
    """
    folder.mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=1) as hashing, ThreadPoolExecutor(1) as parquet:
        hashed: dict[str, Future[dict[str, Any]]] = {}

        def written(name: str) -> None:
            """Start hashing the file `name`, now written."""
            hashed[name] = hashing.submit(file_entry, folder, name)

        carried, csv_ends = plan.carried, {}
        parquets = [parquet.submit(_write_parquet, folder, plan, name) for name in plan.tables]
        for name, frame in plan.tables.items():
            csv_ends[name] = write_table_csv(frame, folder / f"{name}.csv", name, carried)
            written(f"{name}.csv")
        write_csv(plan.changes, folder / f"{CHANGES_NAME}.csv")
        written(f"{CHANGES_NAME}.csv")
        book = workbook_name(plan.version)
        sheets = write_workbook(folder / book, plan.tables, plan.date, carried=_sheets(carried))
        written(book)
        for name, done in zip(plan.tables, parquets, strict=True):
            done.result()
            written(f"{name}.parquet")
        entries = _write_metadata(folder, plan, {name: f.result() for name, f in hashed.items()})
    if plan.layout_root is not None:
        _keep_layout(plan.layout_root, plan, csv_ends, sheets, {e["path"]: e for e in entries})
    return entries


def _write_parquet(folder: Path, plan: ReleasePlan, table: str) -> None:
    """Write a table's Parquet file, or copy it from the latest release if the table is
    unchanged."""
    target = folder / f"{table}.parquet"
    if not copy_unchanged(plan.carried, table, target.name, target):
        plan.tables[table].to_parquet(target, index=False)


def _write_metadata(
    folder: Path, plan: ReleasePlan, hashed: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Write the codebook, citation, datapackage.json and SHA256SUMS beside the data files
    (whose entries are `hashed`); return every file's entry."""
    if plan.codebook:
        (folder / CODEBOOK_NAME).write_text(plan.codebook, encoding="utf-8", newline="\n")
    (folder / CITATION_NAME).write_text(
        render_citation(plan.version, plan.date), encoding="utf-8", newline="\n"
    )
    schemas = plan.table_schemas
    resources = [_table(hashed[f"{name}.csv"], name, schemas[name]) for name in plan.tables]
    resources += [_parquet_twin(name, schemas[name]) for name in plan.tables]
    resources.append(_changes(hashed[f"{CHANGES_NAME}.csv"], plan.changes))
    datapackage = {**package_metadata(plan.version, plan.date), "resources": resources}
    (folder / "datapackage.json").write_bytes(json_bytes(datapackage))
    entries = [
        hashed[path.name] if path.name in hashed else file_entry(folder, path.name)
        for path in sorted(folder.iterdir())
    ]
    sums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in entries)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return [*entries, file_entry(folder, "SHA256SUMS")]


def _sheets(carried: Carried | None) -> CarriedSheets | None:
    """What the workbook may copy from the latest release's workbook."""
    if carried is None:
        return None
    path = carried.folder / workbook_name(carried.layout.version)
    return CarriedSheets(path, carried.layout.sheets, carried.rows)


def _keep_layout(
    root: Path,
    plan: ReleasePlan,
    csv_ends: dict[str, np.ndarray | None],
    sheets: dict[str, SheetLayout],
    entries: dict[str, dict[str, Any]],
) -> None:
    """Keep where this release's rows lie in its files, for the next release to copy them."""
    ends = {name: rows for name, rows in csv_ends.items() if rows is not None}
    names = [f"{name}.csv" for name in ends] + [workbook_name(plan.version)]
    names += [f"{name}.parquet" for name in plan.tables]
    files = {name: entries[name]["sha256"] for name in names}
    save_layout(root, ReleaseLayout(plan.version, files, ends, sheets))


def _table(entry: dict[str, Any], name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The Data Package resource of one table's CSV (`entry`: its file entry)."""
    return {
        "name": name,
        "type": "table",
        "path": entry["path"],
        "description": TABLES[name].description if name in TABLES else "",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{entry['sha256']}",
        "bytes": entry["bytes"],
        "schema": schema,
    }


def _parquet_twin(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The resource of a table's Parquet file: the same rows under the same Table Schema."""
    # No hash or bytes: frictionless reads Parquet through its own reader, which cannot check
    # them. SHA256SUMS and releases.json hold both.
    return {
        "name": f"{name}{TWIN_SUFFIX}",
        "type": "table",
        "path": f"{name}.parquet",
        "description": f"The `{name}` table as Parquet: the same rows as {name}.csv.",
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "schema": schema,
    }


def _changes(entry: dict[str, Any], changes: pd.DataFrame) -> dict[str, Any]:
    """The resource of changes.csv: the record changes against the previous release."""
    fields = [
        {
            "name": column,
            "type": "string",
            "description": CHANGES_FIELDS.get(column, "See CHANGELOG.md."),
        }
        for column in changes.columns
    ]
    return {
        "name": CHANGES_NAME,
        "type": "table",
        "path": entry["path"],
        "description": "What changed since the previous release, one row per record change.",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{entry['sha256']}",
        "bytes": entry["bytes"],
        "schema": {"fields": fields, "missingValues": [""]},
    }
