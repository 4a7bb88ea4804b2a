"""A quick verdict on one published table file, with Arrow alone: valid, or look closer.

`jrr validate FILE` asks this first. True means the file meets every rule that the full check
(pandera with the release's own Table Schema, then the row rules and the rules the table can
hold by itself) applies to it. False means it may not: the full check runs, and says what is
wrong. The verdict accepts only plain spellings (an integer `12`, not `+12` or `12.0`; an empty
cell nowhere in an integer or boolean column) and knows no project tree, so where it cannot
vouch for a file it says False, never True for a file the full check fails.
tests/test_arrow_verdict.py holds the two to that on random edits of every table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.compute as pc

from jrr.schemas import codes
from jrr.schemas.arrow_checks import all_among, all_match, false_where_null, is_all, value_set
from jrr.schemas.arrow_rows import dates_agree, quotes_fit
from jrr.schemas.package_json import parquet_path, table_resources

# Spellings that pandera's coercion surely accepts, per Table Schema type.
# (Arrow's casts of integers and dates are as strict as pandera's coercion, or stricter: they
# refuse `+12`, `1_000`, ` 2018-01-05`; Arrow reads `nan` as a number, which pandera does not.)
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?\Z"
_ARROW_TYPES = {
    "integer": pyarrow.int64(),
    "number": pyarrow.float64(),
    "date": pyarrow.date32(),
    "boolean": pyarrow.bool_(),
}
_BOOLEAN_TEXT = ["true", "True", "TRUE", "1", "false", "False", "FALSE", "0"]
_ROWS = 65_536  # rows per Parquet batch
_BYTES = 1 << 20  # bytes per CSV batch
_CONSTRAINTS = {"required", "unique", "pattern", "enum", "minimum", "maximum"}
_LENGTHS = {"minLength", "maxLength"}


class NotSure(Exception):
    """The verdict cannot vouch for the file: the full check must run."""


def table_is_valid(path: Path, name: str, datapackage: dict[str, Any]) -> bool:
    """True when the table file at `path` surely passes the full check of its release."""
    try:
        schema = _known_resources(datapackage)[name]["schema"]
        fields = schema["fields"]
        whole = _whole_columns(schema)
        kept: dict[str, list[pyarrow.Array]] = {column: [] for column in whole}
        csv, repeats = path.suffix == ".csv", {}
        for batch in _batches(path, [field["name"] for field in fields]):
            columns = {
                field["name"]: _checked(batch.column(i), field, csv, repeats)
                for i, field in enumerate(fields)
            }
            _check_rows(name, columns, schema)
            for column, arrays in kept.items():
                arrays.append(columns[column])
        chunked = {
            column: pyarrow.chunked_array(arrays, _type(arrays)) for column, arrays in kept.items()
        }
        _check_unique(chunked, fields)
        _check_own_table(name, chunked, schema, datapackage, path)
    except NotSure:
        return False
    except Exception:  # noqa: BLE001  Arrow and unusual files raise many types: look closer
        return False
    return True


def _known_resources(datapackage: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The table resources, when each has the shape this dataset publishes."""
    resources = {}
    for resource in table_resources(datapackage):
        if not isinstance(resource.get("path"), str):
            raise NotSure(f"{resource['name']}: no file path")
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            if field["type"] not in ("string", *_ARROW_TYPES) or set(constraints) - (
                _CONSTRAINTS | _LENGTHS
            ):
                raise NotSure(f"{resource['name']}.{field['name']}: an unusual field")
        resources[resource["name"]] = resource
    return resources


