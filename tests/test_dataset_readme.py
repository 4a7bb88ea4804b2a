"""dataset/README.md and timeline.svg: regenerated from the published data, byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pandas as pd
import pytest
import yaml

from jrr.flows.dataset_readme import render_readme, render_timeline_svg
from jrr.flows.files import json_bytes
from jrr.flows.landing_pages import write_dataset_readme
from jrr.flows.release_folder import ReleasePlan, write_release_folder
from jrr.schemas.datapackage import current_table_schemas
from jrr.schemas.io import read_release

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "dataset"
GENERATED = ("README.md", "timeline.svg")
REGENERATE = "jrr.flows.landing_pages.write_dataset_readme(Path('dataset'))"


def _digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _latest_release() -> dict[str, object]:
    """The latest entry of the committed releases.json."""
    return json.loads((DATASET / "releases.json").read_text("utf-8"))["releases"][-1]


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    """A copy of the committed dataset/ without its generated README and figure."""
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy, ignore=shutil.ignore_patterns(*GENERATED))
    return copy


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INVENTED releases 0.1.0 and 0.2.0; only 0.2.0 has a folder, cut down from the real one."""
    dataset = tmp_path_factory.mktemp("tiny") / "dataset"
    tables = read_release(DATASET / f"v{_latest_release()['version']}")
    meetings = tables["meetings"].iloc[[0, 1]].reset_index(drop=True)
    meetings.loc[1, "status"] = "cancelled"
    figures = tables["figures"].iloc[[0, 0, 0]].reset_index(drop=True)
    figures["figure_id"] = ["invented-meetings-7", "invented-projects-1500", "invented-other-2"]
    figures["subject"] = ["meetings", "projects", "other"]
    figures["value"] = [7.0, 1500.0, 2.0]
    figures["qualifier"] = ["exact", "about", "exact"]
    figures["unit"] = ["meetings", "projects", "visits"]
    figures["description"] = ["Invented count.", "Invented estimate.", "Invented other count."]
    tables |= {
        "meetings": meetings,
        "projects": tables["projects"].head(3),
        "figures": figures,
    }
    plan = ReleasePlan("0.2.0", "2030-01-02", tables, current_table_schemas(), pd.DataFrame(), "")
    files = write_release_folder(dataset / "v0.2.0", plan)
    releases = [
        {"version": "0.1.0", "date": "2030-01-01", "files": files[:2]},
        {"version": "0.2.0", "date": "2030-01-02", "files": files},
    ]
    (dataset / "releases.json").write_bytes(json_bytes({"releases": releases}))
    return dataset


def test_committed_readme_and_timeline_are_what_the_release_builds(dataset_copy: Path) -> None:
    written = write_dataset_readme(dataset_copy)
    assert written == [dataset_copy / "timeline.svg", dataset_copy / "README.md"]
    for path in written:
        assert path.read_bytes() == (DATASET / path.name).read_bytes(), (
            f"dataset/{path.name} is stale; regenerate it with {REGENERATE}"
        )


def test_rendering_twice_gives_identical_bytes(dataset_copy: Path) -> None:
    assert render_readme(dataset_copy) == render_readme(dataset_copy)
    assert render_timeline_svg(dataset_copy) == render_timeline_svg(dataset_copy)


def test_writing_touches_only_readme_and_timeline(tiny_dataset: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(tiny_dataset, dataset)
    before = _digest(dataset)
    write_dataset_readme(dataset)
    after = _digest(dataset)
    assert set(after) - set(before) == set(GENERATED)
    assert {name: after[name] for name in before} == before
    write_dataset_readme(dataset)  # a second run replaces both files, leaving nothing else
    assert _digest(dataset) == after


def test_readme_counts_rows_and_sets_figures_against_records(tiny_dataset: Path) -> None:
    readme = render_readme(tiny_dataset)
    assert "**Latest version: 0.2.0**, released 2030-01-02, in [`v0.2.0/`](v0.2.0/)" in readme
    assert "| `meetings` | 2 | meeting of the two countries' leaders" in readme
    assert "| `projects` | 3 | cooperation plan, plan area or project |" in readme
    assert "| `evidence` | 43 |" in readme
    assert (
        "quotes 7 meetings (`invented-meetings-7`, exact); this release records 1 held meeting "
        "dated up to 2018-11-22."
    ) in readme
    assert "quotes 1,500 projects (`invented-projects-1500`, about); this release records 3 " in (
        readme
    )
    assert "invented-other-2" not in readme
    assert "only the meetings, treaties and projects that the articles name individually" in readme


def test_readme_lists_versions_newest_first_and_embeds_the_timeline(tiny_dataset: Path) -> None:
    readme = render_readme(tiny_dataset)
    newer = readme.index("| [`v0.2.0/`](v0.2.0/) | 2030-01-02 |")
    assert newer < readme.index("| [`v0.1.0/`](v0.1.0/) | 2030-01-01 |")
    assert "![Timeline of leaders' meetings and treaty milestones, 1956–2018](timeline.svg)" in (
        readme
    )
    assert "[`CITATION.cff`](../CITATION.cff)" in readme


def test_data_dictionary_comes_from_the_datapackage(tiny_dataset: Path) -> None:
    readme = render_readme(tiny_dataset)
    meetings = readme[readme.index("### `meetings`") : readme.index("### `treaties`")]
    assert "| `status` | string | yes | held, planned or cancelled, per source. One of" in meetings
    assert "| `city` | string | no | City of the meeting. At most 300 characters. |" in meetings
    assert (
        "| `summary` | string | no | What the meeting was for or agreed. At most 2,000" in meetings
    )
    assert "| `date_start` | date | yes |" in meetings
    events = readme[readme.index("### `treaty_events`") :]
    assert "Foreign key: `treaty_id` → `treaties.treaty_id`." in events
    for table in current_table_schemas():
        assert f"### `{table}`" in readme


def test_timeline_draws_every_record_as_well_formed_svg(tiny_dataset: Path) -> None:
    svg = render_timeline_svg(tiny_dataset)
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<dc:date>" not in svg and b"Matplotlib" not in svg


def test_no_release_yet_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "releases.json").write_bytes(json_bytes({"releases": []}))
    with pytest.raises(ValueError, match="lists no release"):
        render_readme(tmp_path)


def test_citation_matches_the_latest_release() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    latest = _latest_release()
    assert citation["version"] == latest["version"], "update CITATION.cff: version"
    assert str(citation["date-released"]) == latest["date"], "update CITATION.cff: date-released"
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "dataset"
    assert citation["license"] == "CC-BY-4.0"


def test_pages_are_rendered_again_only_when_something_changed(dataset_copy: Path) -> None:
    pages = write_dataset_readme(dataset_copy)
    rendered = {path.name: path.read_bytes() for path in pages}
    latest = dataset_copy / f"v{_latest_release()['version']}"
    (latest / "meetings.parquet").unlink()  # rendering again would have to read it, and fail
    assert write_dataset_readme(dataset_copy) == pages  # the stamp says nothing changed
    assert {path.name: path.read_bytes() for path in pages} == rendered
    (dataset_copy / "README.md").write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        write_dataset_readme(dataset_copy)  # a page edited by hand is rendered again
