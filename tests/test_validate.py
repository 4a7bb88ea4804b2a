"""`jrr validate`: raw/ builds, releases are immutable and valid, nothing is left unreleased."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandera.pandas as pa
import pytest
from conftest import ROOT
from helpers import run_jrr
from pandera.typing import Series

from jrr.schemas import TABLES, TableSpec
from jrr.schemas.io import read_csv
from jrr.schemas.tables import Meetings
from jrr.schemas.validation import validate_frame


def _validate(project: Path, *args: str) -> tuple[int, str, str]:
    """Run `jrr validate` on a project."""
    return run_jrr("validate", *args, "--root", str(project))


def _reseal(folder: Path) -> None:
    """Re-record every checksum of a release after an edit (what an attacker or a mistake does)."""
    index_path = folder.parent / "releases.json"
    index = json.loads(index_path.read_text())
    entries = []
    for entry in index["releases"][-1]["files"]:
        data = (folder / entry["path"]).read_bytes()
        entries.append({**entry, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    index["releases"][-1]["files"] = entries
    index_path.write_text(json.dumps(index))
    sums = [f"{e['sha256']}  {e['path']}\n" for e in entries if e["path"] != "SHA256SUMS"]
    (folder / "SHA256SUMS").write_text("".join(sums))


def test_an_intact_project_validates(released_project: Path) -> None:
    code, out, _ = _validate(released_project)
    assert (code, out.split(":")[0]) == (0, "ok")


@pytest.mark.parametrize("name", ["meetings.parquet", "evidence.csv", "datapackage.json"])
def test_one_changed_byte_fails_naming_the_file(released_project: Path, name: str) -> None:
    path = released_project / "dataset" / "v1.0.0" / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, _, err = _validate(released_project)

    assert code == 1
    assert f"dataset/v1.0.0/{name}:1: file: sha256 " in err
    assert "published releases are immutable" in err


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("truncate meetings.parquet", "dataset/v1.0.0/meetings.parquet:1: file: sha256 "),
        (
            "delete meetings.csv",
            "dataset/v1.0.0/meetings.csv:1: file: missing: restore it (git checkout --",
        ),
        ("delete datapackage.json", "dataset/v1.0.0/datapackage.json:1: file: missing"),
        ("corrupt releases.json", "dataset/releases.json:1: file: dataset/releases.json is not"),
    ],
)
def test_unreadable_release_files_are_reported_not_crashed_on(
    released_project: Path, damage: str, expected: str
) -> None:
    folder = released_project / "dataset" / "v1.0.0"
    action, name = damage.split(" ")
    path = released_project / "dataset" / name if name == "releases.json" else folder / name
    if action == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    elif action == "delete":
        path.unlink()
    else:
        path.write_text("{")

    code, _, err = _validate(released_project)

    assert code == 1
    assert expected in err


def test_a_published_table_that_breaks_its_schema_fails(released_project: Path) -> None:
    folder = released_project / "dataset" / "v1.0.0"
    meetings = folder / "meetings.csv"
    meetings.write_bytes(meetings.read_bytes().replace(b",held,", b",postponed,", 1))
    _reseal(folder)

    code, _, err = _validate(released_project)

    assert code == 1
    assert "dataset/v1.0.0/meetings.csv:2: status: 'postponed' is not an allowed value" in err


def test_unreleased_changes_in_raw_fail(released_project: Path) -> None:
    annotation = released_project / "raw" / "annotations" / "example-2019-01-22-summit.yaml"
    annotation.write_text(annotation.read_text().replace("city: Moscow", "city: Kazan"))

    code, _, err = _validate(released_project)

    assert code == 1
    assert "unreleased changes in raw/: run make release" in err


def test_raw_that_does_not_build_fails(released_project: Path) -> None:
    annotation = released_project / "raw" / "annotations" / "example-2019-01-22-summit.yaml"
    annotation.write_text(annotation.read_text().replace("status: held", "status: done"))

    code, _, err = _validate(released_project)

    assert code == 1
    assert "example-2019-01-22-summit.yaml:5: status: 'done' is not an allowed value" in err


def test_a_version_folder_missing_from_the_index_fails(released_project: Path) -> None:
    dataset = released_project / "dataset"
    shutil.copytree(dataset / "v1.0.0", dataset / "v9.9.9")
    code, _, err = _validate(released_project)
    assert code == 1
    assert "dataset/v9.9.9:1: folder: not listed in dataset/releases.json" in err


class MeetingsWithRequiredSummary(Meetings):
    """A later, stricter schema: every meeting needs a summary."""

    summary: Series[str] = pa.Field(str_length={"min_value": 1}, description="What it agreed.")


def test_old_releases_validate_against_their_own_schema(
    released_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = released_project / "dataset" / "v1.0.0"
    stricter = TableSpec("meetings", MeetingsWithRequiredSummary, "meeting_id")
    meetings = read_csv(folder / "meetings.csv")
    assert validate_frame("meetings", stricter.model.to_schema(), meetings)[1]  # would fail now

    monkeypatch.setitem(TABLES, "meetings", stricter)

    assert _validate(released_project, str(folder))[0] == 0


@pytest.mark.parametrize("target", ["v1.0.0", "v1.0.0/meetings.csv", "v1.0.0/figures.parquet"])
def test_a_downloaded_folder_or_file_validates(target: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dataset" / "v1.0.0", tmp_path / "v1.0.0")
    code, out, err = run_jrr("validate", str(tmp_path / target), "--root", str(tmp_path))
    assert code == 0, err
    assert out == f"ok: {tmp_path / target} is valid\n"


def test_a_downloaded_file_with_a_bad_row_fails(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dataset" / "v1.0.0", tmp_path / "v1.0.0")
    meetings = tmp_path / "v1.0.0" / "meetings.csv"
    meetings.write_bytes(meetings.read_bytes().replace(b",SG,", b",XX,"))

    code, _, err = run_jrr("validate", str(meetings), "--root", str(tmp_path))

    assert code == 1
    assert "v1.0.0/meetings.csv:2: country: 'XX' is not an allowed value" in err


@pytest.mark.parametrize(
    ("target", "content", "expected"),
    [
        ("v1.0.0", b'{"resources": 5}', "v1.0.0/datapackage.json:1: file: sha256 "),
        ("v1.0.0/meetings.csv", b"{", "v1.0.0/datapackage.json:1: file: unreadable or not a"),
        ("v1.0.0/meetings.csv", b'{"resources": 5}', "TypeError"),
    ],
)
def test_a_malformed_datapackage_is_reported(
    tmp_path: Path, target: str, content: bytes, expected: str
) -> None:
    shutil.copytree(ROOT / "dataset" / "v1.0.0", tmp_path / "v1.0.0")
    (tmp_path / "v1.0.0" / "datapackage.json").write_bytes(content)

    code, _, err = run_jrr("validate", str(tmp_path / target), "--root", str(tmp_path))

    assert code == 1
    assert expected in err


def test_an_undecodable_checksum_file_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dataset" / "v1.0.0", tmp_path / "v1.0.0")
    sums = tmp_path / "v1.0.0" / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes() + b"\xff")

    code, _, err = run_jrr("validate", str(tmp_path / "v1.0.0"), "--root", str(tmp_path))

    assert code == 1
    assert "v1.0.0/SHA256SUMS:1: file: unreadable:" in err


def test_cross_table_rules_of_claims_and_projects(golden_released: Path) -> None:
    from jrr.schemas.io import read_release
    from jrr.schemas.validation import check_cross_table

    tables = read_release(golden_released / "dataset" / "v1.0.0")
    foreign_keys = {name: spec.foreign_keys for name, spec in TABLES.items()}
    assert check_cross_table(tables, foreign_keys) == []

    claims = tables["claims"].copy()
    row = claims.index[claims["record_id"] == "kamchatka-wind-power"][0]
    claims.loc[row, "article_id"] = "example-2019-02-01-followup"
    projects = tables["projects"].copy()
    projects.loc[0, "kind"] = "area"  # an area must belong to a plan and name its area
    projects.loc[0, "cooperation_area"] = None
    broken = tables | {"claims": claims, "projects": projects}

    messages = {(v.table, v.column, v.message) for v in check_cross_table(broken, foreign_keys)}
    assert messages == {
        (
            "claims",
            "article_id",
            "article 'example-2019-02-01-followup' has no evidence for projects record "
            "'kamchatka-wind-power'",
        ),
        ("projects", "parent_id", "an area's parent_id must be the plan it belongs to"),
        ("projects", "cooperation_area", "required for an area: which of the eight areas it is"),
    }
