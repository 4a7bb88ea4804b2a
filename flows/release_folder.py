"""The files of one release: tables as CSV and Parquet, datapackage.json, changes, checksums."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jrr.flows.files import file_entry, json_bytes, write_csv
from jrr.schemas import TABLES

DATAPACKAGE_NAME = "japan-russia-relations"
CODEBOOK_NAME = "CODEBOOK.md"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
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


def read_codebook(folder: Path) -> str:
    """The coding rules kept in `folder` (the project root or a release folder), or ""."""
    path = folder / CODEBOOK_NAME
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def write_release_folder(folder: Path, plan: ReleasePlan) -> list[dict[str, Any]]:
    """Write every file of a release into `folder`; return releases.json's file entries."""
    folder.mkdir(parents=True)
    resources = []
    for name, frame in plan.tables.items():
        write_csv(frame, folder / f"{name}.csv")
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        resources.append(_resource(folder, name, plan.table_schemas[name]))
    datapackage = {
        "name": DATAPACKAGE_NAME,
        "title": "Japan–Russia Relations Dataset",
        "version": plan.version,
        "licenses": [LICENSE],
        "resources": resources,
    }
    (folder / "datapackage.json").write_bytes(json_bytes(datapackage))
    write_csv(plan.changes, folder / "changes.csv")
    if plan.codebook:
        (folder / CODEBOOK_NAME).write_text(plan.codebook, encoding="utf-8", newline="\n")
    entries = [file_entry(folder, path.name) for path in sorted(folder.iterdir())]
    sums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in entries)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return [*entries, file_entry(folder, "SHA256SUMS")]


def _resource(folder: Path, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A Data Package resource for one table's CSV, naming its Parquet twin."""
    csv_entry = file_entry(folder, f"{name}.csv")
    parquet_entry = file_entry(folder, f"{name}.parquet")
    return {
        "name": name,
        "path": csv_entry["path"],
        "description": TABLES[name].description if name in TABLES else "",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{csv_entry['sha256']}",
        "bytes": csv_entry["bytes"],
        "schema": schema,
        "parquet": {
            "path": parquet_entry["path"],
            "hash": f"sha256:{parquet_entry['sha256']}",
            "bytes": parquet_entry["bytes"],
        },
    }
