"""The README section that sets the counts articles quote against the records kept."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow
import pyarrow.compute

MAX_LISTED_FIGURES = 12  # quoted counts set against the records; the rest are in figures.csv


def cross_check(tables: dict[str, pd.DataFrame]) -> str:
    """Counts the articles quote (figures) set against the records this release holds."""
    figures = tables["figures"]
    subjects = pyarrow.array([name for name in tables if name != "figures"])
    counts_records = pyarrow.compute.is_in(pyarrow.array(figures["subject"]), value_set=subjects)
    counted = figures[counts_records.to_numpy(zero_copy_only=False)].sort_values("figure_id")
    lines = [
        "## Figures quoted and records kept",
        "",
        "The `figures` table holds counts the articles quote. The other tables record only the "
        "meetings, treaties and projects that the articles name individually, so a quoted count "
        "is usually larger than the number of rows.",
        "",
    ]
    if counted.empty:
        return "\n".join([*lines, "No figure in this release counts records of a table."])
    for figure in counted.head(MAX_LISTED_FIGURES).itertuples(index=False):
        records, what = _comparable_records(figure, tables[figure.subject])
        lines.append(
            f"- The article `{figure.article_id}` quotes {_number(figure.value)} {figure.unit} "
            f"(`{figure.figure_id}`, {figure.qualifier}); this release records {len(records)} "
            f"{what}. What it counts, as of {figure.as_of}: "
            f"{cell(figure.description)}"
        )
    if len(counted) > MAX_LISTED_FIGURES:
        rest = len(counted) - MAX_LISTED_FIGURES
        lines.append(
            f"- … and {rest:,} more {'figure' if rest == 1 else 'figures'} counting records of a "
            "table, all in `figures.csv` (this page lists the first few by `figure_id`)."
        )
    return "\n".join(lines)


def _comparable_records(figure: Any, records: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The records a quoted count can be set against: for meetings, those held by its date."""
    if figure.subject != "meetings":
        return records, f"{figure.subject}{_by_status(records)}"
    held = records[(records["status"] == "held") & (records["date_start"] <= figure.as_of_end)]
    noun = "meeting" if len(held) == 1 else "meetings"
    return held, f"held {noun} dated up to {figure.as_of}"


def _by_status(records: pd.DataFrame) -> str:
    """Counts by status, like " (2 held, 3 planned)"; "" for a table without statuses."""
    if "status" not in records or records.empty:
        return ""
    counts = records["status"].value_counts().sort_index()
    return " (" + ", ".join(f"{count} {status}" for status, count in counts.items()) + ")"


def _number(value: float) -> str:
    """A quoted number as people write it: 23, 1,500, 2.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def cell(text: Any) -> str:
    """Text made safe for one Markdown table cell or list item line."""
    return " ".join(str(text).split()).replace("|", "\\|")
