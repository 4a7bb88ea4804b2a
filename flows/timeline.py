"""The timeline figure of the dataset README: meetings and treaty milestones, as SVG bytes.

The figure summarises, so it stays readable and fast at a million rows: the latest records
one per line (every record while they are few), and counts per year by kind once there are
more than a window holds. Only the few records shown are turned into Python objects; the
counts are computed on arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute

from jrr.flows.timeline_draw import Counts, Panel, Row, draw_svg

WINDOW = 15  # records drawn one per line in each panel
MEETINGS_TITLE = "Leaders' meetings (status as reported by the source)"
EVENTS_TITLE = "Treaty milestones"
KINDS = ["held", "planned", "cancelled", "milestone"]


@dataclass(frozen=True)
class Dated:
    """One table's dated records as arrays: day numbers and years of start and end, kind."""

    frame: pd.DataFrame  # the table's rows that have a date, in their published order
    start: np.ndarray  # days since 1970-01-01
    end: np.ndarray
    start_year: np.ndarray
    end_year: np.ndarray
    kind: np.ndarray  # one of KINDS per row


def render_timeline(
    meetings: pd.DataFrame, treaty_events: pd.DataFrame, treaties: pd.DataFrame
) -> bytes:
    """SVG bytes of the timeline: counts per year when records are many, the latest one by one."""
    met = _dated(meetings, meetings["status"].where(meetings["status"].isin(KINDS), "held"))
    events = _dated(treaty_events, pd.Series("milestone", index=treaty_events.index))
    names = dict(zip(treaties["treaty_id"], treaties["name"], strict=True))
    panels = [
        Panel(MEETINGS_TITLE, meeting_rows(met, WINDOW), len(met.frame)),
        Panel(EVENTS_TITLE, event_rows(events, names, WINDOW), len(events.frame)),
    ]
    panels = [panel for panel in panels if panel.total]
    counts = None
    if any(panel.total > len(panel.rows) for panel in panels):
        counts = count_per_year([met, events])
    svg = draw_svg(panels, counts)
    return _with_title(svg, describe(met, events))


def meeting_rows(meetings: Dated, limit: int) -> list[Row]:
    """The latest `limit` meetings, earliest first, labelled by occasion, else city, else id."""
    rows = []
    for position in _latest(meetings, "meeting_id", limit):
        meeting = meetings.frame.iloc[position]
        label = _first_text(meeting["occasion"], meeting["city"], meeting["meeting_id"])
        rows.append(_row(meetings, position, label, str(meeting["date"])))
    return rows


def event_rows(events: Dated, names: dict[str, str], limit: int) -> list[Row]:
    """The latest `limit` treaty milestones, earliest first, labelled by treaty and event type."""
    rows = []
    for position in _latest(events, "event_id", limit):
        event = events.frame.iloc[position]
        name = names.get(event["treaty_id"], event["treaty_id"])
        party = f" ({event['party']})" if isinstance(event["party"], str) else ""
        label = f"{name}: {str(event['type']).replace('_', ' ')}{party}"
        rows.append(_row(events, position, label, str(event["date"])))
    return rows


def count_per_year(tables: list[Dated]) -> Counts:
    """Records per year by kind; a date spanning several years counts in each year it covers."""
    starts = np.concatenate([table.start_year for table in tables])
    ends = np.concatenate([table.end_year for table in tables])
    kinds = np.concatenate([table.kind for table in tables])
    first, last = int(starts.min()), int(ends.max())
    size = last - first + 1
    within = starts == ends
    by_kind = {
        kind: np.bincount(starts[within & (kinds == kind)] - first, minlength=size)
        for kind in KINDS
    }
    # Each spanning record adds one from its first year to its last: a running sum of +1/-1.
    steps = np.bincount(starts[~within] - first, minlength=size + 1)
    steps -= np.bincount(ends[~within] - first + 1, minlength=size + 1)
    return Counts(np.arange(first, last + 1), by_kind, np.cumsum(steps)[:size])


def describe(meetings: Dated, events: Dated) -> str:
    """One sentence of what the figure shows, for its SVG title (screen readers, search)."""
    statuses = _kind_counts(meetings.kind, KINDS[:3])
    years = np.concatenate([meetings.start_year, events.start_year, meetings.end_year])
    years = np.concatenate([years, events.end_year])
    span = f", {int(years.min())}–{int(years.max())}" if len(years) else ""
    return (
        f"Timeline of {len(meetings.frame):,} leaders' meetings{statuses} and "
        f"{len(events.frame):,} treaty milestones{span}"
    )


def _kind_counts(kinds: np.ndarray, order: list[str]) -> str:
    """Counts like " (2 held, 1 planned)" from an array of kinds; "" when empty."""
    values, counts = np.unique(kinds, return_counts=True)
    found = dict(zip(values.tolist(), counts.tolist(), strict=True))
    parts = [f"{found[kind]:,} {kind}" for kind in order if kind in found]
    return f" ({', '.join(parts)})" if parts else ""


def _dated(frame: pd.DataFrame, kind: pd.Series) -> Dated:
    """The rows of `frame` with a date, as day and year arrays."""
    start = pyarrow.array(frame["date_start"], type=pyarrow.date32())
    end = pyarrow.array(frame["date_end"], type=pyarrow.date32())
    keep = pyarrow.compute.and_(start.is_valid(), end.is_valid()).to_numpy(zero_copy_only=False)
    start, end = start.filter(keep), end.filter(keep)
    return Dated(
        frame=frame[keep].reset_index(drop=True),
        start=start.cast(pyarrow.int32()).to_numpy(),
        end=end.cast(pyarrow.int32()).to_numpy(),
        start_year=pyarrow.compute.year(start).to_numpy().astype(np.int64),
        end_year=pyarrow.compute.year(end).to_numpy().astype(np.int64),
        kind=kind[keep].to_numpy(dtype=object).astype(str),
    )


def _latest(table: Dated, id_column: str, limit: int) -> list[int]:
    """Positions of the `limit` latest records by end, start, id; earliest of them first."""
    if not len(table.frame):
        return []
    count = min(limit, len(table.frame))
    threshold = np.partition(table.end, -count)[-count]
    candidates = np.flatnonzero(table.end >= threshold)
    keys = pd.DataFrame(
        {
            "end": table.end[candidates],
            "start": table.start[candidates],
            "id": table.frame[id_column].to_numpy(dtype=object)[candidates],
            "position": candidates,
        }
    )
    keys = keys.sort_values(["end", "start", "id"], kind="stable").tail(count)
    return keys.sort_values(["start", "end", "id"], kind="stable")["position"].tolist()


def _row(table: Dated, position: int, label: str, edtf: str) -> Row:
    """One drawn record."""
    start = date.fromordinal(_EPOCH + int(table.start[position]))
    end = date.fromordinal(_EPOCH + int(table.end[position]))
    return Row(label, start, end, edtf, str(table.kind[position]))


_EPOCH = date(1970, 1, 1).toordinal()


def _first_text(*values: object) -> str:
    """The first value that is non-empty text."""
    return next(str(value) for value in values if isinstance(value, str) and value)


def _with_title(svg: bytes, title: str) -> bytes:
    """The SVG with a <title> first inside its root, the name screen readers announce."""
    text = svg.decode("utf-8")
    opening = text.index("<svg ")
    close = text.index(">", opening) + 1
    element = f"\n <title>{escape(title)}</title>"
    return (text[:close] + element + text[close:]).encode("utf-8")
