"""What `jrr validate` checks: raw/ builds, releases are intact and valid, nothing is unreleased."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flows.pipeline import build_dataset
from flows.problems import InputError, Problem
from flows.publish import read_index
from flows.release_files import check_files, shown, validate_release_tables
from flows.versioning import rebuild_differences


def validate_project(root: Path) -> list[Problem]:
    """Every problem with raw/ and dataset/ under `root`."""
    dataset_dir = root / "dataset"
    try:
        dataset = build_dataset(root)
    except InputError as error:
        return error.problems
    problems = []
    for release in read_index(dataset_dir)["releases"]:
        folder = dataset_dir / f"v{release['version']}"
        problems += check_files(folder, release["files"], root)
        problems += validate_release_tables(folder, root)
    problems += _unlisted_folders(dataset_dir, root)
    if not problems:
        with tempfile.TemporaryDirectory() as scratch:
            for name in rebuild_differences(dataset_dir, dataset, Path(scratch) / "rebuilt"):
                message = "differs from what raw/ builds now: unreleased changes in raw/"
                problems.append(
                    Problem(f"dataset/{name}", 1, "file", message + ": run make release")
                )
    return problems


def _unlisted_folders(dataset_dir: Path, root: Path) -> list[Problem]:
    """Version folders that releases.json does not list."""
    listed = {f"v{r['version']}" for r in read_index(dataset_dir)["releases"]}
    return [
        Problem(shown(folder, root), 1, "folder", "not listed in dataset/releases.json")
        for folder in sorted(dataset_dir.glob("v*"))
        if folder.is_dir() and folder.name not in listed
    ]
