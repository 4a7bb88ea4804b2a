"""Run one `jrr` command as the CLI does, timing each Prefect task and a few inner steps.

    python benchmarks/release_run.py TIMINGS.json release --root PROJECT

The real code runs unchanged: each task's function and each probed function is wrapped in
a timer, and the wall-clock seconds during which each ran (overlapping calls counted once) are
written to TIMINGS.json.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.util
import json
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

# Steps worth seeing on their own (module, name used there, label): reading and keying every
# article in the flow, steps of the build, and steps inside the publish task.
PROBES = [
    ("jrr.flows.release", "article_keys", "articles: read and key"),
    ("jrr.flows.release", "compute_articles", "articles"),
    ("jrr.flows.corpus", "load_snapshot", "build: load last build"),
    ("jrr.flows.corpus", "incremental_build", "build: rebuild what changed"),
    ("jrr.flows.corpus", "save_snapshot", "build: keep this build"),
    ("jrr.flows.release_folder", "write_release_folder", "publish: write release files"),
    ("jrr.flows.publish", "refresh_derived", "publish: derived pages"),
    ("jrr.flows.dataset_readme", "read_latest", "  pages: read latest release"),
    ("jrr.flows.dataset_readme", "render_timeline", "  pages: timeline.svg"),
    ("jrr.flows.dataset_readme", "_readme", "  pages: README.md"),
    ("jrr.flows.publish", "render_changelog", "  pages: CHANGELOG.md"),
]
SECONDS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
RUNNING: dict[str, int] = defaultdict(int)
SINCE: dict[str, float] = {}
_LOCK = threading.Lock()


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, adding its run time to SECONDS[label]."""
    return _Timed(label, function)


class _Timed:
    """A function that adds its run time to SECONDS[label].

    Calls that overlap (the per-article tasks run in parallel) count once: the seconds of a
    label are the wall-clock time during which at least one of its calls was running. Pickled
    (to a worker process, along with a flow that names it), it is the function itself.
    """

    def __init__(self, label: str, function: Callable[..., Any]) -> None:
        self.label = label
        functools.update_wrapper(self, function)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        label = self.label
        with _LOCK:
            RUNNING[label] += 1
            if RUNNING[label] == 1:
                SINCE[label] = time.perf_counter()
        try:
            return self.__wrapped__(*args, **kwargs)
        finally:
            with _LOCK:
                RUNNING[label] -= 1
                CALLS[label] += 1
                if RUNNING[label] == 0:
                    SECONDS[label] += time.perf_counter() - SINCE[label]

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return _unwrapped, (self.__wrapped__,)


def _unwrapped(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function a pickled timer stood for."""
    return function


def _wrap_tasks(module: ModuleType) -> None:
    """Time the function of every Prefect task `module` defines that runs in this process
    (the per-article task may run in worker processes: the probe on compute_articles times it)."""
    if "prefect" not in sys.modules:  # a module defining tasks has imported it
        return
    from prefect import Task

    for attribute in vars(module).values():
        if not isinstance(attribute, Task) or attribute.name == "articles":
            continue
        if not hasattr(attribute.fn, "__wrapped__"):
            attribute.fn = _timed(attribute.name, attribute.fn)


def _wrap_on_import() -> None:
    """Time tasks and probed inner steps of jrr.flows modules as they load: importing them here
    would import Prefect before the command names its API server, which is not what it does
    (nor may a probe import what the release itself would not, e.g. when nothing changed)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("jrr.flows"):
            _probe(module)
            _wrap_tasks(module)
    sys.meta_path.insert(0, _ProbeOnImport())


def _probe(module: ModuleType) -> None:
    """Wrap the probed functions that exist in this version of `module`."""
    for module_name, name, label in PROBES:
        if module_name == module.__name__ and hasattr(module, name):
            setattr(module, name, _timed(label, getattr(module, name)))


_FINDING: set[str] = set()


class _ProbeOnImport(importlib.abc.MetaPathFinder):
    """Wraps a jrr.flows module's tasks and probes right after it is first imported."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        """The module's usual spec, its loader set to wrap it once executed."""
        if not fullname.startswith("jrr.flows.") or fullname in _FINDING:
            return None
        _FINDING.add(fullname)  # asked again below: the usual finders answer that
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            _FINDING.discard(fullname)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            """Run the module, then wrap its tasks and probes."""
            execute(module)
            _probe(module)
            _wrap_tasks(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> int:
    """Run the command; write timings even when it fails."""
    timings, argv = Path(sys.argv[1]), sys.argv[2:]
    start = time.perf_counter()
    from jrr.flows import cli, prefect_settings

    root = Path(argv[argv.index("--root") + 1]) if "--root" in argv else Path(".")
    prefect_settings.configure(root.resolve())
    if argv[0] == "release":
        _wrap_on_import()
    imported = time.perf_counter() - start
    code = 1
    try:
        code = cli.main(argv)
    finally:
        result = {
            "exit": code,
            "import_seconds": imported,
            "command_seconds": time.perf_counter() - start - imported,
            "stages": dict(SECONDS),
            "calls": dict(CALLS),
        }
        timings.write_text(json.dumps(result, indent=2))
    return code


if __name__ == "__main__":
    sys.exit(main())
