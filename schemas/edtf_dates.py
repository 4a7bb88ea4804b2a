"""EDTF level 0 and 1 dates, as the earliest day, latest day and precision they can mean.

The one EDTF grammar of the dataset: the build parses annotations with it and `jrr validate`
checks published files with it, using only the standard library. Supported (Library of
Congress EDTF, 2019): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`; seasons 21–24; a qualifier `?`, `~` or `%`
after a date; unspecified digits (`201X`, `20XX`, `2019-XX`, `2019-06-XX`, `2019-XX-XX`); and
intervals `A/B` of dates without unspecified digits. Open or unknown interval ends, qualified
seasons and years without a calendar date (before year 1) are refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

# One end: year, optional month (or season), optional day, then an optional qualifier.
_DATE = re.compile(
    r"^(?P<year>[0-9]{4}|[0-9]{3}X|[0-9]{2}XX)"
    r"(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?"
    r"(?P<qualifier>[?~%])?$"
)
# Seasons of level 1 as (first month, last month); winter stays inside its year.
_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 12)}
_PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}


class EdtfError(ValueError):
    """Text that is not an EDTF date this dataset can publish."""


@dataclass(frozen=True)
class DateRange:
    """What an EDTF date can mean: from `start` to `end`, known to `precision`."""

    start: dt.date
    end: dt.date
    precision: str


@lru_cache(maxsize=65536)
def parse_edtf(text: str) -> DateRange:
    """Parse a level 0/1 EDTF date or interval with known ends; EdtfError if it is none."""
    if ".." in text or text.startswith("/") or text.endswith("/"):
        raise EdtfError(f"{text!r}: open or unknown interval ends are not supported")
    ends = text.split("/")
    if len(ends) > 2 or (len(ends) == 2 and "X" in text):
        raise invalid(text)  # unspecified digits in an interval are beyond level 1
    bounds = [_bounds(end, text) for end in ends]
    return DateRange(bounds[0][0], bounds[-1][1], precision(text))


def invalid(text: str) -> EdtfError:
    """The error for text that is no EDTF date."""
    return EdtfError(
        f"{text!r} is not a valid EDTF date (e.g. 2018-11-14, 2019-06, 2019-01/2019-03)"
    )


def precision(text: str) -> str:
    """range for an interval; else day, month or year, coarsened by unspecified digits (X)."""
    if "/" in text:
        return "range"
    return _end_precision(text)


def precision_before_2_0(text: str) -> str:
    """The precision releases before 2.0.0 published: an interval took its coarsest end's."""
    coarseness = ["day", "month", "year"]
    return max((_end_precision(end) for end in text.split("/")), key=coarseness.index)


def _bounds(end: str, text: str) -> tuple[dt.date, dt.date]:
    """First and last day one end of an interval can mean."""
    match = _DATE.match(end)
    if match is None:
        raise invalid(text)
    year, month, day = match.group("year"), match.group("month"), match.group("day")
    if match.group("qualifier") and month is not None and month != "XX" and int(month) > 12:
        raise invalid(text)  # a qualified season is beyond level 1
    try:
        if "X" in year:
            if month is not None:
                raise ValueError("unspecified year digits take no month (EDTF level 2)")
            return dt.date(int(year.replace("X", "0")), 1, 1), dt.date(
                int(year.replace("X", "9")), 12, 31
            )
        return _known_year_bounds(int(year), month, day)
    except ValueError as error:  # no such month or day, or year 0
        raise invalid(text) from error


def _known_year_bounds(year: int, month: str | None, day: str | None) -> tuple[dt.date, dt.date]:
    """Bounds of a date whose year is known; ValueError if it does not exist."""
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if month == "XX":
        if day is None or day == "XX":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        raise ValueError("a known day in an unspecified month is EDTF level 2")
    number = int(month)
    if number in _SEASONS:
        if day is not None:
            raise ValueError("a season has no day")
        first, last = _SEASONS[number]
        return dt.date(year, first, 1), _last_day(year, last)
    if day is None or day == "XX":
        return dt.date(year, number, 1), _last_day(year, number)
    date = dt.date(year, number, int(day))
    return date, date


def _last_day(year: int, month: int) -> dt.date:
    """The last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _end_precision(end: str) -> str:
    """day, month or year for one end: the last component given without an X digit."""
    components = re.sub(r"[?~%]", "", end).lstrip("-").split("-")
    known = 0
    for component in components:
        if "X" in component:
            break
        known += 1
    if len(components) == 2 and int(components[1].replace("X", "0") or 0) > 12:
        return "month"  # a season: wider than a month, narrower than a year
    return _PRECISION_BY_PARTS.get(known, "year")
