"""The last build that found no problem, kept so that the next build redoes only what changed.

It holds the validated tables and renames, each article's cache key (see article_cache), and
the records each article mentions: its own metadata, the records it states, the records its
refs restate, the records its quotes back, and the treaty each of its events is listed under.
One pickle per code version under .jrr/cache/build/, written atomically; others are removed.

Each snapshot has a build id. After a release publishes a build, the build's id is recorded with
the release's releases.json entry (PUBLISHED_PATH): the next incremental build, spliced into
that snapshot, then knows the latest release's tables without reading them back.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from jrr.flows.article_unit import ArticleUnit
from jrr.flows.files import json_bytes, write_atomic

if TYPE_CHECKING:
    import pandas as pd

SNAPSHOT_DIR = Path(".jrr/cache/build")
PUBLISHED_PATH = Path(".jrr/cache/published-build.json")
RecordKey = tuple[str, str]  # (table, record id); an article's own metadata is ("articles", id)
_KEEPING: list[threading.Thread] = []  # snapshots being written in the background


@dataclass(frozen=True)
class Snapshot:
    """A build's validated tables and renames, with the article keys and mentions it came from."""

    version: str
    keys: dict[str, str]
    mentions: dict[str, tuple[RecordKey, ...]]
    tables: dict[str, pd.DataFrame]
    renames: dict[str, dict[str, str]]
    build_id: str = field(default_factory=lambda: uuid.uuid4().hex)


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
    """The snapshot of this code version, or None if absent or unreadable (once any being kept
    in the background is written)."""
    wait_for_kept()
    try:
        with snapshot_path(root, version).open("rb") as stream:
            snapshot = _read(stream)
    except Exception:  # a damaged snapshot of any kind means a whole build, never an error
        return None
    if not isinstance(snapshot, Snapshot) or snapshot.version != version:
        return None
    return snapshot


def _write(snapshot: Snapshot, stream: BinaryIO) -> None:
    """The snapshot without its tables, then each column of each table, one pickle each.

    One pickle of every table would hold a copy of every text column until the last is
    written (pandas combines an Arrow column's chunks to pickle it, and the pickler keeps what
    it wrote): at 100,000 articles, 0.85 GB more than the tables themselves.
    """
    columns = {table: list(frame.columns) for table, frame in snapshot.tables.items()}
    header = dataclasses.replace(snapshot, tables={})
    pickle.dump((header, columns), stream, protocol=pickle.HIGHEST_PROTOCOL)
    for table, names in columns.items():
        for name in names:
            pickle.dump(snapshot.tables[table][name], stream, protocol=pickle.HIGHEST_PROTOCOL)


def _read(stream: BinaryIO) -> Snapshot:
    """A snapshot written by _write."""
    import pandas as pd

    header, columns = pickle.load(stream)
    tables = {
        table: pd.DataFrame({name: pickle.load(stream) for name in names}, columns=names)
        for table, names in columns.items()
    }
    return dataclasses.replace(header, tables=tables)


def save_snapshot(root: Path, snapshot: Snapshot) -> bool:
    """Store `snapshot` in place of any other; False if it could not be written (skipped)."""
    path = snapshot_path(root, snapshot.version)
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            _write(snapshot, stream)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    for other in path.parent.iterdir():
        if other != path:
            other.unlink(missing_ok=True)
    return True


def keep_in_background(root: Path, snapshot: Snapshot) -> None:
    """save_snapshot on a thread of its own, while the release goes on (load_snapshot waits)."""
    thread = threading.Thread(target=save_snapshot, args=(root, snapshot), name="keep-build")
    thread.start()  # not a daemon: the process ends only once the snapshot is written
    _KEEPING.append(thread)


def wait_for_kept() -> None:
    """Return once every snapshot being kept in the background is written (or skipped)."""
    while _KEEPING:
        _KEEPING.pop().join()


def record_published(root: Path, build_id: str, release: dict[str, Any]) -> None:
    """Remember that the release with releases.json entry `release` holds build `build_id`."""
    record = {"build": build_id, "release": _identity(release)}
    try:
        (root / PUBLISHED_PATH).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root / PUBLISHED_PATH, json_bytes(record))
    except OSError:
        pass  # the next release reads the latest release back to diff against it


def published_build(root: Path, release: dict[str, Any]) -> str | None:
    """The id of the build the release with releases.json entry `release` holds, if recorded."""
    try:
        record = json.loads((root / PUBLISHED_PATH).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("release") != _identity(release):
        return None
    build = record.get("build")
    return build if isinstance(build, str) else None


def _identity(release: dict[str, Any]) -> dict[str, Any]:
    """What identifies a release's content: its version and every file's checksum."""
    return {"version": release.get("version"), "files": release.get("files")}
