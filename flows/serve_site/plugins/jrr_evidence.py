"""Datasette plugin: each evidence quote highlighted in its article, and links both ways.

Loaded with `datasette --plugins-dir`; it needs only Datasette, so the same folder works with
`datasette publish`. Tables are recognised by their columns, not by a list of names: any table
with `record_table` and `record_id` points at records (evidence, claims, ...).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

EVIDENCE = "evidence"
ARTICLES = "articles"
TEXT = "text"
TEXT_NOTE = "text_note"
REFERENCE = ("record_table", "record_id")
QUOTE_COLUMNS = {"evidence_id", "article_id", "char_start", "char_end", "quote", *REFERENCE}
PREVIEW_CHARS = 160
HEADING = ("title", "publisher", "published_date", "url")
_FOREIGN_KEYS: dict[tuple[str | None, str], list[dict[str, Any]]] = {}


def row_url(datasette: Any, database: str, table: str, key: str) -> str:
    """Path of one row's page."""
    return datasette.urls.row(database, table, tilde_encode(str(key)))


def passage_url(datasette: Any, database: str, article_id: str, evidence_id: str) -> str:
    """Path of an article's page, scrolled to one highlighted quote."""
    fragment = urllib.parse.quote(evidence_id, safe="")
    return f"{row_url(datasette, database, ARTICLES, article_id)}#{fragment}"


