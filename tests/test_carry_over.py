"""A release copies from the latest release's files the rows it still holds, and every file it
writes has the bytes a whole write of the same tables gives.

The edits are those of tests/test_incremental.py (invented, on a copy of the golden corpus);
the frames of the property tests are invented too.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import release_without_orchestrator as release
from hypothesis import given, settings
from hypothesis import strategies as st
from test_incremental import EDITS, edits_in_a_row

from jrr.flows import carry_over, versioning, workbook
from jrr.flows.build_snapshot import record_published
from jrr.flows.carry_over import LAYOUT_PATH, Carried, ReleaseLayout, write_table_csv
from jrr.flows.files import write_csv
from jrr.flows.pipeline import build_dataset
from jrr.flows.publish import publish, read_index
from jrr.flows.release_folder import ReleasePlan, write_release_folder


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each release copied: "csv" per run of CSV rows, "sheet" per workbook segment."""
    events: list[str] = []
    copy_range, read_segment = carry_over._copy_range, workbook._read_segment

    def copy_spy(*args: int) -> None:
        events.append("csv")
        copy_range(*args)

    def read_spy(*args: int) -> object:
        events.append("sheet")
        return read_segment(*args)

    monkeypatch.setattr(carry_over, "_copy_range", copy_spy)
    monkeypatch.setattr(workbook, "_read_segment", read_spy)
    return events


def plan_after(project: Path, date: str) -> ReleasePlan:
    """The plan of the next release of the project."""
    plan = versioning.plan_release(project / "dataset", build_dataset(project), date)
    assert plan is not None
    return plan


def assert_as_written_whole(plan: ReleasePlan, scratch: Path) -> None:
    """The plan's release folder, written copying what it can, equals one written whole."""
    carried, whole = scratch / "carried", scratch / "whole"
    write_release_folder(carried, plan)
    write_release_folder(whole, dataclasses.replace(plan, carried=None, layout_root=None))
    names = sorted(path.name for path in whole.iterdir())
    assert sorted(path.name for path in carried.iterdir()) == names
    for name in names:
        assert (carried / name).read_bytes() == (whole / name).read_bytes(), name


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_release_after_an_edit_copies_rows_with_the_bytes_of_a_whole_write(
    edit: str, project: Path, tmp_path: Path, copied: list[str]
) -> None:
    release(project, "2026-01-01")
    EDITS[edit](project)
    plan = plan_after(project, "2026-02-01")
    assert plan.carried is not None
    assert_as_written_whole(plan, tmp_path / "scratch")
    assert "csv" in copied and "sheet" in copied


def test_releases_one_after_another_each_copy_from_the_last(
    project: Path, tmp_path: Path, copied: list[str]
) -> None:
    release(project, "2026-01-01")
    for number, edit in enumerate(edits_in_a_row()):
        EDITS[edit](project)
        dataset = build_dataset(project)
        plan = versioning.plan_release(project / "dataset", dataset, f"2026-02-{number + 1:02d}")
        assert plan is not None and plan.carried is not None, edit
        assert plan.carried.layout.version == plan.base_version
        assert_as_written_whole(plan, tmp_path / f"scratch-{number}")
        copied.clear()
        publish(project / "dataset", plan)
        assert copied, edit  # the published folder copied rows too
        assert dataset.build_id is not None
        record_published(project, dataset.build_id, read_index(project / "dataset")["releases"][-1])


@pytest.mark.parametrize("damage", ["unreadable", "of other files", "missing"])
def test_a_layout_that_does_not_describe_the_latest_release_is_not_used(
    damage: str, project: Path
) -> None:
    release(project, "2026-01-01")
    path = project / LAYOUT_PATH
    if damage == "unreadable":
        path.write_bytes(b"not a pickle")
    elif damage == "missing":
        path.unlink()
    else:
        layout = pickle.loads(path.read_bytes())
        files = {name: "0" * 64 for name in layout.files}
        path.write_bytes(pickle.dumps(dataclasses.replace(layout, files=files)))
    EDITS["a value of a record"](project)
    assert plan_after(project, "2026-02-01").carried is None


def test_a_release_from_a_whole_build_copies_nothing(project: Path) -> None:
    release(project, "2026-01-01")
    EDITS["a value of a record"](project)
    dataset = dataclasses.replace(build_dataset(project), spliced=None)
    plan = versioning.plan_release(project / "dataset", dataset, "2026-02-01")
    assert plan is not None and plan.carried is None


# Invented tables: ids, text needing quotes, numbers, missing values.
_VALUES = st.one_of(st.none(), st.sampled_from(["a", "b,c", 'say "hi"', "line\nbreak", "é"]))
_ROWS = st.lists(st.tuples(_VALUES, st.integers(-5, 5)), max_size=30)


def _frame(rows: list[tuple[str | None, int]], ids: list[int]) -> pd.DataFrame:
    """An invented table: an id, a text and a number per row."""
    return pd.DataFrame(
        {
            "id": pd.Series([f"r-{number}" for number in ids], dtype="str"),
            "text": pd.Series([text for text, _ in rows], dtype="str"),
            "number": pd.Series([number for _, number in rows], dtype="Int64"),
        }
    )


@settings(max_examples=60, deadline=None)
@given(old_rows=_ROWS, new_rows=_ROWS, kept=st.lists(st.booleans(), max_size=30))
def test_a_csv_copying_rows_has_the_bytes_of_a_whole_write(
    old_rows: list[tuple[str | None, int]],
    new_rows: list[tuple[str | None, int]],
    kept: list[bool],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    old = _frame(old_rows, list(range(len(old_rows))))
    old_ends = write_table_csv(old, folder / "old.csv", "t", None)
    assert old_ends is not None
    data = (folder / "old.csv").read_bytes()
    # Keep some old rows in order, put new rows between them.
    kept_rows = [row for row, keep in zip(range(len(old_rows)), kept, strict=False) if keep]
    pieces, sources = [], []
    for number, row in enumerate(kept_rows):
        pieces.append(old.iloc[[row]])
        sources.append(row)
        if number < len(new_rows):
            pieces.append(_frame([new_rows[number]], [1000 + number]))
            sources.append(-1)
    frame = pd.concat([old.iloc[:0], *pieces], ignore_index=True)
    rows = np.array(sources, dtype=np.int64)
    layout = ReleaseLayout("1.0.0", {}, {"t": old_ends}, {})
    carried = Carried(folder, layout, {"t": rows})
    (folder / "t.csv").write_bytes(data)
    ends = write_table_csv(frame, folder / "new.csv", "t", carried)
    write_csv(frame, folder / "whole.csv")
    written = (folder / "new.csv").read_bytes()
    assert written == (folder / "whole.csv").read_bytes()
    assert ends is not None and len(ends) == len(frame)
    starts = [len(written.split(b"\r\n", 1)[0]) + 2, *ends][: len(ends)]
    for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
        alone = folder / "row.csv"
        write_csv(frame.iloc[[number]], alone)
        assert written[start:end] == alone.read_bytes().split(b"\r\n", 1)[1]
