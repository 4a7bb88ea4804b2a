"""The one EDTF grammar (jrr.schemas.edtf_dates) against the reference edtf package."""

from __future__ import annotations

import itertools

import edtf
import pytest

from jrr.schemas.edtf_dates import EdtfError, parse_edtf

YEARS = ["1956", "2019", "2020", "201X", "20XX", "0001"]
MONTHS = [None, "01", "02", "06", "12", "XX", "21", "22", "23", "24"]
DAYS = [None, "01", "28", "29", "30", "31", "XX"]
QUALIFIERS = ["", "?", "~", "%"]


def _dates() -> list[str]:
    """Dates the grammar accepts, built from every combination of its parts."""
    found = []
    for year, month, day, qualifier in itertools.product(YEARS, MONTHS, DAYS, QUALIFIERS):
        if month is None and day is not None:
            continue
        text = year + (f"-{month}" if month else "") + (f"-{day}" if day else "") + qualifier
        if _accepted(text):
            found.append(text)
    return found


def _accepted(text: str) -> bool:
    """True if the grammar accepts `text`."""
    try:
        parse_edtf(text)
    except EdtfError:
        return False
    return True


ACCEPTED = _dates()
INTERVALS = [
    interval
    for interval in (f"{a}/{b}" for a, b in itertools.product(ACCEPTED[::19], ACCEPTED[::29]))
    if _accepted(interval)
]


def test_the_grammar_accepts_a_broad_sample() -> None:
    assert len(ACCEPTED) > 150
    assert len(INTERVALS) > 100
    assert {"2019", "2019-06", "2019-06-30", "2019-21", "201X", "2019-XX-XX", "2019-06~"} <= set(
        ACCEPTED
    )


def test_bounds_agree_with_the_edtf_package() -> None:
    disagreements = []
    for text in ACCEPTED[::2] + INTERVALS:
        reference = edtf.parse_edtf(text)
        parsed = parse_edtf(text)
        ours = (parsed.start.timetuple()[:3], parsed.end.timetuple()[:3])
        theirs = (reference.lower_strict()[:3], reference.upper_strict()[:3])
        if ours != theirs:
            disagreements.append((text, ours, theirs))
    assert disagreements == []


@pytest.mark.parametrize(
    "text",
    [
        "2019-02-29",  # no such day
        "2019-13",
        "2019-00",
        "2019-06-00",
        "2019-21-01",  # a season has no day
        "2019-25",  # level 2 season
        "201X-06",  # level 2: unspecified year with a month
        "2019-XX-14",  # level 2: a known day in an unknown month
        "2019?-06",  # level 2: qualifier on one component
        "?2019",
        "2019-21?",
        "0000",
        "-0500",
        "XXXX",
        "2019/2020/2021",
        "2019/..",
        "2019-XX/2020",  # unspecified digits in an interval
        "2019-06-14T10:00:00",
        "2019-6",
        " 2019",
    ],
)
def test_level_2_and_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(EdtfError):
        parse_edtf(text)
