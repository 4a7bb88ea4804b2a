"""Read published tables back, validated against the schema they were published with."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.csv

from jrr.schemas.datapackage import pandera_schema
from jrr.schemas.package_json import (  # noqa: F401  (re-exported: where readers look for them)
    CHANGES_NAME,
    PARQUET_MEDIATYPE,
    TWIN_SUFFIX,
    parquet_path,
    read_datapackage,
    table_resources,
    table_schemas,
)


def read_csv(path: Path) -> pd.DataFrame:
    """A published CSV as text cells; only the empty cell is null (so Namibia's NA survives).

    Read with Arrow's multi-threaded reader: several times faster than pandas' at a million rows.
    """
    with path.open(encoding="utf-8", newline="") as file:
        names = next(csv.reader(file), [])
    if not names or len(set(names)) != len(names):
        raise ValueError(f"{path.name}: the first line must name each column once")
    table = pyarrow.csv.read_csv(
        path,
        parse_options=pyarrow.csv.ParseOptions(newlines_in_values=True),
        convert_options=pyarrow.csv.ConvertOptions(
            column_types=dict.fromkeys(names, pyarrow.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return table.to_pandas()


def read_table(folder: Path, name: str, fmt: str = "parquet") -> pd.DataFrame:
    """One published table from Parquet or CSV, validated with its release's own schema."""
    schema = table_schemas(read_datapackage(folder))[name]
    path = folder / f"{name}.{fmt}"
    frame = pd.read_parquet(path) if fmt == "parquet" else read_csv(path)
    return pandera_schema(name, schema).validate(frame, lazy=True)


def read_release(folder: Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    """Every table of a published release folder."""
    names = table_schemas(read_datapackage(folder))
    return {name: read_table(folder, name, fmt) for name in names}
