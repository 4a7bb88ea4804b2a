"""`jrr serve` without a browser: the database, its metadata, the cache and the plugin's pages."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from conftest import ROOT
from helpers import run_jrr

from jrr.flows.ingest import normalise_text
from jrr.flows.serve import PLUGINS_DIR, SETTINGS, TEMPLATES_DIR, Prepared, prepare
from jrr.flows.serve_db import foreign_keys
from jrr.flows.serve_metadata import FACET_COLUMNS
from jrr.schemas.io import read_datapackage, read_release, table_resources


@pytest.fixture(scope="module")
def project(golden_released: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the released golden project for this module's read-only checks."""
    copy = tmp_path_factory.mktemp("serve") / "project"
    shutil.copytree(golden_released, copy, ignore=shutil.ignore_patterns(".jrr"))
    return copy


@pytest.fixture(scope="module")
def prepared(project: Path) -> Prepared:
    return prepare(project, None)


def get(prepared: Prepared, path: str) -> Any:
    """One response from Datasette, run in-process with our metadata, templates and plugin."""
    from datasette.app import Datasette

    datasette = Datasette(
        immutables=[str(prepared.database)],
        metadata=json.loads(prepared.metadata.read_text(encoding="utf-8")),
        template_dir=str(TEMPLATES_DIR),
        plugins_dir=str(PLUGINS_DIR),
        settings=SETTINGS,
    )
    return asyncio.run(datasette.client.get(path))


