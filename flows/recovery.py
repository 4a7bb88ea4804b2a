"""Releases that were damaged or interrupted: refuse to build on the first, clear up the second.

An interrupted release can leave two things in dataset/ (releases.json, written last, is the
commit point, so neither was ever published):
- a staging folder `dataset/.tmp-v<version>-<id>` or a temporary file `.tmp-<name>-<id>`
  (killed while writing): the next release removes it;
- a version folder newer than the latest listed release (killed between renaming it into
  place and writing releases.json): the next release adopts it when its files are exactly
  the ones it would publish itself, and otherwise moves it to `.jrr/interrupted/`, so that
  nothing is ever deleted. An unlisted folder that is not newer than the latest release was
  not left by an interrupted release, and is left for a person to look at.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

from jrr.flows.problems import Problem
from jrr.flows.release_digests import ReleaseDigests
from jrr.flows.validate_file import check_files, shown

STAGING_GLOB = ".tmp-*"
SET_ASIDE = Path(".jrr") / "interrupted"
_VERSION_FOLDER = re.compile(r"v([0-9]+)\.([0-9]+)\.([0-9]+)")


def damaged_latest(dataset_dir: Path, releases: list[dict[str, Any]]) -> str | None:
    """Why the latest release cannot be built on (files failing their checksums), or None."""
    if not releases:
        return None
    latest = releases[-1]
    folder = dataset_dir / f"v{latest['version']}"
    digests = ReleaseDigests(dataset_dir.parent)
    problems = check_files(folder, latest["files"], dataset_dir.parent, digests)
    digests.save()
    if not problems:
        return None
    lines = "\n".join(f"  {problem.path}: {problem.message}" for problem in problems)
    return (
        f"the latest release v{latest['version']} does not match the checksums in "
        "dataset/releases.json, so no release can be diffed against it or published on top "
        f"of it; repair it, then run the release again:\n{lines}"
    )


def staging_leftovers(dataset_dir: Path) -> list[Path]:
    """Temporary folders and files that only an interrupted release leaves behind."""
    root = dataset_dir.parent
    return sorted([*dataset_dir.glob(STAGING_GLOB), *root.glob(".tmp-CITATION.cff-*")])


def unlisted_folders(dataset_dir: Path, releases: list[dict[str, Any]]) -> list[Path]:
    """Version folders that releases.json does not list."""
    listed = {f"v{release['version']}" for release in releases}
    return [
        folder
        for folder in sorted(dataset_dir.glob("v*"))
        if folder.is_dir() and not folder.is_symlink() and folder.name not in listed
    ]


def is_interrupted(folder: Path, releases: list[dict[str, Any]]) -> bool:
    """True for a version folder newer than the latest release: one a release was writing."""
    match = _VERSION_FOLDER.fullmatch(folder.name)
    if match is None:
        return False
    if not releases:
        return True
    latest = _VERSION_FOLDER.fullmatch(f"v{releases[-1]['version']}")
    return latest is None or _key(match) > _key(latest)


def leftover_problems(dataset_dir: Path, releases: list[dict[str, Any]]) -> list[Problem]:
    """What `jrr validate` says about leftovers of interrupted releases."""
    root = dataset_dir.parent
    problems = [
        Problem(
            shown(path, root),
            1,
            "file",
            "left by an interrupted release while staging; the next `make release` removes it",
        )
        for path in staging_leftovers(dataset_dir)
    ]
    for folder in unlisted_folders(dataset_dir, releases):
        if is_interrupted(folder, releases):
            message = (
                "not listed in dataset/releases.json: left by an interrupted release; the next "
                "`make release` adopts it if it holds exactly what that release publishes, "
                f"and otherwise moves it to {SET_ASIDE.as_posix()}/"
            )
        else:
            message = (
                "not listed in dataset/releases.json, and not newer than the latest release: "
                "restore releases.json from version control, or move this folder away"
            )
        problems.append(Problem(shown(folder, root), 1, "folder", message))
    return problems


def remove_staging(dataset_dir: Path) -> list[str]:
    """Delete staging leftovers (call with the release lock held); say what was removed."""
    messages = []
    for path in staging_leftovers(dataset_dir):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        messages.append(
            f"removed {shown(path, dataset_dir.parent)}, left by an interrupted release"
        )
    return messages


def same_files(folder: Path, entries: list[dict[str, Any]]) -> bool:
    """True if `folder` holds exactly the files `entries` lists, byte for byte."""
    names = {path.name for path in folder.iterdir()}
    if names != {entry["path"] for entry in entries}:
        return False
    for entry in entries:
        path = folder / entry["path"]
        if not path.is_file() or path.is_symlink():
            return False
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            return False
    return True


def set_aside(folder: Path, dataset_dir: Path) -> str:
    """Move an interrupted release's folder out of dataset/ (never delete it); say where."""
    root = dataset_dir.parent
    target_dir = root / SET_ASIDE
    target_dir.mkdir(parents=True, exist_ok=True)
    number = 1
    while (target_dir / f"{folder.name}-{number}").exists():
        number += 1
    target = target_dir / f"{folder.name}-{number}"
    shutil.move(str(folder), str(target))
    return (
        f"moved {shown(folder, root)} to {shown(target, root)}: an interrupted release left it, "
        "and it is not what this release publishes"
    )


def _key(match: re.Match[str]) -> tuple[int, int, int]:
    """A version folder's number, for ordering."""
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch
