"""Checks of published release files that need no orchestrator: checksums and schemas.

A data user can run these (`jrr validate PATH`) with only pandas, pandera and pyarrow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jrr.flows.problems import Problem
from jrr.flows.release_index import SUMS_NAME, DownloadError, parse_sums
from jrr.flows.validate_file import check_files, file_checksum, shown
from jrr.schemas import ForeignKey
from jrr.schemas.datapackage import pandera_schema
from jrr.schemas.io import (
    CHANGES_NAME,
    parquet_path,
    read_csv,
    read_datapackage,
    table_resources,
    table_schemas,
)
from jrr.schemas.published_checks import check_rows
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
    if path.name == SUMS_NAME:
        return []  # it parses: datapackage.json and the files beside it are checked against it
    if schema is None and path.suffix not in (".csv", ".parquet") or name == CHANGES_NAME:
        return file_checksum(path, datapackage, root)  # changes, workbook, citation: its sum
    if schema is None:
        return [Problem(shown(path, root), 1, "file", f"no table {name!r} in datapackage.json")]
    problems = file_checksum(path, datapackage, root)
    frame, unreadable = _read(path, root)
    if frame is None:
        return problems + unreadable
    frame, violations = check_table(name, schema, frame)
    if not violations:
        violations = _cross_table(folder, datapackage, name, frame, path.suffix)
    return problems + [_problem(violation, path, root) for violation in violations]


def check_table(
    name: str, schema: dict[str, Any], frame: pd.DataFrame
) -> tuple[pd.DataFrame, list[Violation]]:
    """One table against its Table Schema and the EDTF date rules; the coerced frame."""
    frame, violations = validate_frame(name, pandera_schema(name, schema), frame)
    return frame, sorted(
        violations + check_rows(name, frame, schema),
        key=lambda v: (v.row is not None, v.row or 0, v.column),
    )


def _cross_table(
    folder: Path, datapackage: dict[str, Any], name: str, frame: pd.DataFrame, suffix: str
) -> list[Violation]:
    """Keys and evidence rules of one table, checked against the other tables beside it."""
    frames = {name: frame}
    for resource in table_resources(datapackage):
        other = resource["name"]
        if other == name:
            continue
        path = folder / (resource["path"] if suffix == ".csv" else parquet_path(datapackage, other))
        sibling, unreadable = _read(path, folder)
        if sibling is None:
            return []
        sibling, violations = check_table(other, resource["schema"], sibling)
        if violations:
            return []  # the sibling is broken itself: validating the folder reports it
        frames[other] = sibling
    cross = check_cross_table(frames, _foreign_keys(datapackage))
    return [violation for violation in cross if violation.table == name]


def validate_release(folder: Path, entries: list[dict[str, Any]], root: Path) -> list[Problem]:
    """A release's files match their checksums, and its tables their own schema."""
    problems = check_files(folder, entries, root)
    if folder.is_dir():
        broken = {problem.path for problem in problems}
        problems += validate_release_tables(folder, root, broken)
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
    resources = table_resources(datapackage)
    for resource in resources:
        name = resource["name"]
        read: list[pd.DataFrame] = []
        for path in _table_files(folder, datapackage, resource):
            if shown(path, root) in broken:
                continue
            frame, unreadable = _read(path, root)
            problems += unreadable
            if frame is not None:
                frame, violations = check_table(name, resource["schema"], frame)
                problems += [_problem(v, path, root) for v in violations]
                frames[name] = frame
                if not violations:
                    read.append(frame)
        if len(read) == 2 and not read[0].equals(read[1]):
            path = folder / resource["path"]
            message = "differs from its Parquet twin: one of the two was edited after publication"
            problems.append(Problem(shown(path, root), 1, "file", message))
    if not problems and not broken and len(frames) == len(resources):
        cross = check_cross_table(frames, _foreign_keys(datapackage))
        problems += [_problem(v, folder / f"{v.table}.csv", root) for v in cross]
    return problems


def twin_mismatches(folder: Path, root: Path) -> list[Problem]:
    """Tables whose CSV and Parquet files, both readable and valid, hold different rows."""
    datapackage, problems = _datapackage(folder, root)
    if datapackage is None:
        return problems
    for resource in table_resources(datapackage):
        frames = []
        for path in _table_files(folder, datapackage, resource):
            frame, unreadable = _read(path, root)
            if frame is None:
                return problems + unreadable
            frame, violations = check_table(resource["name"], resource["schema"], frame)
            if violations:
                return problems + [_problem(v, path, root) for v in violations]
            frames.append(frame)
        if not frames[0].equals(frames[1]):
            message = "differs from its Parquet twin: one of the two was edited after publication"
            problems.append(Problem(shown(folder / resource["path"], root), 1, "file", message))
    return problems


def _datapackage(folder: Path, root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A release's datapackage.json if it reads and has the shape we publish, else a problem."""
    path = folder / "datapackage.json"
    try:
        datapackage = read_datapackage(folder)
        for resource in table_resources(datapackage):
            pandera_schema(resource["name"], resource["schema"])
            _table_files(folder, datapackage, resource)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        message = (
            f"unreadable or not a Data Package of this dataset ({type(error).__name__}: {error})"
        )
        return None, [Problem(shown(path, root), 1, "file", message)]
    return datapackage, []


def _table_files(folder: Path, datapackage: dict[str, Any], resource: dict[str, Any]) -> list[Path]:
    """The CSV of a table and its Parquet twin."""
    return [folder / resource["path"], folder / parquet_path(datapackage, resource["name"])]


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
        for resource in table_resources(datapackage)
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
