"""Writing files the way releases need them: atomically, deterministically, checksummed."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def write_atomic(path: Path, data: bytes) -> Path:
    """Write to a temporary sibling, then rename it over `path`."""
    temporary = path.with_name(f".tmp-{path.name}-{uuid.uuid4().hex[:8]}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless `path` already holds `data`; True if it wrote."""
    if path.exists() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True


def json_bytes(content: Any) -> bytes:
    """Stable, readable JSON."""
    return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """RFC 4180 CSV: UTF-8, header, CRLF line ends, empty cell for null.

    Whole numbers are written without a decimal point (23, not 23.0) and booleans as
    true/false, so every reader sees the values a person would write. Tables of the types
    releases hold are written by Arrow (csv_cells), the same bytes several times faster.
    """
    from jrr.flows.csv_cells import csv_chunks  # pyarrow: not for a release that changes nothing

    chunks = csv_chunks(frame)
    if chunks is None:
        write_csv_with_pandas(frame, path)
        return
    with path.open("wb") as stream:
        for chunk in chunks:
            stream.write(chunk)


def write_csv_with_pandas(frame: pd.DataFrame, path: Path) -> None:
    """write_csv through pandas' `to_csv` (any column type)."""
    import pandas as pd  # here: a release that changes nothing imports no pandas

    cells = frame.copy()
    for name in cells.columns:
        if pd.api.types.is_float_dtype(cells[name]):
            cells[name] = cells[name].map(number_text, na_action="ignore")
        elif pd.api.types.is_bool_dtype(cells[name]):
            cells[name] = cells[name].map({True: "true", False: "false"})
    cells.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def number_text(value: float) -> str:
    """A number as text: whole numbers without `.0`, others in their shortest exact form."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


HASH_CHUNK_BYTES = 1 << 24  # read and hashed at a time: a large file is never held whole


def file_entry(folder: Path, name: str) -> dict[str, Any]:
    """A file's name, SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with (folder / name).open("rb", buffering=0) as stream:
        while chunk := stream.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return {"path": name, "sha256": digest.hexdigest(), "bytes": size}
