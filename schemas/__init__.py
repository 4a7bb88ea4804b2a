"""The Japan–Russia Relations Dataset's published contract: one pandera model per table."""

from schemas.registry import TABLES, ForeignKey, TableSpec

__all__ = ["TABLES", "ForeignKey", "TableSpec"]
