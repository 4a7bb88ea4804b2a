"""Citation metadata: CITATION.cff (CFF 1.2.0), .zenodo.json and the README lines, generated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT

from jrr.flows.files import json_bytes
from jrr.flows.landing_pages import CITATION_START, root_pages, update_citation
from jrr.settings import dataset_url

CFF_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "schemas" / "cff-1.2.0.json").read_text())
RELEASES = json.loads((ROOT / "dataset" / "releases.json").read_text("utf-8"))["releases"]

_TEXT = {"type": "string", "minLength": 1}
_PERSON = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": _TEXT, "affiliation": _TEXT, "orcid": _TEXT, "gnd": _TEXT},
}
# Zenodo's deposit metadata fields (REST API "Deposit metadata"), for what we publish.
ZENODO_DEPOSIT = {
    "type": "object",
    "required": ["upload_type", "title", "creators", "description", "access_right"],
    "additionalProperties": False,
    "properties": {
        "upload_type": {
            "enum": [
                "publication",
                "poster",
                "presentation",
                "dataset",
                "image",
                "video",
                "software",
                "lesson",
                "physicalobject",
                "other",
            ]
        },
        "publication_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "title": _TEXT,
        "creators": {"type": "array", "minItems": 1, "items": _PERSON},
        "description": _TEXT,
        "access_right": {"enum": ["open", "embargoed", "restricted", "closed"]},
        "license": _TEXT,
        "doi": {"type": "string"},
        "keywords": {"type": "array", "items": _TEXT},
        "notes": _TEXT,
        "related_identifiers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["identifier", "relation"],
                "additionalProperties": False,
                "properties": {
                    "identifier": _TEXT,
                    "relation": {
                        "enum": [
                            "isCitedBy",
                            "cites",
                            "isSupplementTo",
                            "isSupplementedBy",
                            "isContinuedBy",
                            "continues",
                            "isDescribedBy",
                            "describes",
                            "hasMetadata",
                            "isMetadataFor",
                            "isNewVersionOf",
                            "isPreviousVersionOf",
                            "isPartOf",
                            "hasPart",
                            "isReferencedBy",
                            "references",
                            "isDocumentedBy",
                            "documents",
                            "isCompiledBy",
                            "compiles",
                            "isVariantFormOf",
                            "isOriginalFormof",
                            "isIdenticalTo",
                            "isAlternateIdentifier",
                            "isReviewedBy",
                            "reviews",
                            "isDerivedFrom",
                            "isSourceOf",
                            "requires",
                            "isRequiredBy",
                            "isObsoletedBy",
                            "obsoletes",
                        ]
                    },
                    "resource_type": _TEXT,
                    "scheme": _TEXT,
                },
            },
        },
        "contributors": {"type": "array"},
        "references": {"type": "array", "items": _TEXT},
        "communities": {"type": "array"},
        "grants": {"type": "array"},
        "subjects": {"type": "array"},
        "version": _TEXT,
        "language": {"type": "string", "pattern": "^[a-z]{3}$"},
        "locations": {"type": "array"},
        "dates": {"type": "array"},
        "method": _TEXT,
    },
}


def _cff(path: Path) -> dict[str, Any]:
    """A CITATION.cff as the JSON data its schema validates (dates as ISO text)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))


def test_root_citation_files_are_what_the_latest_release_builds() -> None:
    for path, data in root_pages(ROOT).items():
        assert path.read_bytes() == data, f"{path.name} is stale: run make release"
    assert ROOT / "README.md" in root_pages(ROOT)


def test_root_citation_passes_the_cff_schema() -> None:
    citation = _cff(ROOT / "CITATION.cff")
    jsonschema.validate(citation, CFF_SCHEMA)
    latest = RELEASES[-1]
    assert (citation["version"], citation["date-released"]) == (latest["version"], latest["date"])
    assert citation["repository-code"] == dataset_url()
    assert citation["url"].endswith(f"/dataset/v{latest['version']}")


def test_a_release_folder_carries_its_own_citation(golden_released: Path) -> None:
    citation = _cff(golden_released / "dataset" / "v1.0.0" / "CITATION.cff")
    jsonschema.validate(citation, CFF_SCHEMA)
    assert (citation["version"], citation["date-released"]) == ("1.0.0", "2026-01-15")


def test_cff_schema_rejects_what_it_should() -> None:
    citation = _cff(ROOT / "CITATION.cff")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**citation, "date-released": "yesterday"}, CFF_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**citation, "repository": 5}, CFF_SCHEMA)


def test_zenodo_metadata_uses_only_deposit_fields() -> None:
    metadata = json.loads((ROOT / ".zenodo.json").read_text("utf-8"))
    jsonschema.validate(metadata, ZENODO_DEPOSIT)
    latest = RELEASES[-1]
    assert (metadata["version"], metadata["publication_date"]) == (
        latest["version"],
        latest["date"],
    )
    assert (metadata["upload_type"], metadata["license"]) == ("dataset", "cc-by-4.0")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**metadata, "publicationdate": "2026-01-01"}, ZENODO_DEPOSIT)


def test_a_new_release_rewrites_every_citation(tmp_path: Path) -> None:
    (tmp_path / "dataset").mkdir()
    latest = {**RELEASES[-1], "version": "2.3.4", "date": "2031-05-06"}
    (tmp_path / "dataset" / "releases.json").write_bytes(json_bytes({"releases": [latest]}))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")

    update_citation(tmp_path)

    citation = _cff(tmp_path / "CITATION.cff")
    assert (citation["version"], citation["date-released"]) == ("2.3.4", "2031-05-06")
    assert citation["url"].endswith("/dataset/v2.3.4")
    zenodo = json.loads((tmp_path / ".zenodo.json").read_text("utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == ("2.3.4", "2031-05-06")
    readme = (tmp_path / "README.md").read_text("utf-8")
    line = readme.split(CITATION_START + "\n", 1)[1].splitlines()[0]
    assert line.startswith("Japan–Russia Relations Dataset contributors (2031).")
    assert "(version 2.3.4)" in line
    rest = readme.replace(line, "")
    assert rest == (ROOT / "README.md").read_text("utf-8").replace(
        (ROOT / "README.md").read_text("utf-8").split(CITATION_START + "\n", 1)[1].splitlines()[0],
        "",
    )


def test_readme_bibtex_names_the_version() -> None:
    readme = (ROOT / "dataset" / "README.md").read_text("utf-8")
    version = RELEASES[-1]["version"]
    assert f"@misc{{jrr-dataset-{version.replace('.', '-')}," in readme
    assert f"  version = {{{version}}}," in readme
