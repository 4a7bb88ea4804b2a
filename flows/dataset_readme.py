"""The dataset's landing page (README.md and timeline.svg), regenerated from published data only.

Nothing here records when it ran: the same published data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pyarrow.compute

from jrr.flows.landing_pages import TIMELINE_NAME, releases_of
from jrr.flows.readme_figures import cell as _cell
from jrr.flows.readme_figures import cross_check
from jrr.flows.release_folder import CODEBOOK_NAME, read_codebook
from jrr.flows.release_metadata import (
    CITATION_NAME,
    TITLE,
    ZENODO_NAME,
    citation_line,
    render_bibtex,
)
from jrr.flows.timeline import WINDOW, render_timeline
from jrr.schemas.io import ReleaseTables, parquet_path, read_datapackage, table_resources

MAX_LISTED_VALUES = 12  # longer enums (country, language codes) are not spelled out
MAX_LISTED_VERSIONS = 20  # newest versions in the table; every one is in releases.json


@dataclass(frozen=True)
class LatestRelease:
    """The latest published release: its index entry, every release's entry, tables, package."""

    entry: dict[str, Any]
    releases: list[dict[str, Any]]
    tables: ReleaseTables
    datapackage: dict[str, Any]
    dataset_dir: Path

    @property
    def version(self) -> str:
        """Its version, e.g. 1.0.0."""
        return str(self.entry["version"])

    @property
    def folder_name(self) -> str:
        """Its folder under dataset/, e.g. v1.0.0."""
        return f"v{self.version}"

    @property
    def folder(self) -> Path:
        """Its folder."""
        return self.dataset_dir / self.folder_name


def read_latest(dataset_dir: Path) -> LatestRelease:
    """The latest release listed in releases.json; each table is read and validated when used."""
    releases = releases_of(dataset_dir)
    folder = dataset_dir / f"v{releases[-1]['version']}"
    return LatestRelease(
        releases[-1], releases, ReleaseTables(folder), read_datapackage(folder), dataset_dir
    )


def render_readme(dataset_dir: Path) -> str:
    """The README.md of dataset/, generated from releases.json and the latest release."""
    return _readme(read_latest(dataset_dir))


def render_timeline_svg(dataset_dir: Path) -> bytes:
    """timeline.svg: the latest release's meetings and treaty milestones on one time axis."""
    return _timeline_svg(read_latest(dataset_dir))


def render_pages(release: LatestRelease) -> tuple[bytes, bytes]:
    """timeline.svg and README.md of a release, in that order."""
    return _timeline_svg(release), _readme(release).encode("utf-8")


def _timeline_svg(release: LatestRelease) -> bytes:
    """The timeline figure of a release's meetings and treaty milestones."""
    tables = release.tables
    return render_timeline(tables["meetings"], tables["treaty_events"], tables["treaties"])


