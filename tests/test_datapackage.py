"""datapackage.json is generated from the models and passes an independent validator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import RELEASE_DATE, ROOT
from frictionless import validate

from jrr.flows.files import file_entry
from jrr.schemas import TABLES
from jrr.schemas.datapackage import current_table_schemas, table_schema
from jrr.schemas.io import read_datapackage, table_schemas
from jrr.settings import dataset_url

RELEASE_FOLDERS = sorted((ROOT / "dataset").glob("v*"))


@pytest.mark.parametrize("folder", RELEASE_FOLDERS, ids=[f.name for f in RELEASE_FOLDERS])
def test_published_datapackage_passes_frictionless(folder: Path) -> None:
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])


def test_golden_datapackage_passes_frictionless(golden_released: Path) -> None:
    report = validate(str(golden_released / "dataset" / "v1.0.0" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])


def test_frictionless_catches_a_changed_cell(golden_released: Path, tmp_path: Path) -> None:
    folder = tmp_path / "v1.0.0"
    shutil.copytree(golden_released / "dataset" / "v1.0.0", folder)
    meetings = folder / "meetings.csv"
    meetings.write_bytes(meetings.read_bytes().replace(b",held,", b",hled,"))

    report = validate(str(folder / "datapackage.json"))

    errors = {error[1] for error in report.flatten(["resourceName", "type"])}
    assert not report.valid
    assert {"hash-count", "constraint-error"} <= errors


@pytest.mark.parametrize("name", TABLES)
def test_table_schema_describes_every_column(golden_released: Path, name: str) -> None:
    spec = TABLES[name]
    published = read_datapackage(golden_released / "dataset" / "v1.0.0")
    [resource] = [r for r in published["resources"] if r["name"] == name]
    assert resource["schema"] == table_schema(spec)
    assert [field["name"] for field in resource["schema"]["fields"]] == spec.columns
    assert all(field["description"] for field in resource["schema"]["fields"])
    assert resource["schema"]["primaryKey"] == [spec.primary_key]


def test_frictionless_checks_every_declared_foreign_key(tmp_path: Path) -> None:
    latest = RELEASE_FOLDERS[-1]
    folder = tmp_path / latest.name
    shutil.copytree(latest, folder)
    projects, claims = folder / "projects.csv", folder / "claims.csv"
    projects.write_bytes(
        projects.read_bytes().replace(b",eight-point-cooperation-plan,", b",no-plan,", 1)
    )
    article = b",tass-2018-11-22-abe-interview,stated,"
    claims.write_bytes(claims.read_bytes().replace(article, b",no-article,stated,", 1))

    report = validate(str(folder / "datapackage.json"))

    errors = {task.name: {error.type for error in task.errors} for task in report.tasks}
    assert "foreign-key" in errors["projects"]  # parent_id → projects.project_id
    assert "foreign-key" in errors["claims"]  # article_id → articles.article_id


def test_every_foreign_key_is_declared() -> None:
    keys = {
        (name, key["fields"][0], key["reference"]["resource"] or name)
        for name, spec in TABLES.items()
        for key in table_schema(spec).get("foreignKeys", [])
    }
    assert keys == {
        ("treaty_events", "treaty_id", "treaties"),
        ("projects", "parent_id", "projects"),
        ("figures", "article_id", "articles"),
        ("evidence", "article_id", "articles"),
        ("claims", "article_id", "articles"),
    }


def test_new_releases_have_a_complete_data_package_v2(golden_released: Path) -> None:
    folder = golden_released / "dataset" / "v1.0.0"
    package = read_datapackage(folder)
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["created"] == f"{RELEASE_DATE}T00:00:00Z"  # the release date: deterministic
    assert package["version"] == "1.0.0"
    assert package["homepage"] == dataset_url()
    for key in ["id", "description", "keywords", "contributors", "sources", "licenses"]:
        assert package[key], key
    data_files = {p.name for p in folder.iterdir() if p.suffix in (".csv", ".parquet")}
    assert {resource["path"] for resource in package["resources"]} == data_files
    for resource in package["resources"]:
        if "hash" in resource:
            entry = file_entry(folder, resource["path"])
            assert (resource["hash"], resource["bytes"]) == (
                f"sha256:{entry['sha256']}",
                entry["bytes"],
            )
    assert table_schemas(package) == current_table_schemas()
