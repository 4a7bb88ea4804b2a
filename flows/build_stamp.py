"""What the latest release was built from, so a release that changes nothing skips the build.

After a release publishes, or finds nothing to publish, the stamp (beside dataset/, in .jrr/)
records the source key of that build (every article's cache key, the names of the files under
raw/, the code and schema version, and CODEBOOK.md) with a digest of releases.json. The next
release whose source key and releases.json are the same would rebuild the same tables and
diff them to nothing, so it stops there. Anything else, including a fresh checkout without
the stamp, runs the whole build.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jrr.flows.files import json_bytes, write_atomic


def source_key(root: Path, corpus_key: str) -> str:
    """The key of everything a build reads: the corpus (see release) and CODEBOOK.md."""
    codebook = root / "CODEBOOK.md"
    digest = hashlib.sha256(corpus_key.encode() + b"\0")
    digest.update(codebook.read_bytes() if codebook.is_file() else b"-")
    return digest.hexdigest()


def unchanged_since_release(dataset_dir: Path, key: str) -> bool:
    """True when the latest release was built, or found current, from sources with `key`."""
    try:
        stamp = json.loads(_stamp_path(dataset_dir).read_text(encoding="utf-8"))
        return stamp["source"] == key and stamp["releases"] == _index_digest(dataset_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def record_release(dataset_dir: Path, key: str) -> None:
    """Remember that releases.json as it is now matches sources with `key`."""
    stamp = {"source": key, "releases": _index_digest(dataset_dir)}
    try:
        _stamp_path(dataset_dir).parent.mkdir(exist_ok=True)
        write_atomic(_stamp_path(dataset_dir), json_bytes(stamp))
    except OSError:
        pass  # the next release builds in full


def _index_digest(dataset_dir: Path) -> str:
    """SHA-256 of releases.json (which lists every file's checksum), or '-' if absent."""
    path = dataset_dir / "releases.json"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


def _stamp_path(dataset_dir: Path) -> Path:
    """Where the stamp lives: beside dataset/, never inside it."""
    return dataset_dir.parent / ".jrr" / "built.json"
