"""The last build that found no problem, kept so that the next build redoes only what changed.

It holds the validated tables and renames, each article's cache key (see article_cache), and
the records each article mentions: its own metadata, the records it states, the records its
refs restate, the records its quotes back, and the treaty each of its events is listed under.
One pickle per code version under .jrr/cache/build/, written atomically; others are removed.
"""

from __future__ import annotations

import os
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jrr.flows.article_unit import ArticleUnit

if TYPE_CHECKING:
    import pandas as pd

SNAPSHOT_DIR = Path(".jrr/cache/build")
RecordKey = tuple[str, str]  # (table, record id); an article's own metadata is ("articles", id)


@dataclass(frozen=True)
class Snapshot:
    """A build's validated tables and renames, with the article keys and mentions it came from."""

    version: str
    keys: dict[str, str]
    mentions: dict[str, tuple[RecordKey, ...]]
    tables: dict[str, pd.DataFrame]
    renames: dict[str, dict[str, str]]


def mentions_of(unit: ArticleUnit) -> tuple[RecordKey, ...]:
    """Every record whose row, claims or evidence an article's files can change."""
    found = {("articles", unit.article_id)}
    for item in [*unit.annotations.records, *unit.annotations.refs]:
        found.add((item.table, item.record_id))
        if item.table == "treaty_events" and item.parent_id:
            found.add(("treaties", item.parent_id))
    found.update((quote.table, quote.record_id) for quote in unit.quotes)
    return tuple(sorted(found))


def snapshot_path(root: Path, version: str) -> Path:
    """Where the snapshot of code version `version` lives."""
    return root / SNAPSHOT_DIR / f"{version}.pickle"


def load_snapshot(root: Path, version: str) -> Snapshot | None:
    """The snapshot of this code version, or None if absent or unreadable."""
    try:
        with snapshot_path(root, version).open("rb") as stream:
            snapshot = pickle.load(stream)
    except Exception:  # a damaged snapshot of any kind means a whole build, never an error
        return None
    if not isinstance(snapshot, Snapshot) or snapshot.version != version:
        return None
    return snapshot


def save_snapshot(root: Path, snapshot: Snapshot) -> None:
    """Store `snapshot` in place of any other; a cache that cannot be written is skipped."""
    path = snapshot_path(root, snapshot.version)
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            pickle.dump(snapshot, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return
    for other in path.parent.iterdir():
        if other != path:
            other.unlink(missing_ok=True)
