"""A build after a few articles changed: rebuild only the records they touch, splice them into
the last build's tables (build_snapshot), and validate the whole again.

A record's row, claims and evidence depend only on the articles that mention it (see
mentions_of), and a treaty's row on its events. So the affected records are those the changed
articles mention, now or in the snapshot, closed over treaties and their events; they are
rebuilt from every article that mentions them, exactly as a whole build does, and replace
their old rows. Whenever this cannot be sure to equal a whole build (too many changes, a file
that cannot be read, any problem at all), it returns None: the caller then builds as a whole,
which also reports every problem at its line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jrr.flows.annotations import Annotations
from jrr.flows.article_cache import ArticleCache
from jrr.flows.article_unit import ArticleUnit
from jrr.flows.build_snapshot import RecordKey, Snapshot, mentions_of
from jrr.flows.file_digests import plain_folders
from jrr.flows.raw_files import ARTICLES_DIR, KINDS, read_article_files

if TYPE_CHECKING:
    import pandas as pd

    from jrr.flows.pipeline import Dataset

# Beyond this share of the corpus changed, a whole build is about as fast and simpler.
MAX_CHANGED_SHARE = 0.05
MIN_CHANGED_LIMIT = 50


@dataclass(frozen=True)
class Rebuilt:
    """The dataset of an incremental build, and what the next snapshot needs."""

    dataset: Dataset
    mentions: dict[str, tuple[RecordKey, ...]]


def changed_articles(keys: dict[str, str], snapshot: Snapshot) -> set[str]:
    """Articles added, removed, or whose files or code changed since the snapshot."""
    return {
        article_id
        for article_id in keys.keys() | snapshot.keys.keys()
        if keys.get(article_id) != snapshot.keys.get(article_id)
    }


def incremental_build(
    root: Path, cache: ArticleCache, keys: dict[str, str], snapshot: Snapshot
) -> Rebuilt | None:
    """The dataset rebuilt from the snapshot and the changed articles, or None (build whole)."""
    changed = changed_articles(keys, snapshot)
    if len(changed) > max(MIN_CHANGED_LIMIT, MAX_CHANGED_SHARE * len(keys)):
        return None
    if not _plain_listing(root):
        return None
    units = _changed_units(root, cache, sorted(changed & keys.keys()), keys)
    if units is None:
        return None
    mentions = {
        article_id: mentions_of(units[article_id])
        if article_id in units
        else snapshot.mentions[article_id]
        for article_id in keys
    }
    affected = _affected(changed, snapshot, units)
    involved = [article_id for article_id, keys_of in mentions.items() if affected & set(keys_of)]
    for article_id in involved:
        if article_id not in units:
            unit = cache.get(keys[article_id])
            if unit is None:
                return None
            units[article_id] = unit
    from jrr.flows.splice import rebuild_records

    dataset = rebuild_records(snapshot, {a: units[a] for a in involved}, affected)
    return None if dataset is None else Rebuilt(dataset, mentions)


def _plain_listing(root: Path) -> bool:
    """True if raw/ and its folders are real folders holding nothing but input files
    (anything else is a problem for the whole build to report)."""
    if not plain_folders(root):
        return False
    for folder, kinds in KINDS.items():
        path = root / folder
        if not path.exists():
            continue
        with os.scandir(path) as entries:
            for entry in entries:
                if not entry.is_file(follow_symlinks=False):
                    return False
                if os.path.splitext(entry.name)[1] not in kinds:
                    return False
    return True


def _changed_units(
    root: Path, cache: ArticleCache, article_ids: list[str], keys: dict[str, str]
) -> dict[str, ArticleUnit] | None:
    """The work of each changed article (cached or computed); None if one has any problem."""
    from jrr.flows.corpus import load_unit

    units = {}
    for article_id in article_ids:
        raw = read_article_files(root, article_id)
        if raw.present - raw.data.keys():
            return None  # a file that cannot be read: the whole build says why
        text, metadata = (f"{ARTICLES_DIR}/{article_id}{suffix}" for suffix in (".txt", ".yaml"))
        if metadata in raw.present and text not in raw.present:
            return None
        key, unit, _ = load_unit(raw, article_id, cache)
        if key != keys[article_id] or _has_problems(unit):
            return None  # changed while the release ran, or to be reported
        units[article_id] = unit
    return units


def _has_problems(unit: ArticleUnit) -> bool:
    """True if an article's own work found a problem or names another article."""
    return bool(
        unit.foreign
        or unit.read_problems
        or unit.annotations.problems
        or any(quote.problem for quote in unit.quotes)
        or (unit.has_annotations and unit.article is None)
    )


def _affected(changed: set[str], snapshot: Snapshot, units: dict[str, ArticleUnit]) -> set:
    """Records the changed articles mention, then or now, with every treaty of an affected
    event and every event of an affected treaty."""
    affected: set[RecordKey] = set()
    for article_id in changed:
        affected.update(snapshot.mentions.get(article_id, ()))
        if article_id in units:
            affected.update(mentions_of(units[article_id]))
    events = _events_by_treaty(snapshot.tables["treaty_events"], units.values())
    while True:
        treaties = {record_id for table, record_id in affected if table == "treaties"}
        more = {("treaty_events", event) for treaty in treaties for event in events.get(treaty, ())}
        more |= {
            ("treaties", treaty)
            for treaty, treaty_events in events.items()
            if any(("treaty_events", event) in affected for event in treaty_events)
        }
        if more <= affected:
            return affected
        affected |= more


def _events_by_treaty(events: pd.DataFrame, units: Iterable[ArticleUnit]) -> dict[str, set[str]]:
    """Each treaty's events, in the snapshot and in the changed articles."""
    grouped: dict[str, set[str]] = {}
    for event_id, treaty_id in zip(events["event_id"], events["treaty_id"], strict=True):
        grouped.setdefault(treaty_id, set()).add(event_id)
    for unit in units:
        for record in unit.annotations.records:
            if record.table == "treaty_events" and record.parent_id:
                grouped.setdefault(record.parent_id, set()).add(record.record_id)
    return grouped


def only_affected(units: Iterable[ArticleUnit], affected: set[RecordKey]) -> Annotations:
    """The records and refs of the units (in their order) about affected records."""
    merged = Annotations()
    for unit in units:
        parsed = unit.annotations
        merged.records.extend(r for r in parsed.records if (r.table, r.record_id) in affected)
        merged.refs.extend(r for r in parsed.refs if (r.table, r.record_id) in affected)
    return merged
