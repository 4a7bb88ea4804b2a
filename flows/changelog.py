"""The changelog section of a release, written from the diff."""

from __future__ import annotations

from typing import Any

from jrr.flows.diff import Diff

HEADER = """# Changelog

Every release of the Japan–Russia Relations Dataset, newest first. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and versions follow
[Semantic Versioning](https://semver.org/): MAJOR when a table, column or record is removed
or a column changes type, MINOR when tables, columns or records are added, PATCH when only
values change. Each section is computed from the data; `changes.csv` in the release folder
carries the same record changes for machines.
"""


def render_section(version: str, date: str, diff: Diff, note: str | None = None) -> str:
    """One `## [version] - date` section: note, schema changes, then records per table."""
    lines = [f"## [{version}] - {date}", ""]
    if note:
        lines += [note.strip(), ""]
    if diff.schema:
        lines += ["### Schema", ""]
        for change in diff.schema:
            where = f"`{change.table}`" + (f" column `{change.column}`" if change.column else "")
            lines.append(f"- {where}: {change.description}")
        lines.append("")
    tables = list(dict.fromkeys(change.table for change in diff.records))
    for table in tables:
        lines += [f"### {table}", ""]
        changes = [change for change in diff.records if change.table == table]
        for kind in ("added", "removed"):
            ids = [f"`{c.record_id}`" for c in changes if c.change == kind]
            if ids:
                lines.append(f"- {kind.capitalize()} ({len(ids)}): {', '.join(ids)}")
        for change in (c for c in changes if c.change == "changed"):
            edits = "; ".join(
                f"`{name}` {_show(old)} → {_show(new)}"
                for name, (old, new) in change.fields.items()
            )
            lines.append(f"- Changed `{change.record_id}`: {edits}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_changelog(releases: list[dict[str, Any]]) -> str:
    """CHANGELOG.md from releases.json: the header, then every release's section, newest first."""
    sections = [release["changelog"] for release in reversed(releases) if release.get("changelog")]
    return HEADER + "".join("\n" + section for section in sections)


def _show(value: Any) -> str:
    """A value as a reader sees it in the changelog."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return '"' + value.replace("\n", " ") + '"'
    return str(value)
