"""What the derived pages were last rendered from, so a release that changed nothing skips them.

The stamp (kept beside dataset/, in .jrr/) holds a key over releases.json, the latest
release's checksums, the code and the libraries that draw the pages, and the SHA-256 of each
page as written. Pages are rendered again when any of these differ, including a page that
was edited or deleted by hand.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from jrr.flows.files import json_bytes, write_atomic

_LIBRARIES = ["matplotlib", "pandas", "pyarrow", "pandera"]
_CODE = [Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "schemas"]


def pages_key(dataset_dir: Path, latest_folder: Path) -> str:
    """A digest of everything the derived pages are rendered from."""
    digest = hashlib.sha256()
    for path in sorted(path for folder in _CODE for path in folder.glob("*.py")):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    for name in _LIBRARIES:
        digest.update(f"{name}={metadata.version(name)};".encode())
    for path in (dataset_dir / "releases.json", latest_folder / "SHA256SUMS"):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def up_to_date(dataset_dir: Path, key: str, pages: list[Path]) -> bool:
    """True when the stamp matches `key` and every page still holds the bytes it recorded."""
    try:
        stamp = json.loads(_stamp_path(dataset_dir).read_text(encoding="utf-8"))
        return stamp["key"] == key and all(
            stamp["pages"][page.name] == _sha256(page) for page in pages
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def record(dataset_dir: Path, key: str, pages: list[Path]) -> None:
    """Remember what the pages were rendered from; a stamp that cannot be written is skipped."""
    stamp = {"key": key, "pages": {page.name: _sha256(page) for page in pages}}
    try:
        _stamp_path(dataset_dir).parent.mkdir(exist_ok=True)
        write_atomic(_stamp_path(dataset_dir), json_bytes(stamp))
    except OSError:
        pass  # the next release renders the pages again


def _stamp_path(dataset_dir: Path) -> Path:
    """Where the stamp lives: beside dataset/, never inside it."""
    return dataset_dir.parent / ".jrr" / "pages.json"


def _sha256(path: Path) -> str | None:
    """A file's SHA-256, or None if it is missing."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
