"""Drawing the timeline with matplotlib: counts per year, and panels of records one per line.

Drawn on a bare matplotlib Figure (no pyplot, so no GUI backend and no global figure state),
inside a style context reset to matplotlib's defaults so a user's matplotlibrc cannot change
the bytes. Text stays text in the SVG, so it can be searched, selected and read aloud.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

WIDTH_INCHES = 11.0
ROW_INCHES = 0.34
COUNTS_INCHES = 2.4
RC = {
    "svg.hashsalt": "jrr",  # fixed ids for clip paths instead of random ones
    "svg.fonttype": "none",  # text as <text> elements: searchable, selectable, read aloud
    "font.family": "DejaVu Sans",  # ships with matplotlib; viewers without it substitute
    "font.size": 9.0,
    "text.parse_math": False,  # a "$" in a label is text, not mathtext
    "axes.formatter.use_mathtext": False,
}
BLUE, RED, ORANGE, GREY = "#1f4e79", "#b22222", "#b8690f", "#555555"
# How each kind of record is drawn: colour, marker for a day, line style for a range.
STYLES = {
    "held": {"color": BLUE, "marker": "o", "face": BLUE, "line": "-"},
    "planned": {"color": BLUE, "marker": "o", "face": "white", "line": (0, (2.5, 1.5))},
    "cancelled": {"color": RED, "marker": "X", "face": RED, "line": "-"},
    "milestone": {"color": ORANGE, "marker": "D", "face": ORANGE, "line": "-"},
}
BAR_COLORS = {"held": BLUE, "planned": "#9db7d5", "cancelled": RED, "milestone": ORANGE}
LABELS = {
    "held": "meeting held",
    "planned": "meeting planned",
    "cancelled": "meeting cancelled",
    "milestone": "treaty milestone",
}


@dataclass(frozen=True)
class Row:
    """One record drawn on its own line: label, first and last day, EDTF text, kind."""

    label: str
    start: date
    end: date
    edtf: str
    kind: str


@dataclass(frozen=True)
class Panel:
    """Records drawn one per line (the latest, if not all), and how many there are in all."""

    title: str
    rows: list[Row]
    total: int


@dataclass(frozen=True)
class Counts:
    """Records per year: by kind for dates within one year, and dates spanning several years."""

    years: np.ndarray
    by_kind: dict[str, np.ndarray]
    spanning: np.ndarray


def draw_svg(panels: list[Panel], counts: Counts | None) -> bytes:
    """The figure as SVG bytes: no dates, no random ids."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        figure = _figure(panels, counts)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _numbered_ids(buffer.getvalue())


def _numbered_ids(svg: bytes) -> bytes:
    """Clip-path and marker ids numbered in order of appearance.

    matplotlib hashes each clip rectangle's exact floats into its id, and the constrained
    layout can differ in the last bits from one run to the next (the printed coordinates do
    not), so the hashed ids are replaced by numbers that depend only on the drawing.
    """
    numbers: dict[bytes, bytes] = {}

    def number(match: re.Match[bytes]) -> bytes:
        """The stable id of one hashed id."""
        found = match.group(0)
        return numbers.setdefault(found, found[:1] + b"id%d" % len(numbers))

    return _HASHED_ID.sub(number, svg)


_HASHED_ID = re.compile(rb'(?<=[#"])[mp][0-9a-f]{10}(?=[")])')


def _figure(panels: list[Panel], counts: Counts | None) -> Figure:
    """Counts on top (when given), then one panel per kind of record."""
    heights = ([COUNTS_INCHES] if counts else []) + [
        0.5 + ROW_INCHES * max(len(panel.rows), 1) for panel in panels
    ]
    heights = heights or [1.0]
    figure = Figure(figsize=(WIDTH_INCHES, 1.0 + sum(heights)), layout="constrained")
    axes = list(figure.subplots(len(heights), 1, height_ratios=heights, squeeze=False)[:, 0])
    if counts is not None:
        _draw_counts(axes.pop(0), counts)
    shared = None if counts else _limits([row for panel in panels for row in panel.rows])
    for ax, panel in zip(axes, panels, strict=False):
        _draw_panel(ax, panel, shared or _limits(panel.rows), summarised=counts is not None)
    if not panels:
        axes[0].text(0.5, 0.5, "No dated records", ha="center", transform=axes[0].transAxes)
        axes[0].set_axis_off()
    figure.legend(
        handles=_legend(counts), loc="outside lower center", ncols=6, frameon=False, fontsize=8
    )
    return figure


