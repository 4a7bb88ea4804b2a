"""EDTF dates as earliest day, latest day and precision."""

from __future__ import annotations

import datetime as dt

import edtf
import pytest

from jrr.flows.dates import EdtfError, parse_edtf


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2018-11-14", "2018-11-14", "2018-11-14", "day"),
        ("2019-06", "2019-06-01", "2019-06-30", "month"),
        ("2019-01/2019-03", "2019-01-01", "2019-03-31", "range"),
        ("2018-11-30/2018-12-01", "2018-11-30", "2018-12-01", "range"),
        ("2016/2018-11-22", "2016-01-01", "2018-11-22", "range"),
        ("1956", "1956-01-01", "1956-12-31", "year"),
        ("2019-02", "2019-02-01", "2019-02-28", "month"),
        ("2018-11?", "2018-11-01", "2018-11-30", "month"),
    ],
)
def test_parse_edtf(text: str, start: str, end: str, precision: str) -> None:
    parsed = parse_edtf(text)
    assert (parsed.start, parsed.end, parsed.precision) == (
        dt.date.fromisoformat(start),
        dt.date.fromisoformat(end),
        precision,
    )


@pytest.mark.parametrize("text", ["2018-13-01", "2019-02-30", "next year", "2018/..", "/2019"])
def test_invalid_edtf_is_refused(text: str) -> None:
    with pytest.raises(EdtfError):
        parse_edtf(text)


@pytest.mark.parametrize(
    "text",
    ["1956", "2019-02", "2020-02", "1900-02", "2018-11-14", "2019-01/2019-03", "1956/1960-01-27"],
)
def test_plain_dates_agree_with_the_edtf_package(text: str) -> None:
    reference = edtf.parse_edtf(text)
    parsed = parse_edtf(text)
    assert parsed.start.timetuple()[:3] == reference.lower_strict()[:3]
    assert parsed.end.timetuple()[:3] == reference.upper_strict()[:3]


@pytest.mark.parametrize(
    ("text", "precision"),
    [("2019-XX", "year"), ("2019-06-XX", "month"), ("201X", "year"), ("2019-21", "month")],
)
def test_unspecified_digits_and_seasons_coarsen_precision(text: str, precision: str) -> None:
    assert parse_edtf(text).precision == precision


@pytest.mark.parametrize("text", ["-0500", "Y170000002"])
def test_years_without_a_calendar_date_are_refused(text: str) -> None:
    with pytest.raises(EdtfError):
        parse_edtf(text)
