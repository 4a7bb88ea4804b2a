"""`jrr serve`: browse one release in Datasette, over an SQLite database kept in a cache.

In a checkout the release comes from dataset/ and the database is cached in .jrr/serve/ (never
published); elsewhere the release is downloaded and verified into the user cache folder. The
database is rebuilt only when the release's SHA256SUMS (or which article texts verify) changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jrr.flows.release_index import (
    INDEX_NAME,
    SUMS_NAME,
    DownloadError,
    check_sums,
    parse_index,
    parse_sums,
    resolve_version,
)
from jrr.flows.serve_db import ARTICLES, build_database, read_texts, texts_digest
from jrr.flows.serve_metadata import DATABASE, datasette_metadata
from jrr.schemas.io import read_datapackage, read_table

SITE = Path(__file__).resolve().parent / "serve_site"
PLUGINS_DIR = SITE / "plugins"
TEMPLATES_DIR = SITE / "templates"
CHECKOUT_CACHE = Path(".jrr") / "serve"
SETTINGS = {"truncate_cells_html": 240, "default_facet_size": 12, "sql_time_limit_ms": 5000}


@dataclass(frozen=True)
class Prepared:
    """A release ready to serve: its database, its metadata and what went into them."""

    version: str
    folder: Path
    database: Path
    metadata: Path
    rebuilt: bool
    texts_shown: int
    articles: int


def prepare(root: Path, version: str | None, base_url: str | None = None) -> Prepared:
    """Find the release, build its database unless a cached one matches, write its metadata."""
    index_path = root / "dataset" / INDEX_NAME
    if index_path.is_file() and base_url is None:
        index = parse_index(index_path.read_bytes(), str(index_path))
        release = resolve_version(index, version)
        folder = root / "dataset" / f"v{release['version']}"
        if not folder.is_dir():
            raise DownloadError(f"{folder} is missing: releases.json lists v{release['version']}")
        texts_dir: Path | None = root / "raw" / "articles"
        cache = root / CHECKOUT_CACHE
    else:
        from jrr.flows.download import download_release, fetch_index
        from jrr.schemas.load import cache_folder

        release = resolve_version(fetch_index(base_url or _default_url()), version)
        folder = download_release(release["version"], cache_folder(), base_url)
        texts_dir, cache = None, cache_folder() / "serve"
    check_sums(folder, release)
    return _prepare_folder(folder, release, texts_dir, cache)


def _default_url() -> str:
    """Where releases are fetched from when this is not a checkout."""
    from jrr.flows.download import default_base_url

    return default_base_url()


def _prepare_folder(
    folder: Path, release: dict[str, Any], texts_dir: Path | None, cache: Path
) -> Prepared:
    """Reuse or build the database of a release folder; always rewrite its metadata."""
    datapackage = read_datapackage(folder)
    names = {resource["name"] for resource in datapackage["resources"]}
    texts = None
    if ARTICLES in names:
        texts = read_texts(read_table(folder, ARTICLES), texts_dir)
    sums = hashlib.sha256((folder / SUMS_NAME).read_bytes()).hexdigest()[:16]
    key = f"v{release['version']}-{sums}-{texts_digest(texts or {})}"
    target = cache / key
    rebuilt = not (target / f"{DATABASE}.db").is_file()
    if rebuilt:
        _verify_files(folder)
        _build_into(folder, target, texts)
        _remove_stale(cache, release["version"], key)
    metadata = datasette_metadata(datapackage, release, texts_added=texts is not None)
    _write_atomic(target / "metadata.json", json.dumps(metadata, indent=2, ensure_ascii=False))
    shown = sum(1 for text in (texts or {}).values() if text.text is not None)
    return Prepared(
        release["version"],
        folder,
        target / f"{DATABASE}.db",
        target / "metadata.json",
        rebuilt,
        shown,
        len(texts or {}),
    )


def _verify_files(folder: Path) -> None:
    """Refuse a release whose files do not match its SHA256SUMS."""
    wrong = [
        name
        for name, digest in parse_sums(folder / SUMS_NAME).items()
        if not (folder / name).is_file()
        or hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest
    ]
    if wrong:
        raise DownloadError(
            f"{folder}: {', '.join(wrong)} do not match {SUMS_NAME}; run jrr validate on it"
        )


def _build_into(folder: Path, target: Path, texts: Any) -> None:
    """Build the database in a temporary folder beside `target`, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".tmp-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        build_database(folder, staging / f"{DATABASE}.db", texts)
        try:
            staging.rename(target)
        except OSError:
            if not (target / f"{DATABASE}.db").is_file():  # not another build that won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale(cache: Path, version: str, keep: str) -> None:
    """Delete databases built earlier for the same version from other inputs."""
    for old in cache.glob(f"v{version}-*"):
        if old.name != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _write_atomic(path: Path, text: str) -> None:
    """Write a file by renaming a complete temporary file over it."""
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def datasette_arguments(prepared: Prepared, host: str, port: int) -> list[str]:
    """The `datasette serve` arguments: the database immutable, our metadata, templates, plugin."""
    arguments = [
        "serve",
        "--immutable",
        str(prepared.database),
        "--metadata",
        str(prepared.metadata),
        "--template-dir",
        str(TEMPLATES_DIR),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        arguments += ["--setting", name, str(value)]
    return arguments


def run_datasette(prepared: Prepared, host: str, port: int) -> None:
    """Run Datasette in this process until it is stopped."""
    from datasette.cli import cli

    cli.main(
        args=datasette_arguments(prepared, host, port), prog_name="datasette", standalone_mode=False
    )