def _draw_counts(ax: Axes, counts: Counts) -> None:
    """Stacked bars of records per year by kind, and a line for dates spanning several years."""
    bottom = np.zeros(len(counts.years))
    for kind, values in counts.by_kind.items():
        if values.any():
            ax.bar(counts.years, values, bottom=bottom, width=0.8, color=BAR_COLORS[kind])
            bottom = bottom + values
    if counts.spanning.any():
        ax.step(counts.years, counts.spanning, where="mid", color=GREY, linewidth=1.2)
    total = int(sum(int(values.sum()) for values in counts.by_kind.values()))
    ax.set_title(
        f"Records per year ({total:,} dated within one year, stacked by kind)",
        loc="left",
        fontsize=10,
        fontweight="bold",
    )
    ax.set_xlim(counts.years[0] - 1, counts.years[-1] + 1)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0f}")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    ax.set_ylabel("records")
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _draw_panel(ax: Axes, panel: Panel, limits: tuple[float, float], summarised: bool) -> None:
    """Records one per line: a mark for a day, a bar from first to last day for anything wider."""
    middle = sum(limits) / 2
    for y, row in enumerate(panel.rows):
        style = STYLES.get(row.kind, STYLES["held"])
        start, end = _x(row.start), _x(row.end + timedelta(days=1))
        if row.end > row.start:
            ax.plot(
                [start, end],
                [y, y],
                color=style["color"],
                linestyle=style["line"],
                linewidth=3,
                marker="|",
                markersize=11,
                markeredgewidth=1.6,
                solid_capstyle="butt",
            )
        else:
            start = end = _x(row.start)
            ax.plot([start], [y], linestyle="none", markersize=7, **_marker(style))
        # Dates right of the record in the left half of the axis, left of it in the right half.
        left = (start + end) / 2 > middle
        ax.annotate(
            row.edtf,
            (start if left else end, y),
            xytext=(-8 if left else 8, 0),
            textcoords="offset points",
            ha="right" if left else "left",
            va="center",
            fontsize=8,
            color="#444444",
        )
    ax.set_yticks(range(len(panel.rows)), [row.label for row in panel.rows])
    ax.set_ylim(max(len(panel.rows), 1) - 0.5, -0.5)
    title = panel.title
    if summarised:
        title += f": the latest {len(panel.rows):,} of {panel.total:,}"
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.set_xlim(*limits)
    locator = AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _marker(style: dict[str, object]) -> dict[str, object]:
    """matplotlib keyword arguments of a kind's day marker."""
    return {
        "marker": style["marker"],
        "color": style["color"],
        "markerfacecolor": style["face"],
    }


def _x(day: date) -> float:
    """A day on matplotlib's date axis."""
    return float(date2num(day))


def _limits(rows: list[Row]) -> tuple[float, float]:
    """The time axis of some rows: every day they cover, padded so marks clear the edges."""
    if not rows:
        return _x(date(2000, 1, 1)), _x(date(2020, 1, 1))
    first = min(_x(row.start) for row in rows)
    last = max(_x(row.end + timedelta(days=1)) for row in rows)
    pad = max(last - first, 60.0) * 0.06
    return first - pad, last + pad


def _legend(counts: Counts | None) -> list[Line2D | Patch]:
    """Legend entries: each kind's mark, a date range, and the count series when drawn."""
    handles: list[Line2D | Patch] = [
        Line2D([], [], linestyle="none", markersize=7, label=LABELS[kind], **_marker(style))
        for kind, style in STYLES.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            color=BLUE,
            linewidth=3,
            marker="|",
            markersize=11,
            markeredgewidth=1.6,
            label="date range (first to last day)",
        )
    )
    if counts is not None and counts.spanning.any():
        handles.append(
            Line2D([], [], color=GREY, linewidth=1.2, label="dates spanning years (per year)")
        )
    return handles
