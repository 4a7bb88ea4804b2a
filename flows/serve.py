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
from jrr.flows.serve_db import ARTICLES, ArticleText, build_database, read_texts, texts_digest
from jrr.flows.serve_metadata import DATABASE, datasette_metadata
from jrr.schemas.io import read_datapackage, read_table, table_resources

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


@dataclass(frozen=True)
class Located:
    """A release folder, its releases.json entry, where its texts are, and the database cache."""

    folder: Path
    release: dict[str, Any]
    texts_dir: Path | None
    cache: Path


def locate(root: Path, version: str | None, base_url: str | None = None) -> Located:
    """The release in the checkout at `root`, else downloaded (and verified) into the user cache."""
    index_path = root / "dataset" / INDEX_NAME
    if index_path.is_file() and base_url is None:
        index = parse_index(index_path.read_bytes(), str(index_path))
        release = resolve_version(index, version)
        folder = root / "dataset" / f"v{release['version']}"
        if not folder.is_dir():
            raise DownloadError(f"{folder} is missing: releases.json lists v{release['version']}")
        located = Located(folder, release, root / "raw" / "articles", root / CHECKOUT_CACHE)
    else:
        from jrr.flows.download import download_release, fetch_index
        from jrr.schemas.load import cache_folder

        release = resolve_version(fetch_index(base_url or _default_url()), version)
        folder = download_release(release["version"], cache_folder(), base_url)
        located = Located(folder, release, None, cache_folder() / "serve")
    check_sums(located.folder, located.release)
    return located


def _default_url() -> str:
    """Where releases are fetched from when this is not a checkout."""
    from jrr.flows.download import default_base_url

    return default_base_url()


def _texts(folder: Path, texts_dir: Path | None) -> dict[str, ArticleText] | None:
    """Verified article texts (or why not) if the release has an articles table."""
    names = {resource["name"] for resource in table_resources(read_datapackage(folder))}
    return read_texts(read_table(folder, ARTICLES), texts_dir) if ARTICLES in names else None


def prepare(root: Path, version: str | None, base_url: str | None = None) -> Prepared:
    """Find the release, build its database unless a cached one matches, write its metadata."""
    located = locate(root, version, base_url)
    folder, release = located.folder, located.release
    _verify_files(folder)
    texts = _texts(folder, located.texts_dir)
    sums = hashlib.sha256((folder / SUMS_NAME).read_bytes()).hexdigest()[:16]
    key = f"v{release['version']}-{sums}-{texts_digest(texts or {})}"
    target = located.cache / key
    rebuilt = not (target / f"{DATABASE}.db").is_file()
    if rebuilt:
        _build_into(folder, target, texts)
        _remove_stale(located.cache, release["version"], key)
    return _finish(folder, release, texts, target, rebuilt)


def _finish(
    folder: Path,
    release: dict[str, Any],
    texts: dict[str, ArticleText] | None,
    target: Path,
    rebuilt: bool,
) -> Prepared:
    """Write the metadata beside the database; describe what is ready."""
    metadata = datasette_metadata(read_datapackage(folder), release, texts_added=texts is not None)
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


def export(located: Located, target: Path, with_texts: bool) -> tuple[Prepared, list[str]]:
    """Database, metadata, templates and plugin in `target`, and the command publishing them.

    Article texts are left out unless `with_texts`: the published dataset does not include them.
    """
    texts = _texts(located.folder, located.texts_dir if with_texts else None)
    _verify_files(located.folder)
    target.mkdir(parents=True, exist_ok=True)
    build_database(located.folder, target / f"{DATABASE}.db", texts)
    prepared = _finish(located.folder, located.release, texts, target, True)
    for source in (TEMPLATES_DIR, PLUGINS_DIR):
        shutil.rmtree(target / source.name, ignore_errors=True)
        shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    command = ["datasette", "publish", "cloudrun", str(prepared.database), "--metadata"]
    command += [str(prepared.metadata), "--template-dir", str(target / TEMPLATES_DIR.name)]
    command += ["--plugins-dir", str(target / PLUGINS_DIR.name), "--service", DATABASE]
    return prepared, command


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
