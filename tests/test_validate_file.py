"""`jrr validate FILE` rejects what the build rejects, table by table; `jrr diff` checks sums."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from helpers import run_jrr

from jrr.flows.files import write_csv
from jrr.flows.publish import read_index
from jrr.schemas.io import read_csv

RELEASE = ROOT / "dataset" / "v1.0.0"

# (table, row, column, bad value, the problem `jrr validate` must report for that file)
CASES = {
    "article language code": ("articles", 0, "language", "xx", "2: language: 'xx' is not an"),
    "article hash pattern": ("articles", 0, "text_sha256", "abc", "2: text_sha256: 'abc' must be"),
    "article formula title": ("articles", 0, "title", "=HYPERLINK(1)", "2: title: '=HYPERLINK(1)'"),
    "article impossible date": (
        "articles",
        0,
        "published_date",
        "2018-02-30",
        "2: published_date: '2018-02-30' has the wrong type",
    ),
    "meeting invalid EDTF": (
        "meetings",
        0,
        "date",
        "2018-13-45",
        "2: date: '2018-13-45' is not a valid EDTF date",
    ),
    "meeting range ends first": (
        "meetings",
        0,
        "date_end",
        "2018-11-01",
        "2: date_end: the date range ends before it starts",
    ),
    "meeting start disagrees with date": (
        "meetings",
        0,
        "date",
        "2018-11-15",
        "2: date_start: '2018-11-14' disagrees with date '2018-11-15'",
    ),
    "meeting precision": ("meetings", 0, "date_precision", "week", "2: date_precision: 'week'"),
    "meeting country code": ("meetings", 0, "country", "XX", "2: country: 'XX' is not an allowed"),
    "meeting status": ("meetings", 0, "status", "happened", "2: status: 'happened' is not an"),
    "meeting id pattern": ("meetings", 0, "meeting_id", "Bad_Id", "2: meeting_id: 'Bad_Id' must"),
    "meeting id twice": (
        "meetings",
        1,
        "meeting_id",
        "2018-11-14-singapore",
        "3: meeting_id: '2018-11-14-singapore' is used by more than one record",
    ),
    "meeting without evidence": (
        "meetings",
        0,
        "meeting_id",
        "a-meeting-nobody-quoted",
        "2: meeting_id: has no evidence row",
    ),
    "treaty party code": ("treaties", 0, "parties", "JP;QQ", "2: parties: 'JP;QQ' must be"),
    "treaty signed date": (
        "treaties",
        1,
        "signed_date",
        "1960-13",
        "3: signed_date: '1960-13' is not a valid EDTF date",
    ),
    "treaty status": ("treaties", 0, "status", "void", "2: status: 'void' is not an allowed"),
    "event treaty key": (
        "treaty_events",
        0,
        "treaty_id",
        "no-such-treaty",
        "2: treaty_id: 'no-such-treaty' is not a treaty_id in treaties",
    ),
    "event interval backwards": (
        "treaty_events",
        0,
        "date",
        "2019-06/2019-05",
        "2: date: the date range ends before it starts",
    ),
    "event type": ("treaty_events", 0, "type", "bogus", "2: type: 'bogus' is not an allowed"),
    "event party": ("treaty_events", 0, "party", "QQ", "2: party: 'QQ' is not an allowed"),
    "project area": ("projects", 0, "cooperation_area", "space", "2: cooperation_area: 'space'"),
    "project status": ("projects", 0, "status", "dreamed", "2: status: 'dreamed' is not an"),
    "figure as_of": ("figures", 0, "as_of", "2019-02-30", "2: as_of: '2019-02-30' is not a valid"),
    "figure article key": (
        "figures",
        0,
        "article_id",
        "no-such-article",
        "2: article_id: 'no-such-article' is not a article_id in articles",
    ),
    "figure qualifier": ("figures", 0, "qualifier", "roughly", "2: qualifier: 'roughly' is not"),
    "figure value type": ("figures", 0, "value", "many", "2: value: 'many' has the wrong type"),
    "evidence offsets": ("evidence", 0, "char_start", "0", "2: quote: quote length differs"),
    "evidence past the article": (
        "evidence",
        0,
        "char_start char_end",
        "999891 999999",
        "2: char_end: ends past the article's",
    ),
    "evidence record": (
        "evidence",
        0,
        "record_id",
        "no-such-record",
        "2: record_id: backs figures record 'no-such-record', which does not exist",
    ),
    "evidence table": ("evidence", 0, "record_table", "nothing", "2: record_table: 'nothing'"),
    "evidence formula quote": ("evidence", 0, "quote", "=" + "x" * 107, "2: quote: '=xxx"),
    "article empty title": ("articles", 0, "title", "", "2: title: required"),
}


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A private copy of the published v1.0.0 folder."""
    shutil.copytree(RELEASE, tmp_path / "v1.0.0")
    return tmp_path / "v1.0.0"


def _edit_csv(release: Path, table: str, row: int, column: str, value: str) -> Path:
    """Set cells of a published CSV (space-separated columns and values), written as published."""
    path = release / f"{table}.csv"
    frame = read_csv(path)
    for name, new in zip(column.split(" "), value.split(" "), strict=True):
        assert frame.loc[row, name] != new
        frame.loc[row, name] = new
    write_csv(frame, path)
    return path


