"""Stage 6, publish: write a release folder atomically; record it in releases.json and CHANGELOG."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from flows.changelog import prepend_section
from flows.dataset_readme import update_citation, write_dataset_readme
from schemas import TABLES

DATAPACKAGE_NAME = "japan-russia-relations"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
LOCK_TIMEOUT_SECONDS = 5.0


class PublishError(Exception):
    """A release that could not be published; dataset/ is left as it was."""


@dataclass(frozen=True)
class ReleasePlan:
    """What a release will publish: version, date, tables, their schemas, diff and changelog."""

    version: str
    date: str
    tables: dict[str, pd.DataFrame]
    table_schemas: dict[str, dict[str, Any]]
    changes: pd.DataFrame
    changelog_section: str


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
    write_json(folder / "datapackage.json", datapackage)
    write_csv(plan.changes, folder / "changes.csv")
    entries = [file_entry(folder, path.name) for path in sorted(folder.iterdir())]
    sums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in entries)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
    return [*entries, file_entry(folder, "SHA256SUMS")]


def publish(dataset_dir: Path, plan: ReleasePlan) -> Path:
    """Publish `plan` as dataset/v<version>: all or nothing, one release at a time."""
    dataset_dir.mkdir(parents=True, exist_ok=True)
    with release_lock(dataset_dir):
        index = read_index(dataset_dir)
        target = dataset_dir / f"v{plan.version}"
        if any(release["version"] == plan.version for release in index["releases"]):
            raise PublishError(f"{target} already exists; published versions are never rewritten")
        if target.exists():  # left by a release killed before it was recorded: never published
            shutil.rmtree(target)
        snapshot = _snapshot(dataset_dir)
        staging = dataset_dir / f".tmp-v{plan.version}-{uuid.uuid4().hex[:8]}"
        try:
            files = write_release_folder(staging, plan)
            index["releases"].append({"version": plan.version, "date": plan.date, "files": files})
            changelog = prepend_section(
                snapshot.get("CHANGELOG.md", b"").decode(), plan.changelog_section
            )
            os.replace(staging, target)
            write_json(dataset_dir / "releases.json", index)
            _write_atomic(dataset_dir / "CHANGELOG.md", changelog.encode())
            write_dataset_readme(dataset_dir)
            if (dataset_dir.parent / "CITATION.cff").exists():
                update_citation(dataset_dir.parent)
        except OSError as error:
            _restore(dataset_dir, snapshot, target)
            raise PublishError(
                f"could not write the release ({error}); dataset/ is unchanged"
            ) from error
        except BaseException:
            _restore(dataset_dir, snapshot, target)
            raise
        finally:
            for leftover in dataset_dir.glob(".tmp-*"):
                _remove(leftover)
    return target


# Files outside the version folders that a release rewrites, relative to dataset/.
_MUTABLE = ["releases.json", "CHANGELOG.md", "README.md", "timeline.svg", "../CITATION.cff"]


def _snapshot(dataset_dir: Path) -> dict[str, bytes]:
    """The bytes of every file a release rewrites, to put back if it fails."""
    return {
        name: (dataset_dir / name).read_bytes()
        for name in _MUTABLE
        if (dataset_dir / name).exists()
    }


def _restore(dataset_dir: Path, snapshot: dict[str, bytes], target: Path) -> None:
    """Undo a failed release: remove its folder, put every rewritten file back."""
    if target.exists():
        shutil.rmtree(target)
    for name in _MUTABLE:
        path = dataset_dir / name
        if name not in snapshot:
            path.unlink(missing_ok=True)
        elif path.read_bytes() != snapshot[name]:
            _write_atomic(path, snapshot[name])


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary sibling, then rename over `path`."""
    temporary = path.with_name(f".tmp-{path.name}-{uuid.uuid4().hex[:8]}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def release_lock(dataset_dir: Path) -> FileLock:
    """The lock that lets one release run at a time (kept beside dataset/, not in it)."""
    lock_dir = dataset_dir.parent / ".jrr"
    lock_dir.mkdir(exist_ok=True)
    return _ClearLock(str(lock_dir / "release.lock"), timeout=LOCK_TIMEOUT_SECONDS)


class _ClearLock(FileLock):
    """A FileLock whose time-out says what to do."""

    def acquire(self, *args: Any, **kwargs: Any) -> Any:
        """Acquire, or fail with a message a person can act on."""
        try:
            return super().acquire(*args, **kwargs)
        except Timeout as error:
            raise PublishError(
                f"another release is running (lock {self.lock_file}); "
                "wait for it to finish, then run the release again"
            ) from error


def read_index(dataset_dir: Path) -> dict[str, Any]:
    """releases.json, or an empty index before the first release."""
    path = dataset_dir / "releases.json"
    if not path.exists():
        return {"releases": []}
    return json.loads(path.read_text(encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """RFC 4180 CSV: UTF-8, header, CRLF line ends, empty cell for null."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def write_json(path: Path, content: Any) -> None:
    """Stable, readable JSON, written atomically."""
    _write_atomic(path, (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode())


def file_entry(folder: Path, name: str) -> dict[str, Any]:
    """A file's name, SHA-256 and size."""
    data = (folder / name).read_bytes()
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _resource(folder: Path, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A Data Package resource for one table's CSV, naming its Parquet twin."""
    csv_entry, parquet_entry = (
        file_entry(folder, f"{name}.csv"),
        file_entry(folder, f"{name}.parquet"),
    )
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


def _remove(path: Path) -> None:
    """Remove a leftover staging file or folder."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
