"""Per-article results are cached on each article's bytes, the code and the schemas."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pandas as pd
import pytest

from jrr.flows import caching
from jrr.flows.article_cache import CACHE_DIR, ArticleCache
from jrr.flows.article_unit import Shared
from jrr.flows.corpus import article_ids, article_keys, process_articles
from jrr.flows.pipeline import build_dataset, build_uncached
from jrr.flows.problems import InputError

EDITED = "raw/annotations/example-2019-07-01-osaka.yaml"


def computed(root: Path) -> int:
    """How many articles a pass over `root` had to compute (not found in the cache)."""
    return process_articles(root, article_ids(root), ArticleCache(root)).computed


def test_a_cached_result_is_reused(project: Path) -> None:
    assert computed(project) == 3
    assert computed(project) == 0


def test_a_changed_article_is_computed_again_alone(project: Path) -> None:
    computed(project)
    path = project / EDITED
    path.write_text(path.read_text().replace("city: Osaka", "city: Osaka-shi"))
    assert computed(project) == 1
    assert computed(project) == 0
    tables = build_dataset(project).tables
    assert "Osaka-shi" in set(tables["meetings"]["city"])


def test_the_entries_stored_are_listed_and_an_edit_replaces_its_own(project: Path) -> None:
    cache = ArticleCache(project)
    build_dataset(project)
    before = article_keys(project, article_ids(project), cache.version)
    assert cache.stored_keys() == set(before.values())
    path = project / EDITED
    path.write_text(path.read_text().replace("city: Osaka", "city: Osaka-shi"))
    build_dataset(project)  # incremental: the edited article's old entry is discarded
    after = article_keys(project, article_ids(project), cache.version)
    assert cache.stored_keys() == set(after.values()) != set(before.values())


def test_a_deleted_annotation_file_is_a_change(project: Path) -> None:
    computed(project)
    (project / EDITED).unlink()
    assert computed(project) == 1


def test_a_code_change_invalidates_every_result(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed(project)
    monkeypatch.setattr(caching, "_source_digest", lambda: "edited source")
    assert computed(project) == 3


def test_a_schema_change_invalidates_every_result(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    computed(project)
    packages = [shutil.copytree(folder, tmp_path / folder.name) for folder in caching._PACKAGES]
    tables = tmp_path / "schemas" / "tables.py"
    tables.write_text(tables.read_text().replace("Country of the meeting", "Meeting country"))
    monkeypatch.setattr(caching, "_PACKAGES", packages)
    caching._source_digest.cache_clear()
    try:
        assert computed(project) == 3
    finally:
        caching._source_digest.cache_clear()


def test_a_damaged_entry_is_a_miss_and_other_versions_are_pruned(project: Path) -> None:
    build_dataset(project)
    stale = project / CACHE_DIR / "0123456789abcdef"
    stale.mkdir()
    entries = list((project / CACHE_DIR).rglob("*.pickle"))
    assert len(entries) == 3
    entries[0].write_bytes(b"not a pickle")
    assert computed(project) == 0  # present; it proves unreadable only when loaded
    cached = build_dataset(project)
    assert not stale.exists()
    assert_same(cached.tables, build_uncached(project).tables)


def test_a_cached_build_equals_an_uncached_one(project: Path) -> None:
    build_dataset(project)
    assert_same(build_dataset(project).tables, build_uncached(project).tables)


def assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    """Equal tables, value for value."""
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name])


def test_misplaced_files_are_reported_as_one_whole_build_reports_them(project: Path) -> None:
    annotations = project / "raw/annotations"
    shutil.copy(annotations / "example-2019-07-01-osaka.yaml", annotations / "other.yaml")
    (annotations / "orphan.yaml").write_text("article: orphan\n")
    reports = []
    for build in (build_uncached, build_dataset, build_dataset):
        with pytest.raises(InputError) as error:
            build(project)
        reports.append(error.value.report())
    assert reports[0] == reports[1] == reports[2]
    assert "other.yaml:1: article: this file annotates" in reports[0]


def test_units_read_back_share_equal_names_values_and_lines(project: Path) -> None:
    cache = ArticleCache(project)
    keys = article_keys(project, article_ids(project), cache.version)
    process_articles(project, list(keys), cache)
    loaded = [cache.get(key) for key in keys.values()]
    expected = copy.deepcopy(loaded)
    shared = Shared()
    units = [shared.unit(unit) for unit in loaded if unit is not None]
    for unit, before in zip(units, expected, strict=True):
        assert before is not None
        assert unit.annotations.records == before.annotations.records
        assert unit.annotations.refs == before.annotations.refs
        assert unit.quotes == before.quotes
    items = [item for unit in units for item in [*unit.annotations.records, *unit.annotations.refs]]
    held = [
        *(name for item in items for name in item.values),
        *(value for item in items for value in item.values.values() if isinstance(value, str)),
        *(item.location.field_lines for item in items),
        *(name for unit in units for quote in unit.quotes for name in quote.row or {}),
    ]
    first: dict[object, object] = {}
    assert all(first.setdefault(value, value) is value for value in held)
    assert len(first) < len(held)
