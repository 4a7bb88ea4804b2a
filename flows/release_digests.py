"""The SHA-256 of each file of the latest release, remembered with its stat.

Every release checks the latest release's files against releases.json before diffing against
it or publishing on top of it; a release that changes nothing checks them too. As for raw/
(file_digests), a file whose device, inode, size and times are those it had when hashed is not
read again, and a file changed within RACY_SECONDS of being hashed is never remembered.
`jrr validate` always reads every byte.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from jrr.flows import file_digests
from jrr.flows.file_digests import load_entries, save_entries, stat_signature

RELEASE_DIGESTS_PATH = Path(".jrr/cache/release-digests.pickle")


class ReleaseDigests:
    """Remembered digests of release files (by absolute path), and those seen in this run."""

    def __init__(self, root: Path) -> None:
        self.path = root / RELEASE_DIGESTS_PATH
        self.entries: dict[str, Any] = load_entries(self.path)
        self.seen: dict[str, Any] = {}

    def sha256(self, file: Path) -> tuple[str, int]:
        """The file's SHA-256 (hex) and size; read only if its stat moved since it was hashed."""
        key = os.fspath(file.absolute())
        before = os.lstat(file)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == stat_signature(before):
            self.seen[key] = entry
            return entry[1], before.st_size
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if file_digests.settled(file, before):
            self.seen[key] = (stat_signature(before), digest)
        return digest, len(data)

    def save(self) -> None:
        """Keep the entries of the files seen in this run (and only those)."""
        if self.seen != self.entries:
            save_entries(self.path, self.seen)
