"""The build from per-article results: each article's work cached, then consolidated as a whole.

Reading, parsing and quote resolution run per article (article_unit) and are cached on each
article's bytes (article_cache). Consolidation across articles (records and the refs of other
articles, claims, n_sources), validation, diff and publish run on the whole corpus.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jrr.flows.annotations import Annotations
from jrr.flows.article_cache import ArticleCache, key_of_files, unit_digests, unit_key
from jrr.flows.article_unit import ArticleUnit, Quote, Shared, process_unit, unit_names
from jrr.flows.build_snapshot import (
    Snapshot,
    keep_in_background,
    load_snapshot,
    mentions_of,
    save_snapshot,
)
from jrr.flows.collector import collector_paused
from jrr.flows.evidence import Resolved
from jrr.flows.file_digests import FileDigests
from jrr.flows.incremental import incremental_build
from jrr.flows.ingest import Article, _metadata_without_text, texts_of
from jrr.flows.problems import Problem
from jrr.flows.progress import progress_bar
from jrr.flows.raw_files import (
    ANNOTATIONS_DIR,
    ARTICLES_DIR,
    RawFiles,
    read_article_files,
    read_raw_files,
)

if TYPE_CHECKING:
    from jrr.flows.pipeline import Dataset


@dataclass(frozen=True)
class Processed:
    """What processing some articles did: how many were seen, and how many computed."""

    articles: int
    computed: int


def article_ids(root: Path) -> list[str]:
    """Every article id with a text or an annotation file under raw/, sorted."""
    texts = {path.stem for path in (root / ARTICLES_DIR).glob("*.txt")}
    annotations = {path.stem for path in (root / ANNOTATIONS_DIR).glob("*.yaml")}
    return sorted(texts | annotations)


def listing_digest(root: Path) -> str:
    """SHA-256 of the names of every file under raw/ (stray files change what a build reports)."""
    names: list[str] = []
    for folder in (ARTICLES_DIR, ANNOTATIONS_DIR):
        _list_names(os.path.join(root, folder), folder, names)
    return hashlib.sha256("\0".join(sorted(names)).encode()).hexdigest()


def _list_names(path: str, relative: str, names: list[str]) -> None:
    """Add the name of everything under `path`, subfolders too (links are not followed)."""
    try:
        with os.scandir(path) as entries:
            listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    except OSError:
        return
    for name, is_folder in listed:
        names.append(f"{relative}/{name}")
        if is_folder:
            _list_names(os.path.join(path, name), f"{relative}/{name}", names)


def load_unit(
    raw: RawFiles, article_id: str, cache: ArticleCache, key: str | None = None
) -> tuple[str, ArticleUnit, bool]:
    """An article's key and result: from the cache, else computed and stored; True if computed.

    Both come from the same bytes, read once, so a result is never stored under another
    version's key.
    """
    key = key or unit_key(raw, article_id, cache.version)
    unit = cache.get(key)
    if unit is not None:
        return key, unit, False
    unit = process_unit(raw, article_id)
    cache.put(key, unit)
    return key, unit, True


def article_keys(root: Path, ids: Iterable[str], version: str) -> dict[str, str]:
    """Every article's cache key, from its files as they are now.

    A file whose stat shows it unchanged since it was last hashed is not read (file_digests).
    """
    digests = FileDigests(root)
    keys = {}
    for article_id in ids:
        paths = list(unit_names(article_id))
        known = [digests.known(path) for path in paths]
        if all(digest is not None for digest in known):
            keys[article_id] = key_of_files(article_id, version, known)  # type: ignore[arg-type]
            continue
        before = digests.stat_before_reading(paths)
        raw = read_article_files(root, article_id)
        found = unit_digests(raw, article_id)
        digests.remember({path: found[path] for path in raw.data}, before)
        keys[article_id] = key_of_files(article_id, version, list(found.values()))
    digests.save()
    return keys


def keys_digest(keys: dict[str, str]) -> str:
    """One digest of every article's cache key."""
    digest = hashlib.sha256()
    for article_id, key in keys.items():
        digest.update(f"{article_id}\0{key}\0".encode())
    return digest.hexdigest()


def process_articles(root: Path, ids: Iterable[str], cache: ArticleCache) -> Processed:
    """Compute and cache the result of every article not cached yet."""
    count = computed = 0
    for article_id in ids:
        raw = read_article_files(root, article_id)
        key = unit_key(raw, article_id, cache.version)
        if not cache.has(key):
            computed += load_unit(raw, article_id, cache, key)[2]
        count += 1
    return Processed(count, computed)


def consolidate(
    root: Path, cache: ArticleCache, quiet: bool = False, keys: dict[str, str] | None = None
) -> Dataset:
    """Build and validate the dataset from every article's (cached) result; prune the cache.

    After a build that found no problem, only what the changed articles touch is rebuilt
    (incremental); otherwise, or when that cannot be sure, the whole corpus is. `keys` are
    the articles' cache keys if the caller has them.
    """
    with collector_paused():
        return _consolidate(root, cache, quiet, keys)


