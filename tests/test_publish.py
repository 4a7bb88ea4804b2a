"""Publishing is atomic, one release at a time, and cached stages are skipped on a re-run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import jrr, tree_digest

from flows import pipeline, publish

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"


def _change_a_value(project: Path) -> None:
    """An edit that calls for a PATCH release."""
    path = project / SUMMIT
    path.write_text(path.read_text().replace("city: Osaka", "city: Kyoto"))


def test_a_second_release_waits_then_fails_clearly(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _change_a_value(released_project)
    monkeypatch.setattr(publish, "LOCK_TIMEOUT_SECONDS", 0.2)
    before = tree_digest(released_project / "dataset")

    with publish.release_lock(released_project / "dataset"):
        code, _, err = jrr("release", "--root", str(released_project))

    assert code == 1
    assert "another release is running" in err
    assert tree_digest(released_project / "dataset") == before


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError("disk full (simulated)")


@pytest.mark.parametrize(
    "step", ["write_release_folder", "write_json", "_write_atomic", "write_dataset_readme"]
)
def test_a_failure_at_any_step_leaves_dataset_as_it_was(
    released_project: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    shutil.copy(ROOT / "CITATION.cff", released_project / "CITATION.cff")
    _change_a_value(released_project)
    citation = (released_project / "CITATION.cff").read_bytes()
    before = tree_digest(released_project / "dataset")
    monkeypatch.setattr(publish, step, _fail)

    code, _, err = jrr("release", "--root", str(released_project))

    assert code == 1
    assert "could not write the release (disk full (simulated)); dataset/ is unchanged" in err
    assert tree_digest(released_project / "dataset") == before
    assert (released_project / "CITATION.cff").read_bytes() == citation


def test_a_folder_left_by_a_killed_release_is_replaced(released_project: Path) -> None:
    _change_a_value(released_project)
    debris = released_project / "dataset" / "v1.0.1"
    debris.mkdir()
    (debris / "meetings.csv").write_text("half written")

    code, out, _ = jrr("release", "--root", str(released_project))

    assert code == 0
    assert out.startswith("published v1.0.1")
    assert jrr("validate", "--root", str(released_project))[0] == 0


def test_unchanged_stages_are_not_rerun(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = pipeline.build_and_validate

    def counting(*args: object) -> object:
        calls.append("build")
        return real(*args)

    monkeypatch.setattr(pipeline, "build_and_validate", counting)
    assert jrr("release", "--root", str(released_project))[0] == 0
    assert jrr("release", "--root", str(released_project))[0] == 0
    cached_runs = len(calls)
    path = released_project / SUMMIT  # an edit no other test makes, so no cached result exists
    path.write_text(path.read_text().replace("city: Moscow", "city: Nagoya"))
    assert jrr("release", "--root", str(released_project))[0] == 0

    assert cached_runs <= 1
    assert len(calls) == cached_runs + 1
