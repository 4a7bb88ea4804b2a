"""Read published tables back, validated against the schema they were published with."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.csv
import pyarrow.parquet

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


class ReleaseTables(Mapping[str, pd.DataFrame]):
    """A published release folder's tables, each read (and validated) when first asked for.

    Pages that show a few tables and every table's row count read only those few: the row
    counts come from the Parquet files' footers.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._names = list(table_schemas(read_datapackage(folder)))
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = read_table(self.folder, name)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def rows(self, name: str) -> int:
        """How many rows table `name` has, from its Parquet file's footer."""
        if name in self._read:
            return len(self._read[name])
        return int(pyarrow.parquet.ParquetFile(self.folder / f"{name}.parquet").metadata.num_rows)
