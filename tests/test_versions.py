"""Releases that evolve: a sequence of edits through real flow runs, versions and changelogs."""

from __future__ import annotations

from pathlib import Path

import pandera.pandas as pa
import pytest
from helpers import run_jrr, tree_digest
from pandera.typing import Series

from jrr.flows import caching
from jrr.flows.annotations import Selector
from jrr.flows.claims import claim_id
from jrr.flows.evidence import evidence_id
from jrr.schemas import TABLES, TableSpec
from jrr.schemas.io import read_csv
from jrr.schemas.tables import Figures, Projects

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"
SUMMIT_TEXT = "raw/articles/example-2019-01-22-summit.txt"
SUMMIT_ID = "example-2019-01-22-summit"
CHANGES_HEADER = "table,record_id,change,previous_id,field,old_value,new_value"
PROJECT_FIELDS = ["kind", "name", "status"]
NEW_PROJECT = """  - id: osaka-talks
    kind: project
    name: Osaka talks
    status: proposed
    evidence:
      - plan to meet again at the G20 summit
"""


class ProjectsWithBudget(Projects):
    """Projects with one more column, as a later schema version might add."""

    budget: Series[float] = pa.Field(nullable=True, ge=0, description="Budget in US dollars.")


def _edit(project: Path, old: str, new: str) -> None:
    """Replace `old` (which must occur) with `new` in the summit annotation."""
    path = project / SUMMIT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _release(project: Path, date: str, *extra: str) -> str:
    """Run `jrr release` and return what it printed."""
    code, out, err = run_jrr("release", "--root", str(project), "--date", date, *extra)
    assert code == 0, err
    return out


def _cell(project: Path, version: str, table: str, column: str) -> str:
    """The value of `column` in the summit article's row of a published table."""
    frame = read_csv(project / "dataset" / f"v{version}" / f"{table}.csv")
    return str(frame.set_index("article_id").loc[SUMMIT_ID, column])


def _section(project: Path, version: str) -> str:
    """The changelog section of `version`."""
    changelog = (project / "dataset" / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{version}]", 1)[1].split("\n## [", 1)[0]
    return f"## [{version}]{section}".rstrip() + "\n"


def _changes(project: Path, version: str) -> list[str]:
    """Lines of a release's changes.csv."""
    path = project / "dataset" / f"v{version}" / "changes.csv"
    return path.read_text(encoding="utf-8").splitlines()


