"""Stage 6, publish: write a release folder, record it in releases.json, refresh derived pages.

releases.json is the commit point. The version folder is renamed into place just before it,
and CHANGELOG.md, README.md, timeline.svg and CITATION.cff are derived from it afterwards,
so a release interrupted at any point either never happened or can be completed by running
the release again, which also clears up what the interrupted one left (flows/recovery.py). The
root's CITATION.cff, .zenodo.json and README citation line are derived the same way.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from jrr.flows.changelog_page import render_changelog
from jrr.flows.files import json_bytes, write_atomic, write_if_changed
from jrr.flows.landing_pages import update_citation, write_dataset_readme
from jrr.flows.recovery import (
    damaged_latest,
    is_interrupted,
    remove_staging,
    same_files,
    set_aside,
    unlisted_folders,
)
from jrr.flows.release_index import DownloadError, parse_index

if TYPE_CHECKING:
    from jrr.flows.release_folder import ReleasePlan

LOCK_TIMEOUT_SECONDS = 5.0
INDEX_NAME = "releases.json"
# Files outside the version folders that a release rewrites, relative to dataset/.
DERIVED = [
    "CHANGELOG.md",
    "README.md",
    "timeline.svg",
    "../CITATION.cff",
    "../.zenodo.json",
    "../README.md",
]


class PublishError(Exception):
    """A release that could not be published; dataset/ is left as it was."""


def publish(dataset_dir: Path, plan: ReleasePlan, notes: list[str] | None = None) -> Path:
    """Publish `plan` as dataset/v<version>: all or nothing, one release at a time.

    Leftovers of interrupted releases are cleared up first; what was done is added to `notes`.
    """
    notes = [] if notes is None else notes
    dataset_dir.mkdir(parents=True, exist_ok=True)
    with release_lock(dataset_dir):
        index = read_index(dataset_dir)
        _check_still_latest(index, plan)
        check_latest_intact(dataset_dir, index["releases"])
        notes += remove_staging(dataset_dir)
        target = dataset_dir / f"v{plan.version}"
        snapshot = _snapshot(dataset_dir)
        staging = dataset_dir / f".tmp-v{plan.version}-{uuid.uuid4().hex[:8]}"
        placed: Path | None = None  # the version folder once this release put it in place
        try:
            # Here, not at the top: writing tables needs pandas, a release that changes
            # nothing does not.
            from jrr.flows.release_folder import write_release_folder

            files = write_release_folder(staging, plan)
            adopted = _clear_unlisted(dataset_dir, index["releases"], target, files, notes)
            entry = {"version": plan.version, "date": plan.date, "files": files}
            index["releases"].append({**entry, "changelog": plan.changelog_section})
            if not adopted:  # an adopted folder stays as found if what follows fails
                os.replace(staging, target)
                placed = target
            write_atomic(dataset_dir / INDEX_NAME, json_bytes(index))
            refresh_derived(dataset_dir)
        except OSError as error:
            _restore(dataset_dir, snapshot, placed)
            raise PublishError(
                f"could not write the release ({error}); dataset/ is unchanged"
            ) from error
        except BaseException:
            _restore(dataset_dir, snapshot, placed)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def check_latest_intact(dataset_dir: Path, releases: list[dict[str, Any]]) -> None:
    """Refuse to diff against or publish on top of a latest release failing its checksums."""
    problem = damaged_latest(dataset_dir, releases)
    if problem:
        raise PublishError(problem)


def _clear_unlisted(
    dataset_dir: Path,
    releases: list[dict[str, Any]],
    target: Path | None,
    files: list[dict[str, Any]],
    notes: list[str],
) -> bool:
    """Adopt an interrupted release's folder that holds exactly `files`; set the others aside.

    True if `target` was adopted. An unlisted folder no release could have been writing is
    refused: it needs a person.
    """
    adopted = False
    for folder in unlisted_folders(dataset_dir, releases):
        if not is_interrupted(folder, releases):
            raise PublishError(
                f"dataset/{folder.name} is not listed in releases.json and is not newer than "
                "the latest release: restore releases.json from version control, or move the "
                "folder away, then run the release again"
            )
        if folder == target and same_files(folder, files):
            notes.append(f"adopted dataset/{folder.name}, left complete by an interrupted release")
            adopted = True
        else:
            notes.append(set_aside(folder, dataset_dir))
    return adopted


def refresh_derived(dataset_dir: Path) -> list[str]:
    """Bring CHANGELOG.md, README.md, timeline.svg and the citation files up to releases.json."""
    releases = read_index(dataset_dir)["releases"]
    if not releases:
        return []
    before = {name: _read(dataset_dir / name) for name in DERIVED}
    write_if_changed(dataset_dir / "CHANGELOG.md", render_changelog(releases).encode("utf-8"))
    write_dataset_readme(dataset_dir)
    update_citation(dataset_dir.parent)
    return [name for name in DERIVED if _read(dataset_dir / name) != before[name]]


def repair_derived(dataset_dir: Path, notes: list[str] | None = None) -> list[str]:
    """Clear up after an interrupted release and refresh the derived pages, under the lock.

    Returns the names of the pages that changed; what was cleared up is added to `notes`.
    """
    notes = [] if notes is None else notes
    with release_lock(dataset_dir):
        releases = read_index(dataset_dir)["releases"]
        check_latest_intact(dataset_dir, releases)
        notes += remove_staging(dataset_dir)
        _clear_unlisted(dataset_dir, releases, None, [], notes)
        return refresh_derived(dataset_dir)


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


def latest_version(dataset_dir: Path) -> str | None:
    """The newest published version, or None before the first release."""
    releases = read_index(dataset_dir)["releases"]
    return releases[-1]["version"] if releases else None


def read_index(dataset_dir: Path) -> dict[str, Any]:
    """releases.json, checked; an empty index before the first release."""
    path = dataset_dir / INDEX_NAME
    if not path.exists():
        return {"releases": []}
    try:
        return parse_index(path.read_bytes(), f"dataset/{INDEX_NAME}")
    except DownloadError as error:
        raise PublishError(f"{error}; restore it from version control") from error


def _check_still_latest(index: dict[str, Any], plan: ReleasePlan) -> None:
    """Refuse a plan diffed against a version that is no longer the latest."""
    latest = index["releases"][-1]["version"] if index["releases"] else None
    if latest != plan.base_version:
        raise PublishError(
            f"v{latest} was published while this release was being prepared from "
            f"{'v' + plan.base_version if plan.base_version else 'nothing'}; run the release again"
        )


def _snapshot(dataset_dir: Path) -> dict[str, bytes | None]:
    """The bytes of every file a release rewrites (None if absent), to put back on failure."""
    return {name: _read(dataset_dir / name) for name in [INDEX_NAME, *DERIVED]}


def _restore(dataset_dir: Path, snapshot: dict[str, bytes | None], target: Path | None) -> None:
    """Undo a failed release: remove the folder it placed, put every rewritten file back."""
    if target is not None:
        shutil.rmtree(target, ignore_errors=True)
    for name, data in snapshot.items():
        path = dataset_dir / name
        if data is None:
            path.unlink(missing_ok=True)
        elif _read(path) != data:
            write_atomic(path, data)


def _read(path: Path) -> bytes | None:
    """A file's bytes, or None if it does not exist."""
    return path.read_bytes() if path.exists() else None
