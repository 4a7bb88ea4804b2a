"""Cache keys: the content of raw/, and the code (schemas included) and libraries."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

_DEPENDENCIES = ["pandas", "pandera", "pyarrow", "pyyaml", "edtf", "pycountry"]
_PACKAGES = [Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "schemas"]


def content_digest(files: dict[str, bytes]) -> str:
    """SHA-256 over file names and bytes: equal only for identical inputs."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


@cache
def _source_digest() -> str:
    """SHA-256 of the pipeline's own source code."""
    sources = {
        path.as_posix(): path.read_bytes() for folder in _PACKAGES for path in folder.glob("*.py")
    }
    return content_digest(sources)


@cache
def _dependency_versions() -> str:
    """Versions of the libraries whose behaviour shapes the built tables."""
    return ";".join(f"{name}={metadata.version(name)}" for name in _DEPENDENCIES)


def code_version() -> str:
    """What the build depends on besides raw/: source code (the schemas' included) and libraries.

    The Table Schemas are generated from schemas/*.py by the pinned pandera and pycountry, so
    those files and versions key them; building them here would import pandera (~0.7 s) in
    every release, the one that changes nothing included.
    """
    key = (_source_digest() + _dependency_versions()).encode()
    return hashlib.sha256(key).hexdigest()[:16]
