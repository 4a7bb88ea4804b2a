"""Checks of published release files that need no orchestrator: checksums and schemas.

A data user can run these (`jrr validate PATH`) with only pandas, pandera and pyarrow.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from flows.problems import Problem
from schemas import ForeignKey
from schemas.datapackage import pandera_schema
from schemas.io import read_csv, read_datapackage, table_schemas
from schemas.validation import Violation, check_evidence, check_foreign_keys, validate_frame


def validate_path(path: Path, root: Path) -> list[Problem]:
    """Check one downloaded release folder, or one table file inside such a folder."""
    if path.is_dir():
        sums = path / "SHA256SUMS"
        if not sums.exists():
            return [Problem(shown(sums, root), 1, "file", "missing: not a release folder")]
        return check_files(path, _sums_entries(sums), root) + validate_release_tables(path, root)
    folder, name = path.parent, path.name.split(".")[0]
    if not (folder / "datapackage.json").exists():
        message = "no datapackage.json beside it: validate the whole release folder instead"
        return [Problem(shown(path, root), 1, "file", message)]
    schema = table_schemas(read_datapackage(folder)).get(name)
    if schema is None:
        return [Problem(shown(path, root), 1, "file", f"no table {name!r} in datapackage.json")]
    _, violations = validate_frame(name, pandera_schema(name, schema), _read(path))
    return [_problem(violation, path, root) for violation in violations]


def check_files(folder: Path, entries: list[dict[str, Any]], root: Path) -> list[Problem]:
    """Each listed file exists with its recorded size and SHA-256, and nothing else is there."""
    problems = []
    if not folder.is_dir():
        return [Problem(shown(folder, root), 1, "folder", "listed in releases.json but missing")]
    listed = {entry["path"] for entry in entries}
    for entry in entries:
        path = folder / entry["path"]
        if not path.exists():
            problems.append(Problem(shown(path, root), 1, "file", "missing"))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"] or ("bytes" in entry and len(data) != entry["bytes"]):
            message = (
                f"sha256 {digest} ({len(data)} bytes) differs from the published "
                f"{entry['sha256']}: published releases are immutable; restore the file"
            )
            problems.append(Problem(shown(path, root), 1, "file", message))
    for path in sorted(folder.iterdir()):
        if path.name not in listed and path.name != "SHA256SUMS":
            problems.append(Problem(shown(path, root), 1, "file", "not part of the release"))
    return problems


def validate_release_tables(folder: Path, root: Path) -> list[Problem]:
    """Every table of a release against the schema in its own datapackage.json."""
    datapackage = read_datapackage(folder)
    frames: dict[str, pd.DataFrame] = {}
    problems = []
    foreign_keys: dict[str, tuple[ForeignKey, ...]] = {}
    for resource in datapackage["resources"]:
        name, path = resource["name"], folder / resource["path"]
        schema = pandera_schema(name, resource["schema"])
        for table_path in (path, folder / resource.get("parquet", {}).get("path", path.name)):
            frame, violations = validate_frame(name, schema, _read(table_path))
            problems += [_problem(v, table_path, root) for v in violations]
        frames[name] = frame
        foreign_keys[name] = tuple(
            ForeignKey(
                key["fields"][0], key["reference"]["resource"], key["reference"]["fields"][0]
            )
            for key in resource["schema"].get("foreignKeys", [])
        )
    if not problems:
        cross = check_foreign_keys(frames, foreign_keys) + check_evidence(frames)
        problems += [_problem(v, folder / f"{v.table}.csv", root) for v in cross]
    return problems


def _read(path: Path) -> pd.DataFrame:
    """A published table file as stored."""
    return pd.read_parquet(path) if path.suffix == ".parquet" else read_csv(path)


def _problem(violation: Violation, path: Path, root: Path) -> Problem:
    """A violation in a published file: CSV line (header is line 1) or Parquet row + 2."""
    line = 1 if violation.row is None else violation.row + 2
    return Problem(shown(path, root), line, violation.column or "table", violation.message)


def _sums_entries(sums: Path) -> list[dict[str, Any]]:
    """File entries read from a SHA256SUMS file."""
    entries = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries.append({"path": name, "sha256": digest})
    return entries


def shown(path: Path, root: Path) -> str:
    """A path relative to the project root when it lies inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
