"""The Japan–Russia Relations Dataset's published contract: one pandera model per table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jrr.schemas.load import load

if TYPE_CHECKING:
    from jrr.schemas.registry import TABLES, ForeignKey, TableSpec

__all__ = ["TABLES", "ForeignKey", "TableSpec", "load"]


def __getattr__(name: str) -> Any:
    """The models, imported on first use: `import jrr` and the modules that need no models
    (`jrr validate FILE`, a release that changes nothing) start without pandas and pandera."""
    if name in ("TABLES", "ForeignKey", "TableSpec"):
        from jrr.schemas import registry

        value = globals()[name] = getattr(registry, name)  # found directly from now on
        return value
    raise AttributeError(f"module 'jrr.schemas' has no attribute {name!r}")
