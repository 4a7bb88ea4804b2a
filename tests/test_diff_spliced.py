"""An incremental build spliced into the build the latest release holds is diffed by comparing
only the rebuilt rows; that gives the very changes.csv and changelog section that reading the
release back and comparing every table gives.

The edits are those of tests/test_incremental.py (invented, on a copy of the golden corpus).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import release_without_orchestrator as release
from helpers import run_jrr
from test_incremental import EDITS, edits_in_a_row, replace

from jrr.flows import versioning
from jrr.flows.build_snapshot import PUBLISHED_PATH
from jrr.flows.pipeline import Dataset, build_dataset

TITLE = ("raw/articles/example-2019-01-22-summit.yaml", "title:", "title: Updated")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The release folders the diff reads back."""
    folders: list[Path] = []
    real = versioning.read_release

    def spy(folder: Path, *args: object) -> dict[str, pd.DataFrame]:
        folders.append(folder)
        return real(folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(versioning, "read_release", spy)
    return folders


def assert_same_plans(project: Path, dataset: Dataset, reads: list[Path]) -> None:
    """Planning from the spliced rows reads nothing back and equals planning from the release."""
    spliced = versioning.plan_release(project / "dataset", dataset, "2026-03-01")
    assert reads == []
    whole = versioning.plan_release(
        project / "dataset", dataclasses.replace(dataset, spliced=None), "2026-03-01"
    )
    assert len(reads) == 1
    assert spliced is not None and whole is not None
    assert spliced.changelog_section == whole.changelog_section
    assert spliced.version == whole.version
    pd.testing.assert_frame_equal(spliced.changes, whole.changes)


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_spliced_build_diffs_as_the_release_read_back(
    edit: str, project: Path, reads: list[Path]
) -> None:
    release(project, "2026-01-01")
    EDITS[edit](project)
    dataset = build_dataset(project)
    assert dataset.spliced is not None
    assert_same_plans(project, dataset, reads)


def test_edits_released_one_after_another_are_each_diffed_from_the_rows(
    project: Path, reads: list[Path]
) -> None:
    release(project, "2026-01-01")
    for number, edit in enumerate(edits_in_a_row()):
        EDITS[edit](project)
        release(project, f"2026-02-{number + 1:02d}")
    assert reads == []


def test_a_build_never_published_sends_the_diff_back_to_the_release(
    project: Path, reads: list[Path]
) -> None:
    release(project, "2026-01-01")
    EDITS["a value of a record"](project)
    build_dataset(project)  # kept as the last build (jrr check does this), not published
    replace(project, *TITLE)
    dataset = build_dataset(project)
    assert dataset.spliced is not None
    plan = versioning.plan_release(project / "dataset", dataset, "2026-03-01")
    assert len(reads) == 1
    assert plan is not None and "Moskva" in plan.changelog_section


@pytest.mark.parametrize("record", ["unreadable", "of another release"])
def test_a_release_that_is_not_the_one_recorded_is_read_back(
    project: Path, reads: list[Path], record: str
) -> None:
    release(project, "2026-01-01")
    path = project / PUBLISHED_PATH
    if record == "unreadable":
        path.write_text("{not json")
    else:
        recorded = json.loads(path.read_text())
        recorded["release"]["version"] = "0.9.0"
        path.write_text(json.dumps(recorded))
    replace(project, *TITLE)
    dataset = build_dataset(project)
    versioning.plan_release(project / "dataset", dataset, "2026-03-01")
    assert len(reads) == 1


def test_the_release_flow_records_what_it_published(
    released_project: Path, reads: list[Path]
) -> None:
    replace(released_project, *TITLE)
    assert run_jrr("release", "--root", str(released_project), "--date", "2026-02-01")[0] == 0
    EDITS["a value of a record"](released_project)
    assert run_jrr("release", "--root", str(released_project), "--date", "2026-02-02")[0] == 0
    assert [folder.name for folder in reads] == ["v1.0.0"]  # read for v1.0.1 only
    changes = pd.read_csv(released_project / "dataset" / "v1.0.2" / "changes.csv")
    assert "Moskva" in set(changes["new_value"])