def _readme(release: LatestRelease) -> str:
    """Every section of the README, in reading order."""
    sections = [
        _intro(release),
        _tables(release),
        _timeline(release),
        cross_check(release.tables),
        _dictionary(release),
        _coding_rules(release),
        _citation(release),
        _versions(release.releases),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _coding_rules(release: LatestRelease) -> str:
    """The release's codebook, its headings one level down to sit under this page's title."""
    codebook = read_codebook(release.folder)
    if not codebook.strip():
        return ""
    lines = [f"#{line}" if line.startswith("#") else line for line in codebook.splitlines()]
    where = f"{release.folder_name}/{CODEBOOK_NAME}"
    note = f"\n\nThe rules this release was coded by, as published in [`{where}`]({where})."
    return (lines[0] + note + "\n" + "\n".join(lines[1:])).rstrip()


def _intro(release: LatestRelease) -> str:
    """Title, what the dataset is, and the latest version."""
    license_ = release.datapackage.get("licenses", [{}])[0]
    folder = release.folder_name
    return (
        "<!-- Generated from the published data at each release; do not edit by hand. -->\n"
        f"# {TITLE}\n\n"
        "Japan–Russia relations as reported in news articles: meetings of the two countries' "
        "leaders, treaties and their dated milestones, cooperation projects, and the figures "
        "officials quote. Every row is backed by one or more verbatim quotes from its source "
        "article, published in the `evidence` table at character offsets that were verified "
        "against the article's text.\n\n"
        f"**Latest version: {release.version}**, released {release.entry['date']}, in "
        f"[`{folder}/`]({folder}/): every table as Parquet and as CSV (UTF-8, empty cell = "
        "null), with `datapackage.json` (a Frictionless Data Package describing every column) "
        "and `SHA256SUMS`. What changed in each version is in [CHANGELOG.md](CHANGELOG.md). "
        f"License: [{license_.get('name', 'see datapackage.json')}]"
        f"({license_.get('path', f'{folder}/datapackage.json')}).\n\n"
        f"{_spreadsheets(release)}"
    )


def _spreadsheets(release: LatestRelease) -> str:
    """How to open the tables in a spreadsheet without garbled characters."""
    workbooks = [e["path"] for e in release.entry["files"] if e["path"].endswith(".xlsx")]
    opening = (
        f"**Spreadsheets:** open [`{workbooks[0]}`]({release.folder_name}/{workbooks[0]}), "
        "every table as a sheet, with every text cell stored as text (a quote starting with "
        "`=`, `+`, `-` or `@` is shown, never run) and dates as ISO text. "
        if workbooks
        else "**Spreadsheets:** "
    )
    return (
        opening + "The CSV files are UTF-8 without a byte-order mark (RFC 4180): in Excel, "
        "import them with Data › From Text/CSV and File Origin 65001: Unicode (UTF-8), or "
        "characters such as – and ’ are garbled."
    )


def _tables(release: LatestRelease) -> str:
    """Row counts per table, with links to its files."""
    folder = release.folder_name
    lines = ["## Tables", "", "| table | rows | one row per | files |", "|---|---:|---|---|"]
    for resource in table_resources(release.datapackage):
        name = resource["name"]
        parquet = parquet_path(release.datapackage, name)
        files = f"[CSV]({folder}/{resource['path']}) · [Parquet]({folder}/{parquet})"
        what = _cell(resource.get("description", "")).removeprefix("One row per ").rstrip(".")
        lines.append(f"| `{name}` | {release.tables.rows(name)} | {what} | {files} |")
    return "\n".join(lines)


def _timeline(release: LatestRelease) -> str:
    """The timeline figure and how to read it."""
    tables = [release.tables[name] for name in ("meetings", "treaty_events")]
    years = [
        _year_range(table[column]) for table in tables for column in ("date_start", "date_end")
    ]
    known = [span for span in years if span is not None]
    span = f", {min(s[0] for s in known)}–{max(s[1] for s in known)}" if known else ""
    if any(len(table) > WINDOW for table in tables):
        summary = (
            f"Counts per year by kind on top, then the latest {WINDOW} records of each kind, one "
            "line each (every record of a kind is drawn while it has no more than that)."
        )
    else:
        summary = "One line per record."
    return (
        "## Timeline\n\n"
        f"![Timeline of leaders' meetings and treaty milestones{span}]({TIMELINE_NAME})\n\n"
        f"{summary} A dot marks a date known to the day; a bar spans a date known only to the "
        "month or year, or a range (its `date_start` to `date_end`)."
    )


def _year_range(days: pd.Series) -> tuple[int, int] | None:
    """The first and last year of a date column, or None if it has no date."""
    extremes = pyarrow.compute.min_max(pyarrow.array(days, type=pyarrow.date32()))
    if not extremes["min"].is_valid:
        return None
    return extremes["min"].as_py().year, extremes["max"].as_py().year


def _dictionary(release: LatestRelease) -> str:
    """Every table's description and columns, from the release's datapackage.json."""
    lines = [
        "## Data dictionary",
        "",
        f"Generated from [`{release.folder_name}/datapackage.json`]"
        f"({release.folder_name}/datapackage.json). Types are "
        "[Table Schema](https://specs.frictionlessdata.io/table-schema/) types; dates are ISO "
        "8601. A column `X` holding an [EDTF](https://www.loc.gov/standards/datetime/) date "
        "comes with `X_start` and `X_end` (earliest and latest day it can mean) and "
        "`X_precision`.",
    ]
    for resource in table_resources(release.datapackage):
        lines += ["", *_table_dictionary(resource)]
    return "\n".join(lines)


def _table_dictionary(resource: dict[str, Any]) -> list[str]:
    """One table's heading, description, keys and column table."""
    schema = resource["schema"]
    keys = [f"Primary key: {', '.join(f'`{key}`' for key in schema.get('primaryKey', []))}."]
    for foreign in schema.get("foreignKeys", []):
        target = foreign["reference"]
        keys.append(
            f"Foreign key: `{', '.join(foreign['fields'])}` → "
            f"`{target['resource'] or resource['name']}.{', '.join(target['fields'])}`."
        )
    lines = [f"### `{resource['name']}`", "", f"{resource.get('description', '')} {' '.join(keys)}"]
    lines += ["", "| column | type | required | description |", "|---|---|---|---|"]
    for field in schema["fields"]:
        required = "yes" if field.get("constraints", {}).get("required") else "no"
        description = _cell(" ".join([field.get("description", ""), *_constraint_notes(field)]))
        lines.append(f"| `{field['name']}` | {field['type']} | {required} | {description} |")
    return lines


def _constraint_notes(field: dict[str, Any]) -> list[str]:
    """Short notes on a field's constraints a reader needs: unique, allowed values, length."""
    constraints = field.get("constraints", {})
    notes = ["Unique."] if constraints.get("unique") else []
    if "maxLength" in constraints:
        notes.append(f"At most {constraints['maxLength']:,} characters.")
    allowed = constraints.get("enum", [])
    if 0 < len(allowed) <= MAX_LISTED_VALUES:
        notes.append("One of " + ", ".join(f"`{value}`" for value in allowed) + ".")
    return notes


def _citation(release: LatestRelease) -> str:
    """How to cite the dataset: the line, BibTeX for this version, and where the metadata is."""
    date = str(release.entry["date"])
    files = {entry["path"] for entry in release.entry["files"]}
    in_folder = (
        f" and in [`{release.folder_name}/{CITATION_NAME}`]({release.folder_name}/{CITATION_NAME})"
        if CITATION_NAME in files
        else ""
    )
    return (
        "## How to cite\n\n"
        f"> {citation_line(release.version, date)}\n\n"
        "```bibtex\n"
        f"{render_bibtex(release.version, date)}\n"
        "```\n\n"
        "Cite the version you used: published versions never change. Citation metadata (CFF) is "
        f"in [`{CITATION_NAME}`](../{CITATION_NAME}) at the root of the repository{in_folder}; "
        "Zenodo reads "
        f"[`{ZENODO_NAME}`](../{ZENODO_NAME}) to give each release a DOI."
    )


def _versions(releases: list[dict[str, Any]]) -> str:
    """Every published version, newest first, linking to its folder."""
    lines = ["## Versions", "", "| version | released | files |", "|---|---|---|"]
    for entry in list(reversed(releases))[:MAX_LISTED_VERSIONS]:
        folder = f"v{entry['version']}"
        size = sum(file["bytes"] for file in entry["files"])
        files = f"{len(entry['files'])} files, {size:,} bytes"
        lines.append(f"| [`{folder}/`]({folder}/) | {entry['date']} | {files} |")
    if len(releases) > MAX_LISTED_VERSIONS:
        rest = len(releases) - MAX_LISTED_VERSIONS
        lines += ["", f"{rest:,} older versions are listed in [`releases.json`](releases.json)."]
    return "\n".join(lines)
