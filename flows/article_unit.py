"""One article's own work: read its three files, parse its annotation file, resolve its quotes.

The unit of an article `<id>` is raw/articles/<id>.txt, raw/articles/<id>.yaml and
raw/annotations/<id>.yaml. An annotation file quotes only its own article, so this work
depends on nothing else and is cached on the bytes of those files (see article_cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jrr.flows.annotations import Annotations, Record, Ref, parse_annotations
from jrr.flows.evidence import fold, resolve_one
from jrr.flows.ingest import AnnotationFile, Article, _read_article, _read_yaml_mapping
from jrr.flows.problems import Location, Problem
from jrr.flows.raw_files import ANNOTATIONS_DIR, ARTICLES_DIR, RawFiles


@dataclass(frozen=True, slots=True)
class Quote:
    """The outcome of one quote: its evidence row or its problem, and the record it backs."""

    table: str
    record_id: str
    location: Location
    row: dict[str, object] | None
    problem: Problem | None


@dataclass
class ArticleUnit:
    """Everything one article contributes before consolidation across articles."""

    article_id: str
    article: Article | None = None
    annotations: Annotations = field(default_factory=Annotations)
    quotes: list[Quote] = field(default_factory=list)
    read_problems: list[Problem] = field(default_factory=list)
    # True if its annotation file names another article (built in one pass, see corpus).
    foreign: bool = False
    has_annotations: bool = False


def unit_paths(article_id: str) -> tuple[Path, Path, Path]:
    """The text, metadata and annotation file of an article, relative to the project root."""
    text, metadata, annotation = unit_names(article_id)
    return Path(text), Path(metadata), Path(annotation)


def unit_names(article_id: str) -> tuple[str, str, str]:
    """unit_paths as POSIX text (cheaper, for hundreds of thousands of articles)."""
    return (
        f"{ARTICLES_DIR}/{article_id}.txt",
        f"{ARTICLES_DIR}/{article_id}.yaml",
        f"{ANNOTATIONS_DIR}/{article_id}.yaml",
    )


def process_unit(raw: RawFiles, article_id: str) -> ArticleUnit:
    """Parse and resolve one article's files, from the bytes read safely (raw_files)."""
    text_path, _, annotation_path = (path.as_posix() for path in unit_paths(article_id))
    unit = ArticleUnit(article_id)
    if text_path in raw.data:
        unit.article = _read_article(raw, text_path, unit.read_problems)
    if annotation_path not in raw.data:
        unit.has_annotations = annotation_path in raw.present
        return unit
    unit.has_annotations = True
    content = _read_yaml_mapping(raw.data[annotation_path], annotation_path, unit.read_problems)
    if content is None:
        return unit
    file = AnnotationFile(annotation_path, content)
    named = content.get("article")
    if isinstance(named, str) and named != article_id:
        unit.foreign = True
        return unit
    unit.annotations = parse_annotations([file], {article_id} if unit.article else set())
    unit.quotes = resolve_quotes(unit.annotations, unit.article)
    unit.annotations.citations = []  # resolved: only the quotes are kept
    return unit


def resolve_quotes(annotations: Annotations, article: Article | None) -> list[Quote]:
    """Resolve every quote of the annotations against the article they cite."""
    if article is None:
        return []
    folded = fold(article.text)
    seen: set[tuple[str, str, str, int, int]] = set()
    quotes = []
    for citation in annotations.citations:
        if citation.article_id != article.article_id:
            continue
        row, problem = resolve_one(citation, article.text, folded, article.text_path, seen)
        quotes.append(Quote(citation.table, citation.record_id, citation.location, row, problem))
    return quotes


class Shared:
    """One object for each field name, short value and list of field lines across the units
    of a build.

    A unit read back from the cache has its own copy of every field name and value it holds;
    a whole build of 100,000 articles holds them all at once, and sharing the copies that are
    equal takes a third less memory.
    """

    SHORT = 64  # text up to this many characters is shared (as the YAML reader interns it)

    def __init__(self) -> None:
        self.objects: dict[Any, Any] = {}

    def unit(self, unit: ArticleUnit) -> ArticleUnit:
        """`unit`, its records, refs and quotes holding shared objects (changed in place)."""
        for item in unit.annotations.records:
            self._item(item)
        for item in unit.annotations.refs:
            self._item(item)
        if unit.quotes:
            unit.quotes = [self._quote(quote) for quote in unit.quotes]
        return unit

    def _item(self, item: Record | Ref) -> None:
        """Share a record's or a ref's names, values and field lines."""
        one, short = self.objects.setdefault, self.SHORT
        item.table = one(item.table, item.table)
        item.values = {
            one(name, name): one(value, value)
            if type(value) is str and len(value) <= short
            else value
            for name, value in item.values.items()
        }
        if item.reasons:
            item.reasons = {one(name, name): reason for name, reason in item.reasons.items()}
        location = item.location
        lines = one(location.field_lines, location.field_lines)
        if lines is not location.field_lines:
            item.location = Location(location.path, location.line, lines, location.field_paths)

    def _quote(self, quote: Quote) -> Quote:
        """A quote whose evidence row holds shared names."""
        if quote.row is None:
            return quote
        one = self.objects.setdefault
        row = {one(name, name): value for name, value in quote.row.items()}
        return Quote(
            one(quote.table, quote.table), quote.record_id, quote.location, row, quote.problem
        )
