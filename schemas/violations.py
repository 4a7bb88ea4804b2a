"""A broken rule, as every validation step reports it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Violation:
    """A broken rule: which table, which row (0-based; None = whole table), which column."""

    table: str
    row: int | None
    column: str
    message: str
