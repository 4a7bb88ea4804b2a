"""Bad input: `jrr release` exits non-zero, names file, line and field, and publishes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_jrr, tree_digest

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"
FOLLOWUP = "raw/annotations/example-2019-02-01-followup.yaml"
SUMMIT_TEXT = "raw/articles/example-2019-01-22-summit.txt"
SUMMIT_META = "raw/articles/example-2019-01-22-summit.yaml"

# (file to edit, text to replace, replacement, the problem that must be reported)
CASES = {
    "yaml syntax error": (
        SUMMIT,
        "    status: held\n",
        "    status: [held\n",
        f"{SUMMIT}:6: yaml:",
    ),
    "unknown field": (SUMMIT, "city: Moscow", "town: Moscow", f"{SUMMIT}:6: town: unknown field"),
    "missing required field": (
        SUMMIT,
        "    japan_participant: Shinzo Abe\n    russia_participant: Vladimir Putin\n    summary",
        "    russia_participant: Vladimir Putin\n    summary",
        f"{SUMMIT}:3: japan_participant: required",
    ),
    "wrong type": (SUMMIT, "value: 25", "value: many", f"{SUMMIT}:54: value: expected a number"),
    "malformed EDTF date": (
        SUMMIT,
        "date: 2019-01-22\n    status: held",
        "date: 2019-13-45\n    status: held",
        f"{SUMMIT}:4: date: '2019-13-45' is not a valid EDTF date",
    ),
    "impossible date": (
        SUMMIT,
        "as_of: 2019-01-22",
        "as_of: 2019-02-30",
        f"{SUMMIT}:57: as_of: '2019-02-30' is not a valid EDTF date",
    ),
    "end before start": (
        SUMMIT,
        "as_of: 2019-01\n",
        "as_of: 2019-01/2018-12\n",
        f"{SUMMIT}:66: as_of: the date range ends before it starts",
    ),
    "unknown country code": (
        SUMMIT,
        "country: RU",
        "country: XX",
        f"{SUMMIT}:7: country: 'XX' is not an allowed value",
    ),
    "unknown party code": (
        SUMMIT,
        "parties: [RU, JP]",
        "parties: [RU, QQ]",
        f"{SUMMIT}:26: parties: 'QQ;RU' must be ';'-joined ISO 3166-1 alpha-2 codes",
    ),
    "unknown enum value": (
        SUMMIT,
        "status: held",
        "status: happened",
        f"{SUMMIT}:5: status: 'happened' is not an allowed value (held, planned, cancelled)",
    ),
    "quote absent from the article": (
        SUMMIT,
        "met in Moscow on January 22, 2019\n",
        "met in Tokyo on January 22, 2019\n",
        f'{SUMMIT}:12: evidence: quote "met in Tokyo on January 22, 2019" not found in '
        f"{SUMMIT_TEXT}",
    ),
    "quote occurring twice": (
        SUMMIT,
        "        prefix: 'Putin said: \"'\n",
        "",
        f'{SUMMIT}:41: evidence: quote "the talks will continue" occurs 2 times',
    ),
    "duplicate id across two files": (
        FOLLOWUP,
        "  - ref: example-peace-treaty\n",
        "  - id: example-joint-statement\n    name: Copy\n    parties: [JP]\n    status: signed\n",
        f"{FOLLOWUP}:11: treaty_id: 'example-joint-statement' is used by more than one record",
    ),
    "ref to an id that does not exist": (
        FOLLOWUP,
        "ref: 2019-01-22-moscow",
        "ref: 2019-01-22-nowhere",
        f"{FOLLOWUP}:3: ref: no meetings record has id '2019-01-22-nowhere'",
    ),
    "annotation naming an article that does not exist": (
        FOLLOWUP,
        "article: example-2019-02-01-followup",
        "article: example-2019-02-02-missing",
        f"{FOLLOWUP}:1: article: no article 'example-2019-02-02-missing' in raw/articles/",
    ),
    "annotation file named after another article": (
        FOLLOWUP,
        "article: example-2019-02-01-followup",
        "article: example-2019-01-22-summit",
        f"{FOLLOWUP}:1: article: this file annotates 'example-2019-01-22-summit': name it "
        "raw/annotations/example-2019-01-22-summit.yaml",
    ),
    "party code that is not text": (
        SUMMIT,
        "parties: [RU, JP]",
        "parties: [RU, 7]",
        f"{SUMMIT}:26: parties: expected a list of country codes",
    ),
    "unknown YAML tag": (SUMMIT, "status: held", "status: !foo held", f"{SUMMIT}:5: yaml:"),
    "recursive YAML alias": (
        SUMMIT,
        "parties: [RU, JP]",
        "parties: &a [*a]",
        f"{SUMMIT}:26: yaml: syntax error: anchors and aliases (&name, *name) are not allowed",
    ),
    "year without a calendar date": (
        SUMMIT,
        "date: 2019-01-22\n    status: held",
        "date: '-0500'\n    status: held",
        f"{SUMMIT}:4: date: '-0500' is not a valid EDTF date",
    ),
    "infinite figure": (
        SUMMIT,
        "value: 25",
        "value: .inf",
        f"{SUMMIT}:54: value: expected a finite number below 2**53, got inf",
    ),
    "id that YAML reads as a number": (
        SUMMIT,
        "id: 2019-06-g20-japan",
        "id: 201906",
        f"{SUMMIT}:14: meeting_id: expected a lowercase slug id, got int 201906: put it in quotes",
    ),
    "published date in basic format": (
        SUMMIT_META,
        "published_date: 2019-01-22",
        "published_date: '20190122'",
        f"{SUMMIT_META}:3: published_date: '20190122' is not an ISO date (YYYY-MM-DD)",
    ),
    "event ref under the wrong treaty": (
        FOLLOWUP,
        "      - Both sides expect a peace treaty one day\n",
        "      - Both sides expect a peace treaty one day\n"
        "    events:\n      - ref: example-joint-statement-signed-2019-01-22\n"
        "        evidence: [stands]\n",
        f"{FOLLOWUP}:15: ref: event 'example-joint-statement-signed-2019-01-22' belongs to treaty "
        "'example-joint-statement', not 'example-peace-treaty'",
    ),
    "number too large for the table": (
        SUMMIT,
        "value: 25",
        "value: 1" + "0" * 400,
        f"{SUMMIT}:54: value: expected a finite number below 2**53, got 100000000000…",
    ),
    "control character in YAML": (
        SUMMIT,
        "city: Moscow",
        "city: Mos\x07cow",
        f"{SUMMIT}:6: yaml: syntax error: character #x0007 is not allowed in YAML",
    ),
    "formula-like free text": (
        SUMMIT,
        "summary: Agreed",
        "summary: =HYPERLINK",
        f"{SUMMIT}:10: summary: '=HYPERLINK to speed up the talks.' must not start with =",
    ),
}


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) with `new` in one file of the project."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_reported_and_nothing_is_published(
    released_project: Path, case: tuple[str, str, str, str]
) -> None:
    relative, old, new, expected = case
    _edit(released_project, relative, old, new)
    before = tree_digest(released_project / "dataset")

    code, out, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert expected in err, err
    assert "nothing was published" in err
    assert tree_digest(released_project / "dataset") == before


def test_duplicate_id_names_both_files(released_project: Path) -> None:
    _edit(released_project, *CASES["duplicate id across two files"][:3])
    _, _, err = run_jrr("release", "--root", str(released_project))
    assert f"{SUMMIT}:24: treaty_id: 'example-joint-statement' is used by more than one" in err


def test_article_text_not_utf8(released_project: Path) -> None:
    path = released_project / SUMMIT_TEXT
    path.write_bytes(path.read_bytes().replace("“We".encode(), b"\x93We", 1))
    before = tree_digest(released_project / "dataset")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert f"{SUMMIT_TEXT}:2: text: not valid UTF-8 (byte 0x93 at offset" in err
    assert tree_digest(released_project / "dataset") == before


EVERY_STAGE = ["unknown field", "wrong type", "quote absent from the article", "unknown enum value"]


def test_every_problem_is_reported_at_once(released_project: Path) -> None:
    for name in EVERY_STAGE:
        _edit(released_project, *CASES[name][:3])

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    for name in EVERY_STAGE:
        assert CASES[name][3] in err
    assert "4 problem(s) found" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("raw/annotations/extra.yml", "file: not read: raw/annotations/ holds only"),
        ("raw/articles/notes/draft.txt", "file: not read: raw/articles/ holds only"),
        ("raw/articles/lonely.yaml", "file: metadata without text: add raw/articles/lonely.txt"),
    ],
)
def test_files_the_build_would_skip_are_reported(
    released_project: Path, name: str, message: str
) -> None:
    path = released_project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("article: example-2019-01-22-summit\n")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert f"{name}:1: {message}" in err


def test_events_of_a_treaty_without_id_are_still_checked(released_project: Path) -> None:
    _edit(released_project, SUMMIT, "  - id: example-joint-statement\n    name", "  - name")
    _edit(released_project, SUMMIT, "        place: Moscow", "        venue: Moscow")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    assert f"{SUMMIT}:24: treaty_id: required: a lowercase slug id" in err
    assert f"{SUMMIT}:32: venue: unknown field" in err