def highlight(text: str, quotes: list[dict[str, Any]]) -> Markup:
    """The text as HTML with every quote in <mark>s; overlapping quotes share segments.

    Each quote's first <mark> (or an anchor just before it) has the quote's id; every <mark>
    lists in `data-evidence` the quotes it belongs to and links to the record of the shortest.
    """
    quotes = [q for q in quotes if 0 <= q["char_start"] < q["char_end"] <= len(text)]
    bounds = sorted(
        {0, len(text), *(q["char_start"] for q in quotes)} | {q["char_end"] for q in quotes}
    )
    parts = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        segment = escape(text[start:end])
        covering = [q for q in quotes if q["char_start"] <= start and end <= q["char_end"]]
        if not covering:
            parts.append(segment)
            continue
        starting = [q for q in covering if q["char_start"] == start]
        for extra in starting[1:]:
            parts.append(Markup('<span class="jrr-anchor" id="{}"></span>').format(extra["id"]))
        inner = min(covering, key=lambda q: q["char_end"] - q["char_start"])
        parts.append(
            Markup('<mark{} data-evidence="{}" title="{}"><a href="{}">{}</a></mark>').format(
                Markup(' id="{}"').format(starting[0]["id"]) if starting else "",
                " ".join(q["id"] for q in covering),
                "; ".join(q["label"] for q in covering),
                inner["record_url"],
                segment,
            )
        )
    return Markup("").join(parts)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str, database: str, datasette: Any):
    """Link record_id to its record, a quote to its passage; show a short preview of a text."""
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "record_id" and "record_table" in keys and value and row["record_table"]:
        url = row_url(datasette, database, row["record_table"], value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column == "quote" and table == EVIDENCE and {"article_id", "evidence_id"} <= set(keys):
        url = passage_url(datasette, database, row["article_id"], row["evidence_id"])
        return Markup('<a href="{}" title="Show in the article">{}</a>').format(url, value)
    if column == TEXT and table == ARTICLES and isinstance(value, str):
        preview = value[:PREVIEW_CHARS].rstrip() + ("…" if len(value) > PREVIEW_CHARS else "")
        url = row_url(datasette, database, ARTICLES, row["article_id"]) + "#jrr-text"
        return Markup('<a href="{}">{}</a>').format(url, preview)
    if isinstance(value, str) and table and database:
        return _foreign_key_link(datasette, database, table, column, value)
    return None


async def _foreign_key_link(
    datasette: Any, database: str, table: str, column: str, value: str
) -> Markup | None:
    """A link to the row a foreign key names (Datasette links them only on table pages)."""
    db = datasette.get_database(database)
    cache_key = (db.path, table)  # databases are served immutable, so their keys never change
    if cache_key not in _FOREIGN_KEYS:
        _FOREIGN_KEYS[cache_key] = await db.foreign_keys_for_table(table)
    keys = _FOREIGN_KEYS[cache_key]
    key = next((k for k in keys if k["column"] == column), None)
    if key is None:
        return None
    url = row_url(datasette, database, key["other_table"], value)
    return Markup('<a href="{}">{}</a>').format(url, value)


@hookimpl
def extra_template_vars(
    template: str, database: str, table: str, view_name: str, request: Any, datasette: Any
):
    """On a row page: the quotes backing the record, and, on an article, its highlighted text."""
    if view_name != "row" or not table or request is None:
        return {}

    async def variables() -> dict[str, Any]:
        db = datasette.get_database(database)
        pks = await db.primary_keys(table)
        values = urlsafe_components(request.url_vars["pks"])
        if len(pks) != 1 or len(values) != 1:
            return {}
        context = _Context(datasette, database, db, await _table_columns(db))
        found: dict[str, Any] = {"jrr_table_columns": context.columns.get(table, [])}
        found.update(await context.record_vars(table, values[0]))
        if table == ARTICLES:
            found.update(await context.article_vars(values[0]))
        return found

    return variables


async def _table_columns(db: Any) -> dict[str, list[str]]:
    """Every table's columns."""
    return {name: await db.table_columns(name) for name in await db.table_names()}


class _Context:
    """What one row page needs to look up: the database and its tables' columns."""

    def __init__(self, datasette: Any, database: str, db: Any, columns: dict[str, list[str]]):
        self.datasette, self.database, self.db, self.columns = datasette, database, db, columns

    def has_quotes(self) -> bool:
        """True if the database has an evidence table with quotes at offsets."""
        return set(self.columns.get(EVIDENCE, [])) >= QUOTE_COLUMNS

    async def record_vars(self, table: str, key: str) -> dict[str, Any]:
        """The row's quotes, the tables pointing at it, and the record it points at."""
        found: dict[str, Any] = {"jrr_referrers": [], "jrr_quotes": [], "jrr_points_to": None}
        for other, columns in self.columns.items():
            if not set(REFERENCE) <= set(columns) or other.endswith("_fts"):
                continue
            sql = f"select count(*) from [{other}] where record_table = ? and record_id = ?"
            count = (await self.db.execute(sql, [table, key])).first()[0]
            if count:
                url = self.datasette.urls.table(self.database, other)
                query = urllib.parse.urlencode({"record_table": table, "record_id": key})
                found["jrr_referrers"].append(
                    {"table": other, "count": count, "url": f"{url}?{query}"}
                )
        if self.has_quotes() and table != EVIDENCE:
            found["jrr_quotes"] = await self.quotes(
                "record_table = ? and record_id = ?", [table, key]
            )
        if set(REFERENCE) <= set(self.columns.get(table, [])):
            found["jrr_points_to"] = await self.points_to(table, key)
        return found

    async def points_to(self, table: str, key: str) -> dict[str, Any] | None:
        """The record this row backs, and for a quote the highlighted passage."""
        pk = (await self.db.primary_keys(table))[0]
        wanted = ", ".join(
            f"[{c}]" for c in (pk, *REFERENCE, "article_id") if c in self.columns[table]
        )
        row = (
            await self.db.execute(f"select {wanted} from [{table}] where [{pk}] = ?", [key])
        ).first()
        if row is None or not row["record_table"]:
            return None
        target = {
            "label": f"{row['record_table']}: {row['record_id']}",
            "url": row_url(self.datasette, self.database, row["record_table"], row["record_id"]),
        }
        if table == EVIDENCE and "article_id" in self.columns[table]:
            target["passage_url"] = passage_url(
                self.datasette, self.database, row["article_id"], key
            )
        return target

    async def quotes(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        """Evidence rows matching `where`, with their article and record links."""
        title = "a.title" if "title" in self.columns.get(ARTICLES, []) else "e.article_id"
        sql = (
            "select e.evidence_id, e.record_table, e.record_id, e.article_id, e.char_start, "
            f"e.char_end, e.quote, {title} as article_title from evidence e "
            f"left join articles a on a.article_id = e.article_id where {where} "
            "order by e.article_id, e.char_start, e.char_end"
        )
        rows = (await self.db.execute(sql, params)).rows
        ds, database = self.datasette, self.database
        return [
            {
                "id": row["evidence_id"],
                "char_start": row["char_start"],
                "char_end": row["char_end"],
                "quote": row["quote"],
                "article_id": row["article_id"],
                "article_title": row["article_title"],
                "label": f"{row['record_table']}: {row['record_id']}",
                "record_url": row_url(ds, database, row["record_table"], row["record_id"]),
                "evidence_url": row_url(ds, database, EVIDENCE, row["evidence_id"]),
                "passage_url": passage_url(ds, database, row["article_id"], row["evidence_id"]),
            }
            for row in rows
        ]

    async def article_vars(self, article_id: str) -> dict[str, Any]:
        """The article's text with its quotes highlighted, or why the text cannot be shown."""
        if not self.has_quotes():
            return {}
        quotes = await self.quotes("e.article_id = ?", [article_id])
        sql = "select * from articles where article_id = ?"
        row = dict((await self.db.execute(sql, [article_id])).first() or {})
        text, note = row.get(TEXT), row.get(TEXT_NOTE)
        if TEXT not in row:
            note = "This database holds no article texts, only the published tables."
        return {
            "jrr_article_heading": {key: row.get(key) for key in HEADING if row.get(key)},
            "jrr_article_quotes": quotes,
            "jrr_article_html": highlight(text, quotes) if text is not None else None,
            "jrr_article_note": note,
        }
