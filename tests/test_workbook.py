"""The release workbook: every table as a sheet, text kept as text, the same bytes every build."""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from xml.sax.saxutils import escape

import numpy as np
import openpyxl
import pandas as pd
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jrr.flows import workbook, workbook_parts
from jrr.flows.pipeline import build_dataset
from jrr.flows.publish import read_index
from jrr.flows.release_folder import workbook_name
from jrr.flows.workbook import write_workbook
from jrr.schemas import TABLES
from jrr.schemas.io import read_csv


def test_every_table_is_a_sheet_with_the_csv_cells(golden_released: Path) -> None:
    folder = golden_released / "dataset" / "v1.0.0"
    workbook = openpyxl.load_workbook(folder / workbook_name("1.0.0"))
    assert workbook.sheetnames == list(TABLES)
    for name in TABLES:
        rows = list(workbook[name].iter_rows(values_only=True))
        expected = read_csv(folder / f"{name}.csv")
        assert list(rows[0]) == list(expected.columns)
        assert len(rows) == len(expected) + 1
        for row, values in zip(expected.itertuples(index=False), rows[1:], strict=True):
            shown = [None if pd.isna(v) else v for v in row]
            assert [_comparable(v, csv) for v, csv in zip(values, shown, strict=True)] == shown


def _comparable(value: object, csv: object) -> object:
    """A workbook cell in the CSV's spelling: a number as the CSV wrote that same number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        assert isinstance(csv, str) and float(csv) == value
        return csv
    return value


@pytest.mark.parametrize("quote", ["=HYPERLINK(1)", "+7 per cent", "-3 degrees", "@mention"])
def test_formula_like_text_is_a_string_cell(tmp_path: Path, quote: str) -> None:
    frame = pd.DataFrame({"quote": [quote], "n": [3]})
    path = tmp_path / "book.xlsx"
    write_workbook(path, {"evidence": frame}, "2026-01-15")
    cell = openpyxl.load_workbook(path)["evidence"]["A2"]
    assert (cell.value, cell.data_type) == (quote, "s")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([np.bool_(True), None, np.bool_(False)], dtype=object),
        pd.Series([True, None, False], dtype="bool[pyarrow]"),
    ],
    ids=["nullable", "numpy in object", "arrow"],
)
def test_booleans_are_boolean_cells(tmp_path: Path, column: pd.Series) -> None:
    path = tmp_path / "book.xlsx"
    write_workbook(path, {"t": column.to_frame("current")}, "2026-01-15")
    cells = [row[0] for row in openpyxl.load_workbook(path)["t"].iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        (True, "b"),
        (None, "n"),
        (False, "b"),
    ]


def test_workbook_bytes_carry_the_release_date_not_the_clock(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x"]})
    write_workbook(tmp_path / "a.xlsx", {"t": frame}, "2026-01-15")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 15, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-01-15T00:00:00Z") == 2  # created and modified


def test_long_tables_continue_on_further_sheets(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": range(5)})
    write_workbook(tmp_path / "book.xlsx", {"figures": frame}, "2026-01-15", max_rows=2)
    workbook = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert workbook.sheetnames == ["figures", "figures 2", "figures 3"]
    rows = [list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames]
    assert rows == [[("n",), (0,), (1,)], [("n",), (2,), (3,)], [("n",), (4,)]]


def test_text_survives_xml_and_excel_escapes(tmp_path: Path) -> None:
    texts = ["Tokyo’s <b> & “talks” – 2018", "tab\tand\nnewline", " spaced "]
    write_workbook(tmp_path / "book.xlsx", {"t": pd.DataFrame({"text": texts})}, "2026-01-15")
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx")["t"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == texts


def test_characters_xml_cannot_carry_are_written_as_excel_escapes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": ["bell\x07", "_x0041_ kept"]})
    write_workbook(tmp_path / "book.xlsx", {"t": frame}, "2026-01-15")
    with zipfile.ZipFile(tmp_path / "book.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "bell_x0007_" in sheet  # Excel reads _xHHHH_ back as the character
    assert "_x005F_x0041_ kept" in sheet  # an escaped underscore: Excel shows _x0041_ kept


# The writer as it was before it worked column by column (cell by cell, row by row): the oracle
# the column-wise writer must match byte for byte. The parts other than the sheets are shared.
_REFERENCE_UNWRITABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)"
)


def _reference_workbook(
    path: Path, tables: dict[str, pd.DataFrame], date: str, max_rows: int
) -> None:
    """Write the workbook as the cell-by-cell writer did."""
    stamp = dt.datetime.fromisoformat(date)
    sheets = [
        (name if part == 1 else f"{name} {part}", frame.iloc[start : start + max_rows])
        for name, frame in tables.items()
        for part, start in enumerate(range(0, max(len(frame), 1), max_rows), 1)
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, chunks: Iterator[str] | str) -> None:
            """Add one part to the archive, dated `stamp`."""
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as file:
                for chunk in [chunks] if isinstance(chunks, str) else chunks:
                    file.write(chunk.encode("utf-8"))

        put("[Content_Types].xml", workbook_parts.content_types(len(sheets)))
        put("_rels/.rels", workbook_parts.package_rels())
        put("docProps/core.xml", workbook_parts.core_properties(stamp))
        put("xl/workbook.xml", workbook_parts.workbook_part([title for title, _ in sheets]))
        put("xl/_rels/workbook.xml.rels", workbook_parts.workbook_rels(len(sheets)))
        put("xl/styles.xml", workbook_parts.styles())
        for number, (_, frame) in enumerate(sheets, 1):
            put(f"xl/worksheets/sheet{number}.xml", _reference_sheet(frame))


def _reference_sheet(frame: pd.DataFrame) -> Iterator[str]:
    """A worksheet, one row at a time."""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{workbook_parts.MAIN}">'
    )
    yield '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    yield 'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
    yield "<row>" + "".join(_reference_text(str(column)) for column in frame.columns) + "</row>"
    for values in frame.itertuples(index=False):
        yield "<row>" + "".join(map(_reference_cell, values)) + "</row>"
    yield "</sheetData></worksheet>"


def _reference_cell(value: object) -> str:
    """One cell, from one Python value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "<c/>"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars (numpy's booleans too)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>" if math.isfinite(value) else _reference_text(str(value))
    if isinstance(value, dt.date):
        return _reference_text(value.isoformat())
    return _reference_text(str(value))


def _reference_text(text: str) -> str:
    """A string cell."""
    text = _REFERENCE_UNWRITABLE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    space = ' xml:space="preserve"' if text != text.strip(" \t\r\n") else ""
    return f'<c t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _both_writers(tables: dict[str, pd.DataFrame], max_rows: int, chunk_rows: int) -> None:
    """Write `tables` with the column-wise writer and the reference; every part must hold the
    same text (the bytes differ: our sheets are deflated in segments), and every CRC check."""
    with tempfile.TemporaryDirectory() as folder:
        ours, reference = Path(folder) / "ours.xlsx", Path(folder) / "reference.xlsx"
        with mock.patch.object(workbook, "CHUNK_ROWS", chunk_rows):
            write_workbook(ours, tables, "2026-01-15", max_rows=max_rows)
        _reference_workbook(reference, tables, "2026-01-15", max_rows)
        with zipfile.ZipFile(ours) as mine, zipfile.ZipFile(reference) as theirs:
            assert mine.testzip() is None
            assert mine.namelist() == theirs.namelist()
            for name in theirs.namelist():
                assert mine.read(name).decode() == theirs.read(name).decode(), name
                assert mine.getinfo(name).date_time == theirs.getinfo(name).date_time


# Text that XML or Excel treat specially, pieced together with any other characters.
# fmt: off
_TRICKY = [
    "&", "<", ">", '"', "'", "&amp;", "]]>", "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1f",
    "\t", "\n", "\r", " ", "\ufffd", "\ufffe", "\uffff", "_x0041_", "_x005F_", "_xabcd_", "_X0041_",
    "_x004_", "_x0G41_", "__x0041__", "_", "😀", "–", "é", "=1+1", "nan", "None",
]
# fmt: on
_TEXTS = st.lists(
    st.one_of(st.sampled_from(_TRICKY), st.text(st.characters(exclude_categories=["Cs"]))),
    max_size=4,
).map("".join)
_FLOATS = st.one_of(
    st.floats(), st.sampled_from([math.inf, -math.inf, math.nan, -0.0, 1e300, 5e-324, 1e16, 1e-5])
)
_DATES = st.dates()
_NULLS = st.sampled_from([None, math.nan, pd.NA])
_OBJECTS = st.one_of(
    [_NULLS, _TEXTS, st.integers(), _FLOATS, st.booleans(), _DATES, st.datetimes()]
    + [st.integers(-(2**63), 2**63 - 1).map(np.int64), _FLOATS.map(np.float32)]
    + [st.booleans().map(np.bool_)]
)
# A column kind: how its values are drawn, and the dtype they are held in.
_KINDS = {
    "str": (st.one_of(st.none(), _TEXTS), "str"),
    "string[python]": (st.one_of(st.none(), _TEXTS), pd.StringDtype("python")),
    "arrow string": (st.one_of(st.none(), _TEXTS), pd.ArrowDtype(pyarrow.string())),
    "category": (st.one_of(st.none(), _TEXTS), "category"),
    "object": (_OBJECTS, object),
    "int64": (st.integers(-(2**63), 2**63 - 1), "int64"),
    "uint8": (st.integers(0, 255), "uint8"),
    "Int64": (st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), "Int64"),
    "arrow int": (st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1)), "int32[pyarrow]"),
    "float64": (_FLOATS, "float64"),
    "float32": (_FLOATS, "float32"),
    "Float64": (st.one_of(st.none(), _FLOATS), "Float64"),
    "arrow float": (st.one_of(st.none(), _FLOATS), "double[pyarrow]"),
    "bool": (st.booleans(), "bool"),
    "boolean": (st.one_of(st.none(), st.booleans()), "boolean"),
    "arrow bool": (st.one_of(st.none(), st.booleans()), "bool[pyarrow]"),
    "date32": (st.one_of(st.none(), _DATES), pd.ArrowDtype(pyarrow.date32())),
    "datetime64": (st.one_of(st.none(), st.datetimes()), "datetime64[us]"),
}


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of a few rows, its columns of assorted dtypes, named by any text or number."""
    rows = draw(st.integers(0, 7))
    kinds = draw(st.lists(st.sampled_from(sorted(_KINDS)), max_size=5))
    columns = {}
    for number, kind in enumerate(kinds):
        values, dtype = _KINDS[kind]
        data = draw(st.lists(values, min_size=rows, max_size=rows))
        if kind in {"float32", "uint8"}:
            data = np.array(data).astype(dtype)  # out-of-range floats become inf, as in a frame
        columns[number] = pd.Series(data, dtype=dtype)
    frame = pd.DataFrame(columns, index=range(rows))
    frame.columns = draw(
        st.lists(st.one_of(_TEXTS, st.integers()), min_size=len(kinds), max_size=len(kinds))
    )
    return frame


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(
    tables=st.lists(_frames(), min_size=1, max_size=3),
    max_rows=st.integers(1, 8),
    chunk_rows=st.integers(1, 4),
)
def test_column_wise_writer_matches_the_cell_by_cell_one(
    tables: list[pd.DataFrame], max_rows: int, chunk_rows: int
) -> None:
    _both_writers({f"t{n}": frame for n, frame in enumerate(tables)}, max_rows, chunk_rows)


@pytest.mark.parametrize("text", _TRICKY)
def test_each_special_text_alone_matches_the_cell_by_cell_writer(text: str) -> None:
    column = pd.Series([text, "plain", None, f"a{text}b"], dtype="str")
    _both_writers({"t": pd.DataFrame({text: column, "object": column.astype(object)})}, 9, 2)


@pytest.mark.parametrize("chunk_rows", [1, 2, 50_000])
def test_every_cell_kind_matches_the_cell_by_cell_writer(chunk_rows: int) -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a&b<c>d\"'", None, "_x0041_\x07", "😀", ""], dtype="str"),
            "int": [1, -2, 0, 2**63 - 1, -(2**63)],
            "Int64": pd.Series([1, None, 3, None, 5], dtype="Int64"),
            "float": [math.inf, -math.inf, math.nan, -0.0, 1e300],
            "bool": [True, False, True, False, True],
            "boolean": pd.Series([True, None, False, None, True], dtype="boolean"),
            "date": pd.Series(
                [dt.date(1, 1, 1), None, dt.date(2019, 6, 1), dt.date(9999, 12, 31), None],
                dtype=pd.ArrowDtype(pyarrow.date32()),
            ),
            "object": [None, pd.NA, np.float32("nan"), np.bool_(True), dt.datetime(2020, 1, 2, 3)],
        }
    )
    others = {"empty": frame.iloc[:0], "none": pd.DataFrame(), "no columns": frame[[]]}
    _both_writers({"t": frame, **others}, 3, chunk_rows)


def test_the_latest_committed_workbook_is_rebuilt_cell_for_cell(tmp_path: Path) -> None:
    dataset = Path(__file__).resolve().parents[1] / "dataset"
    latest = read_index(dataset)["releases"][-1]
    published = dataset / f"v{latest['version']}" / workbook_name(latest["version"])
    rebuilt = tmp_path / published.name

    write_workbook(rebuilt, build_dataset(dataset.parent).tables, latest["date"])

    before, after = (openpyxl.load_workbook(path) for path in (published, rebuilt))
    assert before.sheetnames == after.sheetnames
    for name in before.sheetnames:
        assert list(before[name].values) == list(after[name].values), name
    with zipfile.ZipFile(published) as old, zipfile.ZipFile(rebuilt) as new:
        assert old.namelist() == new.namelist()
        for member in old.namelist():
            if not member.startswith("xl/worksheets/"):
                assert old.read(member) == new.read(member), member


def test_only_text_with_spaces_at_its_ends_is_marked_to_keep_them(tmp_path: Path) -> None:
    texts = [" leading", "trailing\n", "in between", "\tboth ", "plain"]
    frame = pd.DataFrame({"text": pd.Series(texts, dtype="str")})
    for column in (frame["text"], frame["text"].astype(object)):  # Arrow and Python paths
        path = tmp_path / "book.xlsx"
        write_workbook(path, {"t": column.to_frame()}, "2026-01-15")
        with zipfile.ZipFile(path) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        marked = [text for text in texts if f'<t xml:space="preserve">{text}</t>' in sheet]
        assert marked == [" leading", "trailing\n", "\tboth "]
        assert [cell for (cell,) in openpyxl.load_workbook(path)["t"].values][1:] == texts
