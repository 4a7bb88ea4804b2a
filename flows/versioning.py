"""Decide the next release from the diff against the latest published one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from jrr.flows.build_snapshot import published_build
from jrr.flows.carry_over import Carried, carried_from
from jrr.flows.changelog import render_section
from jrr.flows.diff import Diff, diff_versions, next_version
from jrr.flows.pipeline import Dataset, Spliced
from jrr.flows.publish import PublishError, check_latest_intact, read_index
from jrr.flows.release_folder import ReleasePlan, read_codebook, write_release_folder
from jrr.flows.splice import in_affected
from jrr.schemas.chunked_rows import rows_where
from jrr.schemas.datapackage import current_table_schemas
from jrr.schemas.io import read_csv, read_datapackage, read_release, table_schemas


def diff_against_latest(dataset_dir: Path, dataset: Dataset) -> tuple[str | None, Diff]:
    """The latest version and the diff from it to `dataset`."""
    releases = read_index(dataset_dir)["releases"]
    latest = releases[-1]["version"] if releases else None
    new_schemas = current_table_schemas()
    check_latest_intact(dataset_dir, releases)
    if latest is None:
        return None, diff_versions({}, {}, dataset.tables, new_schemas)
    folder = dataset_dir / f"v{latest}"
    try:
        old_schemas = table_schemas(read_datapackage(folder))
        spliced = _spliced_into_latest(dataset_dir.parent, releases[-1], dataset)
        if spliced is not None and old_schemas == new_schemas:
            return latest, diff_spliced(spliced, dataset, new_schemas)
        old_tables = read_release(folder)
    except Exception as error:  # any unreadable or invalid file: pyarrow, pandera, json, OS
        raise PublishError(
            f"cannot read the latest release dataset/v{latest} ({type(error).__name__}); "
            "run jrr validate to see what is wrong with it"
        ) from error
    return latest, diff_versions(
        old_tables, old_schemas, dataset.tables, new_schemas, dataset.renames
    )


def diff_spliced(spliced: Spliced, dataset: Dataset, schemas: dict[str, dict[str, Any]]) -> Diff:
    """The diff from the build `dataset` was spliced into, comparing only the rebuilt rows.

    Every other row was kept as it was, so it cannot differ.
    """
    after = {
        name: rows_where(frame, in_affected(name, frame, spliced.affected).to_numpy())
        for name, frame in dataset.tables.items()
    }
    diff = diff_versions(spliced.before, schemas, after, schemas, dataset.renames)
    return replace(diff, claims=dataset.tables.get("claims"))


def _spliced_into_latest(root: Path, latest: dict[str, Any], dataset: Dataset) -> Spliced | None:
    """What `dataset` changed in the build the latest release holds, if it was spliced into it."""
    spliced = dataset.spliced
    if spliced is None or published_build(root, latest) != spliced.base_build:
        return None
    return spliced


def plan_release(
    dataset_dir: Path, dataset: Dataset, date: str, note: str | None = None
) -> ReleasePlan | None:
    """The release `dataset` calls for, or None when nothing changed."""
    latest, diff = diff_against_latest(dataset_dir, dataset)
    codebook = read_codebook(dataset_dir.parent)
    published = read_codebook(dataset_dir / f"v{latest}") if latest else ""
    if codebook != published:
        change = "added" if not published else ("removed" if not codebook else "changed")
        diff = replace(diff, documents=[f"Coding rules (`CODEBOOK.md`) {change}."])
    if diff.bump is None:
        return None
    version = next_version(latest, diff.bump)
    root = dataset_dir.parent
    return ReleasePlan(
        version=version,
        date=date,
        tables=dataset.tables,
        table_schemas=current_table_schemas(),
        changes=diff.changes_frame(),
        changelog_section=render_section(version, date, diff, note),
        base_version=latest,
        codebook=codebook,
        carried=_carried(dataset_dir, dataset),
        layout_root=root,
    )


def _carried(dataset_dir: Path, dataset: Dataset) -> Carried | None:
    """What the release may copy from the latest one: when `dataset` was spliced into the build
    that release holds, and the layout of its files is kept."""
    releases = read_index(dataset_dir)["releases"]
    if not releases:
        return None
    latest = releases[-1]
    spliced = _spliced_into_latest(dataset_dir.parent, latest, dataset)
    if spliced is None or not spliced.rows:
        return None
    folder = dataset_dir / f"v{latest['version']}"
    return carried_from(dataset_dir.parent, folder, latest["files"], spliced.rows)


def rebuild_differences(dataset_dir: Path, dataset: Dataset, scratch: Path) -> list[str]:
    """Data files of the latest release that `dataset` would not reproduce byte for byte.

    Only the tables' CSV and Parquet files and their Table Schemas are compared: metadata files
    (datapackage.json's descriptive part, CITATION.cff, the workbook) follow the release format
    of the version that wrote them, and published folders are never rewritten to a newer one.
    """
    releases = read_index(dataset_dir)["releases"]
    if not releases:
        return []
    latest = releases[-1]
    folder = dataset_dir / f"v{latest['version']}"
    plan = ReleasePlan(
        version=latest["version"],
        date=latest["date"],
        tables=dataset.tables,
        table_schemas=current_table_schemas(),
        changes=read_csv(folder / "changes.csv"),
        changelog_section="",
        codebook=read_codebook(dataset_dir.parent),
    )
    rebuilt = {entry["path"]: entry for entry in write_release_folder(scratch, plan)}
    published = {entry["path"]: entry for entry in latest["files"]}
    published_schemas = table_schemas(read_datapackage(folder))
    tables = set(dataset.tables) | set(published_schemas)
    data_files = {f"{name}.{suffix}" for name in tables for suffix in ("csv", "parquet")}
    differences = [
        f"v{latest['version']}/{name}"
        for name in data_files
        if rebuilt.get(name) != published.get(name)
    ]
    if published_schemas != plan.table_schemas:
        differences.append(f"v{latest['version']}/datapackage.json")
    return sorted(differences)
