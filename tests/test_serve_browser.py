"""`jrr serve` in a real browser: Debian's Chromium driven by Playwright against the real server.

Skipped, with the reason, only where no browser is installed; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import shutil
import struct
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import VIEWPORT, chromium_problem, launch, screenshot, serving, sql_rows

PROBLEM = chromium_problem()
if PROBLEM and os.environ.get("CI") == "true":
    pytest.fail(f"CI must run the browser tests: {PROBLEM}", pytrace=False)
if PROBLEM:
    pytest.skip(PROBLEM, allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base(
    browser: Any, golden_released: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of `jrr serve` running on a free port over a copy of the released golden corpus."""
    project = tmp_path_factory.mktemp("browse") / "project"
    shutil.copytree(golden_released, project, ignore=shutil.ignore_patterns(".jrr"))
    with serving(project) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def cells(page: Any, column: str) -> list[str]:
    """The text of every cell of one column in the page's table."""
    return [
        text.strip()
        for text in page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()
    ]


def test_meetings_filtered_by_status_with_a_facet(page: Any, base: str) -> None:
    statuses = [row["status"] for row in sql_rows(base, "select status from meetings")]
    page.goto(base + "jrr/meetings")
    assert "One row per meeting" in page.inner_text(".metadata-description")
    facet = page.locator('.facet-info[data-column="status"]')
    status = max(sorted(set(statuses)), key=statuses.count)
    facet.get_by_role("link", name=status, exact=True).click()
    page.wait_for_url("**status=" + status + "*")
    assert cells(page, "status") == [status] * statuses.count(status)
    assert page.locator('.facet-info[data-column="country"]').count() == 1


def test_a_meeting_leads_to_its_evidence_and_its_article(page: Any, base: str) -> None:
    quote = sql_rows(
        base, "select * from evidence where record_table = 'meetings' order by evidence_id limit 1"
    )[0]
    count = len(
        sql_rows(
            base,
            f"select 1 from evidence where record_id = '{quote['record_id']}' "
            "and record_table = 'meetings'",
        )
    )
    page.goto(base + "jrr/meetings")
    page.locator("td.col-meeting_id a", has_text=quote["record_id"]).first.click()
    page.wait_for_url("**/jrr/meetings/*")
    assert page.inner_text("h1").strip() == f"meetings: {quote['record_id']}"

    page.locator("a.jrr-referrer", has_text="in evidence").click()
    page.wait_for_url("**/jrr/evidence?*")
    assert cells(page, "record_id") == [quote["record_id"]] * count
    page.go_back()

    passage = page.locator(f'a.jrr-passage-link[href$="#{quote["evidence_id"]}"]')
    passage.click()
    page.wait_for_url(f"**/jrr/articles/**#{quote['evidence_id']}")
    assert urllib.parse.unquote(page.url.split("/jrr/articles/")[1]).startswith(
        quote["article_id"] + "#"
    )
    current = page.locator("mark.jrr-current")
    assert " ".join(current.all_text_contents()) != ""
    assert page.locator(f'mark[id="{quote["evidence_id"]}"]').is_visible()


def test_every_highlight_equals_its_quote_and_links_to_its_record(page: Any, base: str) -> None:
    quotes = sql_rows(base, "select * from evidence order by article_id, char_start")
    article_id = quotes[0]["article_id"]
    page.goto(base + f"jrr/articles/{urllib.parse.quote(article_id)}")
    for quote in (q for q in quotes if q["article_id"] == article_id):
        marks = page.locator(f'mark[data-evidence~="{quote["evidence_id"]}"]')
        assert "".join(marks.all_text_contents()) == quote["quote"]
    first = quotes[0]
    mark = page.locator(f'mark[id="{first["evidence_id"]}"]')
    mark.locator("a").click()
    page.wait_for_url(f"**/jrr/{first['record_table']}/**")
    link_back = page.locator(f'a.jrr-passage-link[href$="#{first["evidence_id"]}"]')
    assert link_back.count() == 1


def test_full_text_search_finds_an_article_by_a_word_of_its_text(page: Any, base: str) -> None:
    article = sql_rows(base, "select article_id, title, text from articles limit 1")[0]
    words = [w.strip(".,;:\"'()") for w in article["text"].split()]
    word = max(
        (w for w in words if w.isalpha() and w.lower() not in article["title"].lower()), key=len
    )
    page.goto(base + "jrr/articles")
    page.fill("input#_search", word)
    page.locator("input#_search").press("Enter")
    page.wait_for_url("**_search=*")
    assert article["article_id"] in cells(page, "article_id")
    page.fill("input#_search", "zzxqvnotaword")
    page.locator("input#_search").press("Enter")
    page.wait_for_url("**zzxqvnotaword*")
    assert page.locator("table.rows-and-columns tbody tr").count() == 0


def test_a_write_through_the_sql_box_is_refused(page: Any, base: str) -> None:
    before = sql_rows(base, "select count(*) as n from meetings")[0]["n"]
    page.goto(base + "jrr")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("delete from meetings")
    page.get_by_role("button", name="Run SQL").click()
    page.wait_for_url("**sql=delete*")
    assert "Statement must be a SELECT" in page.inner_text("body")
    assert sql_rows(base, "select count(*) as n from meetings")[0]["n"] == before > 0


def test_screenshot_of_an_article_with_its_quotes(page: Any, base: str, tmp_path: Path) -> None:
    path = screenshot(page, base, tmp_path / "serve.png")
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (VIEWPORT["width"], VIEWPORT["height"])
    assert page.locator("mark.jrr-current").count() >= 1
