"""Datasette metadata for one release, generated from its datapackage.json and releases.json."""

from __future__ import annotations

from typing import Any

from jrr.flows.serve_db import ARTICLES, TEXT_DESCRIPTIONS
from jrr.schemas.io import table_resources

DATABASE = "jrr"
# Columns faceted by default wherever a table has them.
FACET_COLUMNS = ("status", "country", "type", "cooperation_area", "record_table", "basis")
LABEL_COLUMNS = ("title", "name")
EVIDENCE = "evidence"


def datasette_metadata(
    datapackage: dict[str, Any], release: dict[str, Any], texts_added: bool
) -> dict[str, Any]:
    """Instance, database and table metadata: descriptions, license, source, facets, queries."""
    version = release["version"]
    title = datapackage.get("title") or datapackage.get("name", "dataset")
    metadata: dict[str, Any] = {
        "title": f"{title} v{version}",
        "description": f"Release {version} of {release.get('date', 'unknown date')}. "
        + _package_description(datapackage),
        "source": f"{title}, release v{version}",
        "databases": {
            DATABASE: {
                "tables": _tables(datapackage, texts_added),
                "queries": canned_queries(datapackage),
            }
        },
    }
    source_url = datapackage.get("homepage") or next(
        (source.get("path") for source in datapackage.get("sources", []) if source.get("path")),
        None,
    )
    if source_url:
        metadata["source_url"] = source_url
    licenses = datapackage.get("licenses") or []
    if licenses:
        metadata["license"] = licenses[0].get("title") or licenses[0].get("name")
        if licenses[0].get("path"):
            metadata["license_url"] = licenses[0]["path"]
    return metadata


def _package_description(datapackage: dict[str, Any]) -> str:
    """The package's own description, or a sentence listing its tables."""
    if datapackage.get("description"):
        return str(datapackage["description"])
    names = ", ".join(resource["name"] for resource in table_resources(datapackage))
    return f"Tables: {names}."


def _tables(datapackage: dict[str, Any], texts_added: bool) -> dict[str, Any]:
    """Per-table metadata: description, column descriptions, default facets, label and sort."""
    tables = {}
    for resource in table_resources(datapackage):
        name = resource["name"]
        fields = resource["schema"]["fields"]
        columns = {field["name"]: field.get("description", "") for field in fields}
        if name == ARTICLES and texts_added:
            columns.update(TEXT_DESCRIPTIONS)
        table: dict[str, Any] = {"description": resource.get("description", ""), "columns": columns}
        facets = [column for column in FACET_COLUMNS if column in columns]
        if facets:
            table["facets"] = facets
        label = next((column for column in LABEL_COLUMNS if column in columns), None)
        if label:
            table["label_column"] = label
        if "date_start" in columns:
            table["sort_desc"] = "date_start"
        tables[name] = table
    return tables


def canned_queries(datapackage: dict[str, Any]) -> dict[str, Any]:
    """Queries over the evidence table, generated from the tables the release has."""
    schemas = {resource["name"]: resource["schema"] for resource in table_resources(datapackage)}
    evidence = schemas.get(EVIDENCE)
    if evidence is None or ARTICLES not in schemas:
        return {}
    queries = {
        "quotes_for_record": {
            "title": "Quotes backing one record",
            "description": "Every evidence quote of a record, e.g. record_table=meetings.",
            "sql": (
                "select e.evidence_id, e.article_id, a.title, e.char_start, e.char_end, e.quote\n"
                "from evidence e join articles a on a.article_id = e.article_id\n"
                "where e.record_table = :record_table and e.record_id = :record_id\n"
                "order by e.article_id, e.char_start"
            ),
        },
        "quotes_per_article": {
            "title": "Quotes per article and table",
            "description": "How many quotes each article gives to each table.",
            "sql": (
                "select e.article_id, a.title, e.record_table, count(*) as quotes,\n"
                "count(distinct e.record_id) as records\n"
                "from evidence e join articles a on a.article_id = e.article_id\n"
                "group by e.article_id, e.record_table order by e.article_id, e.record_table"
            ),
        },
    }
    unbacked = _unbacked_sql(schemas, evidence)
    if unbacked:
        queries["records_without_quotes"] = {
            "title": "Records without a quote",
            "description": "Records no evidence row backs; the dataset promises there are none.",
            "sql": unbacked,
        }
    return queries


def _unbacked_sql(schemas: dict[str, dict[str, Any]], evidence: dict[str, Any]) -> str | None:
    """SQL listing the records of every table evidence can back that no quote backs."""
    field = next((f for f in evidence["fields"] if f["name"] == "record_table"), None)
    names = (field or {}).get("constraints", {}).get("enum", [])
    parts = []
    for name in names:
        key = schemas.get(name, {}).get("primaryKey")
        key = [key] if isinstance(key, str) else key
        if not key or len(key) != 1:
            continue
        parts.append(
            f"select '{name}' as record_table, [{key[0]}] as record_id from [{name}]\n"
            f"where [{key[0]}] not in "
            f"(select record_id from evidence where record_table = '{name}')"
        )
    return "\nunion all\n".join(parts) or None
