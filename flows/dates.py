"""EDTF dates (levels 0 and 1) as the earliest day, latest day and precision they mean."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import edtf

_PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}
_COARSENESS = ["day", "month", "year"]


class EdtfError(ValueError):
    """Text that is not an EDTF date this dataset can publish."""


@dataclass(frozen=True)
class DateRange:
    """What an EDTF date can mean: from `start` to `end`, known to `precision`."""

    start: dt.date
    end: dt.date
    precision: str


def parse_edtf(text: str) -> DateRange:
    """Parse a level 0/1 EDTF date or interval with known ends."""
    if ".." in text or text.endswith("/") or text.startswith("/"):
        raise EdtfError(f"{text!r}: open or unknown interval ends are not supported")
    try:
        parsed = edtf.parse_edtf(text)
    except Exception as error:  # the edtf parser raises several unrelated types
        raise EdtfError(
            f"{text!r} is not a valid EDTF date (e.g. 2018-11-14, 2019-06, 2019-01/2019-03)"
        ) from error
    start = _as_date(parsed.lower_strict())
    end = _as_date(parsed.upper_strict())
    return DateRange(start, end, _precision(text))


def _as_date(value: object) -> dt.date:
    """A struct_time from the edtf package as a date."""
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]


def _precision(text: str) -> str:
    """The coarsest precision among the interval's ends."""
    ends = [re.sub(r"[?~%]", "", part).lstrip("-") for part in text.split("/")]
    precisions = [_PRECISION_BY_PARTS.get(len(end.split("-")), "year") for end in ends]
    return max(precisions, key=_COARSENESS.index)
