"""The timeline figure of the dataset README: meetings and treaty milestones, as SVG bytes.

Drawn on a bare matplotlib Figure (no pyplot, so no GUI backend and no global figure state),
inside a style context reset to matplotlib's defaults so a user's matplotlibrc cannot change
the bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MultipleLocator

WIDTH_INCHES = 11.0
ROW_INCHES = 0.34
LABEL_WIDTH = 48  # characters of a row label before it is shortened
RC = {
    "svg.hashsalt": "jrr",  # fixed ids for clip paths and glyphs instead of random ones
    "svg.fonttype": "path",  # glyphs as outlines: looks the same without the font installed
    "font.family": "DejaVu Sans",  # ships with matplotlib, so every machine has it
    "font.size": 9.0,
    "text.parse_math": False,  # a "$" in a label is text, not mathtext
}
STATUS_MARKERS = {
    "held": {"marker": "o", "color": "#1f4e79", "markerfacecolor": "#1f4e79"},
    "planned": {"marker": "o", "color": "#1f4e79", "markerfacecolor": "white"},
    "cancelled": {"marker": "X", "color": "#b22222", "markerfacecolor": "#b22222"},
}
EVENT_MARKER = {"marker": "D", "color": "#b8690f", "markerfacecolor": "#b8690f"}
RANGE_COLOR = "#9db7d5"


@dataclass(frozen=True)
class Row:
    """One record on the timeline: its label, date range, EDTF text and marker style."""

    label: str
    start: date
    end: date
    edtf: str
    style: dict[str, str]


def render_timeline(
    meetings: pd.DataFrame, treaty_events: pd.DataFrame, treaties: pd.DataFrame
) -> bytes:
    """SVG bytes of the timeline: one panel of meetings, one of treaty milestones."""
    panels = [
        ("Leaders' meetings (status as reported by the source)", meeting_rows(meetings)),
        ("Treaty milestones", event_rows(treaty_events, treaties)),
    ]
    panels = [(title, rows) for title, rows in panels if rows]
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        figure = _draw(panels)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def meeting_rows(meetings: pd.DataFrame) -> list[Row]:
    """A row per meeting, earliest first, labelled by occasion, else city, else id."""
    rows = []
    for meeting in meetings.sort_values(["date_start", "date_end", "meeting_id"]).itertuples():
        label = _first_text(meeting.occasion, meeting.city, meeting.meeting_id)
        style = STATUS_MARKERS.get(meeting.status, STATUS_MARKERS["held"])
        rows.append(Row(label, meeting.date_start, meeting.date_end, meeting.date, style))
    return rows


def event_rows(treaty_events: pd.DataFrame, treaties: pd.DataFrame) -> list[Row]:
    """A row per treaty milestone, earliest first, labelled by treaty name and event type."""
    names = dict(zip(treaties["treaty_id"], treaties["name"], strict=True))
    rows = []
    for event in treaty_events.sort_values(["date_start", "date_end", "event_id"]).itertuples():
        name = _shorten(names.get(event.treaty_id, event.treaty_id))
        party = f" ({event.party})" if isinstance(event.party, str) else ""
        label = f"{name}: {event.type.replace('_', ' ')}{party}"
        rows.append(Row(label, event.date_start, event.date_end, event.date, EVENT_MARKER))
    return rows


def decimal_year(day: date) -> float:
    """A day as a fractional year (2018-07-02 → about 2018.5), for a linear time axis."""
    first = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - first).days
    return day.year + (day - first).days / length


def _shorten(text: str) -> str:
    """Text cut at a word boundary to fit a row label."""
    return textwrap.shorten(text, LABEL_WIDTH, placeholder=" …")


def _first_text(*values: object) -> str:
    """The first value that is non-empty text."""
    return next(str(value) for value in values if isinstance(value, str) and value)


def _draw(panels: list[tuple[str, list[Row]]]) -> Figure:
    """The figure: panels stacked on one shared, linear time axis."""
    counts = [len(rows) for _, rows in panels] or [1]
    height = 1.3 + sum(0.45 + ROW_INCHES * count for count in counts)
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.subplots(len(counts), 1, sharex=True, height_ratios=counts, squeeze=False)
    every_row = [row for _, rows in panels for row in rows]
    limits = _year_limits(every_row)
    for ax, (title, rows) in zip(axes[:, 0], panels, strict=False):
        _draw_panel(ax, title, rows, limits)
    if not panels:
        axes[0, 0].text(0.5, 0.5, "No dated records", ha="center", transform=axes[0, 0].transAxes)
    axes[-1, 0].set_xlim(*limits)
    axes[-1, 0].xaxis.set_major_locator(MultipleLocator(5))
    axes[-1, 0].xaxis.set_minor_locator(MultipleLocator(1))
    axes[-1, 0].xaxis.set_major_formatter(lambda value, _: f"{value:.0f}")
    figure.legend(handles=_legend_handles(), loc="outside lower center", ncols=5, frameon=False)
    return figure


def _draw_panel(ax: Axes, title: str, rows: list[Row], limits: tuple[float, float]) -> None:
    """One panel: a line per row with its label on the y axis and its date beside the mark."""
    middle = sum(limits) / 2
    for y, row in enumerate(rows):
        start, end = decimal_year(row.start), decimal_year(row.end + timedelta(days=1))
        if row.end > row.start:
            ax.plot([start, end], [y, y], color=RANGE_COLOR, linewidth=5, solid_capstyle="butt")
        centre = (start + end) / 2
        ax.plot([centre], [y], linestyle="none", markersize=7, **row.style)
        # Dates right of the mark in the left half of the axis, left of it in the right half.
        left = centre > middle
        anchor = start if left else end
        ax.annotate(
            row.edtf,
            (anchor, y),
            xytext=(-7 if left else 7, 0),
            textcoords="offset points",
            ha="right" if left else "left",
            va="center",
            fontsize=8,
            color="#444444",
        )
    ax.set_yticks(range(len(rows)), [row.label for row in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.grid(axis="x", which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelbottom=True)  # years under every panel, not just the last
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _year_limits(rows: list[Row]) -> tuple[float, float]:
    """The time axis: every date, padded to whole five-year marks on both sides."""
    if not rows:
        return 2000.0, 2020.0
    first = min(decimal_year(row.start) for row in rows)
    last = max(decimal_year(row.end) for row in rows)
    return 5 * math.floor((first - 1) / 5), 5 * math.ceil((last + 1) / 5)


def _legend_handles() -> list[Line2D]:
    """Legend entries: meeting statuses, treaty milestone, date range."""
    handles = [
        Line2D([], [], linestyle="none", markersize=7, label=f"meeting {status}", **style)
        for status, style in STATUS_MARKERS.items()
    ]
    handles.append(
        Line2D([], [], linestyle="none", markersize=7, label="treaty milestone", **EVENT_MARKER)
    )
    handles.append(Line2D([], [], color=RANGE_COLOR, linewidth=5, label="date range"))
    return handles
