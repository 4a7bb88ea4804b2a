"""EDTF dates (levels 0 and 1) as the earliest day, latest day and precision they mean."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import edtf

_PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}
_PLAIN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


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
    """Parse a level 0/1 EDTF date or interval with known ends."""
    if ".." in text or text.endswith("/") or text.startswith("/"):
        raise EdtfError(f"{text!r}: open or unknown interval ends are not supported")
    plain = _plain_range(text)
    if plain is not None:
        return plain
    try:
        parsed = edtf.parse_edtf(text)
    except Exception as error:  # the edtf parser raises several unrelated types
        raise _invalid(text) from error
    try:
        start, end = _as_date(parsed.lower_strict()), _as_date(parsed.upper_strict())
    except ValueError as error:  # years outside 1..9999 have no calendar date
        raise _invalid(text) from error
    return DateRange(start, end, _precision(text))


def _plain_range(text: str) -> DateRange | None:
    """ISO dates and intervals of them (YYYY, YYYY-MM, YYYY-MM-DD) without the slow parser.

    Anything else (qualifiers, unspecified digits, seasons) returns None for the edtf package.
    """
    parts = [_PLAIN.match(part) for part in text.split("/")]
    if len(parts) > 2 or not all(parts) or any(_is_season(match) for match in parts):
        return None
    try:
        bounds = [_bounds(*match.groups()) for match in parts if match]
    except ValueError as error:
        raise _invalid(text) from error
    return DateRange(bounds[0][0], bounds[-1][1], _precision(text))


def _is_season(match: re.Match[str] | None) -> bool:
    """True for EDTF seasons such as 2019-21 (spring), which the edtf package handles."""
    return match is not None and match.group(2) is not None and int(match.group(2)) > 12


def _bounds(year: str, month: str | None, day: str | None) -> tuple[dt.date, dt.date]:
    """First and last day a plain ISO date can mean; ValueError if it does not exist."""
    if day is not None:
        date = dt.date(int(year), int(month or 0), int(day))
        return date, date
    if month is not None:
        first = dt.date(int(year), int(month), 1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)


def _invalid(text: str) -> EdtfError:
    """The error for text that is no EDTF date."""
    return EdtfError(
        f"{text!r} is not a valid EDTF date (e.g. 2018-11-14, 2019-06, 2019-01/2019-03)"
    )


def _as_date(value: object) -> dt.date:
    """A struct_time from the edtf package as a date."""
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]


def _precision(text: str) -> str:
    """range for an interval; else day, month or year, coarsened by unspecified digits (X)."""
    if "/" in text:
        return "range"
    return _end_precision(text)


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