def _reseal(release: Path, name: str) -> None:
    """Record an edited file's hash in SHA256SUMS, as a careless re-publisher would."""
    sums = release / "SHA256SUMS"
    digest = hashlib.sha256((release / name).read_bytes()).hexdigest()
    lines = [
        f"{digest}  {name}" if line.endswith(f"  {name}") else line
        for line in sums.read_text().splitlines()
    ]
    sums.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_validate_file_rejects_what_the_build_rejects(
    release: Path, case: tuple[str, int, str, str, str]
) -> None:
    table, row, column, value, expected = case
    path = _edit_csv(release, table, row, column, value)

    code, _, err = run_jrr("validate", str(path), "--root", str(release.parent))

    assert code == 1
    assert f"v1.0.0/{table}.csv:1: file: sha256 " in err  # the edit breaks its checksum too
    assert f"v1.0.0/{table}.csv:{expected}" in err, err


def test_validate_parquet_file_checks_edtf_dates(release: Path) -> None:
    path = release / "meetings.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "date"] = "2018-13-45"
    frame.to_parquet(path, index=False)
    _reseal(release, "meetings.parquet")

    code, _, err = run_jrr("validate", str(path), "--root", str(release.parent))

    assert code == 1
    assert "v1.0.0/meetings.parquet:2: date: '2018-13-45' is not a valid EDTF date" in err
    assert "sha256" not in err


def test_a_file_is_checked_against_sha256sums(release: Path) -> None:
    path = release / "treaties.csv"
    path.write_bytes(path.read_bytes().replace(b"Not yet concluded", b"Not yet signed"))

    code, _, err = run_jrr("validate", str(path), "--root", str(release.parent))

    assert code == 1
    expected = hashlib.sha256((RELEASE / "treaties.csv").read_bytes()).hexdigest()
    assert f"differs from {expected} in SHA256SUMS: the file was changed after" in err


def test_without_sha256sums_the_datapackage_hash_is_used(release: Path) -> None:
    (release / "SHA256SUMS").unlink()
    path = release / "projects.csv"
    code, out, _ = run_jrr("validate", str(path), "--root", str(release.parent))
    assert (code, out) == (0, f"ok: {path} is valid\n")

    path.write_bytes(path.read_bytes() + b"\r\n")
    code, _, err = run_jrr("validate", str(path), "--root", str(release.parent))
    assert code == 1
    assert "in datapackage.json: the file was changed after it was published" in err


def test_edited_csv_beside_untouched_parquet_is_reported(release: Path) -> None:
    _edit_csv(release, "meetings", 0, "city", "Tokyo")
    root = str(release.parent)

    for args in (["validate", str(release)], ["diff", str(RELEASE), str(release)]):
        code, out, err = run_jrr(*args, "--root", root)
        assert code == 1, out
        assert "v1.0.0/meetings.csv:1: file: sha256 " in err

    _reseal(release, "meetings.csv")  # the checksum now agrees; the Parquet twin does not
    for args in (["validate", str(release)], ["diff", str(RELEASE), str(release)]):
        code, out, err = run_jrr(*args, "--root", root)
        assert code == 1, out
        assert "v1.0.0/meetings.csv:1: file: differs from its Parquet twin" in err


def test_diff_of_two_intact_folders_compares(release: Path) -> None:
    code, out, err = run_jrr("diff", str(RELEASE), str(release), "--root", str(release.parent))
    assert (code, err) == (0, "")
    assert out.endswith(": no changes\n")


def test_other_release_files_are_checked_against_their_sums(
    golden_released: Path, tmp_path: Path
) -> None:
    shutil.copytree(golden_released / "dataset" / "v1.0.0", tmp_path / "v1.0.0")
    workbook = next((tmp_path / "v1.0.0").glob("*.xlsx"))
    for name in [workbook.name, "changes.csv", "CITATION.cff", "SHA256SUMS", "datapackage.json"]:
        path = tmp_path / "v1.0.0" / name
        code, out, err = run_jrr("validate", str(path), "--root", str(tmp_path))
        assert (code, out) == (0, f"ok: {path} is valid\n"), err
    workbook.write_bytes(workbook.read_bytes() + b"\0")
    code, _, err = run_jrr("validate", str(workbook), "--root", str(tmp_path))
    assert code == 1
    assert f"v1.0.0/{workbook.name}:1: file: sha256 " in err


@pytest.mark.parametrize("table", ["meetings", "evidence", "claims", "projects"])
def test_a_package_of_one_table_is_checked_by_the_rules_it_can_hold(
    tmp_path: Path, table: str
) -> None:
    latest = ROOT / "dataset" / f"v{read_index(ROOT / 'dataset')['releases'][-1]['version']}"
    package = json.loads((latest / "datapackage.json").read_text())
    [resource] = [r for r in package["resources"] if r["name"] == table]
    shutil.copy(latest / resource["path"], tmp_path / resource["path"])
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))

    code, _, err = run_jrr("validate", str(tmp_path / resource["path"]), "--root", str(tmp_path))

    assert (code, err) == (0, "")
