"""The real `release` flow on the golden corpus: whole outputs, idempotence, dry runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOLDEN, RELEASE_DATE
from helpers import run_jrr, tree_digest

from jrr.flows import caching, release
from jrr.flows.files import file_entry
from jrr.schemas import TABLES
from jrr.schemas.io import read_table

EXPECTED = GOLDEN / "expected"


@pytest.mark.parametrize("name", [*TABLES, "changes"])
def test_golden_release_publishes_the_expected_csv(golden_released: Path, name: str) -> None:
    published = golden_released / "dataset" / "v1.0.0" / f"{name}.csv"
    assert published.read_bytes() == (EXPECTED / f"{name}.csv").read_bytes()


def test_golden_release_writes_changelog_index_and_checksums(golden_released: Path) -> None:
    dataset = golden_released / "dataset"
    folder = dataset / "v1.0.0"
    assert (dataset / "CHANGELOG.md").read_bytes() == (EXPECTED / "CHANGELOG.md").read_bytes()
    index = json.loads((dataset / "releases.json").read_text())
    [release] = index["releases"]
    assert (release["version"], release["date"]) == ("1.0.0", RELEASE_DATE)
    names = sorted(p.name for p in folder.iterdir())
    files = sorted(release["files"], key=lambda entry: entry["path"])
    assert files == [file_entry(folder, name) for name in names]
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert sums == [f"{file_entry(folder, n)['sha256']}  {n}" for n in names if n != "SHA256SUMS"]
    assert not list(dataset.glob(".tmp-*"))


def test_second_release_with_nothing_changed_publishes_nothing(released_project: Path) -> None:
    before = tree_digest(released_project / "dataset")

    code, out, _ = run_jrr("release", "--root", str(released_project))

    assert code == 0
    assert "dataset is up to date (latest release v1.0.0); nothing published" in out
    assert tree_digest(released_project / "dataset") == before


def test_dry_run_shows_the_release_and_writes_nothing(golden_project: Path) -> None:
    code, out, _ = run_jrr(
        "release", "--root", str(golden_project), "--dry-run", "--date", "2026-02-01"
    )

    assert code == 0
    assert out.startswith("would publish v1.0.0 (dry run; nothing written)")
    assert "## [1.0.0] - 2026-02-01" in out
    assert not (golden_project / "dataset" / "v1.0.0").exists()
    assert not (golden_project / "dataset" / "releases.json").exists()


def test_builds_are_byte_identical(
    golden_released: Path, golden_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    salt = uuid.uuid4().hex  # a fresh cache key: this run must really build again
    monkeypatch.setattr(caching, "code_version", lambda: salt)
    assert run_jrr("release", "--root", str(golden_project), "--date", RELEASE_DATE)[0] == 0
    assert tree_digest(golden_project / "dataset") == tree_digest(golden_released / "dataset")


@pytest.mark.parametrize("name", TABLES)
def test_csv_and_parquet_read_back_equal(golden_released: Path, name: str) -> None:
    folder = golden_released / "dataset" / "v1.0.0"
    from_csv = read_table(folder, name, "csv")
    from_parquet = read_table(folder, name, "parquet")
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    assert len(from_csv) == len(pd.read_csv(EXPECTED / f"{name}.csv"))


def _build_fails(*args: object, **kwargs: object) -> None:
    """Stands in for the build where a release must not need it."""
    raise AssertionError("the build ran")


def test_a_release_from_the_sources_of_the_latest_one_skips_the_build(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first no-op builds (a fresh copy has no stamp) and finds nothing changed.
    assert run_jrr("release", "--root", str(released_project))[0] == 0
    before = tree_digest(released_project / "dataset")
    monkeypatch.setattr("jrr.flows.release.consolidate", _build_fails)

    code, out, _ = run_jrr("release", "--root", str(released_project))

    assert code == 0
    assert "dataset is up to date (latest release v1.0.0); nothing published" in out
    assert tree_digest(released_project / "dataset") == before


def test_a_release_that_changes_nothing_loads_no_build_library(released_project: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    assert run_jrr("release", "--root", str(released_project))[0] == 0  # records the stamps
    script = (
        "import sys; from jrr.flows.cli import main; code = main(sys.argv[1:]); "
        "print(code, sorted(m for m in ('pandas', 'pandera', 'matplotlib') if m in sys.modules))"
    )
    command = [sys.executable, "-c", script, "release", "--root", str(released_project)]
    environment = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}

    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)

    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr


def test_only_articles_not_cached_go_to_the_task_runner(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_jrr("release", "--root", str(released_project))[0] == 0  # fills the cache
    summit = released_project / "raw" / "annotations" / "example-2019-01-22-summit.yaml"
    summit.write_text(summit.read_text().replace("city: Moscow", "city: Kazan", 1))
    submitted: list[list[str]] = []
    submit = release.articles_task.submit

    def recorded(root: Path, ids: list[str], version: str) -> object:
        submitted.append(ids)
        return submit(root, ids, version)

    monkeypatch.setattr(release.articles_task, "submit", recorded)

    code, out, _ = run_jrr("release", "--root", str(released_project))

    assert (code, out.startswith("published v1.0.1")) == (0, True)
    assert submitted == [["example-2019-01-22-summit"]]


@pytest.mark.parametrize(
    "change",
    ["annotation", "codebook", "releases.json", "code"],
)
def test_any_change_to_the_sources_or_the_releases_builds_again(
    released_project: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    assert run_jrr("release", "--root", str(released_project))[0] == 0
    built = []
    real = release.consolidate
    monkeypatch.setattr(release, "consolidate", lambda *a, **k: built.append(1) or real(*a, **k))
    if change == "annotation":
        path = next((released_project / "raw" / "annotations").glob("*.yaml"))
        path.write_text(path.read_text() + "\n# a comment\n")
    elif change == "codebook":
        (released_project / "CODEBOOK.md").write_text("# Coding rules\n\nNew rule.\n")
    elif change == "releases.json":
        index = released_project / "dataset" / "releases.json"
        index.write_bytes(index.read_bytes() + b"\n")
    else:
        monkeypatch.setattr(caching, "code_version", lambda: "another-version")

    assert run_jrr("release", "--root", str(released_project), "--dry-run")[0] == 0
    assert built == [1]
