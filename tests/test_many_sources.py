"""Many sources, one record: later articles update earlier records through `ref`s.

The golden corpus (invented) tells one story in three articles: a meeting planned for June
(summit, 2019-01-22), its date narrowed by inference (follow-up, 2019-02-01), then reported held
in Osaka on June 29 together with the signing of a peace treaty under negotiation (Osaka,
2019-07-01).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOLDEN
from helpers import add_golden_article, article_files, run_jrr, tree_digest

from jrr.flows.pipeline import build_dataset
from jrr.flows.problems import InputError
from jrr.schemas.io import read_csv

FOLLOWUP = "example-2019-02-01-followup"
OSAKA = "example-2019-07-01-osaka"
CHANGES_HEADER = "table,record_id,change,previous_id,field,old_value,new_value"


def _release(project: Path, date: str) -> str:
    """Release and return what was printed."""
    code, out, err = run_jrr("release", "--root", str(project), "--date", date)
    assert code == 0, err
    return out


def _replace(path: Path, old: str, new: str) -> None:
    """Replace text that must occur in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_story_in_three_articles(golden_project: Path) -> None:
    project = golden_project
    for name in [*article_files(FOLLOWUP), *article_files(OSAKA)]:
        (project / name).unlink()
    assert _release(project, "2026-01-01").startswith("published v1.0.0")

    add_golden_article(project, FOLLOWUP)
    section = _release(project, "2026-02-01")
    assert section.startswith("published v1.1.0")
    assert (
        '- `meetings` `2019-06-g20-japan`: `date` "2019-06" → "2019-06-21/2019-06-30" '
        f'(per `{FOLLOWUP}`); `n_sources` 1 → 2; `last_reported` "2019-01-22" → "2019-02-01"\n'
    ) in section

    add_golden_article(project, OSAKA)
    assert _release(project, "2026-03-01") == (
        "published v1.2.0 in dataset/v1.2.0\n\n"
        "## [1.2.0] - 2026-03-01\n\n### Added\n\n"
        f"- `articles` (1): `{OSAKA}`\n"
        "- `treaty_events` (1): `example-peace-treaty-signed-2019-06-29`\n"
        "- `evidence`: 3 quotes added, for meetings `2019-06-g20-japan` (1), treaties "
        "`example-peace-treaty` (1), treaty_events `example-peace-treaty-signed-2019-06-29` (1)\n"
        f"- `claims`: 11 claims added, for articles `{OSAKA}` (4), meetings `2019-06-g20-japan` "
        "(3), treaties `example-peace-treaty` (1), treaty_events "
        "`example-peace-treaty-signed-2019-06-29` (3)\n\n"
        "### Changed\n\n"
        '- `meetings` `2019-06-g20-japan`: `date` "2019-06-21/2019-06-30" → "2019-06-29" '
        f'(per `{OSAKA}`); `status` "planned" → "held" (per `{OSAKA}`); `city` (empty) → '
        f'"Osaka" (per `{OSAKA}`); `inferred` "date" → (empty); `n_sources` 2 → 3; '
        '`last_reported` "2019-02-01" → "2019-07-01"\n'
        '- `treaties` `example-peace-treaty`: `status` "under_negotiation" → "signed" '
        f'(per `{OSAKA}`); `signed_date` (empty) → "2019-06-29"; `n_sources` 2 → 3; '
        '`last_reported` "2019-02-01" → "2019-07-01"\n'
        "- `claims`: 3 claims changed, for meetings `2019-06-g20-japan` (2), treaties "
        "`example-peace-treaty` (1)\n\n"
    )
    changes = (project / "dataset" / "v1.2.0" / "changes.csv").read_text().splitlines()
    assert "meetings,2019-06-g20-japan,changed,,status,planned,held" in changes
    assert "treaties,example-peace-treaty,changed,,status,under_negotiation,signed" in changes

    # Released one article at a time, the tables are those of the whole corpus at once.
    expected = GOLDEN / "expected"
    for table in ["meetings", "treaties", "treaty_events", "evidence", "claims"]:
        published = project / "dataset" / "v1.2.0" / f"{table}.csv"
        assert published.read_bytes() == (expected / f"{table}.csv").read_bytes(), table


def test_claims_keep_every_statement_and_mark_the_published_one() -> None:
    claims = read_csv(GOLDEN / "expected" / "claims.csv")
    dates = claims[(claims["record_id"] == "2019-06-g20-japan") & (claims["field"] == "date")]
    assert dates[["value", "article_id", "basis", "current"]].values.tolist() == [
        ["2019-06", "example-2019-01-22-summit", "inferred", "false"],
        ["2019-06-21/2019-06-30", FOLLOWUP, "inferred", "false"],
        ["2019-06-29", OSAKA, "stated", "true"],
    ]


