"""After a build that found no problem, a build rebuilds only what the changed articles touch,
and its tables and renames equal those of a whole build (build_uncached), edit after edit.

The edits are invented, on a copy of the golden corpus. Set JRR_FUZZ_EXAMPLES for a longer
run of random sequences of them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOLDEN
from helpers import add_golden_article, article_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_article_cache import assert_same

from jrr.flows import caching, corpus
from jrr.flows.build_snapshot import SNAPSHOT_DIR, load_snapshot
from jrr.flows.pipeline import build_dataset, build_uncached
from jrr.flows.problems import InputError

SUMMIT = "example-2019-01-22-summit"
FOLLOWUP = "example-2019-02-01-followup"
OSAKA = "example-2019-07-01-osaka"
EXAMPLES = int(os.environ.get("JRR_FUZZ_EXAMPLES", "0")) or None


def replace(project: Path, name: str, old: str, new: str) -> None:
    """Replace text that must occur in a file of the project."""
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_article(project: Path, article_id: str) -> None:
    """Delete an article's three files."""
    for name in article_files(article_id):
        (project / name).unlink()


EDITS: dict[str, Callable[[Path], None]] = {
    "a value of a record": lambda p: replace(
        p, f"raw/annotations/{SUMMIT}.yaml", "city: Moscow", "city: Moskva"
    ),
    "a value a later article restates": lambda p: replace(
        p, f"raw/annotations/{OSAKA}.yaml", "city: Osaka", "city: Osaka-shi"
    ),
    "an inferred value made stated": lambda p: replace(
        p,
        f"raw/annotations/{FOLLOWUP}.yaml",
        "date: {value: 2019-06-21/2019-06-30, inferred: \"'the end of June' read as its last "
        'ten days"}',
        "date: 2019-06-21/2019-06-30",
    ),
    "an article's publication date": lambda p: replace(
        p, f"raw/articles/{OSAKA}.yaml", "published_date: 2019-07-01", "published_date: 2019-07-03"
    ),
    "an article's title": lambda p: replace(
        p, f"raw/articles/{SUMMIT}.yaml", "title:", "title: Updated"
    ),
    "an article removed": lambda p: remove_article(p, OSAKA),
    "text before every quote": lambda p: replace(
        p, f"raw/articles/{SUMMIT}.txt", "", "Updated on January 23. "
    ),
    "an event added to a treaty stated elsewhere": lambda p: replace(
        p,
        f"raw/annotations/{OSAKA}.yaml",
        "        evidence:\n          - signed the peace treaty there\n",
        "        evidence:\n          - signed the peace treaty there\n"
        "      - date: 2019-06-30\n        type: signed\n        place: Tokyo\n"
        "        evidence:\n          - Abe and Putin met in Osaka\n",
    ),
    "a record renamed": lambda p: replace(
        p,
        f"raw/annotations/{SUMMIT}.yaml",
        "  - id: kamchatka-wind-power\n",
        "  - id: kamchatka-wind-farms\n    renamed_from: kamchatka-wind-power\n",
    ),
}


