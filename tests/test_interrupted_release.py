"""A damaged latest release stops the next one; an interrupted release is cleared up by the next."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import run_jrr, tree_digest

from jrr.flows.pipeline import build_dataset
from jrr.flows.publish import PublishError
from jrr.flows.versioning import plan_release

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"


def _change_raw(project: Path) -> None:
    """An edit that calls for a patch release."""
    path = project / SUMMIT
    path.write_text(path.read_text().replace("city: Moscow", "city: Kazan", 1))


def _flip_a_byte(path: Path, offset: int) -> None:
    """Change one byte of a file in place."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["datapackage.json", "meetings.parquet"])
def test_a_latest_release_failing_its_checksums_is_not_built_on(
    released_project: Path, name: str
) -> None:
    _change_raw(released_project)
    dataset_dir = released_project / "dataset"
    damaged = dataset_dir / "v1.0.0" / name
    _flip_a_byte(damaged, damaged.stat().st_size // 2)
    before = tree_digest(dataset_dir)

    with pytest.raises(PublishError, match="the latest release v1.0.0 does not match"):
        plan_release(dataset_dir, build_dataset(released_project), "2026-02-01")
    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert f"dataset/v1.0.0/{name}: sha256 " in err
    assert f"restore it (git checkout -- dataset/v1.0.0/{name}) or download the release" in err
    assert tree_digest(dataset_dir) == before


def test_staging_leftovers_are_explained_then_removed(released_project: Path) -> None:
    dataset_dir = released_project / "dataset"
    staging = dataset_dir / ".tmp-v1.0.1-0badf00d"
    staging.mkdir()
    (staging / "meetings.csv").write_text("half written")
    (dataset_dir / ".tmp-CHANGELOG.md-0badf00d").write_text("half written")
    (released_project / ".tmp-CITATION.cff-0badf00d").write_text("half written")

    code, _, err = run_jrr("validate", "--root", str(released_project))
    assert code == 1
    for path in [
        "dataset/.tmp-v1.0.1-0badf00d",
        "dataset/.tmp-CHANGELOG.md-0badf00d",
        ".tmp-CITATION.cff-0badf00d",
    ]:
        message = f"{path}:1: file: left by an interrupted release while staging; the next"
        assert message in err

    code, out, _ = run_jrr("release", "--root", str(released_project))  # nothing to publish

    assert code == 0
    assert "removed dataset/.tmp-v1.0.1-0badf00d, left by an interrupted release" in out
    assert not staging.exists()
    assert run_jrr("validate", "--root", str(released_project))[0] == 0


def test_a_release_killed_before_releases_json_is_completed_by_the_next(
    released_project: Path,
) -> None:
    dataset_dir = released_project / "dataset"
    pages = ["releases.json", "CHANGELOG.md", "README.md", "timeline.svg"]
    before = {name: (dataset_dir / name).read_bytes() for name in pages}
    _change_raw(released_project)
    assert run_jrr("release", "--root", str(released_project), "--date", "2026-02-01")[0] == 0
    complete = tree_digest(dataset_dir)
    # The state a kill leaves after renaming v1.0.1 into place, before releases.json is written.
    for name, data in before.items():
        (dataset_dir / name).write_bytes(data)
    _, _, err = run_jrr("validate", "--root", str(released_project))
    assert "dataset/v1.0.1:1: folder: not listed in dataset/releases.json: left by an" in err

    code, out, _ = run_jrr("release", "--root", str(released_project), "--date", "2026-02-01")

    assert code == 0
    assert "adopted dataset/v1.0.1, left complete by an interrupted release" in out
    assert tree_digest(dataset_dir) == complete
    assert run_jrr("validate", "--root", str(released_project))[0] == 0


def test_an_unlisted_folder_older_than_the_latest_needs_a_person(released_project: Path) -> None:
    _change_raw(released_project)
    dataset_dir = released_project / "dataset"
    shutil.copytree(dataset_dir / "v1.0.0", dataset_dir / "v0.9.0")
    before = tree_digest(dataset_dir)

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert "dataset/v0.9.0 is not listed in releases.json and is not newer than the latest" in err
    assert tree_digest(dataset_dir) == before
    _, _, err = run_jrr("validate", "--root", str(released_project))
    assert "dataset/v0.9.0:1: folder: not listed in dataset/releases.json, and not newer" in err
