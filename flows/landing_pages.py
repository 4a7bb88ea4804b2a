"""The pages beside the releases (dataset/README.md, timeline.svg, CHANGELOG.md's neighbours
and the root's citation files), refreshed after each release.

Kept apart from their rendering (flows/dataset_readme.py: pandas, matplotlib), which is imported
only when the published data has changed: a release that changes nothing stays light.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jrr.flows import page_stamp
from jrr.flows.files import write_if_changed
from jrr.flows.release_index import parse_index
from jrr.flows.release_metadata import (
    CITATION_NAME,
    ZENODO_NAME,
    citation_line,
    render_citation,
    render_zenodo,
)

README_NAME = "README.md"
TIMELINE_NAME = "timeline.svg"
# The root README's citation line sits between these markers and is rewritten at each release.
CITATION_START = "<!-- citation: generated at each release from dataset/releases.json -->"
CITATION_END = "<!-- /citation -->"


def write_dataset_readme(dataset_dir: Path) -> list[Path]:
    """Write dataset/README.md and dataset/timeline.svg atomically; return their paths.

    Nothing is rendered when the pages already hold what the published data gives (a
    release that changed nothing), as recorded by the last render's stamp.
    """
    pages = [dataset_dir / TIMELINE_NAME, dataset_dir / README_NAME]
    key = page_stamp.pages_key(
        dataset_dir, dataset_dir / f"v{releases_of(dataset_dir)[-1]['version']}"
    )
    if page_stamp.up_to_date(dataset_dir, key, pages):
        return pages
    from jrr.flows.dataset_readme import read_latest, render_pages  # pandas, matplotlib

    for path, data in zip(pages, render_pages(read_latest(dataset_dir)), strict=True):
        write_if_changed(path, data)
    page_stamp.record(dataset_dir, key, pages)
    return pages


def root_pages(root: Path) -> dict[Path, bytes]:
    """CITATION.cff, .zenodo.json and the root README's citation line, for the latest release."""
    entry = releases_of(root / "dataset")[-1]
    version, date = str(entry["version"]), str(entry["date"])
    pages = {
        root / CITATION_NAME: render_citation(version, date).encode("utf-8"),
        root / ZENODO_NAME: render_zenodo(version, date),
    }
    readme = root / README_NAME
    if readme.exists() and CITATION_START in readme.read_text(encoding="utf-8"):
        pages[readme] = _with_citation_line(readme, citation_line(version, date)).encode("utf-8")
    return pages


def update_citation(root: Path) -> None:
    """Write CITATION.cff, .zenodo.json and the root README's citation line for the latest."""
    for path, data in root_pages(root).items():
        write_if_changed(path, data)


def _with_citation_line(readme: Path, line: str) -> str:
    """The README's text with the citation between its markers replaced by `line`."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(CITATION_START) + r".*?" + re.escape(CITATION_END), re.DOTALL)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{readme}: expected one citation block marked {CITATION_START}")
    return pattern.sub(lambda _: f"{CITATION_START}\n{line}\n{CITATION_END}", text)


def releases_of(dataset_dir: Path) -> list[dict[str, Any]]:
    """Every entry of releases.json, oldest first; an error if there is none."""
    path = dataset_dir / "releases.json"
    releases = parse_index(path.read_bytes(), str(path))["releases"] if path.exists() else []
    if not releases:
        raise ValueError(f"{dataset_dir / 'releases.json'} lists no release yet")
    return releases
