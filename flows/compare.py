"""`jrr diff`: the diff between two published versions, release folders, or what raw/ builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jrr.flows.changelog import render_section
from jrr.flows.diff import Diff, diff_versions
from jrr.flows.problems import InputError, Problem
from jrr.flows.release_index import SUMS_NAME, DownloadError, parse_sums
from jrr.flows.validate_release import check_files, shown, twin_mismatches
from jrr.schemas.io import read_csv, read_datapackage, read_release, table_schemas

Side = tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]], dict[str, dict[str, str]]]


class UnknownVersionError(ValueError):
    """A diff side that is neither a published version, a release folder, nor `raw`."""


def load_side(spec: str, root: Path) -> Side:
    """Tables, Table Schemas and renames of `spec`: `1.0.0`/`v1.0.0`, a release folder, or `raw`."""
    if spec == "raw":
        from jrr.flows.pipeline import build_dataset  # needs the pipeline extra
        from jrr.schemas.datapackage import current_table_schemas

        dataset = build_dataset(root)
        return dataset.tables, current_table_schemas(), dataset.renames
    folder = release_folder(spec, root)
    verify_folder(folder, root)
    return read_release(folder), table_schemas(read_datapackage(folder)), _renames(folder)


def release_folder(spec: str, root: Path) -> Path:
    """The folder of `spec`: a release folder, dataset/v<spec>, or the download cache."""
    folder = Path(spec)
    if (folder / "datapackage.json").exists():
        return folder
    dataset = root / "dataset"
    if (dataset / "releases.json").exists():
        folder = dataset / f"v{spec.removeprefix('v')}"
        if (folder / "datapackage.json").exists():
            return folder
        published = sorted(p.name for p in dataset.glob("v*"))
        raise UnknownVersionError(
            f"{spec!r} is not a published version ({', '.join(published) or 'none yet'}), "
            "a release folder, or 'raw'"
        )
    # Outside a checkout: fetch the version into the cache that jrr.load uses.
    from jrr.flows.download import download_release
    from jrr.schemas.load import cache_folder

    try:
        return download_release(spec, cache_folder(), progress=False)
    except DownloadError as error:
        raise UnknownVersionError(f"{spec!r}: {error}") from None


def verify_folder(folder: Path, root: Path) -> None:
    """Raise InputError unless every file matches the SHA256SUMS beside it and twins agree."""
    try:
        sums = parse_sums(folder / SUMS_NAME)
    except (OSError, ValueError, DownloadError) as error:
        message = f"cannot verify the release before comparing: {error}"
        raise InputError([Problem(shown(folder / SUMS_NAME, root), 1, "file", message)]) from None
    entries = [{"path": name, "sha256": digest} for name, digest in sums.items()]
    problems = check_files(folder, entries, root) or twin_mismatches(folder, root)
    if problems:
        raise InputError(
            problems, summary=f"{len(problems)} problem(s) in {folder.name}; nothing compared."
        )


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