def edits_in_a_row() -> list[str]:
    """Every edit, in an order in which each can follow the others (the removal last)."""
    removal = "an article removed"
    return [*(name for name in EDITS if name != removal), removal]


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each build since took the incremental path (True) or built as a whole."""
    outcomes: list[bool] = []
    incremental = corpus.incremental_build

    def spy(*args: object, **kwargs: object) -> object:
        rebuilt = incremental(*args, **kwargs)  # type: ignore[arg-type]
        outcomes.append(rebuilt is not None)
        return rebuilt

    monkeypatch.setattr(corpus, "incremental_build", spy)
    return outcomes


def assert_equals_a_whole_build(project: Path) -> None:
    """The (incremental) build of the project equals one whole, uncached build."""
    built, whole = build_dataset(project), build_uncached(project)
    assert_same(built.tables, whole.tables)
    assert built.renames == whole.renames


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edit_rebuilds_only_what_it_touches(edit: str, project: Path, spied: list) -> None:
    build_dataset(project)
    EDITS[edit](project)
    assert_equals_a_whole_build(project)
    assert spied == [True]


def test_an_added_article_is_spliced_in(project: Path, spied: list[bool]) -> None:
    remove_article(project, OSAKA)
    build_dataset(project)
    add_golden_article(project, OSAKA)
    assert_equals_a_whole_build(project)
    assert spied == [True]


def test_edits_in_a_row_keep_equal_to_a_whole_build(project: Path, spied: list[bool]) -> None:
    build_dataset(project)
    for name in edits_in_a_row():
        EDITS[name](project)
        assert_equals_a_whole_build(project)
    assert spied == [True] * len(EDITS)


def test_a_problem_is_reported_by_the_whole_build_then_splicing_resumes(
    project: Path, spied: list[bool]
) -> None:
    build_dataset(project)
    replace(project, f"raw/annotations/{SUMMIT}.yaml", "country: RU", "country: XX")
    reports = _refusals(project)
    assert reports[0] == reports[1] and "country" in reports[0]
    replace(project, f"raw/annotations/{SUMMIT}.yaml", "country: XX", "country: JP")
    assert_equals_a_whole_build(project)
    assert spied == [False, True]  # the failed build kept the last good one to splice into


@pytest.mark.parametrize(
    "change",
    ["a stray file", "raw/ made a link", "a conflict across tables", "a damaged snapshot"],
)
def test_what_splicing_cannot_be_sure_of_is_built_whole(
    change: str, project: Path, spied: list[bool]
) -> None:
    build_dataset(project)
    if change == "a stray file":
        (project / "raw/articles/notes.md").write_text("notes\n")
    elif change == "raw/ made a link":
        (project / "raw").rename(project / "raw-elsewhere")
        (project / "raw").symlink_to(project / "raw-elsewhere")
    elif change == "a conflict across tables":  # a second record with an id already in use
        replace(
            project,
            f"raw/annotations/{OSAKA}.yaml",
            "treaties:\n",
            "projects:\n  - id: kamchatka-wind-power\n    kind: project\n    name: Again\n"
            "    status: proposed\n    evidence:\n      - Abe and Putin met\ntreaties:\n",
        )
    else:
        for path in (project / SNAPSHOT_DIR).iterdir():
            path.write_bytes(b"damaged")
    whole = [build_uncached]
    if change == "a damaged snapshot":
        assert_equals_a_whole_build(project)
        assert spied == []
        return
    reports = []
    for build in (build_dataset, *whole):
        with pytest.raises(InputError) as error:
            build(project)
        reports.append(error.value.report())
    assert reports[0] == reports[1]
    assert spied == [False]


# A project of the Osaka article under the Kamchatka record of the summit article, made a plan.
UNDER_KAMCHATKA = (
    "projects:\n  - id: osaka-turbines\n    kind: project\n    parent_id: kamchatka-wind-power\n"
    "    name: Turbines\n    status: proposed\n    evidence:\n      - Abe and Putin met in Osaka\n"
)


@pytest.mark.parametrize(
    "edit",
    [("kind: plan", "kind: project"), ("- id: kamchatka-wind-power", "- id: kamchatka-farms")],
    ids=["the parent made a project", "the parent renamed"],
)
def test_a_row_kept_that_a_rebuilt_record_breaks_is_built_whole(
    edit: tuple[str, str], project: Path, spied: list[bool]
) -> None:
    replace(project, f"raw/annotations/{SUMMIT}.yaml", "kind: project", "kind: plan")
    osaka = project / f"raw/annotations/{OSAKA}.yaml"
    osaka.write_text(osaka.read_text(encoding="utf-8") + UNDER_KAMCHATKA, encoding="utf-8")
    build_dataset(project)
    replace(project, f"raw/annotations/{SUMMIT}.yaml", *edit)  # the Osaka project is kept
    reports = _refusals(project)
    assert reports[0] == reports[1] and "osaka" in reports[0]
    assert spied == [False]


def _refusals(project: Path) -> list[str]:
    """The reports of the build that splices and of a whole build, both of which must refuse."""
    reports = []
    for build in (build_dataset, build_uncached):
        with pytest.raises(InputError) as error:
            build(project)
        reports.append(error.value.report())
    return reports


def soft(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """`edit`, doing nothing where its file or its text is not there (after other edits)."""

    def apply(project: Path) -> None:
        with contextlib.suppress(AssertionError, FileNotFoundError):
            edit(project)

    return apply


def toggle(article_id: str) -> Callable[[Path], None]:
    """Remove an article if it is there, else add it back."""

    def apply(project: Path) -> None:
        if (project / article_files(article_id)[0]).exists():
            remove_article(project, article_id)
        else:
            add_golden_article(project, article_id)

    return apply


STEPS: dict[str, Callable[[Path], None]] = {
    **{name: soft(edit) for name, edit in EDITS.items() if name != "an article removed"},
    f"toggle {OSAKA}": toggle(OSAKA),
    f"toggle {FOLLOWUP}": toggle(FOLLOWUP),
    "a bad country": soft(
        lambda p: replace(p, f"raw/annotations/{SUMMIT}.yaml", "country: RU", "country: XX")
    ),
    "a good country again": soft(
        lambda p: replace(p, f"raw/annotations/{SUMMIT}.yaml", "country: XX", "country: RU")
    ),
    "a ref to no record": soft(
        lambda p: replace(
            p, f"raw/annotations/{FOLLOWUP}.yaml", "ref: 2019-01-22-moscow", "ref: 2019-01-23"
        )
    ),
}


@settings(
    max_examples=EXAMPLES or 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=4))
def test_any_sequence_of_edits_builds_as_a_whole_build(steps: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        shutil.copytree(GOLDEN / "raw", project / "raw")
        build_dataset(project)
        for step in steps:
            STEPS[step](project)
            try:
                whole = build_uncached(project)
            except InputError as error:
                with pytest.raises(InputError) as again:
                    build_dataset(project)
                assert again.value.report() == error.report()
                continue
            built = build_dataset(project)
            assert_same(built.tables, whole.tables)
            assert built.renames == whole.renames


def test_an_incremental_build_is_kept_while_the_release_goes_on(project: Path) -> None:
    build_dataset(project)
    EDITS["a value of a record"](project)
    dataset = build_dataset(project)
    kept = load_snapshot(project, caching.code_version())  # once the build is written
    assert kept is not None and kept.build_id == dataset.build_id
    assert_same(kept.tables, dataset.tables)
