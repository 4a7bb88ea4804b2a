"""Checks of published release files that need no orchestrator: checksums and schemas.

A data user can run these (`jrr validate PATH`) with only pandas, pandera and pyarrow.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from jrr.flows.problems import Problem
from jrr.flows.release_index import SUMS_NAME, DownloadError, parse_sums
from jrr.schemas import ForeignKey
from jrr.schemas.datapackage import pandera_schema
from jrr.schemas.io import read_csv, read_datapackage, table_schemas
from jrr.schemas.validation import Violation, check_cross_table, validate_frame


def validate_path(path: Path, root: Path) -> list[Problem]:
    """Check one downloaded release folder, or one table file inside such a folder."""
    if path.is_dir():
        try:
            sums = parse_sums(path / SUMS_NAME)
        except (OSError, ValueError, DownloadError) as error:
            return [Problem(shown(path / SUMS_NAME, root), 1, "file", f"unreadable: {error}")]
        entries = [{"path": name, "sha256": digest} for name, digest in sums.items()]
        return validate_release(path, entries, root)
    folder, name = path.parent, path.name.split(".")[0]
    if not (folder / "datapackage.json").exists():
        message = "no datapackage.json beside it: validate the whole release folder instead"
        return [Problem(shown(path, root), 1, "file", message)]
    datapackage, problems = _datapackage(folder, root)
    if datapackage is None:
        return problems
    schema = table_schemas(datapackage).get(name)
    if schema is None:
        return [Problem(shown(path, root), 1, "file", f"no table {name!r} in datapackage.json")]
    frame, problems = _read(path, root)
    if frame is None:
        return problems
    _, violations = validate_frame(name, pandera_schema(name, schema), frame)
    return [_problem(violation, path, root) for violation in violations]


def validate_release(folder: Path, entries: list[dict[str, Any]], root: Path) -> list[Problem]:
    """A release's files match their checksums, and its tables their own schema."""
    problems = check_files(folder, entries, root)
    if folder.is_dir():
        broken = {problem.path for problem in problems}
        problems += validate_release_tables(folder, root, broken)
    return problems


def check_files(folder: Path, entries: list[dict[str, Any]], root: Path) -> list[Problem]:
    """Each listed file exists with its recorded size and SHA-256, and nothing else is there."""
    problems = []
    if not folder.is_dir():
        return [Problem(shown(folder, root), 1, "folder", "listed in releases.json but missing")]
    listed = {entry["path"] for entry in entries}
    for entry in entries:
        path = folder / entry["path"]
        restore = f"restore it (git checkout -- {shown(path, root)}) or download the release again"
        if not path.is_file() or path.is_symlink():
            problems.append(Problem(shown(path, root), 1, "file", f"missing: {restore}"))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"] or ("bytes" in entry and len(data) != entry["bytes"]):
            message = (
                f"sha256 {digest} ({len(data)} bytes) differs from the published "
                f"{entry['sha256']}: published releases are immutable; {restore}"
            )
            problems.append(Problem(shown(path, root), 1, "file", message))
    for path in sorted(folder.iterdir()):
        if path.name not in listed and path.name != SUMS_NAME:
            problems.append(
                Problem(shown(path, root), 1, "file", "not part of the release: remove it")
            )
    return problems


def validate_release_tables(folder: Path, root: Path, broken: set[str]) -> list[Problem]:
    """Every readable table of a release against the schema in its own datapackage.json."""
    datapackage_path = folder / "datapackage.json"
    if shown(datapackage_path, root) in broken:
        return []
    datapackage, problems = _datapackage(folder, root)
    if datapackage is None:
        return problems
    frames: dict[str, pd.DataFrame] = {}
    for resource in datapackage["resources"]:
        name = resource["name"]
        schema = pandera_schema(name, resource["schema"])
        for path in _table_files(folder, resource):
            if shown(path, root) in broken:
                continue
            frame, unreadable = _read(path, root)
            problems += unreadable
            if frame is not None:
                frame, violations = validate_frame(name, schema, frame)
                problems += [_problem(v, path, root) for v in violations]
                frames[name] = frame
    if not problems and not broken and len(frames) == len(datapackage["resources"]):
        cross = check_cross_table(frames, _foreign_keys(datapackage))
        problems += [_problem(v, folder / f"{v.table}.csv", root) for v in cross]
    return problems


def _datapackage(folder: Path, root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A release's datapackage.json if it reads and has the shape we publish, else a problem."""
    path = folder / "datapackage.json"
    try:
        datapackage = read_datapackage(folder)
        for resource in datapackage["resources"]:
            pandera_schema(resource["name"], resource["schema"])
            _table_files(folder, resource)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        message = (
            f"unreadable or not a Data Package of this dataset ({type(error).__name__}: {error})"
        )
        return None, [Problem(shown(path, root), 1, "file", message)]
    return datapackage, []


def _table_files(folder: Path, resource: dict[str, Any]) -> list[Path]:
    """The CSV of a resource and its Parquet twin."""
    paths = [folder / resource["path"]]
    if "parquet" in resource:
        paths.append(folder / resource["parquet"]["path"])
    return paths


def _foreign_keys(datapackage: dict[str, Any]) -> dict[str, tuple[ForeignKey, ...]]:
    """The foreign keys each resource declares."""
    return {
        resource["name"]: tuple(
            ForeignKey(
                key["fields"][0],
                key["reference"]["resource"] or resource["name"],  # "" is the table itself
                key["reference"]["fields"][0],
            )
            for key in resource["schema"].get("foreignKeys", [])
        )
        for resource in datapackage["resources"]
    }


def _read(path: Path, root: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A published table file as stored, or the problem that it cannot be read."""
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else read_csv(path)
    except Exception as error:  # pyarrow and the CSV parser raise many unrelated types
        return None, [Problem(shown(path, root), 1, "file", f"unreadable: {error}")]
    return frame, []


def _problem(violation: Violation, path: Path, root: Path) -> Problem:
    """A violation in a published file: CSV line (header is line 1) or Parquet row + 2."""
    line = 1 if violation.row is None else violation.row + 2
    return Problem(shown(path, root), line, violation.column or "table", violation.message)


def shown(path: Path, root: Path) -> str:
    """A path relative to the project root when it lies inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
