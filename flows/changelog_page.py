"""dataset/CHANGELOG.md: the sections releases.json records, newest first, and compare links."""

from __future__ import annotations

from typing import Any

HEADER = """# Changelog

Every release of the Japan–Russia Relations Dataset, newest first. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and versions follow
[Semantic Versioning](https://semver.org/): MAJOR when a table, column or record is removed
or renamed or a column changes type, MINOR when tables, columns or records are added, PATCH
when only values change. Each section is computed from the data; `changes.csv` in the release
folder carries the same changes, field by field, for machines.
"""


def render_changelog(releases: list[dict[str, Any]]) -> str:
    """CHANGELOG.md from releases.json: the header, every release's section newest first, then
    the links that compare each version with the one before (where the dataset has a home)."""
    sections = [release["changelog"] for release in reversed(releases) if release.get("changelog")]
    return HEADER + "".join("\n" + section for section in sections) + _compare_links(releases)


def _compare_links(releases: list[dict[str, Any]]) -> str:
    """Keep a Changelog's link definitions: `[2.0.0]: <repository>/compare/v1.0.0...v2.0.0`."""
    from jrr.settings import SettingsError, dataset_url

    try:
        url = dataset_url()
    except SettingsError:
        return ""
    versions = [str(release["version"]) for release in releases]
    if not versions:
        return ""
    links = [f"[{versions[0]}]: {url}/releases/tag/v{versions[0]}"]
    links += [
        f"[{version}]: {url}/compare/v{previous}...v{version}"
        for previous, version in zip(versions, versions[1:], strict=False)
    ]
    return "\n" + "\n".join(reversed(links)) + "\n"
