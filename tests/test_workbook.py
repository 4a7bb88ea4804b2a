"""The release workbook: every table as a sheet, text kept as text, the same bytes every build."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

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