def _batches(path: Path, names: list[str]) -> Iterator[pyarrow.RecordBatch]:
    """The file's rows in batches: a CSV as text (only the empty cell is null), a Parquet file as
    stored. Small batches keep memory flat, which also saves time at a million rows."""
    if path.suffix == ".parquet":
        import pyarrow.parquet

        parquet = pyarrow.parquet.ParquetFile(path)
        found, batches = parquet.schema_arrow.names, parquet.iter_batches(batch_size=_ROWS)
    else:
        import pyarrow.csv

        reader = pyarrow.csv.open_csv(
            path,
            read_options=pyarrow.csv.ReadOptions(use_threads=False, block_size=_BYTES),
            parse_options=pyarrow.csv.ParseOptions(newlines_in_values=True),
            convert_options=pyarrow.csv.ConvertOptions(
                column_types=dict.fromkeys(names, pyarrow.string()),
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        found, batches = reader.schema.names, reader
    if found != names:
        raise NotSure("columns differ from the Table Schema's fields, or are not in its order")
    yield from batches


def _whole_columns(schema: dict[str, Any]) -> list[str]:
    """Columns checked over the whole file, not batch by batch: unique ones and keys."""
    names = [
        field["name"] for field in schema["fields"] if field.get("constraints", {}).get("unique")
    ]
    for key in schema.get("foreignKeys", []):
        names += [key["fields"][0], key["reference"]["fields"][0]]
    return list(dict.fromkeys(names))


def _type(arrays: list[pyarrow.Array]) -> pyarrow.DataType | None:
    """The type of a column kept from every batch (text when the file has no rows)."""
    return None if arrays else pyarrow.string()


def _check_unique(columns: dict[str, pyarrow.ChunkedArray], fields: list[dict[str, Any]]) -> None:
    """No value repeats in a unique column; an empty cell there is left to the full check."""
    for field in fields:
        values = columns.get(field["name"])
        if field.get("constraints", {}).get("unique") and (
            values.null_count or len(pc.unique(values)) != len(values)
        ):
            raise NotSure("a unique column repeats a value")


def _checked(
    column: pyarrow.Array, field: dict[str, Any], csv: bool, repeats: dict[str, bool]
) -> pyarrow.Array:
    """A batch of a column as its field's type, after its constraints are checked."""
    values = _typed(column, field["type"], csv)
    constraints = field.get("constraints", {})
    if constraints.get("required") and values.null_count:
        raise NotSure("a required cell is empty")
    if not {"pattern", "enum", *_LENGTHS} & set(constraints):
        _check_bounds(values, constraints)
        return values
    if not pyarrow.types.is_string(values.type):
        raise NotSure("a text constraint on a column that is not text")
    if "pattern" in constraints:
        pattern = f"^(?:{constraints['pattern']})\\Z"
        if not all_match(_distinct(values, repeats, field["name"]), pattern):
            raise NotSure("a value does not match its pattern")
    if "enum" in constraints and not all_among(values, constraints["enum"]):
        raise NotSure("a value is not among the allowed ones")
    _check_bounds(values, constraints)
    return values


def _distinct(values: pyarrow.Array, repeats: dict[str, bool], name: str) -> pyarrow.Array:
    """The distinct texts of a batch when the column repeats its values (names, places), so a
    pattern runs once per text; else the batch itself. The first batch decides for the column."""
    if repeats.get(name) is False:
        return values
    distinct = pc.dictionary_encode(values).dictionary
    repeats.setdefault(name, len(distinct) <= len(values) // 2)
    return distinct


def _typed(values: pyarrow.Array, kind: str, csv: bool) -> pyarrow.Array:
    """Values as the Arrow type of a Table Schema type, from plain text or as stored."""
    if pyarrow.types.is_null(values.type) or pyarrow.types.is_large_string(values.type):
        values = values.cast(pyarrow.string())
    if kind == "string":
        if not pyarrow.types.is_string(values.type):
            raise NotSure("text stored as another type")
        return values
    target = _ARROW_TYPES[kind]
    if not csv:
        if values.type != target:
            raise NotSure(f"{kind} stored as {values.type}")
        if kind in ("integer", "boolean") and values.null_count:
            raise NotSure(f"an empty {kind}")
        return values
    if kind in ("integer", "boolean") and values.null_count:
        raise NotSure(f"an empty {kind} cell")
    if kind == "boolean":
        if not all_among(values, _BOOLEAN_TEXT):
            raise NotSure("a boolean spelled unusually")
        return pc.is_in(values, value_set=value_set(tuple(_BOOLEAN_TEXT[:4])))
    if kind == "number" and not all_match(values, _PLAIN_NUMBER):
        raise NotSure("a number spelled unusually")
    return values.cast(target)


def _check_bounds(values: pyarrow.Array, constraints: dict[str, Any]) -> None:
    """Numbers within minimum and maximum; text within minLength and maxLength."""
    if _LENGTHS & set(constraints):
        values = pc.utf8_length(values)
        low, high = constraints.get("minLength"), constraints.get("maxLength")
    elif "minimum" in constraints or "maximum" in constraints:
        if not (pyarrow.types.is_integer(values.type) or pyarrow.types.is_floating(values.type)):
            raise NotSure("a bound on a column that is not numeric")
        low, high = constraints.get("minimum"), constraints.get("maximum")
    else:
        return
    extremes = pc.min_max(values)
    smallest, largest = extremes["min"].as_py(), extremes["max"].as_py()
    if smallest is None:
        return
    if (low is not None and smallest < low) or (high is not None and largest > high):
        raise NotSure("a value out of bounds")


def _check_rows(name: str, columns: dict[str, pyarrow.Array], schema: dict[str, Any]) -> None:
    """The row rules (EDTF dates and what they mean, quote lengths), and counts not negative."""
    if not dates_agree(columns, schema) or not quotes_fit(columns):
        raise NotSure("a row rule fails")
    if name == "figures" and pyarrow.types.is_floating(columns.get("value", pyarrow.nulls(0)).type):
        counts = pc.is_in(columns["subject"], value_set=value_set(tuple(codes.COUNT_SUBJECTS)))
        smallest = pc.min(columns["value"].filter(false_where_null(counts))).as_py()
        if smallest is not None and smallest < 0:
            raise NotSure("a count is negative")


def _check_own_table(
    name: str,
    columns: dict[str, pyarrow.ChunkedArray],
    schema: dict[str, Any],
    datapackage: dict[str, Any],
    path: Path,
) -> None:
    """The rules that span tables, as far as the full check applies them to this file alone.

    The full check reads every other table the package lists; when one is missing it checks
    none, and when all are there it checks keys across them, which this verdict leaves to it.
    """
    others = [r for r in table_resources(datapackage) if r["name"] != name]
    if others:
        files = [
            path.parent
            / (r["path"] if path.suffix == ".csv" else parquet_path(datapackage, r["name"]))
            for r in others
        ]
        if all(file.exists() for file in files):
            raise NotSure("the tables beside it are there: keys across tables need the full check")
        return
    if name == "projects":
        raise NotSure("the project tree needs the full check")
    for key in schema.get("foreignKeys", []):
        if key["reference"]["resource"] not in ("", name):
            continue
        values = columns[key["fields"][0]]
        known = columns[key["reference"]["fields"][0]].drop_null().combine_chunks()
        found = pc.or_(pc.is_in(values, value_set=known.cast(values.type)), values.is_null())
        if not is_all(found):
            raise NotSure("a key names a row that is not in the table")
