"""One Excel workbook per release: every table as a sheet, for spreadsheet users.

Excel opens a UTF-8 CSV without a byte-order mark in the legacy code page and garbles `–`
and `’`; adding a BOM would break RFC 4180 readers. The .xlsx carries the same cells with
their characters intact. Every text cell is written as a string cell, never a formula, so a
verbatim quote starting with `=`, `+`, `-` or `@` shows as text. Dates are ISO text (Excel's
dates cannot reach before 1900); numbers are numbers. The file is deterministic: the workbook
properties and every zip entry carry the release date, not the time of the build.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], date: str) -> None:
    """Write every table as one sheet of an .xlsx at `path`, stamped with the release `date`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in tables.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([_value(value) for value in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
        sheet.freeze_panes = "A2"
    stamp = dt.datetime.fromisoformat(date)
    workbook.properties.creator = "jrr"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_restamped(buffer.getvalue(), stamp))


def _value(value: object) -> object:
    """A cell value: None for null, ISO text for dates, numbers as numbers, text as text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _restamped(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip archive rewritten with every entry dated `stamp` (openpyxl writes the clock)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` to the clock
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + iso.encode(), content
                )
            target.writestr(entry, content)
    return output.getvalue()
