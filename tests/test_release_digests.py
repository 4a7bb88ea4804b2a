"""Every release checks the latest release's files against releases.json; a file unchanged
since it was last hashed (same stat) is not read again, and any change is still found.

The project is a copy of the golden corpus, released without the orchestrator.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import release_without_orchestrator as release

from jrr.flows import file_digests
from jrr.flows.publish import read_index
from jrr.flows.recovery import damaged_latest
from jrr.flows.release_digests import ReleaseDigests


def check(project: Path) -> str | None:
    """What is wrong with the latest release of the project, if anything."""
    dataset = project / "dataset"
    return damaged_latest(dataset, read_index(dataset)["releases"])


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock a minute ahead: every file written so far has settled."""
    monkeypatch.setattr(file_digests, "_now", lambda: time.time() + 60)


def test_settled_files_are_remembered_and_not_read_again(
    project: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    release(project, "2026-01-01")
    assert check(project) is None
    remembered = ReleaseDigests(project).entries
    assert len(remembered) == len(list((project / "dataset" / "v1.0.0").iterdir()))
    real = Path.read_bytes

    def refuse_release_files(path: Path) -> bytes:
        assert "v1.0.0" not in path.parts, f"{path} was read again"
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_release_files)
    assert check(project) is None


def test_a_file_changed_after_it_was_remembered_is_found(project: Path, later: None) -> None:
    release(project, "2026-01-01")
    assert check(project) is None
    path = project / "dataset" / "v1.0.0" / "meetings.csv"
    data = bytearray(path.read_bytes())
    data[-3] = ord("X") if data[-3] != ord("X") else ord("Y")  # same size, other bytes
    path.write_bytes(bytes(data))
    problem = check(project)
    assert problem is not None and "meetings.csv" in problem


def test_files_just_written_are_not_remembered(project: Path) -> None:
    release(project, "2026-01-01")
    assert check(project) is None
    assert ReleaseDigests(project).entries == {}
