"""`jrr serve` follows the datapackage: new tables and columns, exports, downloaded releases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from helpers import run_jrr
from test_serve import get

from jrr.flows.claims import claim_id
from jrr.flows.serve import Prepared, prepare
from jrr.flows.serve_db import build_database
from jrr.flows.serve_metadata import datasette_metadata
from jrr.schemas import TABLES
from jrr.schemas.io import read_datapackage

OSAKA = "example-2019-07-01-osaka"


def latest_folder(project: Path) -> Path:
    """The latest release folder of a project."""
    index = json.loads((project / "dataset" / "releases.json").read_text(encoding="utf-8"))
    return project / "dataset" / f"v{index['releases'][-1]['version']}"


def test_claims_parents_and_sources_need_no_special_code(
    golden_released: Path, tmp_path: Path
) -> None:
    folder = latest_folder(golden_released)
    datapackage = read_datapackage(folder)
    database = tmp_path / "jrr.db"
    build_database(folder, database, None)
    db = sqlite_utils.Database(database)
    assert [(k.column, k.other_table) for k in db["projects"].foreign_keys] == [
        ("parent_id", "projects")
    ]
    assert [(k.column, k.other_table) for k in db["claims"].foreign_keys] == [
        ("article_id", "articles")
    ]
    assert db["meetings"].columns_dict["n_sources"] is int
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    title_claim = claim_id("articles", OSAKA, "title", OSAKA)
    assert [row["claim_id"] for row in db["claims"].search("headline")] == [title_claim]

    release = {"version": "9.0.0", "date": "2026-02-01"}
    metadata = datasette_metadata(datapackage, release, texts_added=False)
    tables = metadata["databases"]["jrr"]["tables"]
    assert tables["claims"]["facets"] == ["record_table", "basis"]
    described = {name: TABLES[name].schema.columns for name in ("claims", "projects")}
    assert tables["claims"]["columns"]["reason"] == described["claims"]["reason"].description
    assert tables["projects"]["columns"]["parent_id"] == (
        described["projects"]["parent_id"].description
    )


def test_claims_and_records_are_linked_both_ways(golden_released: Path, tmp_path: Path) -> None:
    folder = latest_folder(golden_released)
    datapackage = read_datapackage(folder)
    served = Prepared("9.0.0", folder, tmp_path / "jrr.db", tmp_path / "metadata.json", True, 0, 0)
    build_database(folder, served.database, None)
    metadata = datasette_metadata(datapackage, {"version": "9.0.0"}, texts_added=False)
    served.metadata.write_text(json.dumps(metadata), encoding="utf-8")
    city = claim_id("meetings", "2019-06-g20-japan", "city", OSAKA)

    claim_page = get(served, f"/jrr/claims/{city}").text
    assert 'Backs <a href="/jrr/meetings/2019-06-g20-japan">' in claim_page
    meeting_page = get(served, "/jrr/meetings/2019-06-g20-japan").text
    assert "/jrr/claims?record_table=meetings&amp;record_id=2019-06-g20-japan" in meeting_page
    assert "10 rows in claims" in meeting_page
    claims_page = get(served, "/jrr/claims").text
    assert '<a href="/jrr/meetings/2019-06-g20-japan">' in claims_page


def test_export_serves_with_plain_datasette_and_leaves_texts_out(
    released_project: Path, tmp_path: Path
) -> None:
    code, out, err = run_jrr("serve", "--root", str(released_project), "--export", str(tmp_path))
    assert code == 0, err
    assert "article texts left out" in out
    assert f"--plugins-dir {tmp_path / 'plugins'}" in out
    db = sqlite_utils.Database(tmp_path / "jrr.db")
    article = next(db.query("select article_id, text, text_note from articles"))
    assert article["text"] is None and "not published" in article["text_note"]
    exported = Prepared(
        "1.0.0", tmp_path, tmp_path / "jrr.db", tmp_path / "metadata.json", True, 0, 1
    )
    page = get(exported, f"/jrr/articles/{article['article_id']}").text
    assert "The full text is not shown" in page and "<q>" in page


def test_serve_outside_a_checkout_downloads_the_release(
    golden_released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JRR_CACHE_DIR", str(tmp_path / "cache"))
    prepared = prepare(tmp_path, None, str(golden_released / "dataset"))
    assert prepared.database.is_relative_to(tmp_path / "cache" / "serve")
    assert prepared.folder.is_relative_to(tmp_path / "cache")
    assert prepared.texts_shown == 0 < prepared.articles
    assert not (tmp_path / ".jrr").exists()
