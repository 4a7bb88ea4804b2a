"""The articles table: one row per article, from its metadata file and its text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from jrr.flows.annotation_values import clean, read_fields
from jrr.flows.annotations import input_fields, unknown_keys
from jrr.flows.claims import Statement
from jrr.flows.ingest import Article
from jrr.flows.problems import Location, Problem

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def article_rows(
    articles: dict[str, Article], problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[Location], list[Statement]]:
    """Rows, their locations, and each article's statement of its own metadata."""
    rows, locations, statements = [], [], []
    names = input_fields("articles")
    for article in articles.values():
        meta = article.metadata
        location = Location(article.metadata_path, meta.line, tuple(meta.key_lines.items()))
        problems.extend(unknown_keys(meta, set(names), article.metadata_path))
        fields = read_fields("articles", meta, names, location, problems)
        row: dict[str, Any] = {"article_id": article.article_id}
        row.update({name: clean(value) for name, value in fields.values.items()})
        row["published_date"] = _iso_date(row["published_date"], location, problems)
        row["text_sha256"] = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        row["n_chars"] = len(article.text)
        inferred = [name for name in names if name in fields.reasons and row[name] is not None]
        row["inferred"] = ";".join(inferred) or None
        rows.append(row)
        locations.append(location)
        stated = {name: _claimed(row[name]) for name in names if row[name] is not None}
        statements.append(
            Statement(
                "articles", article.article_id, article.article_id, stated, fields.reasons, location
            )
        )
    return rows, locations, statements


def _claimed(value: Any) -> Any:
    """A metadata value as its claim records it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _iso_date(value: Any, location: Location, problems: list[Problem]) -> dt.date | None:
    """An ISO 8601 calendar date, or None with a problem."""
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        message = f"{value!r} is not an ISO date (YYYY-MM-DD)"
        problems.append(location.problem("published_date", message))
        return None
