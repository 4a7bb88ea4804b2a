"""Stage 1b, parse annotations: turn annotation files into records and the quotes citing them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from jrr.flows.annotation_values import describe, model, read_fields
from jrr.flows.ingest import AnnotationFile
from jrr.flows.problems import Location, Problem
from jrr.flows.yaml_lines import Mapping, Sequence
from jrr.schemas.codes import UPDATABLE_FIELDS

SECTIONS = ["meetings", "treaties", "projects", "figures"]
SELECTOR_KEYS = {"exact", "prefix", "suffix"}


@dataclass(frozen=True, slots=True)
class Selector:
    """A W3C TextQuoteSelector: the exact text, optionally with its neighbours."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """A quote from one article backing one record."""

    table: str
    record_id: str
    article_id: str
    selector: Selector
    location: Location
    parent_id: str | None = None  # for a `ref` to a treaty event: the treaty it is listed under


@dataclass(slots=True)
class Record:
    """One annotated record in its home file: its values as written and where it was written.

    `reasons` holds, for each field whose value the annotator inferred, why.
    """

    table: str
    record_id: str
    values: dict[str, Any]
    location: Location
    article_id: str
    parent_id: str | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    renamed_from: str | None = None


@dataclass(slots=True)
class Ref:
    """Another article's report on a record: `- ref: <id>` with the fields it restates."""

    table: str
    record_id: str
    article_id: str
    values: dict[str, Any]
    reasons: dict[str, str]
    location: Location
    parent_id: str | None = None  # for a ref to a treaty event: the treaty it is listed under


@dataclass
class Annotations:
    """All records, citations and `ref`s of the annotation files."""

    records: list[Record] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def input_fields(table: str) -> list[str]:
    """Columns an annotator writes for `table`: all but the key and derived ones."""
    return list(_input_fields(table))


@functools.cache
def _input_fields(table: str) -> tuple[str, ...]:
    """input_fields, worked out once per table (it is asked for every record)."""
    spec = model(table)
    return tuple(
        name
        for name, column in spec.schema.columns.items()
        if name != spec.primary_key and not (column.metadata or {}).get("derived")
    )


def parse_annotations(files: list[AnnotationFile], article_ids: set[str]) -> Annotations:
    """Parse every annotation file into records, citations and refs."""
    result = Annotations()
    for annotation in files:
        _parse_file(annotation, article_ids, result)
    return result


def _parse_file(annotation: AnnotationFile, article_ids: set[str], out: Annotations) -> None:
    """Parse one annotation file."""
    path, content = annotation.path, annotation.content
    for key in content.values:
        if key not in ("article", *SECTIONS):
            allowed = ", ".join(["article", *SECTIONS])
            out.problems.append(
                Problem(path, content.key_lines[key], key, f"unknown section (allowed: {allowed})")
            )
    article_id = content.get("article")
    if not isinstance(article_id, str) or article_id not in article_ids:
        if article_id is None:
            message = "required: the id of the article this file annotates"
        elif not isinstance(article_id, str):
            message = f"expected an article id, got {describe(article_id)}"
        else:
            message = f"no article {article_id!r} in raw/articles/ (add <id>.txt and <id>.yaml)"
        out.problems.append(Problem(path, content.key_lines.get("article", 1), "article", message))
        return
    if not path.endswith(f"/{article_id}.yaml"):
        message = f"this file annotates {article_id!r}: name it raw/annotations/{article_id}.yaml"
        out.problems.append(Problem(path, content.key_lines["article"], "article", message))
    for section in SECTIONS:
        items = content.get(section)
        if items is None:
            continue
        if not isinstance(items, Sequence):
            line = content.key_lines[section]
            out.problems.append(Problem(path, line, section, "must be a list of records"))
            continue
        for item, line in zip(items.items, items.item_lines, strict=True):
            _parse_item(section, item, line, path, article_id, out)


def _parse_item(
    table: str, item: Any, line: int, path: str, article_id: str, out: Annotations
) -> None:
    """Parse one list item: a record, or a `ref` citing a record of another file."""
    if not isinstance(item, Mapping):
        out.problems.append(Problem(path, line, table, "each item must be a mapping of fields"))
        return
    if "ref" in item.values:
        treaty_id = _parse_ref(table, item, path, article_id, out)
    else:
        record = _parse_record(table, item, path, article_id, out)
        treaty_id = record.record_id if record is not None else None
    if table != "treaties":
        return
    if treaty_id is None:  # still check its events, so that every problem shows at once
        checked = Annotations()
        _parse_events(item, "treaty-without-id", path, article_id, checked)
        out.problems.extend(checked.problems)
    else:
        _parse_events(item, treaty_id, path, article_id, out)


def _parse_events(
    treaty: Mapping, treaty_id: str, path: str, article_id: str, out: Annotations
) -> None:
    """Parse a treaty's `events`: new milestones, or `ref`s to milestones of another file."""
    events = treaty.get("events")
    if events is None:
        return
    if not isinstance(events, Sequence):
        out.problems.append(Problem(path, treaty.key_lines["events"], "events", "must be a list"))
        return
    for event, event_line in zip(events.items, events.item_lines, strict=True):
        if not isinstance(event, Mapping):
            out.problems.append(Problem(path, event_line, "events", "must be a mapping"))
        elif "ref" in event.values:
            _parse_ref("treaty_events", event, path, article_id, out, treaty_id)
        else:
            _parse_record("treaty_events", event, path, article_id, out, treaty_id)


