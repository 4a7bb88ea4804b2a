"""The timeline summarises: counts per year and the latest records, as searchable, stable SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date

import numpy as np
import pandas as pd
import pyarrow
import pytest

from jrr.flows.timeline import WINDOW, count_per_year, meeting_rows, render_timeline
from jrr.flows.timeline import _dated as dated
from jrr.flows.timeline_draw import _numbered_ids

SVG = "{http://www.w3.org/2000/svg}"
DATE = pd.ArrowDtype(pyarrow.date32())
STATUSES = ["held", "planned", "cancelled"]


def _dates(days: np.ndarray) -> pd.Series:
    """Days since 1970-01-01 as a date32 column, the type releases publish."""
    return pd.Series(pyarrow.array(days.astype("int32")).cast(pyarrow.date32()), dtype=DATE)


def _meetings(count: int) -> pd.DataFrame:
    """INVENTED meetings: every tenth dated to a range of up to four years."""
    numbers = np.arange(count)
    start = -15_000 + (numbers * 7919) % 30_000
    end = start + np.where(numbers % 10 == 0, (numbers % 1500) + 1, 0)
    return pd.DataFrame(
        {
            "meeting_id": [f"m-{n}" for n in numbers],
            "date": [f"invented-{n}" for n in numbers],
            "date_start": _dates(start),
            "date_end": _dates(end),
            "status": [STATUSES[n % 3] for n in numbers],
            "city": [f"City {n}" for n in numbers],
            "occasion": None,
        }
    )


def _events(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """INVENTED treaty milestones of five treaties, and those treaties."""
    numbers = np.arange(count)
    events = pd.DataFrame(
        {
            "event_id": [f"e-{n}" for n in numbers],
            "treaty_id": [f"t-{n % 5}" for n in numbers],
            "date": [f"invented-{n}" for n in numbers],
            "date_start": _dates(numbers % 20_000),
            "date_end": _dates(numbers % 20_000),
            "type": "signed",
            "party": None,
        }
    )
    treaties = pd.DataFrame({"treaty_id": [f"t-{n}" for n in range(5)], "name": "Invented"})
    return events, treaties


@pytest.fixture(scope="module")
def large_svg() -> bytes:
    """The timeline of 200,000 invented meetings and 20,000 treaty milestones."""
    events, treaties = _events(20_000)
    return render_timeline(_meetings(200_000), events, treaties)


def _texts(svg: bytes) -> list[str]:
    """Every text element's text, as a reader or a search finds it."""
    root = ElementTree.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_a_large_timeline_is_wellformed_svg_whose_text_is_text(large_svg: bytes) -> None:
    root = ElementTree.fromstring(large_svg)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.startswith("Timeline of 200,000 leaders' meetings (66,667 held,")
    texts = _texts(large_svg)
    assert (
        f"Leaders' meetings (status as reported by the source): the latest {WINDOW} of 200,000"
        in (texts)
    )
    assert f"Treaty milestones: the latest {WINDOW} of 20,000" in texts
    assert any(text.startswith("Records per year (") for text in texts)
    assert b"<dc:date>" not in large_svg and b"Matplotlib" not in large_svg


def test_a_large_timeline_draws_only_the_latest_records_one_per_line(large_svg: bytes) -> None:
    cities = [text for text in _texts(large_svg) if text.startswith("City ")]
    assert len(cities) == WINDOW


def test_the_timeline_is_byte_identical_across_runs(large_svg: bytes) -> None:
    events, treaties = _events(20_000)
    assert render_timeline(_meetings(200_000), events, treaties) == large_svg


def test_few_records_are_drawn_every_one_without_counts() -> None:
    events, treaties = _events(3)
    svg = render_timeline(_meetings(4), events, treaties)
    texts = _texts(svg)
    assert sorted(text for text in texts if text.startswith("City ")) == [
        f"City {n}" for n in range(4)
    ]
    assert not any(text.startswith("Records per year") for text in texts)
    assert "Leaders' meetings (status as reported by the source)" in texts


def test_a_date_spanning_years_counts_in_every_year_it_covers() -> None:
    frame = pd.DataFrame(
        {
            "date_start": pd.Series([date(2016, 1, 1), date(2017, 5, 2)], dtype=DATE),
            "date_end": pd.Series([date(2018, 11, 22), date(2017, 5, 2)], dtype=DATE),
        }
    )
    counts = count_per_year([dated(frame, pd.Series(["held", "planned"]))])
    assert counts.years.tolist() == [2016, 2017, 2018]
    assert counts.spanning.tolist() == [1, 1, 1]
    assert counts.by_kind["planned"].tolist() == [0, 1, 0]
    assert counts.by_kind["held"].tolist() == [0, 0, 0]


def test_the_latest_records_are_chosen_by_end_and_drawn_earliest_first() -> None:
    meetings = _meetings(50)
    rows = meeting_rows(dated(meetings, meetings["status"]), 3)
    latest = meetings.sort_values(["date_end", "date_start", "meeting_id"]).tail(3)
    assert {row.label for row in rows} == set(latest["city"])
    assert [row.start for row in rows] == sorted(row.start for row in rows)
    every = meeting_rows(dated(meetings, meetings["status"]), 50)
    ranged = next(row for row in every if row.label == "City 0")
    assert (ranged.start, ranged.end) == (date(1928, 12, 7), date(1928, 12, 8))


def test_hashed_ids_are_numbered_by_first_appearance() -> None:
    first = (
        b'<clipPath id="p0123456789"/><path clip-path="url(#p0123456789)"/>'
        b'<use xlink:href="#m9876543210"/>'
    )
    second = first.replace(b"0123456789", b"abcdefabcd")
    assert _numbered_ids(first) == _numbered_ids(second)
    assert _numbered_ids(first) == (
        b'<clipPath id="pid0"/><path clip-path="url(#pid0)"/><use xlink:href="#mid1"/>'
    )
