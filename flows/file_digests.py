"""Each raw/ file's SHA-256, remembered with its stat, so an unchanged file is not read again.

As git's index does: an entry holds the file's device, inode, size, modification and change
times (in nanoseconds) and its digest, and is trusted only while `lstat` gives the same five
for a regular file under plain folders (no symbolic link on the way). A write, a rename over
it or a change of permissions changes the change time. An entry is recorded only for a file
last changed more than RACY_SECONDS before it was hashed, so a file rewritten within the same
clock tick is never taken for its former self. Kept in .jrr/cache/, written atomically.
"""

from __future__ import annotations

import os
import pickle
import stat
import time
import uuid
from pathlib import Path
from typing import Any

from jrr.flows.raw_files import ANNOTATIONS_DIR, ARTICLES_DIR

DIGESTS_PATH = Path(".jrr/cache/file-digests.pickle")
RACY_SECONDS = 2.0
Signature = tuple[int, int, int, int, int]
_now = time.time  # the clock the racy window is measured on


def save_entries(path: Path, entries: dict[str, Any]) -> None:
    """Write remembered entries atomically; a cache that cannot be written is skipped."""
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


class FileDigests:
    """The remembered digests of a project's raw/ files, and those seen in this run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = os.fspath(root) + os.sep
        self.plain = plain_folders(root)
        self.entries = load_entries(root / DIGESTS_PATH) if self.plain else {}
        self.seen: dict[str, tuple[Signature, bytes]] = {}

    def known(self, path: str) -> bytes | None:
        """The digest of `path` (relative to the root) if it is unchanged since it was hashed;
        b"" if it is absent; None if it must be read."""
        if not self.plain:
            return None
        try:
            info = os.lstat(self.prefix + path)
        except FileNotFoundError:
            return b""
        except OSError:
            return None
        entry = self.entries.get(path)
        if entry is None or not stat.S_ISREG(info.st_mode) or stat_signature(info) != entry[0]:
            return None
        self.seen[path] = entry
        return entry[1]

    def remember(self, digests: dict[str, bytes], before: dict[str, os.stat_result | None]) -> None:
        """Record the digests of files just read (by path) that had `before` as their stat, if
        they were last changed long enough ago and did not move while they were read."""
        for path, digest in digests.items():
            info = before.get(path)
            if info is not None and settled(self.root / path, info):
                self.seen[path] = (stat_signature(info), digest)

    def stat_before_reading(self, paths: list[str]) -> dict[str, os.stat_result | None]:
        """The lstat of each path, taken before it is read (None if there is none)."""
        found: dict[str, os.stat_result | None] = {}
        for path in paths:
            try:
                found[path] = os.lstat(self.root / path)
            except OSError:
                found[path] = None
        return found

    def save(self) -> None:
        """Keep the entries of the files seen in this run (and only those)."""
        if self.plain and self.seen != self.entries:
            save_entries(self.root / DIGESTS_PATH, self.seen)


def settled(file: Path, before: os.stat_result) -> bool:
    """True if `file`, whose stat was `before` when it was read, was last changed more than
    RACY_SECONDS ago and did not move while it was read: its digest may be remembered."""
    if _now() - max(before.st_mtime, before.st_ctime) <= RACY_SECONDS:
        return False
    try:
        after = os.lstat(file)
    except OSError:
        return False
    return stat_signature(after) == stat_signature(before)


def stat_signature(info: os.stat_result) -> Signature:
    """What must stay the same for a file's bytes to be taken as unchanged."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def plain_folders(root: Path) -> bool:
    """True if raw/ and its two folders are real folders, not symbolic links."""
    for folder in ("raw", ARTICLES_DIR, ANNOTATIONS_DIR):
        try:
            if not stat.S_ISDIR(os.lstat(root / folder).st_mode):
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True


def load_entries(path: Path) -> dict[str, Any]:
    """The remembered entries, or none if the file is absent or damaged."""
    try:
        entries = pickle.loads(path.read_bytes())
    except Exception:  # a damaged file of any kind means reading every file, never an error
        return {}
    return entries if isinstance(entries, dict) else {}
