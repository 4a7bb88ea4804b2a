"""A release's datapackage.json: its table resources, their schemas and files (no pandas)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jrr.schemas import codes

CHANGES_NAME = "changes"
TWIN_SUFFIX = "-parquet"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
EDTF_PATTERN = codes.unanchored(codes.EDTF_TEXT)


def read_datapackage(folder: Path) -> dict[str, Any]:
    """The release's datapackage.json."""
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def table_resources(datapackage: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources of the dataset's tables: their CSVs, not Parquet twins or changes.csv."""
    return [
        resource
        for resource in datapackage["resources"]
        if resource.get("format", "csv") == "csv" and resource["name"] != CHANGES_NAME
    ]


def table_schemas(datapackage: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Table name → Table Schema, as published in a datapackage.json."""
    return {resource["name"]: resource["schema"] for resource in table_resources(datapackage)}


def parquet_path(datapackage: dict[str, Any], name: str) -> str:
    """The Parquet file of a table: its twin resource, or the older `parquet` entry."""
    for resource in datapackage["resources"]:
        if resource["name"] == f"{name}{TWIN_SUFFIX}":
            return str(resource["path"])
        if resource["name"] == name and "parquet" in resource:
            return str(resource["parquet"]["path"])
    return f"{name}.parquet"


def edtf_columns(schema: dict[str, Any]) -> list[str]:
    """Names of a Table Schema's EDTF date columns: `X` beside `X_start` and `X_end`, or a
    column with the dataset's EDTF pattern."""
    names = [field["name"] for field in schema["fields"]]
    return [
        field["name"]
        for field in schema["fields"]
        if {f"{field['name']}_start", f"{field['name']}_end"} <= set(names)
        or field.get("constraints", {}).get("pattern") == EDTF_PATTERN
    ]


def has_range(schema: dict[str, Any], column: str) -> bool:
    """True when the schema knows the `range` precision (releases from 2.0.0 on)."""
    for field in schema.get("fields", []):
        if field["name"] == f"{column}_precision":
            return "range" in field.get("constraints", {}).get("enum", ["range"])
    return True