def test_versions_follow_the_diff(
    prefect_server: None, golden_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = golden_project
    assert _release(project, "2026-01-01").startswith("published v1.0.0")

    _edit(project, "figures:\n", NEW_PROJECT + "figures:\n")
    assert _release(project, "2026-02-01", "--note", "Added the Osaka talks.").startswith(
        "published v1.1.0"
    )
    new_evidence = evidence_id(
        "projects", "osaka-talks", SUMMIT_ID, Selector("plan to meet again at the G20 summit")
    )
    peace_quote = evidence_id(
        "treaties",
        "example-peace-treaty",
        SUMMIT_ID,
        Selector("the talks will continue", prefix='Putin said: "'),
    )
    assert _section(project, "1.1.0") == (
        "## [1.1.0] - 2026-02-01\n\nAdded the Osaka talks.\n\n### Added\n\n"
        "- `projects` (1): `osaka-talks`\n"
        "- `evidence`: 1 quote added, for projects `osaka-talks` (1)\n"
        "- `claims`: 3 claims added, for projects `osaka-talks` (3)\n"
    )
    claim_ids = [claim_id("projects", "osaka-talks", name, SUMMIT_ID) for name in PROJECT_FIELDS]
    assert _changes(project, "1.1.0") == [
        CHANGES_HEADER,
        "projects,osaka-talks,added,,,,",
        f"evidence,{new_evidence},added,,,,",
        *(f"claims,{claim},added,,,," for claim in sorted(claim_ids)),
    ]

    _edit(project, "summary: Agreed to speed up the talks.", "summary: Agreed to speed up talks.")
    text = project / SUMMIT_TEXT  # a correction in the article moves the quotes after it
    text.write_text(text.read_text().replace("Abe said: “the", "Abe then said: “the"))
    assert _release(project, "2026-03-01").startswith("published v1.1.1")
    old_sha = _cell(project, "1.1.0", "articles", "text_sha256")
    sha = _cell(project, "1.1.1", "articles", "text_sha256")
    summary_claim = claim_id("meetings", "2019-01-22-moscow", "summary", SUMMIT_ID)
    assert _section(project, "1.1.1") == (
        "## [1.1.1] - 2026-03-01\n\n### Changed\n\n"
        f'- `articles` `{SUMMIT_ID}`: `text_sha256` "{old_sha}" → "{sha}"; `n_chars` 524 → 529\n'
        '- `meetings` `2019-01-22-moscow`: `summary` "Agreed to speed up the talks." → '
        f'"Agreed to speed up talks." (per `{SUMMIT_ID}`)\n'
        "- `evidence`: 1 quote changed, for treaties `example-peace-treaty` (1)\n"
        "- `claims`: 1 claim changed, for meetings `2019-01-22-moscow` (1)\n"
    )
    assert _changes(project, "1.1.1") == [
        CHANGES_HEADER,
        f"articles,{SUMMIT_ID},changed,,text_sha256,{old_sha},{sha}",
        f"articles,{SUMMIT_ID},changed,,n_chars,524,529",
        "meetings,2019-01-22-moscow,changed,,summary,Agreed to speed up the talks.,"
        "Agreed to speed up talks.",
        f"evidence,{peace_quote},changed,,char_start,498,503",
        f"evidence,{peace_quote},changed,,char_end,521,526",
        f"claims,{summary_claim},changed,,value,Agreed to speed up the talks.,"
        "Agreed to speed up talks.",
    ]

    projects = TABLES["projects"]
    with_budget = TableSpec("projects", ProjectsWithBudget, "project_id", projects.foreign_keys)
    monkeypatch.setitem(TABLES, "projects", with_budget)
    # In a checkout the new column is an edit of schemas/tables.py, which keys the build.
    monkeypatch.setattr(caching, "_source_digest", lambda: "tables.py with a budget column")
    assert _release(project, "2026-04-01").startswith("published v1.2.0")
    assert _section(project, "1.2.0") == (
        "## [1.2.0] - 2026-04-01\n\n### Added\n\n- Columns of `projects`: `budget`.\n"
    )
    assert _changes(project, "1.2.0") == [CHANGES_HEADER]

    _edit(project, NEW_PROJECT, "")
    assert _release(project, "2026-05-01").startswith("published v2.0.0")
    assert _section(project, "2.0.0") == (
        "## [2.0.0] - 2026-05-01\n\n### Removed\n\n- `projects` (1): `osaka-talks`\n"
        "- `evidence`: 1 quote removed, for projects `osaka-talks` (1)\n"
        "- `claims`: 3 claims removed, for projects `osaka-talks` (3)\n"
    )
    assert _changes(project, "2.0.0") == [
        CHANGES_HEADER,
        "projects,osaka-talks,removed,,,,",
        f"evidence,{new_evidence},removed,,,,",
        *(f"claims,{claim},removed,,,," for claim in sorted(claim_ids)),
    ]

    code, out, _ = run_jrr("diff", "1.1.0", "1.1.1", "--root", str(project))
    assert code == 0
    assert out == "## 1.1.0 → 1.1.1 (patch)\n\n" + _section(project, "1.1.1").split("\n\n", 1)[1]
    assert run_jrr("validate", "--root", str(project))[0] == 0


class FiguresWithIntegerValues(Figures):
    """Figures whose value column changes type."""

    value: Series[int] = pa.Field(description="The number as stated.")


class ProjectsWithNewDescription(Projects):
    """Projects whose status column is described differently."""

    status: Series[str] = pa.Field(
        isin=["proposed", "developed", "active", "completed"], description="Stage of the project."
    )


@pytest.mark.parametrize(
    ("spec", "version", "line"),
    [
        (
            TableSpec("figures", FiguresWithIntegerValues, "figure_id"),
            "2.0.0",
            "- Column `figures.value`: type changed number → integer.",
        ),
        (
            TableSpec(
                "projects",
                ProjectsWithNewDescription,
                "project_id",
                TABLES["projects"].foreign_keys,
            ),
            "1.0.1",
            "- Column `projects.status`: description or constraints changed.",
        ),
    ],
    ids=["type change is major", "description change is patch"],
)
def test_schema_changes_set_the_version(
    released_project: Path,
    monkeypatch: pytest.MonkeyPatch,
    spec: TableSpec,
    version: str,
    line: str,
) -> None:
    monkeypatch.setitem(TABLES, spec.name, spec)
    code, out, _ = run_jrr("release", "--root", str(released_project), "--dry-run")
    assert code == 0
    assert out.startswith(f"would publish v{version}")
    assert line in out


def test_dry_run_after_an_edit_writes_nothing(released_project: Path) -> None:
    _edit(released_project, "figures:\n", NEW_PROJECT + "figures:\n")
    before = tree_digest(released_project / "dataset")

    code, out, _ = run_jrr(
        "release", "--root", str(released_project), "--dry-run", "--date", "2026-06-01"
    )

    assert code == 0
    assert out.startswith("would publish v1.1.0 (dry run; nothing written)")
    assert "## [1.1.0] - 2026-06-01" in out
    assert "- `projects` (1): `osaka-talks`" in out
    assert tree_digest(released_project / "dataset") == before


def test_adding_a_quote_leaves_the_other_quotes_alone(
    released_project: Path, tmp_path: Path
) -> None:
    _edit(
        released_project,
        "      - met in Moscow on",
        "      - their 25th meeting\n      - met in Moscow on",
    )

    changes = tmp_path / "changes.csv"
    code, out, _ = run_jrr(
        "diff", "1.0.0", "raw", "--root", str(released_project), "--csv", str(changes)
    )

    added = evidence_id("meetings", "2019-01-22-moscow", SUMMIT_ID, Selector("their 25th meeting"))
    assert code == 0
    assert out == (
        "## 1.0.0 → raw (minor)\n\n### Added\n\n"
        "- `evidence`: 1 quote added, for meetings `2019-01-22-moscow` (1)\n"
    )
    assert changes.read_text().splitlines() == [CHANGES_HEADER, f"evidence,{added},added,,,,"]
