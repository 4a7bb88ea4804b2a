"""The `jrr` command line: help, download and diff wiring."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import run_jrr

from jrr.flows.cli import main

RELEASES = json.loads((ROOT / "dataset" / "releases.json").read_text(encoding="utf-8"))["releases"]
LATEST = RELEASES[-1]["version"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ["release", "validate", "diff", "download"]:
        assert command in out


def test_download_from_a_folder_verifies_every_file(tmp_path: Path) -> None:
    code, out, _ = run_jrr("download", "--dest", str(tmp_path), "--from", str(ROOT / "dataset"))
    assert code == 0
    count = len(RELEASES[-1]["files"])
    assert out == (
        f"{tmp_path}/v{LATEST}: {count} files, each verified against its published SHA-256 and "
        "size\n"
    )
    for name in ["meetings.csv", "meetings.parquet", "SHA256SUMS", "datapackage.json"]:
        assert (tmp_path / f"v{LATEST}" / name).read_bytes() == (
            ROOT / "dataset" / f"v{LATEST}" / name
        ).read_bytes()


def test_download_of_an_unknown_version_fails_clearly(tmp_path: Path) -> None:
    code, _, err = run_jrr(
        "download", "9.9.9", "--dest", str(tmp_path), "--from", str(ROOT / "dataset")
    )
    assert code == 1
    available = ", ".join(release["version"] for release in RELEASES)
    assert err.startswith(f"jrr download: version '9.9.9' is not published; available: {available}")
    assert list(tmp_path.iterdir()) == []


def test_diff_of_an_unknown_version_fails_clearly() -> None:
    code, _, err = run_jrr("diff", "0.1.0", "1.0.0", "--root", str(ROOT))
    assert code == 1
    published = ", ".join(f"v{release['version']}" for release in RELEASES)
    assert f"'0.1.0' is not a published version ({published}), a release folder, or 'raw'" in err


def test_diff_of_the_latest_release_against_raw_is_empty() -> None:
    code, out, _ = run_jrr("diff", LATEST, "raw", "--root", str(ROOT))
    assert (code, out) == (0, f"{LATEST} → raw: no changes\n")


def test_data_user_commands_need_no_orchestrator() -> None:
    code = (
        "import sys, flows.cli, flows.download, flows.validate_release, schemas; "
        "print(sorted(m for m in ('prefect', 'yaml', 'edtf', 'matplotlib', 'filelock') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--date", "next week", "--date 'next week' is not an ISO date (YYYY-MM-DD)"),
        ("--date", "20261129", "--date '20261129' is not an ISO date (YYYY-MM-DD)"),
        ("--note", "ok\n## [9.9.9] - fake", "--note must not contain Markdown headings"),
    ],
)
def test_release_refuses_bad_arguments(
    golden_project: Path, option: str, value: str, message: str
) -> None:
    code, _, err = run_jrr("release", "--root", str(golden_project), option, value)
    assert code == 1
    assert message in err
    assert not (golden_project / "dataset").exists()


def test_diff_of_a_damaged_release_fails_clearly(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dataset", tmp_path / "dataset")
    parquet = tmp_path / "dataset" / "v1.0.0" / "meetings.parquet"
    parquet.write_bytes(parquet.read_bytes()[:100])

    code, _, err = run_jrr("diff", "1.0.0", "1.0.0", "--root", str(tmp_path))

    assert code == 1
    assert "dataset/v1.0.0/meetings.parquet:1: file: sha256 " in err
    assert err.endswith("1 problem(s) in v1.0.0; nothing compared.\n")


def test_download_into_a_file_fails_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")

    code, _, err = run_jrr("download", "--dest", str(blocker), "--from", str(ROOT / "dataset"))

    assert code == 1
    assert err.startswith(f"jrr download: cannot write into {blocker}:")