class Marks(HTMLParser):
    """The text inside each evidence id's <mark>s, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[list[str]] = []
        self.text: dict[str, str] = {}
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mark":
            found = dict(attrs)
            self.open.append((found.get("data-evidence") or "").split())
            if found.get("id"):
                self.ids.append(found["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for evidence_ids in self.open:
            for evidence_id in evidence_ids:
                self.text[evidence_id] = self.text.get(evidence_id, "") + data


def test_database_has_every_table_key_and_search_index(prepared: Prepared) -> None:
    db = sqlite_utils.Database(prepared.database)
    frames = read_release(prepared.folder)
    for resource in table_resources(read_datapackage(prepared.folder)):
        name, schema = resource["name"], resource["schema"]
        table = db[name]
        fields = [field["name"] for field in schema["fields"]]
        assert [column.name for column in table.columns][: len(fields)] == fields
        assert table.pks == schema["primaryKey"]
        assert table.count == len(frames[name])
        expected = set(foreign_keys(schema, name))
        assert {(k.column, k.other_table, k.other_column) for k in table.foreign_keys} == expected
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {fk.other_table for fk in db["treaty_events"].foreign_keys} == {"treaties"}
    assert {"articles_fts", "meetings_fts", "projects_fts", "evidence_fts"} <= set(db.table_names())
    text = next(db.query("select article_id, text from articles"))
    word = max(re.findall(r"[A-Za-z]{6,}", text["text"]), key=len)
    assert text["article_id"] in {row["article_id"] for row in db["articles"].search(word)}


def test_article_texts_match_every_quote(prepared: Prepared, project: Path) -> None:
    db = sqlite_utils.Database(prepared.database)
    texts = {row["article_id"]: row["text"] for row in db.query("select * from articles")}
    assert prepared.texts_shown == prepared.articles == len(texts) > 0
    for article_id, text in texts.items():
        raw = (project / "raw" / "articles" / f"{article_id}.txt").read_text(encoding="utf-8")
        assert text == normalise_text(raw)
    quotes = list(db.query("select * from evidence"))
    assert quotes
    for quote in quotes:
        assert texts[quote["article_id"]][quote["char_start"] : quote["char_end"]] == quote["quote"]


def test_metadata_comes_from_the_datapackage_and_releases_json(
    prepared: Prepared, project: Path
) -> None:
    metadata = json.loads(prepared.metadata.read_text(encoding="utf-8"))
    datapackage = read_datapackage(prepared.folder)
    release = json.loads((project / "dataset" / "releases.json").read_text())["releases"][-1]
    assert metadata["title"] == f"{datapackage['title']} v{release['version']}"
    assert release["date"] in metadata["description"]
    assert metadata["license"] == datapackage["licenses"][0]["title"]
    assert metadata["license_url"] == datapackage["licenses"][0]["path"]
    assert f"v{release['version']}" in metadata["source"]
    tables = metadata["databases"]["jrr"]["tables"]
    for resource in table_resources(datapackage):
        table = tables[resource["name"]]
        assert table["description"] == resource["description"]
        for field in resource["schema"]["fields"]:
            assert table["columns"][field["name"]] == field["description"]
        names = [field["name"] for field in resource["schema"]["fields"]]
        assert table.get("facets", []) == [c for c in FACET_COLUMNS if c in names]
    assert tables["meetings"]["facets"][:2] == ["status", "country"]
    assert tables["projects"]["facets"][:2] == ["status", "cooperation_area"]
    assert "type" in tables["treaty_events"]["facets"]


def test_database_is_reused_until_the_release_or_a_text_changes(released_project: Path) -> None:
    first = prepare(released_project, None)
    again = prepare(released_project, None)
    assert first.rebuilt and not again.rebuilt
    assert again.database == first.database
    assert first.database.is_relative_to(released_project / ".jrr" / "serve")

    text_path = next((released_project / "raw" / "articles").glob("*.txt"))
    original = text_path.read_bytes()
    text_path.write_bytes(original + b"An added sentence.\n")
    changed = prepare(released_project, None)
    assert changed.rebuilt and changed.database != first.database
    assert not first.database.exists()
    assert changed.texts_shown == changed.articles - 1
    row = sqlite_utils.Database(changed.database)["articles"].get(text_path.stem)
    assert row["text"] is None and "SHA-256 differs" in row["text_note"]

    text_path.write_bytes(original)
    sums = changed.folder / "SHA256SUMS"
    sums.write_bytes(sums.read_bytes() + b"\n")  # a different SHA256SUMS, as a new release has
    rebuilt = prepare(released_project, None)
    assert rebuilt.rebuilt and rebuilt.texts_shown == rebuilt.articles
    assert rebuilt.database not in {first.database, changed.database}


def test_article_page_highlights_every_quote(prepared: Prepared) -> None:
    db = sqlite_utils.Database(prepared.database)
    article_id = next(db.query("select article_id from evidence limit 1"))["article_id"]
    response = get(prepared, f"/jrr/articles/{article_id}")
    assert response.status_code == 200
    marks = Marks()
    marks.feed(response.text)
    quotes = list(db.query("select * from evidence where article_id = ?", [article_id]))
    assert {quote["evidence_id"] for quote in quotes} == set(marks.text)
    for quote in quotes:
        assert marks.text[quote["evidence_id"]] == quote["quote"]
    assert set(marks.ids) <= set(marks.text)


def test_record_page_links_to_its_quotes_and_evidence(prepared: Prepared) -> None:
    db = sqlite_utils.Database(prepared.database)
    quote = next(db.query("select * from evidence where record_table = 'meetings' limit 1"))
    page = get(prepared, f"/jrr/meetings/{quote['record_id']}").text
    assert f'href="/jrr/articles/{quote["article_id"]}#{quote["evidence_id"]}"' in page
    assert f"record_table=meetings&amp;record_id={quote['record_id']}" in page
    evidence_page = get(prepared, f"/jrr/evidence/{quote['evidence_id']}").text
    assert f'href="/jrr/meetings/{quote["record_id"]}"' in evidence_page
    assert "show this quote highlighted in its article" in evidence_page


def test_article_without_its_text_shows_quotes_and_says_why(released_project: Path) -> None:
    text_path = next((released_project / "raw" / "articles").glob("*.txt"))
    text_path.unlink()
    prepared = prepare(released_project, None)
    page = get(prepared, f"/jrr/articles/{text_path.stem}").text
    assert "The full text is not shown" in page
    assert f"raw/articles/{text_path.stem}.txt is not in this checkout" in page
    assert "<mark" not in page
    quote = next(
        sqlite_utils.Database(prepared.database).query(
            "select quote from evidence where article_id = ?", [text_path.stem]
        )
    )["quote"]
    assert f"<q>{quote}</q>" in page.replace("&#34;", '"').replace("&#39;", "'")


def test_sql_box_refuses_writes(prepared: Prepared) -> None:
    response = get(prepared, "/jrr.json?sql=delete+from+meetings")
    assert response.status_code == 400
    assert "Statement must be a SELECT" in response.text
    databases = get(prepared, "/-/databases.json").json()
    assert [(db["name"], db["is_mutable"]) for db in databases] == [("jrr", False)]
    assert sqlite_utils.Database(prepared.database)["meetings"].count > 0


def test_serve_refuses_an_unknown_version(project: Path) -> None:
    code, _, err = run_jrr("serve", "9.9.9", "--root", str(project))
    assert code == 1
    assert "version '9.9.9' is not published" in err


def test_treaty_links_to_its_milestones_and_canned_queries_run(prepared: Prepared) -> None:
    db = sqlite_utils.Database(prepared.database)
    event = next(db.query("select event_id, treaty_id from treaty_events"))
    treaty_page = get(prepared, f"/jrr/treaties/{event['treaty_id']}").text
    assert f'href="/jrr/treaty_events?treaty_id={event["treaty_id"]}"' in treaty_page
    event_page = get(prepared, f"/jrr/treaty_events/{event['event_id']}").text
    assert f'<a href="/jrr/treaties/{event["treaty_id"]}">' in event_page

    assert get(prepared, "/jrr/records_without_quotes.json?_shape=array").json() == []
    quote = next(db.query("select record_table, record_id from evidence"))
    rows = get(
        prepared,
        "/jrr/quotes_for_record.json?_shape=array"
        f"&record_table={quote['record_table']}&record_id={quote['record_id']}",
    ).json()
    expected = db.execute(
        "select count(*) from evidence where record_table = ? and record_id = ?",
        [quote["record_table"], quote["record_id"]],
    ).fetchone()[0]
    assert len(rows) == expected > 0
    per_article = get(prepared, "/jrr/quotes_per_article.json?_shape=array").json()
    assert sum(row["quotes"] for row in per_article) == db["evidence"].count


def test_serve_binds_to_localhost_unless_told_otherwise(prepared: Prepared) -> None:
    from jrr.flows.cli import _parser
    from jrr.flows.serve import datasette_arguments

    default = _parser().parse_args(["serve"])
    arguments = datasette_arguments(prepared, default.host, default.port)
    assert arguments[arguments.index("--host") + 1] == "127.0.0.1"
    assert arguments[arguments.index("--immutable") + 1] == str(prepared.database)
    chosen = _parser().parse_args(["serve", "1.0.0", "--host", "0.0.0.0", "--port", "9000"])
    arguments = datasette_arguments(prepared, chosen.host, chosen.port)
    assert arguments[arguments.index("--host") + 1 :][:3] == ["0.0.0.0", "--port", "9000"]


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_browser_tests_skip_without_a_browser_but_fail_under_ci(
    ci: str, outcome: str, tmp_path: Path
) -> None:
    environment = {**os.environ, "CI": ci, "JRR_CHROMIUM": str(tmp_path / "no-chromium")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-q",
            str(ROOT / "tests" / "test_serve_browser.py"),
            "-k",
            "meetings",
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )
    assert outcome in result.stdout, result.stdout
    assert f"no browser: {tmp_path / 'no-chromium'} is not installed" in result.stdout
    assert ("CI must run the browser tests" in result.stdout) == (ci == "true")


def test_overlapping_quotes_each_keep_their_exact_text() -> None:
    spec = importlib.util.spec_from_file_location("jrr_evidence", PLUGINS_DIR / "jrr_evidence.py")
    assert spec is not None and spec.loader is not None
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    text = "Abe & Putin met in <Moscow> on January 22 and agreed."
    spans = {"a": (0, 27), "b": (12, 27), "c": (19, 41), "d": (19, 41), "e": (60, 70)}
    quotes = [
        {"id": key, "char_start": start, "char_end": end, "label": key, "record_url": f"/{key}"}
        for key, (start, end) in spans.items()
    ]
    html = plugin.highlight(text, quotes)
    marks = Marks()
    marks.feed(str(html))
    for key, (start, end) in spans.items():
        if key != "e":  # past the end of the text: left out
            assert marks.text[key] == text[start:end]
    assert "e" not in marks.text
    assert sorted(re.findall(r'id="(\w)"', html)) == ["a", "b", "c", "d"]
    assert "&lt;Moscow&gt;" in html and "<Moscow>" not in html


def test_serve_refuses_a_damaged_release(released_project: Path) -> None:
    meetings = next((released_project / "dataset").glob("v*/meetings.parquet"))
    meetings.write_bytes(meetings.read_bytes()[:-10])
    code, _, err = run_jrr("serve", "--root", str(released_project))
    assert code == 1
    assert "meetings.parquet do not match SHA256SUMS; run jrr validate on it" in err
    assert not (released_project / ".jrr" / "serve").exists()
