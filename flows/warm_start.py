"""What a release does while its temporary API server starts (run_server).

The flow's first step, keying every article (its files' stat, or their bytes if they changed:
seconds at 100,000 articles), is done while the server starts, along with importing the
build's modules. The flow run then takes the keys instead of computing them again, if raw/
still lists the same articles. The keys are taken once: any other run computes its own.

Meanwhile a helper thread checks the latest release's files against releases.json, as the
flow does before building on it; files it hashes are remembered by their stat
(release_digests), so the flow's own check then reads none of them (1.8 s at 100,000
articles, right after a release wrote them). What it finds is not reported here: the flow
checks again, and reports.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

from jrr.flows import caching
from jrr.flows.corpus import article_ids, article_keys

# What a release that changes something imports: done while the server starts, it is free.
BUILD_MODULES = (
    "jrr.flows.pipeline",
    "jrr.flows.versioning",
    "jrr.flows.release_folder",
    "jrr.flows.landing_pages",
    "jrr.flows.timeline",  # matplotlib
)
_KEYS: dict[tuple[Path, str], tuple[list[str], dict[str, str]]] = {}


def warm_up(root: Path) -> None:
    """Key every article of `root`, check its latest release and import the build's modules
    (nothing is written but the stat caches of both, as the flow would write them)."""
    checking = threading.Thread(target=_check_latest, args=(root / "dataset",), name="check")
    checking.start()
    try:
        version = caching.code_version()
        ids = article_ids(root)
        _KEYS[(root, version)] = (ids, article_keys(root, ids, version))
        for module in BUILD_MODULES:
            importlib.import_module(module)
    except Exception:  # the flow does the same work again, and reports what goes wrong
        _KEYS.clear()
    finally:
        checking.join()


def take_keys(root: Path, version: str, ids: list[str]) -> dict[str, str] | None:
    """The keys warm_up found for these articles of `root`, once; None if it found none."""
    found = _KEYS.pop((root, version), None)
    if found is None or found[0] != ids:
        return None
    return found[1]


def _check_latest(dataset_dir: Path) -> None:
    """Check the latest release's files, remembering their digests; the verdict is the flow's."""
    from jrr.flows.publish import read_index
    from jrr.flows.recovery import damaged_latest

    try:
        damaged_latest(dataset_dir, read_index(dataset_dir)["releases"])
    except Exception:  # whatever it is, the flow's own check meets it and reports it
        return
