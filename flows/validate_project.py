"""What `jrr validate` checks: raw/ builds, releases are intact and valid, nothing is unreleased."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from jrr.flows.changelog_page import render_changelog
from jrr.flows.dataset_readme import render_readme, render_timeline_svg
from jrr.flows.landing_pages import root_pages
from jrr.flows.pipeline import Dataset, build_dataset
from jrr.flows.problems import InputError, Problem
from jrr.flows.publish import PublishError, read_index
from jrr.flows.recovery import leftover_problems
from jrr.flows.validate_release import validate_release
from jrr.flows.versioning import rebuild_differences

RUN_RELEASE = "run make release"


def validate_project(root: Path) -> list[Problem]:
    """Every problem with raw/ and dataset/ under `root`, all at once."""
    dataset_dir = root / "dataset"
    dataset, problems = _build(root)
    try:
        releases = read_index(dataset_dir)["releases"]
    except PublishError as error:
        return [*problems, Problem("dataset/releases.json", 1, "file", str(error))]
    for release in releases:
        folder = dataset_dir / f"v{release['version']}"
        problems += validate_release(folder, release["files"], root)
    problems += leftover_problems(dataset_dir, releases)
    if not problems and releases:
        problems += _stale_pages(dataset_dir, releases)
    if not problems and dataset is not None:
        problems += _unreleased(dataset_dir, dataset)
    return problems


def _build(root: Path) -> tuple[Dataset | None, list[Problem]]:
    """The dataset raw/ builds, or the problems that stop it."""
    try:
        return build_dataset(root), []
    except InputError as error:
        return None, list(error.problems)


def _stale_pages(dataset_dir: Path, releases: list[dict[str, Any]]) -> list[Problem]:
    """Pages derived from releases.json that no longer match it."""
    expected = {
        "CHANGELOG.md": render_changelog(releases).encode("utf-8"),
        "README.md": render_readme(dataset_dir).encode("utf-8"),
        "timeline.svg": render_timeline_svg(dataset_dir),
    }
    stale = [
        Problem(f"dataset/{name}", 1, "file", f"out of date with releases.json: {RUN_RELEASE}")
        for name, data in expected.items()
        if not (dataset_dir / name).exists() or (dataset_dir / name).read_bytes() != data
    ]
    return stale + [
        Problem(path.name, 1, "file", f"out of date with releases.json: {RUN_RELEASE}")
        for path, data in root_pages(dataset_dir.parent).items()
        if not path.exists() or path.read_bytes() != data
    ]


def _unreleased(dataset_dir: Path, dataset: Dataset) -> list[Problem]:
    """Files of the latest release that raw/ no longer builds."""
    message = f"differs from what raw/ builds now: unreleased changes in raw/: {RUN_RELEASE}"
    with tempfile.TemporaryDirectory() as scratch:
        names = rebuild_differences(dataset_dir, dataset, Path(scratch) / "rebuilt")
    return [Problem(f"dataset/{name}", 1, "file", message) for name in names]
