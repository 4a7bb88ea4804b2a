"""Frictionless Table Schemas generated from the pandera models, and pandera schemas read back."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow

from jrr.schemas import codes
from jrr.schemas.fast_checks import enum_check, pattern_check
from jrr.schemas.registry import TABLES, TableSpec

_TYPES = {
    "str": "string",
    "string[pyarrow]": "string",
    "int64": "integer",
    "float64": "number",
    "date32[day][pyarrow]": "date",
    "bool": "boolean",
}
_DTYPES = {
    "string": str,
    "integer": "int64",
    "number": "float64",
    "date": pd.ArrowDtype(pyarrow.date32()),
    "boolean": "bool",
}


def table_schema(spec: TableSpec) -> dict[str, Any]:
    """The Table Schema of one table: fields with types, descriptions and constraints, and keys."""
    schema = spec.schema
    fields = [_field(name, column) for name, column in schema.columns.items()]
    result: dict[str, Any] = {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": [spec.primary_key],
    }
    if spec.foreign_keys:
        result["foreignKeys"] = [
            {
                "fields": [key.column],
                # Table Schema names a key into the same table with the empty resource name.
                "reference": {
                    "resource": "" if key.reference_table == spec.name else key.reference_table,
                    "fields": [key.reference_column],
                },
            }
            for key in spec.foreign_keys
        ]
    return result


def _field(name: str, column: pa.Column) -> dict[str, Any]:
    """One Table Schema field from one pandera column."""
    constraints: dict[str, Any] = {}
    if not column.nullable:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    for check in column.checks:
        constraints.update(_constraint(check.name, check.statistics))
    field = {
        "name": name,
        "type": _TYPES[str(column.dtype)],
        "description": column.description or "",
    }
    if constraints:
        field["constraints"] = constraints
    return field


def _constraint(name: str, statistics: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema constraint for one pandera check."""
    if name == "str_matches":
        # Table Schema patterns match the whole value, so the model's ^ and \Z are implied.
        return {"pattern": codes.unanchored(statistics["pattern"])}
    if name == "isin":
        return {"enum": sorted(statistics["allowed_values"])}
    if name == "greater_than_or_equal_to":
        return {"minimum": statistics["min_value"]}
    if name == "less_than_or_equal_to":
        return {"maximum": statistics["max_value"]}
    if name == "str_length":
        bounds = {
            "minLength": statistics.get("min_value"),
            "maxLength": statistics.get("max_value"),
        }
        return {key: value for key, value in bounds.items() if value is not None}
    raise ValueError(f"no Table Schema constraint for pandera check {name!r}")


def pandera_schema(name: str, schema: dict[str, Any]) -> pa.DataFrameSchema:
    """A pandera schema enforcing a published Table Schema: types, required, unique, constraints."""
    columns = {}
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        checks = []
        if "pattern" in constraints:
            # \Z, not $: the whole value must match (also for patterns of older releases).
            checks.append(pattern_check(f"^(?:{constraints['pattern']})\\Z"))
        if "enum" in constraints:
            checks.append(enum_check(constraints["enum"]))
        if "minimum" in constraints:
            checks.append(pa.Check.ge(constraints["minimum"]))
        if "maximum" in constraints:
            checks.append(pa.Check.le(constraints["maximum"]))
        if "minLength" in constraints or "maxLength" in constraints:
            checks.append(
                pa.Check.str_length(
                    min_value=constraints.get("minLength"), max_value=constraints.get("maxLength")
                )
            )
        columns[field["name"]] = pa.Column(
            _DTYPES[field["type"]],
            parsers=pa.Parser(_booleans_from_text) if field["type"] == "boolean" else None,
            checks=checks,
            nullable=not constraints.get("required", False),
            unique=constraints.get("unique", False),
            description=field.get("description"),
        )
    return pa.DataFrameSchema(columns, name=name, strict=True, coerce=True, ordered=True)


def _booleans_from_text(values: pd.Series) -> pd.Series:
    """CSV cells `true`/`false` (Table Schema's default spellings) as booleans; others kept."""
    return values.map(
        lambda value: _BOOLEAN_TEXT.get(value, value) if isinstance(value, str) else value
    )


_BOOLEAN_TEXT = {
    **dict.fromkeys(["true", "True", "TRUE", "1"], True),
    **dict.fromkeys(["false", "False", "FALSE", "0"], False),
}


def current_table_schemas() -> dict[str, dict[str, Any]]:
    """Table Schemas of every table as the models define them now."""
    return {name: table_schema(spec) for name, spec in TABLES.items()}
