"""Large stage values kept in the flow's own process; tasks pass their handles instead.

Prefect walks every task parameter and result object by object, and persisting them would
pickle the whole dataset on every run. The built tables and the release plan therefore stay
in memory here, and the release flow's tasks (which run in the flow's process; only the
per-article tasks go to a task runner) exchange short handles. The flow lets go of them when
it ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
_VALUES: dict[str, Any] = {}


def hold(value: object) -> str:
    """Keep `value` until the run ends; its handle."""
    handle = f"held-{uuid.uuid4().hex}"
    _VALUES[handle] = value
    return handle


def held(handle: str, kind: type[T]) -> T:
    """The value kept under `handle`, checked to be a `kind`."""
    value = _VALUES[handle]
    if not isinstance(value, kind):
        raise TypeError(f"{handle} holds a {type(value).__name__}, not a {kind.__name__}")
    return value


@contextmanager
def values_of_one_run() -> Iterator[None]:
    """Let go of every value kept during the block, however it ends."""
    before = set(_VALUES)
    try:
        yield
    finally:
        for handle in set(_VALUES) - before:
            del _VALUES[handle]
