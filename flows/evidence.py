"""Stage 2, resolve evidence: find each quote in its article and fix its character offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from jrr.flows.annotations import Citation, Selector
from jrr.flows.problems import Location, Problem

# Typographic characters an annotator is likely to type as their ASCII look-alikes.
_FOLDS = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text, with the original span of every folded character."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True)
class Resolved:
    """Evidence rows, one per resolved citation, with the citations' locations."""

    rows: list[dict[str, object]]
    locations: list[Location]
    problems: list[Problem]


def fold(text: str) -> FoldedText:
    """Fold quotes, dashes and whitespace runs, remembering where each character came from."""
    chars, starts, ends = [], [], []
    position = 0
    for match in _WHITESPACE_RUN.finditer(text):
        for index in range(position, match.start()):
            chars.append(text[index].translate(_FOLDS))
            starts.append(index)
            ends.append(index + 1)
        chars.append(" ")
        starts.append(match.start())
        ends.append(match.end())
        position = match.end()
    for index in range(position, len(text)):
        chars.append(text[index].translate(_FOLDS))
        starts.append(index)
        ends.append(index + 1)
    return FoldedText("".join(chars), tuple(starts), tuple(ends))


def find_quote(text: str, folded: FoldedText, selector: Selector) -> list[tuple[int, int]]:
    """Every (start, end) in `text` where the selector matches: exact first, then folded."""
    exact = [
        (start, start + len(selector.exact))
        for start in _occurrences(text, selector.exact)
        if text[:start].endswith(selector.prefix)
        and text[start + len(selector.exact) :].startswith(selector.suffix)
    ]
    if exact:
        return exact
    quote, prefix, suffix = (
        fold(part).text for part in (selector.exact, selector.prefix, selector.suffix)
    )
    spans = []
    for start in _occurrences(folded.text, quote):
        end = start + len(quote)
        if folded.text[:start].endswith(prefix) and folded.text[end:].startswith(suffix):
            spans.append((folded.starts[start], folded.ends[end - 1]))
    return spans


def evidence_id(table: str, record_id: str, article_id: str, selector: Selector) -> str:
    """The id of one quote backing one record: its selector as the annotator wrote it.

    Offsets are left out, so an edit elsewhere in the article changes the row's offsets,
    not its id; other quotes of the record being added or removed leave it alone too.
    """
    parts = [table, record_id, article_id, selector.exact, selector.prefix, selector.suffix]
    return "ev-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def resolve_citations(
    citations: list[Citation], texts: dict[str, str], article_paths: dict[str, str]
) -> Resolved:
    """Resolve every citation to offsets in its article; report absent and ambiguous quotes."""
    folded = {article_id: fold(text) for article_id, text in texts.items()}
    rows: list[dict[str, object]] = []
    locations: list[Location] = []
    problems: list[Problem] = []
    seen: set[tuple[str, str, str, int, int]] = set()
    for citation in citations:
        text = texts.get(citation.article_id)
        if text is None:
            continue
        path = article_paths[citation.article_id]
        row, problem = resolve_one(citation, text, folded[citation.article_id], path, seen)
        if problem:
            problems.append(problem)
        elif row:
            rows.append(row)
            locations.append(citation.location)
    return Resolved(rows, locations, problems)


def resolve_one(
    citation: Citation,
    text: str,
    folded: FoldedText,
    path: str,
    seen: set[tuple[str, str, str, int, int]],
) -> tuple[dict[str, object] | None, Problem | None]:
    """The evidence row of one citation, or the problem that stops it; `seen` spans are kept."""
    spans = find_quote(text, folded, citation.selector)
    problem = _span_problem(citation, spans, path)
    if problem:
        return None, problem
    start, end = spans[0]
    record = (citation.table, citation.record_id, citation.article_id)
    if (*record, start, end) in seen:
        return None, citation.location.problem("evidence", "this quote is cited twice")
    seen.add((*record, start, end))
    row = {
        "evidence_id": evidence_id(*record, citation.selector),
        "record_table": citation.table,
        "record_id": citation.record_id,
        "article_id": citation.article_id,
        "char_start": start,
        "char_end": end,
        "quote": text[start:end],
    }
    return row, None


def _span_problem(citation: Citation, spans: list[tuple[int, int]], path: str) -> Problem | None:
    """A problem if the quote is absent or matches more than once."""
    shown = _shorten(citation.selector.exact)
    if not spans:
        return citation.location.problem("evidence", f"quote {shown} not found in {path}")
    if len(spans) > 1:
        where = ", ".join(str(start) for start, _ in spans)
        message = (
            f"quote {shown} occurs {len(spans)} times in {path} (at characters {where}); "
            "add prefix or suffix to pick one"
        )
        return citation.location.problem("evidence", message)
    return None


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Start of every occurrence of `needle`, overlapping ones included."""
    starts, start = [], haystack.find(needle)
    while start != -1:
        starts.append(start)
        start = haystack.find(needle, start + 1)
    return starts


def _shorten(quote: str, limit: int = 60) -> str:
    """The quote in double quotes, cut to `limit` characters."""
    return '"' + (quote if len(quote) <= limit else quote[: limit - 1] + "…") + '"'
