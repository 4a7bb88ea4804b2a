"""`jrr serve` follows the datapackage: new tables and columns, exports, downloaded releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlite_utils
from helpers import run_jrr
from test_serve import get

from jrr.flows.serve import Prepared, prepare
from jrr.flows.serve_db import build_database
from jrr.flows.serve_metadata import datasette_metadata
from jrr.schemas.io import read_datapackage, read_release

CLAIMS_FIELDS = [
    ("claim_id", "Claim identifier."),
    ("record_table", "Table of the record the claim is about."),
    ("record_id", "Identifier of the record."),
    ("field", "Column of the record the claim gives a value for."),
    ("article_id", "Article making the claim."),
    ("basis", "stated or inferred."),
    ("reason", "Why the annotator inferred the value."),
]


def latest_folder(project: Path) -> Path:
    """The latest release folder of a project."""
    index = json.loads((project / "dataset" / "releases.json").read_text(encoding="utf-8"))
    return project / "dataset" / f"v{index['releases'][-1]['version']}"


def extend_release(folder: Path) -> dict[str, Any]:
    """Give a copied release a claims table, projects.parent_id and meetings.n_sources."""
    datapackage = read_datapackage(folder)
    frames = read_release(folder)
    resources = {resource["name"]: resource for resource in datapackage["resources"]}
    projects = frames["projects"]
    parents: list[str | None] = [None] * len(projects)
    parents[-1] = projects["project_id"].iloc[0]  # the last project is part of the first
    projects["parent_id"] = parents
    schema = resources["projects"]["schema"]
    schema["fields"].append({"name": "parent_id", "type": "string", "description": "Parent."})
    schema["foreignKeys"] = [
        {"fields": ["parent_id"], "reference": {"resource": "", "fields": ["project_id"]}}
    ]
    meetings = frames["meetings"]
    meetings["n_sources"] = 1
    resources["meetings"]["schema"]["fields"].append(
        {"name": "n_sources", "type": "integer", "description": "Articles reporting it."}
    )
    meeting, article = meetings["meeting_id"].iloc[0], frames["articles"]["article_id"].iloc[0]
    claims = pd.DataFrame(
        [["c1", "meetings", meeting, "city", article, "inferred", "The venue of the summit."]],
        columns=[name for name, _ in CLAIMS_FIELDS],
    )
    datapackage["resources"].append(
        {
            "name": "claims",
            "description": "One row per value an article states or implies.",
            "schema": {
                "fields": [
                    {"name": n, "type": "string", "description": d} for n, d in CLAIMS_FIELDS
                ],
                "primaryKey": ["claim_id"],
                "foreignKeys": [
                    {
                        "fields": ["article_id"],
                        "reference": {"resource": "articles", "fields": ["article_id"]},
                    }
                ],
            },
        }
    )
    for name, frame in (("projects", projects), ("meetings", meetings), ("claims", claims)):
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "datapackage.json").write_text(json.dumps(datapackage), encoding="utf-8")
    return datapackage


def test_new_tables_and_columns_need_no_code_change(released_project: Path, tmp_path: Path) -> None:
    folder = latest_folder(released_project)
    datapackage = extend_release(folder)
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
    assert [row["claim_id"] for row in db["claims"].search("venue")] == ["c1"]

    release = {"version": "9.0.0", "date": "2026-02-01"}
    metadata = datasette_metadata(datapackage, release, texts_added=False)
    tables = metadata["databases"]["jrr"]["tables"]
    assert tables["claims"]["facets"] == ["record_table", "basis"]
    assert tables["claims"]["columns"]["reason"] == "Why the annotator inferred the value."
    assert tables["projects"]["columns"]["parent_id"] == "Parent."
    assert tables["meetings"]["columns"]["n_sources"] == "Articles reporting it."


def test_a_new_table_pointing_at_records_is_linked_both_ways(
    released_project: Path, tmp_path: Path
) -> None:
    folder = latest_folder(released_project)
    datapackage = extend_release(folder)
    served = Prepared("9.0.0", folder, tmp_path / "jrr.db", tmp_path / "metadata.json", True, 0, 0)
    build_database(folder, served.database, None)
    metadata = datasette_metadata(datapackage, {"version": "9.0.0"}, texts_added=False)
    served.metadata.write_text(json.dumps(metadata), encoding="utf-8")
    db = sqlite_utils.Database(served.database)
    claim = db["claims"].get("c1")

    claim_page = get(served, "/jrr/claims/c1").text
    assert f'Backs <a href="/jrr/meetings/{claim["record_id"]}">' in claim_page
    meeting_page = get(served, f"/jrr/meetings/{claim['record_id']}").text
    assert f"/jrr/claims?record_table=meetings&amp;record_id={claim['record_id']}" in meeting_page
    assert "1 row in claims" in meeting_page
    claims_page = get(served, "/jrr/claims").text
    assert f'<a href="/jrr/meetings/{claim["record_id"]}">' in claims_page
    child = next(db.query("select project_id, parent_id from projects where parent_id is not null"))
    assert (
        f'href="/jrr/projects/{child["parent_id"]}"'
        in get(served, f"/jrr/projects/{child['project_id']}").text
    )


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
