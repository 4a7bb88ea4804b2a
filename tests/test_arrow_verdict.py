"""`jrr validate FILE` answers as the full check does, whether Arrow's quick verdict vouches or not.

Property: for a published table file edited at random (cells replaced by hostile text or by
another row's value, CSV or Parquet, alone in its package or beside an incomplete release), the
quick path (flows/validate_file.py) reports exactly what the full pandera check reports.
Set JRR_FUZZ_EXAMPLES for a longer run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow
import pyarrow.parquet
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jrr.flows.validate_file import validate_file
from jrr.flows.validate_release import validate_path
from jrr.schemas.arrow_verdict import table_is_valid
from jrr.schemas.io import read_datapackage, table_resources

RELEASES = [ROOT / "dataset" / "v1.0.0", ROOT / "dataset" / "v2.0.1"]
TABLES = [
    (release, resource["name"])
    for release in RELEASES
    for resource in table_resources(read_datapackage(release))
]
EXAMPLES = int(os.environ.get("JRR_FUZZ_EXAMPLES", "0")) or None
# Cells a careless edit or a hostile file might hold.
CELLS = [
    *["", " ", "1", " 1", "1 ", "+1", "-1", "0", "-0", "007", "1.0", "1e3", "1_000", "nan", "inf"],
    *["9" * 20, "2**53", "true", "TRUE", "True", "yes", "0", "2018-11-14", "2018-02-30"],
    *["0000-01-01", "2018-11-14 ", " 2018-11-14", "2018-11", "2019-21", "2019-01/2019-03"],
    *["2019-03/2019-01", "2019-01-XX", "201X", "2019?", "18-11-14", "x", "=SUM(A1)", "-x"],
    *["a\u00a0b", "é", "line\nbreak", "tab\there", "\x07", "JP", "XX", "JP;RU", "SU", "day"],
    *["range", "held", "x" * 2001, "https://example.org/a b", "abe-putin-1", "Bad_Id"],
]


@st.composite
def edits(draw: st.DrawFn, rows: int, columns: int) -> list[tuple[int, int, object]]:
    """One to three cell edits: (row, column, a hostile cell or ('copy', row) of another row)."""
    count = draw(st.integers(1, 3))
    return [
        (
            draw(st.integers(0, rows - 1)),
            draw(st.integers(0, columns - 1)),
            draw(
                st.one_of(
                    st.sampled_from(CELLS),
                    st.tuples(st.just("copy"), st.integers(0, rows - 1)),
                    st.text(max_size=8),
                )
            ),
        )
        for _ in range(count)
    ]


def _package(folder: Path, release: Path, name: str, alone: bool) -> None:
    """A datapackage.json beside the file: of this table alone, or the release's own."""
    package = read_datapackage(release)
    if alone:
        package = {"resources": [r for r in package["resources"] if r["name"] == name]}
    (folder / "datapackage.json").write_text(json.dumps(package))


def _edited_csv(source: Path, target: Path, changes: list[tuple[int, int, object]]) -> None:
    """The CSV with each change applied to its cell (header not counted)."""
    with source.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    for row, column, value in changes:
        rows[row][column] = rows[value[1]][column] if isinstance(value, tuple) else str(value)
    with target.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows([header, *rows])


def _edited_parquet(source: Path, target: Path, changes: list[tuple[int, int, object]]) -> None:
    """The Parquet file with each change applied: another row's value, or an empty cell."""
    table = pyarrow.parquet.read_table(source)
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    names = table.column_names
    for row, column, value in changes:
        values = columns[names[column]]
        values[row] = values[value[1]] if isinstance(value, tuple) else None
    arrays = [pyarrow.array(columns[name], table.schema.field(name).type) for name in names]
    pyarrow.parquet.write_table(pyarrow.table(arrays, names=names), target)


@pytest.mark.parametrize(("release", "name"), TABLES, ids=[f"{r.name}-{n}" for r, n in TABLES])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_published_file_is_vouched_for_quickly(
    tmp_path: Path, release: Path, name: str, suffix: str
) -> None:
    shutil.copy(release / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    _package(tmp_path, release, name, alone=True)

    verdict = table_is_valid(tmp_path / f"{name}{suffix}", name, read_datapackage(tmp_path))

    # The quick verdict leaves the project tree (plans, areas, projects) to the full check.
    assert verdict is (name != "projects")


@settings(
    max_examples=EXAMPLES or 150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_quick_and_full_checks_agree_on_edited_files(tmp_path: Path, data: st.DataObject) -> None:
    release, name = data.draw(st.sampled_from(TABLES), label="table")
    suffix = data.draw(st.sampled_from([".csv", ".parquet"]), label="format")
    alone = data.draw(st.booleans(), label="alone in its package")
    folder = tmp_path / f"{release.name}-{name}-{suffix[1:]}-{alone}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    source, target = release / f"{name}{suffix}", folder / f"{name}{suffix}"
    shape = pyarrow.parquet.read_metadata(release / f"{name}.parquet")
    if shape.num_rows:
        changes = data.draw(edits(shape.num_rows, shape.num_columns), label="edits")
        edit = _edited_csv if suffix == ".csv" else _edited_parquet
        edit(source, target, changes)
    else:
        shutil.copy(source, target)
    _package(folder, release, name, alone)

    assert validate_file(target, folder) == validate_path(target, folder)


def test_a_valid_file_is_checked_without_pandas(tmp_path: Path) -> None:
    release = RELEASES[-1]
    shutil.copy(release / "meetings.csv", tmp_path / "meetings.csv")
    _package(tmp_path, release, "meetings", alone=True)
    script = (
        "import sys; from jrr.flows.cli import main; code = main(sys.argv[1:]); "
        "print(code, sorted(m for m in ('pandas', 'pandera', 'prefect') if m in sys.modules))"
    )
    args = ["validate", str(tmp_path / "meetings.csv"), "--root", str(tmp_path)]

    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )

    assert result.stdout.splitlines()[-1] == "0 []"
