"""A content-addressed cache of per-article results under .jrr/cache/articles/.

An entry's key is the SHA-256 of the article id, the bytes of its three files and the code
version (the source code, the schemas' included, and the libraries), so an entry is only
ever found for the very inputs it was computed from. Each entry is one pickle file holding
its key, written atomically; one folder per code version, and folders of other versions are
removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from jrr.flows import caching
from jrr.flows.article_unit import ArticleUnit, unit_names
from jrr.flows.raw_files import RawFiles

CACHE_DIR = Path(".jrr/cache/articles")
_SUFFIX = ".pickle"
_ABSENT = b"absent"
_UNREADABLE = b"unreadable"


def unit_key(raw: RawFiles, article_id: str, version: str) -> str:
    """Cache key of an article: its id, its files' bytes (as read safely) and the code version."""
    return key_of_files(article_id, version, list(unit_digests(raw, article_id).values()))


def unit_digests(raw: RawFiles, article_id: str) -> dict[str, bytes]:
    """Each file of the article (by path): its SHA-256, b"" if absent, or "unreadable"."""
    digests = {}
    for path in unit_names(article_id):
        if path in raw.data:
            digests[path] = hashlib.sha256(raw.data[path]).digest()
        else:
            digests[path] = _UNREADABLE if path in raw.present else b""
    return digests


def key_of_files(article_id: str, version: str, digests: list[bytes]) -> str:
    """Cache key of an article from each file's SHA-256 (b"" if absent, or "unreadable")."""
    key = hashlib.sha256(f"{version}\0{article_id}\0".encode())
    for digest in digests:
        key.update(_ABSENT if not digest else digest if digest == _UNREADABLE else b"file" + digest)
    return key.hexdigest()


class ArticleCache:
    """Per-article results on disk, one folder per code version."""

    def __init__(self, root: Path, version: str | None = None) -> None:
        self.version = version or caching.code_version()
        self.base = root / CACHE_DIR
        self.folder = self.base / self.version

    def _path(self, key: str) -> Path:
        """Where the entry of `key` lives."""
        return self.folder / key[:2] / f"{key}{_SUFFIX}"

    def has(self, key: str) -> bool:
        """True if an entry is stored under `key` (it may still prove unreadable)."""
        return self._path(key).is_file()

    def stored_keys(self) -> set[str]:
        """The keys of every entry stored, from one listing (cheaper than `has` per article)."""
        found: set[str] = set()
        try:
            with os.scandir(self.folder) as shards:
                for shard in shards:
                    if shard.is_dir(follow_symlinks=False):
                        found.update(_keys_in(shard.path))
        except OSError:
            return found
        return found

    def get(self, key: str) -> ArticleUnit | None:
        """The result stored under `key`, or None if absent or unreadable."""
        try:
            with self._path(key).open("rb") as stream:
                stored_key, unit = pickle.load(stream)
        except Exception:  # a damaged entry of any kind is a miss, never an error
            return None
        return unit if stored_key == key and isinstance(unit, ArticleUnit) else None

    def put(self, key: str, unit: ArticleUnit) -> None:
        """Store `unit` under `key`; a cache that cannot be written is skipped."""
        path = self._path(key)
        temporary = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(pickle.dumps((key, unit), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def discard(self, keys: Iterable[str]) -> None:
        """Remove the entries of `keys` (those stored)."""
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def remove_other_versions(self) -> None:
        """Remove the entries of other code versions."""
        if self.base.is_dir():
            for folder in self.base.iterdir():
                if folder.is_dir() and folder.name != self.version:
                    shutil.rmtree(folder, ignore_errors=True)

    def prune(self, keep: set[str]) -> None:
        """Remove entries of other code versions and entries whose key is not in `keep`."""
        self.remove_other_versions()
        if not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            for entry in shard.iterdir() if shard.is_dir() else ():
                if entry.stem not in keep:
                    entry.unlink(missing_ok=True)


def _keys_in(shard: str) -> list[str]:
    """The keys of the entries in one shard folder (temporary files left out)."""
    with os.scandir(shard) as entries:
        return [
            entry.name[: -len(_SUFFIX)]
            for entry in entries
            if entry.name.endswith(_SUFFIX) and not entry.name.startswith(".tmp-")
        ]
