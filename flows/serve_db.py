"""The SQLite database `jrr serve` browses: one release's tables, keys, texts and search index.

Everything is derived from the release's datapackage.json (tables, columns, primary and foreign
keys), so a table or column added to the data model needs no change here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlite_utils

from jrr.flows.ingest import normalise_text
from jrr.schemas.io import read_datapackage, read_release, table_resources

# Bump when the layout of the built database changes, so cached databases are rebuilt.
BUILD_FORMAT = "1"
ARTICLES = "articles"
TEXT_COLUMN = "text"
TEXT_NOTE_COLUMN = "text_note"
TEXT_DESCRIPTIONS = {
    TEXT_COLUMN: "Normalised text of the article, read from raw/articles/<article_id>.txt of "
    "this checkout and shown only where its SHA-256 equals text_sha256 (not a published column).",
    TEXT_NOTE_COLUMN: "Why the text is not shown, where it is not (not a published column).",
}
# Columns of running prose, indexed for full-text search wherever a table has them.
SEARCH_COLUMNS = (
    "title",
    "name",
    "summary",
    "description",
    "quote",
    "reason",
    "notes",
    TEXT_COLUMN,
)
_SQL_TYPES: dict[str, type] = {"integer": int, "number": float, "boolean": int}


@dataclass(frozen=True)
class ArticleText:
    """An article's verified text, or the reason it cannot be shown."""

    text: str | None
    note: str | None


def read_texts(articles: pd.DataFrame, texts_dir: Path | None) -> dict[str, ArticleText]:
    """Each article's text from `texts_dir`, kept only if it hashes to the released text_sha256."""
    texts = {}
    for article_id, sha256 in zip(articles["article_id"], articles["text_sha256"], strict=True):
        texts[article_id] = _read_text(article_id, sha256, texts_dir)
    return texts


def _read_text(article_id: str, sha256: str, texts_dir: Path | None) -> ArticleText:
    """One article's text, checked against the release's hash."""
    if texts_dir is None:
        return ArticleText(
            None,
            "Article texts are not published with the dataset; run `jrr "
            "serve` in a checkout of the repository to see them.",
        )
    path = texts_dir / f"{article_id}.txt"
    if not path.is_file():
        return ArticleText(None, f"raw/articles/{article_id}.txt is not in this checkout.")
    try:
        text = normalise_text(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return ArticleText(None, f"raw/articles/{article_id}.txt is not valid UTF-8.")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha256:
        return ArticleText(
            None,
            f"raw/articles/{article_id}.txt has changed since this release: its SHA-256 differs "
            "from the released text_sha256, so its offsets cannot be trusted.",
        )
    return ArticleText(text, None)


def texts_digest(texts: dict[str, ArticleText]) -> str:
    """A short digest of which articles have a verified text, for the cache key."""
    shown = sorted(article_id for article_id, text in texts.items() if text.text is not None)
    return hashlib.sha256("\n".join([BUILD_FORMAT, *shown]).encode()).hexdigest()[:8]


def build_database(folder: Path, target: Path, texts: dict[str, ArticleText] | None) -> None:
    """Write the release in `folder` as an SQLite database at `target` (replaced if present)."""
    datapackage = read_datapackage(folder)
    frames = read_release(folder)
    schemas = {resource["name"]: resource["schema"] for resource in table_resources(datapackage)}
    target.unlink(missing_ok=True)
    db = sqlite_utils.Database(target)
    try:
        for name in _creation_order(schemas):
            frame = frames[name]
            if name == ARTICLES and texts is not None:
                frame = _with_texts(frame, texts)
            _create_table(db, name, schemas[name], frame)
        for name in schemas:
            searchable = [column for column in SEARCH_COLUMNS if column in _columns(db, name)]
            if searchable:
                db[name].enable_fts(searchable, tokenize="porter")
            _index_references(db, name)
        db.index_foreign_keys()
        db.execute("ANALYZE")
    finally:
        db.close()


def _with_texts(frame: pd.DataFrame, texts: dict[str, ArticleText]) -> pd.DataFrame:
    """The articles frame with the verified text and, where missing, why."""
    frame = frame.copy()
    frame[TEXT_COLUMN] = [texts[a].text for a in frame["article_id"]]
    frame[TEXT_NOTE_COLUMN] = [texts[a].note for a in frame["article_id"]]
    return frame


def foreign_keys(schema: dict[str, Any], table: str) -> list[tuple[str, str, str]]:
    """(column, other table, other column) of every single-column foreign key in a Table Schema."""
    keys = []
    for key in schema.get("foreignKeys", []):
        fields = _as_list(key["fields"])
        reference = key["reference"]
        other = _as_list(reference["fields"])
        if len(fields) == 1 and len(other) == 1:  # SQLite links in Datasette are single-column
            keys.append((fields[0], reference.get("resource") or table, other[0]))
    return keys


def _as_list(fields: str | list[str]) -> list[str]:
    """A Table Schema field reference, which may be one name or a list, as a list."""
    return [fields] if isinstance(fields, str) else list(fields)


def _creation_order(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """Table names with every referenced table before the tables that reference it."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order or name in path or name not in schemas:
            return
        for _, other, _ in foreign_keys(schemas[name], name):
            visit(other, (*path, name))
        order.append(name)

    for name in schemas:
        visit(name, ())
    return order


def _create_table(
    db: sqlite_utils.Database, name: str, schema: dict[str, Any], frame: pd.DataFrame
) -> None:
    """Create one table with its types, primary key, NOT NULLs and foreign keys, and fill it."""
    fields = {field["name"]: field for field in schema["fields"]}
    columns = {
        column: _SQL_TYPES.get(fields.get(column, {}).get("type", "string"), str)
        for column in frame.columns
    }
    required = {
        column
        for column, field in fields.items()
        if field.get("constraints", {}).get("required") and column in columns
    }
    primary_key = _as_list(schema.get("primaryKey", []))
    db[name].create(
        columns,
        pk=primary_key[0] if len(primary_key) == 1 else tuple(primary_key) or None,
        not_null=required,
        foreign_keys=[key for key in foreign_keys(schema, name) if key[0] in columns],
    )
    db[name].insert_all(_rows(frame), batch_size=1000)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as plain Python values: dates as ISO text, nulls as None."""
    return [
        {column: _cell(value) for column, value in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _cell(value: Any) -> Any:
    """One cell as a value SQLite stores."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _columns(db: sqlite_utils.Database, name: str) -> set[str]:
    """Column names of a table in the database."""
    return {column.name for column in db[name].columns}


def _index_references(db: sqlite_utils.Database, name: str) -> None:
    """Index (record_table, record_id), the generic link from evidence-like tables to records."""
    if {"record_table", "record_id"} <= _columns(db, name):
        db[name].create_index(["record_table", "record_id"], if_not_exists=True)
