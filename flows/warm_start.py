"""What a release does while its temporary API server starts (run_server).

The flow's first step, keying every article (its files' stat, or their bytes if they changed:
seconds at 100,000 articles), is done while the server starts, along with importing the
build's modules. The flow run then takes the keys instead of computing them again, if raw/
still lists the same articles. The keys are taken once: any other run computes its own.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from jrr.flows import caching
from jrr.flows.corpus import article_ids, article_keys

# What a release that changes something imports: done while the server starts, it is free.
BUILD_MODULES = ("jrr.flows.pipeline", "jrr.flows.versioning", "jrr.flows.release_folder")
_KEYS: dict[tuple[Path, str], tuple[list[str], dict[str, str]]] = {}


def warm_up(root: Path) -> None:
    """Key every article of `root` and import the build's modules (nothing is written but the
    article keys' stat cache, as the flow would)."""
    try:
        version = caching.code_version()
        ids = article_ids(root)
        _KEYS[(root, version)] = (ids, article_keys(root, ids, version))
        for module in BUILD_MODULES:
            importlib.import_module(module)
    except Exception:  # the flow does the same work again, and reports what goes wrong
        _KEYS.clear()


def take_keys(root: Path, version: str, ids: list[str]) -> dict[str, str] | None:
    """The keys warm_up found for these articles of `root`, once; None if it found none."""
    found = _KEYS.pop((root, version), None)
    if found is None or found[0] != ids:
        return None
    return found[1]
