"""Stage 2: quotes found at the article's own characters."""

from __future__ import annotations

import pytest

from jrr.flows.annotations import Citation, Selector
from jrr.flows.evidence import evidence_id, find_quote, fold, resolve_citations
from jrr.flows.problems import Location

TEXT = "He said “Tokyo’s  view” — yes.\nTokyo’s view again."


@pytest.mark.parametrize(
    ("selector", "quotes"),
    [
        (Selector("Tokyo’s  view"), ["Tokyo’s  view"]),  # exact
        (Selector("Tokyo's view"), ["Tokyo’s  view", "Tokyo’s view"]),  # folded: two matches
        (Selector("Tokyo's view", suffix=" again"), ["Tokyo’s view"]),
        (Selector("Tokyo's view", prefix='"'), ["Tokyo’s  view"]),
        (Selector('view" - yes'), ["view” — yes"]),
        (Selector("Kyoto"), []),
    ],
)
def test_find_quote(selector: Selector, quotes: list[str]) -> None:
    spans = find_quote(TEXT, fold(TEXT), selector)
    assert [TEXT[start:end] for start, end in spans] == quotes


def _citation(selector: Selector) -> Citation:
    return Citation("meetings", "m-1", "a-1", selector, Location("raw/annotations/a-1.yaml", 7))


def test_resolved_quote_is_the_articles_own_text() -> None:
    resolved = resolve_citations(
        [_citation(Selector("yes. Tokyo's view again"))], {"a-1": TEXT}, {"a-1": "a.txt"}
    )
    [row] = resolved.rows
    assert row["quote"] == "yes.\nTokyo’s view again"
    assert TEXT[row["char_start"] : row["char_end"]] == row["quote"]
    assert row["evidence_id"] == evidence_id(
        "meetings", "m-1", "a-1", Selector("yes. Tokyo's view again")
    )
    assert resolved.problems == []


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            Selector("Kyoto"),
            'raw/annotations/a-1.yaml:7: evidence: quote "Kyoto" not found in a.txt',
        ),
        (
            Selector("Tokyo's view"),
            'raw/annotations/a-1.yaml:7: evidence: quote "Tokyo\'s view" occurs 2 times in '
            "a.txt (at characters 9, 31); add prefix or suffix to pick one",
        ),
    ],
)
def test_absent_and_ambiguous_quotes_are_problems(selector: Selector, message: str) -> None:
    resolved = resolve_citations([_citation(selector)], {"a-1": TEXT}, {"a-1": "a.txt"})
    assert resolved.rows == []
    assert [str(p) for p in resolved.problems] == [message]
