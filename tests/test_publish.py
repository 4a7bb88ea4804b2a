"""Publishing is atomic, one release at a time, and cached stages are skipped on a re-run."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import run_jrr, tree_digest

from jrr.flows import caching, publish, release, release_folder
from jrr.flows.landing_pages import CITATION_START
from jrr.flows.pipeline import build_dataset
from jrr.flows.publish import PublishError
from jrr.flows.versioning import plan_release

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"


def _replace(project: Path, old: str, new: str) -> None:
    """Edit the summit annotation."""
    path = project / SUMMIT
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_second_release_waits_then_fails_clearly(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replace(released_project, "city: Moscow", "city: Kazan")
    monkeypatch.setattr(publish, "LOCK_TIMEOUT_SECONDS", 0.2)
    before = tree_digest(released_project / "dataset")

    with publish.release_lock(released_project / "dataset"):
        code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert "another release is running" in err
    assert tree_digest(released_project / "dataset") == before


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError("disk full (simulated)")


@pytest.mark.parametrize(
    ("module", "step"),
    [
        (release_folder, "write_release_folder"),
        (publish, "write_atomic"),
        (publish, "write_if_changed"),
        (publish, "write_dataset_readme"),
    ],
    ids=["write_release_folder", "write_atomic", "write_if_changed", "write_dataset_readme"],
)
def test_a_failure_at_any_step_leaves_dataset_as_it_was(
    released_project: Path, monkeypatch: pytest.MonkeyPatch, module: object, step: str
) -> None:
    shutil.copy(ROOT / "CITATION.cff", released_project / "CITATION.cff")
    _replace(released_project, "city: Moscow", "city: Kazan")
    citation = (released_project / "CITATION.cff").read_bytes()
    before = tree_digest(released_project / "dataset")
    monkeypatch.setattr(module, step, _fail)

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert "could not write the release (disk full (simulated)); dataset/ is unchanged" in err
    assert tree_digest(released_project / "dataset") == before
    assert (released_project / "CITATION.cff").read_bytes() == citation


def test_an_unexpected_error_after_the_commit_point_is_rolled_back(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "CITATION.cff", released_project / "CITATION.cff")
    (released_project / "README.md").write_text(f"{CITATION_START}\n{CITATION_START}\n")
    _replace(released_project, "city: Moscow", "city: Kazan")
    before = tree_digest(released_project / "dataset")

    with pytest.raises(ValueError, match="expected one citation block"):
        run_jrr("release", "--root", str(released_project))

    assert tree_digest(released_project / "dataset") == before


def test_a_half_written_folder_of_a_killed_release_is_set_aside_not_deleted(
    released_project: Path,
) -> None:
    _replace(released_project, "city: Moscow", "city: Kazan")
    debris = released_project / "dataset" / "v1.0.1"
    debris.mkdir()
    (debris / "meetings.csv").write_text("half written")
    _, _, err = run_jrr("validate", "--root", str(released_project))
    assert "dataset/v1.0.1:1: folder: not listed in dataset/releases.json: left by an " in err

    code, out, _ = run_jrr("release", "--root", str(released_project))

    assert code == 0
    assert "moved dataset/v1.0.1 to .jrr/interrupted/v1.0.1-1" in out
    kept = released_project / ".jrr" / "interrupted" / "v1.0.1-1" / "meetings.csv"
    assert kept.read_text() == "half written"
    assert (released_project / "dataset" / "v1.0.1" / "SHA256SUMS").exists()
    assert run_jrr("validate", "--root", str(released_project))[0] == 0


def test_pages_lost_after_the_commit_point_are_restored_by_the_next_run(
    released_project: Path,
) -> None:
    dataset = released_project / "dataset"
    changelog = (dataset / "CHANGELOG.md").read_bytes()
    (dataset / "CHANGELOG.md").unlink()
    (dataset / "README.md").write_text("stale")
    _, _, err = run_jrr("validate", "--root", str(released_project))
    assert "dataset/CHANGELOG.md:1: file: out of date with releases.json: run make release" in err

    code, out, _ = run_jrr("release", "--root", str(released_project))

    assert code == 0
    assert "up to date: CHANGELOG.md, README.md" in out
    assert (dataset / "CHANGELOG.md").read_bytes() == changelog
    assert run_jrr("validate", "--root", str(released_project))[0] == 0


def test_a_plan_made_before_another_release_is_refused(released_project: Path) -> None:
    dataset_dir = released_project / "dataset"
    _replace(released_project, "city: Moscow", "city: Kazan")
    stale = plan_release(dataset_dir, build_dataset(released_project), "2026-02-01")
    assert stale is not None
    _replace(released_project, "city: Kazan", "city: Sochi")
    assert run_jrr("release", "--root", str(released_project))[0] == 0
    before = tree_digest(dataset_dir)

    with pytest.raises(PublishError, match="v1.0.1 was published while this release was being"):
        publish.publish(dataset_dir, stale)

    assert tree_digest(dataset_dir) == before


def test_unchanged_stages_are_not_rerun(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    salt = uuid.uuid4().hex  # no result cached by another test can match
    monkeypatch.setattr(caching, "code_version", lambda: salt)
    calls: list[str] = []
    real = release.consolidate
    monkeypatch.setattr(
        release, "consolidate", lambda *args, **kw: calls.append("build") or real(*args, **kw)
    )

    assert run_jrr("release", "--root", str(released_project))[0] == 0
    assert run_jrr("release", "--root", str(released_project))[0] == 0
    assert calls == ["build"]
    _replace(released_project, "city: Moscow", "city: Nagoya")
    assert run_jrr("release", "--root", str(released_project))[0] == 0
    assert calls == ["build", "build"]


def test_a_truncated_latest_release_stops_the_next_one_clearly(released_project: Path) -> None:
    _replace(released_project, "city: Moscow", "city: Kazan")
    parquet = released_project / "dataset" / "v1.0.0" / "meetings.parquet"
    parquet.write_bytes(parquet.read_bytes()[:50])
    before = tree_digest(released_project / "dataset")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert "the latest release v1.0.0 does not match the checksums" in err
    assert "dataset/v1.0.0/meetings.parquet: sha256 " in err
    assert "git checkout -- dataset/v1.0.0/meetings.parquet" in err
    assert tree_digest(released_project / "dataset") == before
