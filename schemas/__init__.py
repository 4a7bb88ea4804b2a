"""The Japan–Russia Relations Dataset's published contract: one pandera model per table."""

from jrr.schemas.load import load
from jrr.schemas.registry import TABLES, ForeignKey, TableSpec

__all__ = ["TABLES", "ForeignKey", "TableSpec", "load"]