def test_inferred_values_round_trip_to_inferred_and_reasons(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN / "raw", tmp_path / "raw")
    for name in article_files(OSAKA):
        (tmp_path / name).unlink()  # the follow-up's inferred date is then the latest claim
    tables = build_dataset(tmp_path).tables

    meetings = tables["meetings"].set_index("meeting_id")
    assert meetings.loc["2019-06-g20-japan", "inferred"] == "date"
    assert pd.isna(meetings.loc["2019-01-22-moscow", "inferred"])
    claims = tables["claims"]
    [reason] = claims[
        (claims["current"])
        & (claims["field"] == "date")
        & (claims["record_id"] == "2019-06-g20-japan")
    ]["reason"]
    assert reason == "'the end of June' read as its last ten days"


def test_articles_of_the_same_date_that_disagree_stop_the_release(
    released_project: Path,
) -> None:
    add_golden_article(released_project, OSAKA)
    _replace(released_project / f"raw/articles/{OSAKA}.yaml", "2019-07-01", "2019-02-01")
    before = tree_digest(released_project / "dataset")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert (
        f"raw/annotations/{OSAKA}.yaml:5: date: '2019-06-29' conflicts with "
        f"'2019-06-21/2019-06-30' at raw/annotations/{FOLLOWUP}.yaml:7: both articles are "
        "dated 2019-02-01"
    ) in err
    assert tree_digest(released_project / "dataset") == before


def test_a_rename_is_listed_as_renamed_and_is_major(released_project: Path) -> None:
    summit = released_project / "raw/annotations/example-2019-01-22-summit.yaml"
    _replace(
        summit,
        "- id: 2019-01-22-moscow\n",
        "- id: 2019-01-22-kremlin\n    renamed_from: 2019-01-22-moscow\n",
    )
    _replace(
        released_project / f"raw/annotations/{FOLLOWUP}.yaml",
        "ref: 2019-01-22-moscow",
        "ref: 2019-01-22-kremlin",
    )

    out = _release(released_project, "2026-02-01")

    assert out.startswith("published v2.0.0")
    assert "- `meetings` `2019-01-22-moscow` renamed to `2019-01-22-kremlin`\n" in out
    assert "- `meetings` (1)" not in out  # never a removal plus an addition
    changes = (released_project / "dataset/v2.0.0/changes.csv").read_text().splitlines()
    assert changes[:2] == [
        CHANGES_HEADER,
        "meetings,2019-01-22-kremlin,renamed,2019-01-22-moscow,,,",
    ]
    code, diff, _ = run_jrr("diff", "1.0.0", "2.0.0", "--root", str(released_project))
    assert code == 0 and "renamed to `2019-01-22-kremlin`" in diff


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  - ref: 2019-01-22-moscow\n",
            "  - ref: 2019-01-22-moscow\n    summary: Changed.\n",
            f"raw/annotations/{FOLLOWUP}.yaml:4: summary: a ref cannot restate 'summary': only "
            "the record's home file writes it (a ref to meetings may restate: status, date, "
            "city, country, occasion)",
        ),
        (
            "  - ref: 2019-01-22-moscow\n",
            "  - ref: 2019-01-22-moscow\n    status: {value: held}\n",
            f"raw/annotations/{FOLLOWUP}.yaml:4: status: an inferred value is written "
            '{value: ..., inferred: "why"} (got keys: value)',
        ),
        (
            "  - ref: 2019-01-22-moscow\n",
            "  - ref: 2019-01-22-moscow\n    status: {value: held, inferred: ''}\n",
            f"raw/annotations/{FOLLOWUP}.yaml:4: status: inferred: say in words why",
        ),
        (
            "  - ref: 2019-01-22-moscow\n",
            "  - ref: 2019-01-22-moscow\n    status: finished\n",
            f"raw/annotations/{FOLLOWUP}.yaml:4: status: 'finished' is not an allowed value",
        ),
        (
            "  - ref: 2019-01-22-moscow\n",
            "  - ref: 2019-01-22-moscow\n    date: 2019-13\n",
            f"raw/annotations/{FOLLOWUP}.yaml:4: date: '2019-13' is not a valid EDTF date",
        ),
    ],
    ids=[
        "field a ref may not restate",
        "inferred without reason key",
        "empty reason",
        "bad status in a ref",
        "bad date in a ref",
    ],
)
def test_misused_refs_and_inferred_values_are_reported(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    shutil.copytree(GOLDEN / "raw", tmp_path / "raw")
    _replace(tmp_path / f"raw/annotations/{FOLLOWUP}.yaml", old, new)
    with pytest.raises(InputError) as error:
        build_dataset(tmp_path)
    assert expected in error.value.report()


def test_renamed_from_an_id_still_in_use_is_reported(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN / "raw", tmp_path / "raw")
    summit = tmp_path / "raw/annotations/example-2019-01-22-summit.yaml"
    _replace(
        summit,
        "  - id: 2019-06-g20-japan\n",
        "  - id: 2019-06-g20-japan\n    renamed_from: 2019-01-22-moscow\n",
    )
    with pytest.raises(InputError) as error:
        build_dataset(tmp_path)
    assert (
        "example-2019-01-22-summit.yaml:15: renamed_from: '2019-01-22-moscow' is still the id of "
        "a meetings record"
    ) in error.value.report()
