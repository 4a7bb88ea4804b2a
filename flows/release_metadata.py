"""Who made the dataset and how to cite it: Data Package metadata, CITATION.cff, .zenodo.json.

Everything here is derived from a version, its release date and [tool.jrr] url, so the same
release always gets the same bytes, and nothing is typed by hand per release.
"""

from __future__ import annotations

import json
from typing import Any

from jrr.settings import dataset_url, release_url, settings

TITLE = "Japan–Russia Relations Dataset"
NAME = "japan-russia-relations"
AUTHOR = "Japan–Russia Relations Dataset contributors"
DESCRIPTION = (
    "A versioned open dataset of Japan–Russia relations built from news articles: meetings of "
    "the two countries' leaders, treaties and their dated milestones, cooperation projects, and "
    "the figures officials quote. Every row is backed by verbatim quotes from its source article "
    "at character offsets verified against the article's text. Releases are immutable and "
    "checksummed, published as Parquet and CSV with a Frictionless Data Package and a changelog "
    "computed from the data."
)
KEYWORDS = [
    "Japan",
    "Russia",
    "international relations",
    "diplomacy",
    "treaties",
    "summit meetings",
    "Eight-Point Cooperation Plan",
    "news articles",
    "open data",
]
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CITATION_NAME = "CITATION.cff"
ZENODO_NAME = ".zenodo.json"


def doi() -> str | None:
    """The dataset's concept DOI once Zenodo has minted one ([tool.jrr] doi), else None."""
    value = str(settings().get("doi", "")).strip()
    return value or None


def package_metadata(version: str, date: str) -> dict[str, Any]:
    """The descriptive part of a release's datapackage.json (everything but resources)."""
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": NAME,
        "id": f"https://doi.org/{doi()}" if doi() else release_url(version),
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "created": f"{date}T00:00:00Z",
        "homepage": dataset_url(),
        "keywords": KEYWORDS,
        "contributors": [{"title": AUTHOR, "roles": ["creator"]}],
        "licenses": [LICENSE],
        "sources": [
            {
                "title": "News articles, each listed with its publisher, date and URL in the "
                "articles table",
                "path": "articles.csv",
            }
        ],
    }


def render_citation(version: str, date: str) -> str:
    """CITATION.cff (CFF 1.2.0) for one version."""
    lines = [
        "# Generated at each release from the version, its date and [tool.jrr] url.",
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below, with the version you used."',
        "type: dataset",
        f"title: {_quoted(TITLE)}",
        "authors:",
        f"  - name: {_quoted(AUTHOR)}",
        f"version: {_quoted(version)}",
        f"date-released: {date}",
        f"url: {_quoted(release_url(version))}",
        f"repository-code: {_quoted(dataset_url())}",
    ]
    if doi():
        lines.append(f"doi: {_quoted(str(doi()))}")
    lines += [f"license: {LICENSE['name']}", f"abstract: {_quoted(DESCRIPTION)}", "keywords:"]
    lines += [f"  - {_quoted(keyword)}" for keyword in KEYWORDS]
    return "\n".join(lines) + "\n"


def render_zenodo(version: str, date: str) -> bytes:
    """.zenodo.json: the deposit metadata Zenodo's GitHub integration reads for each release."""
    metadata = {
        "upload_type": "dataset",
        "title": TITLE,
        "description": f"<p>{DESCRIPTION}</p>",
        "creators": [{"name": AUTHOR}],
        "access_right": "open",
        "license": LICENSE["name"].lower(),
        "keywords": KEYWORDS,
        "version": version,
        "publication_date": date,
        "language": "eng",
        "related_identifiers": [
            {
                "identifier": dataset_url(),
                "relation": "isCompiledBy",
                "resource_type": "software",
                "scheme": "url",
            },
            {
                "identifier": release_url(version),
                "relation": "isIdenticalTo",
                "resource_type": "dataset",
                "scheme": "url",
            },
        ],
    }
    return (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def citation_line(version: str, date: str) -> str:
    """The one-line citation of a version, as the READMEs show it."""
    where = f"https://doi.org/{doi()}" if doi() else release_url(version)
    return (
        f"{AUTHOR} ({date[:4]}). *{TITLE}* (version {version}) [Data set]. "
        f"{LICENSE['name']}. {where}"
    )


def render_bibtex(version: str, date: str) -> str:
    """A BibTeX entry for one version."""
    key = "jrr-dataset-" + version.replace(".", "-")
    fields = {
        "author": f"{{{AUTHOR}}}",
        "title": TITLE,
        "year": date[:4],
        "version": version,
        "howpublished": "Data set",
        "url": release_url(version),
        "note": f"Version {version}, released {date}. License {LICENSE['name']}",
    }
    if doi():
        fields["doi"] = str(doi())
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)
