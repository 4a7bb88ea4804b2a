"""Field values as annotators write them: plain, or `{value: …, inferred: "why"}`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from jrr.flows.problems import Location, Problem
from jrr.flows.yaml_lines import Mapping, Sequence

if TYPE_CHECKING:
    from jrr.schemas.registry import TableSpec

INFERRED_KEYS = {"value", "inferred"}
_LARGEST_EXACT = 2**53  # larger numbers lose digits as float64


@dataclass
class FieldValues:
    """The values of a record's fields, and the reason for each one the annotator inferred."""

    values: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def read_fields(
    table: str, item: Mapping, names: list[str], location: Location, problems: list[Problem]
) -> FieldValues:
    """The fields `names` of one record, unwrapped and type-checked; problems appended."""
    result = FieldValues()
    for name in names:
        value, reason, message = unwrap_inferred(item.get(name))
        message = message or type_problem(table, name, value)
        if message:
            problems.append(location.problem(name, message))
            value, reason = None, None
        result.values[name] = value
        if reason is not None and value is not None:
            result.reasons[name] = reason
    return result


def unwrap_inferred(raw: Any) -> tuple[Any, str | None, str | None]:
    """(value, reason, problem) of a field written plain or as {value, inferred}."""
    if not isinstance(raw, Mapping) or not set(raw.values) & INFERRED_KEYS:
        return raw, None, None
    keys = set(raw.values)
    if keys != INFERRED_KEYS:
        return (
            None,
            None,
            (
                'an inferred value is written {value: ..., inferred: "why"}'
                f" (got keys: {', '.join(sorted(keys))})"
            ),
        )
    reason = raw.get("inferred")
    if not isinstance(reason, str) or not reason.strip():
        return None, None, "inferred: say in words why the value is inferred, and from what"
    if raw.get("value") is None:
        return None, None, "value: required where a value is marked inferred"
    return raw.get("value"), " ".join(reason.split()), None


def model(table: str) -> TableSpec:
    """The model of `table`. pandera loads when the first annotation is read, so a release
    that reads none (nothing changed) starts without it."""
    return _models()[table]


@cache
def _models() -> dict[str, TableSpec]:
    """Every table's model (the registry itself: tests may replace one)."""
    from jrr.schemas import TABLES

    return TABLES


def type_problem(table: str, name: str, value: Any) -> str | None:
    """Why `value` is of the wrong kind for column `name`, or None."""
    if value is None:
        return None
    if table == "treaties" and name == "parties":
        if isinstance(value, Sequence) and all(isinstance(v, str) for v in value.items):
            return None
        return "expected a list of country codes, e.g. [JP, RU]"
    dtype = str(model(table).schema.columns[name].dtype)
    if dtype in ("float64", "int64"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and (abs(value) > _LARGEST_EXACT or not math.isfinite(value)):
            shown = repr(value) if len(repr(value)) <= 15 else repr(value)[:12] + "…"
            return f"expected a finite number below 2**53, got {shown}"
        return None if ok else f"expected a number, got {describe(value)}"
    if not isinstance(value, str):
        return f"expected text, got {describe(value)}"
    return None


def clean(value: Any) -> Any:
    """Published form of a value: text stripped, empty text as null, lists ';'-joined sorted."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, Sequence):
        if all(isinstance(item, str) for item in value.items):
            return ";".join(sorted({item.strip() for item in value.items})) or None
        return None
    return value


def as_text(value: Any) -> str:
    """A published value as claims.value text: numbers without a needless `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(value: Any) -> str:
    """A short description of a wrongly typed value."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return f"{type(value).__name__} {value!r}"
