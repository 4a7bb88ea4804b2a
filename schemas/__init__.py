"""The Japan–Russia Relations Dataset's published contract: one pandera model per table."""

from schemas.load import load
from schemas.registry import TABLES, ForeignKey, TableSpec

__all__ = ["TABLES", "ForeignKey", "TableSpec", "load"]