def _consolidate(
    root: Path, cache: ArticleCache, quiet: bool, keys: dict[str, str] | None
) -> Dataset:
    """Incremental when the last build allows it, else whole."""
    snapshot = load_snapshot(root, cache.version)
    if snapshot is not None:
        keys = keys if keys is not None else article_keys(root, article_ids(root), cache.version)
        rebuilt = incremental_build(root, cache, keys, snapshot)
        if rebuilt is not None:
            cache.remove_other_versions()
            cache.discard(set(snapshot.keys.values()) - set(keys.values()))  # edits replaced these
            dataset = rebuilt.dataset
            snapshot = Snapshot(
                cache.version, keys, rebuilt.mentions, dataset.tables, dataset.renames
            )
            # Kept while the release goes on: if it cannot be written, the last one stays, and
            # the next build, spliced into that one, diffs against the release read back.
            keep_in_background(root, snapshot)
            return dataclasses.replace(dataset, build_id=snapshot.build_id)
    return _consolidate_whole(root, cache, quiet)


def _kept(root: Path, dataset: Dataset, snapshot: Snapshot) -> Dataset:
    """Keep `snapshot` of `dataset`'s build; the dataset, named by the snapshot if it was kept.

    A whole build keeps it before going on: at its size, writing it alongside the release
    would add to the release's peak memory.
    """
    if not save_snapshot(root, snapshot):
        return dataset
    return dataclasses.replace(dataset, build_id=snapshot.build_id)


def _consolidate_whole(root: Path, cache: ArticleCache, quiet: bool) -> Dataset:
    """Build from every article's result, read afresh; keep a snapshot if it found no problem."""
    raw = read_raw_files(root)  # every file once, safely; what cannot be read is a problem
    ids = _read_ids(raw)
    units: dict[str, ArticleUnit] = {}
    keys = {}
    shared = Shared()
    with progress_bar(len(ids), "articles", quiet) as advance:
        for article_id in ids:
            keys[article_id], unit, _ = load_unit(raw, article_id, cache)
            units[article_id] = shared.unit(unit)
            advance(1)
    del shared
    cache.prune(set(keys.values()))
    file_problems = [*raw.problems, *_metadata_without_text(raw)]
    del raw
    mentions = {article_id: mentions_of(unit) for article_id, unit in units.items()}
    dataset = build_from_units(root, units, file_problems)
    snapshot = Snapshot(cache.version, keys, mentions, dataset.tables, dataset.renames)
    return _kept(root, dataset, snapshot)


def _read_ids(raw: RawFiles) -> list[str]:
    """Every article id with a text or an annotation file among the files read, sorted."""
    texts = {Path(path).stem for path in raw.in_folder(ARTICLES_DIR, ".txt")}
    annotations = {Path(path).stem for path in raw.in_folder(ANNOTATIONS_DIR, ".yaml")}
    return sorted(texts | annotations)


def build_from_units(
    root: Path, units: dict[str, ArticleUnit], file_problems: list[Problem]
) -> Dataset:
    """Consolidate per-article results into validated tables, exactly as one whole build."""
    from jrr.flows import pipeline  # pandas and pandera: not for a release that changes nothing

    if any(unit.foreign for unit in units.values()):
        # An annotation file naming another article (always an error) quotes that article:
        # build in one pass, so that its problems read exactly as the whole build reports them.
        units.clear()
        return pipeline.build_uncached(root)
    articles: dict[str, Article] = {}
    problems = []
    for article_id in sorted(units, key=lambda name: f"{name}.txt"):
        unit = units[article_id]
        problems.extend(unit.read_problems)
        if unit.article is not None:
            articles[article_id] = unit.article
    annotations = Annotations()
    quotes: list[Quote] = []
    for article_id in sorted(units, key=lambda name: f"{name}.yaml"):
        parsed = units[article_id].annotations
        annotations.records.extend(parsed.records)
        annotations.refs.extend(parsed.refs)
        annotations.problems.extend(parsed.problems)
        quotes.extend(units[article_id].quotes)
    units.clear()
    resolved = resolved_quotes(annotations, quotes)
    del quotes  # the evidence rows are in `resolved`; free the rest before building
    problems.extend(file_problems)
    built = pipeline.build_tables(articles, annotations, resolved)
    earlier = pipeline.earlier_problems(problems, annotations, resolved, built)
    del annotations, resolved  # the records: validation reads the tables, so free them first
    return pipeline.validated(built, texts_of(articles), earlier)


def resolved_quotes(annotations: Annotations, quotes: list[Quote]) -> Resolved:
    """Evidence rows and problems of the quotes that back a record which exists."""
    known = {(record.table, record.record_id) for record in annotations.records}
    kept = [quote for quote in quotes if (quote.table, quote.record_id) in known]
    rows = [quote.row for quote in kept if quote.row is not None]
    locations = [quote.location for quote in kept if quote.row is not None]
    problems = [quote.problem for quote in kept if quote.problem is not None]
    return Resolved(rows, locations, problems)
