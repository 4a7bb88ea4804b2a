"""`jrr diff`: the diff between two published versions, release folders, or what raw/ builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jrr.flows.changelog import render_section
from jrr.flows.diff import Diff, diff_versions
from jrr.flows.pipeline import build_dataset
from jrr.schemas.datapackage import current_table_schemas
from jrr.schemas.io import read_csv, read_datapackage, read_release, table_schemas

Side = tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]], dict[str, dict[str, str]]]


class UnknownVersionError(ValueError):
    """A diff side that is neither a published version, a release folder, nor `raw`."""


def load_side(spec: str, root: Path) -> Side:
    """Tables, Table Schemas and renames of `spec`: `1.0.0`/`v1.0.0`, a release folder, or `raw`."""
    if spec == "raw":
        dataset = build_dataset(root)
        return dataset.tables, current_table_schemas(), dataset.renames
    folder = Path(spec)
    if not (folder / "datapackage.json").exists():
        folder = root / "dataset" / f"v{spec.removeprefix('v')}"
    if not (folder / "datapackage.json").exists():
        published = sorted(p.name for p in (root / "dataset").glob("v*"))
        raise UnknownVersionError(
            f"{spec!r} is not a published version ({', '.join(published) or 'none yet'}), "
            "a release folder, or 'raw'"
        )
    return read_release(folder), table_schemas(read_datapackage(folder)), _renames(folder)


def _renames(folder: Path) -> dict[str, dict[str, str]]:
    """The renames a release's changes.csv records (new id → previous id, per table)."""
    path = folder / "changes.csv"
    if not path.exists():
        return {}
    changes = read_csv(path)
    if "previous_id" not in changes:
        return {}
    renames: dict[str, dict[str, str]] = {}
    for row in changes[changes["change"] == "renamed"].itertuples():
        renames.setdefault(row.table, {})[row.record_id] = row.previous_id
    return renames


def diff_specs(old: str, new: str, root: Path) -> Diff:
    """The diff from `old` to `new`."""
    old_tables, old_schemas, _ = load_side(old, root)
    new_tables, new_schemas, renames = load_side(new, root)
    return diff_versions(old_tables, old_schemas, new_tables, new_schemas, renames)


def render_diff(old: str, new: str, diff: Diff) -> str:
    """The diff as a person reads it: the changelog section format under an `old → new` title."""
    if diff.bump is None:
        return f"{old} → {new}: no changes\n"
    body = render_section("", "", diff).split("\n", 1)[1].lstrip("\n")
    return f"## {old} → {new} ({diff.bump})\n\n{body}"
