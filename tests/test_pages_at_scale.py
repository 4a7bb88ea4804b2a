"""Pages stay short at scale: the README and a changelog section list a few records, then count."""

from __future__ import annotations

import pandas as pd

from jrr.flows.changelog import render_section
from jrr.flows.diff import Diff, RecordChange
from jrr.flows.readme_figures import MAX_LISTED_FIGURES, cross_check


def test_the_readme_sets_a_few_figures_against_records_then_counts_the_rest() -> None:
    figures = pd.DataFrame(
        {
            "figure_id": [f"invented-{n:03d}" for n in range(500)],
            "article_id": "invented-article",
            "subject": ["projects"] * 499 + ["other"],
            "value": 3.0,
            "qualifier": "about",
            "unit": "projects",
            "as_of": "2019",
            "description": "Invented.",
        }
    )
    projects = pd.DataFrame({"project_id": ["a", "b"], "status": ["active", "proposed"]})
    section = cross_check({"figures": figures, "projects": projects})
    listed = [line for line in section.splitlines() if line.startswith("- The article")]
    assert len(listed) == MAX_LISTED_FIGURES
    assert "`invented-000`" in listed[0] and "(1 active, 1 proposed)" in listed[0]
    assert section.splitlines()[-1].startswith("- … and 487 more figures counting records")


def test_a_changelog_section_lists_a_few_changed_records_then_counts_the_rest() -> None:
    changes = [
        RecordChange("meetings", f"m-{n:04d}", "changed", {"status": ("planned", "held")})
        for n in range(1_100)
    ]
    claims = pd.DataFrame(
        {
            "record_table": "meetings",
            "record_id": [f"m-{n:04d}" for n in range(1_100)],
            "field": "status",
            "article_id": "invented-article",
            "current": True,
        }
    )
    section = render_section("1.1.0", "2030-01-01", Diff.from_records(changes, [], claims))
    records = [line for line in section.splitlines() if line.startswith("- `meetings`")]
    assert len(records) == 13
    assert records[0] == (
        '- `meetings` `m-0000`: `status` "planned" → "held" (per `invented-article`)'
    )
    assert records[-1] == "- `meetings`: 1,088 more records changed (see changes.csv)"
    assert len(section.splitlines()) < 25