def _parse_ref(
    table: str,
    item: Mapping,
    path: str,
    article_id: str,
    out: Annotations,
    parent_id: str | None = None,
) -> str | None:
    """Parse `- ref: <id>`: another article's quotes and restated fields for a record."""
    updatable = UPDATABLE_FIELDS[table]
    allowed = {"ref", "evidence", *updatable, *(["events"] if table == "treaties" else [])}
    out.problems.extend(_ref_unknown_keys(table, item, allowed, path))
    record_id = item.get("ref")
    location = Location(path, item.line, tuple(item.key_lines.items()))
    if not isinstance(record_id, str):
        out.problems.append(location.problem("ref", "must be the id of a record"))
        return None
    fields = read_fields(table, item, updatable, location, out.problems)
    values = {name: value for name, value in fields.values.items() if value is not None}
    out.refs.append(Ref(table, record_id, article_id, values, fields.reasons, location, parent_id))
    out.citations.extend(_parse_evidence(table, record_id, item, path, article_id, out))
    return record_id


def _ref_unknown_keys(table: str, item: Mapping, allowed: set[str], path: str) -> list[Problem]:
    """Keys a ref may not hold; descriptive fields get a message saying where they belong."""
    updatable = ", ".join(UPDATABLE_FIELDS[table]) or "none"
    problems = []
    for key in item.values:
        if key in allowed:
            continue
        if key in input_fields(table) or key in ("id", "renamed_from"):
            message = (
                f"a ref cannot restate {key!r}: only the record's home file writes it "
                f"(a ref to {table} may restate: {updatable})"
            )
        else:
            message = f"unknown field (allowed: {', '.join(sorted(allowed))})"
        problems.append(Problem(path, item.key_lines[key], key, message))
    return problems


def _parse_record(
    table: str,
    item: Mapping,
    path: str,
    article_id: str,
    out: Annotations,
    parent_id: str | None = None,
) -> Record | None:
    """Check one record's fields and collect its evidence."""
    spec = model(table)
    names = input_fields(table)
    extra = {"events"} if table == "treaties" else set()
    allowed = {"id", "evidence", "renamed_from", *names, *extra}
    out.problems.extend(unknown_keys(item, allowed, path))
    key_lines = {spec.primary_key if k == "id" else k: v for k, v in item.key_lines.items()}
    location = Location(path, item.line, tuple(key_lines.items()))
    fields = read_fields(table, item, names, location, out.problems)
    values = fields.values
    record_id = item.get("id")
    if record_id is None and table == "treaty_events":
        record_id = derived_event_id(parent_id, values.get("type"), values.get("date"))
    if not isinstance(record_id, str):
        message = (
            "required: a lowercase slug id"
            if record_id is None
            else f"expected a lowercase slug id, got {describe(record_id)}: put it in quotes"
        )
        out.problems.append(location.problem(spec.primary_key, message))
        return None
    out.citations.extend(_parse_evidence(table, record_id, item, path, article_id, out))
    renamed_from = item.get("renamed_from")
    if renamed_from is not None and not isinstance(renamed_from, str):
        message = f"expected the record's previous id, got {describe(renamed_from)}"
        out.problems.append(location.problem("renamed_from", message))
        renamed_from = None
    record = Record(
        table, record_id, values, location, article_id, parent_id, fields.reasons, renamed_from
    )
    out.records.append(record)
    return record


def derived_event_id(treaty_id: str | None, event_type: object, date: object) -> str:
    """`<treaty_id>-<type>-<date>`, the id of an event that gives none.

    The date is the EDTF text as written, made a slug (`…-signed-1960`, `…-2019-01-2019-03`),
    so the id never names a day the source does not give.
    """
    date_slug = re.sub(r"[^a-z0-9]+", "-", str(date).lower()).strip("-")
    return f"{treaty_id}-{str(event_type).replace('_', '-')}-{date_slug}"


def _parse_evidence(
    table: str, record_id: str, item: Mapping, path: str, article_id: str, out: Annotations
) -> list[Citation]:
    """The quotes under `evidence`: bare strings or {exact, prefix, suffix}."""
    evidence = item.get("evidence")
    line = item.key_lines.get("evidence", item.line)
    if not isinstance(evidence, Sequence) or not evidence.items:
        message = "required: a list of one or more verbatim quotes from the article"
        out.problems.append(Problem(path, line, "evidence", message))
        return []
    citations = []
    for quote, quote_line in zip(evidence.items, evidence.item_lines, strict=True):
        selector = _selector(quote)
        location = Location(path, quote_line)
        if selector is None:
            message = "each quote must be text or a mapping with exact (and prefix/suffix) text"
            out.problems.append(location.problem("evidence", message))
            continue
        citations.append(Citation(table, record_id, article_id, selector, location))
    return citations


def _selector(quote: Any) -> Selector | None:
    """A Selector from a bare string or a mapping, or None if malformed."""
    if isinstance(quote, str) and quote:
        return Selector(quote)
    if not isinstance(quote, Mapping) or set(quote.values) - SELECTOR_KEYS:
        return None
    parts = {key: quote.get(key, "") for key in SELECTOR_KEYS}
    if not all(isinstance(part, str) for part in parts.values()) or not parts["exact"]:
        return None
    return Selector(**parts)


def unknown_keys(item: Mapping, allowed: set[str], path: str) -> list[Problem]:
    """A problem for every key that is not a field of the record."""
    message = f"unknown field (allowed: {', '.join(sorted(allowed))})"
    return [
        Problem(path, item.key_lines[key], key, message)
        for key in item.values
        if key not in allowed
    ]
