"""releases.json: the index of published versions, checked before anything is fetched."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

INDEX_NAME = "releases.json"
SUMS_NAME = "SHA256SUMS"

_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]+)?$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_PATH_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


class DownloadError(Exception):
    """A release could not be fetched or verified; the message says which file and why."""


def resolve_version(index: dict[str, Any], version: str | None) -> dict[str, Any]:
    """The release entry for `version` ("1.0.0" or "v1.0.0"); None or "latest" is the last."""
    releases = index.get("releases") or []
    if not releases:
        raise DownloadError("no release has been published yet (releases.json lists none)")
    if version is None or version == "latest":
        return releases[-1]
    wanted = version.removeprefix("v")
    for release in releases:
        if release["version"] == wanted:
            return release
    available = ", ".join(release["version"] for release in releases)
    raise DownloadError(f"version {version!r} is not published; available: {available}, latest")


def parse_index(raw: bytes, where: str) -> dict[str, Any]:
    """Decode releases.json and check every release entry in it."""
    try:
        index = json.loads(raw)
    except ValueError as exc:
        raise DownloadError(f"{where} is not valid JSON: {exc}") from exc
    releases = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(releases, list):
        raise DownloadError(f"{where} has no 'releases' list")
    for number, release in enumerate(releases, 1):
        problem = _release_problem(release)
        if problem:
            raise DownloadError(f"{where}: release #{number}: {problem}")
    return index


def _release_problem(release: Any) -> str | None:
    """What is wrong with one release entry, or None."""
    if not isinstance(release, dict) or not _VERSION.match(str(release.get("version"))):
        return "'version' must be a semantic version such as 1.0.0"
    files = release.get("files")
    if not isinstance(files, list) or not files:
        return f"version {release['version']}: 'files' must be a non-empty list"
    seen: set[str] = set()
    for number, entry in enumerate(files, 1):
        problem = _file_problem(entry) or ("listed twice" if entry["path"] in seen else None)
        if problem:
            return f"version {release['version']}: files[{number}]: {problem}"
        seen.add(entry["path"])
    return None


def _file_problem(entry: Any) -> str | None:
    """What is wrong with one file entry of a release, or None."""
    if not isinstance(entry, dict):
        return "must be an object with path, sha256 and bytes"
    path = entry.get("path")
    if not isinstance(path, str) or not _safe_path(path):
        return f"path {path!r} must be a relative path of plain names inside the version folder"
    if not isinstance(entry.get("sha256"), str) or not SHA256_HEX.match(entry["sha256"]):
        return f"{path}: 'sha256' must be 64 lowercase hex digits"
    size = entry.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return f"{path}: 'bytes' must be a non-negative integer"
    return None


def _safe_path(path: str) -> bool:
    """True if `path` cannot point outside the folder it is joined to."""
    return all(_PATH_PART.match(part) for part in path.split("/"))


def require_sums(release: dict[str, Any]) -> None:
    """Refuse a release whose file list has no SHA256SUMS to cross-check."""
    if not any(entry["path"] == SUMS_NAME for entry in release["files"]):
        raise DownloadError(f"release {release['version']} lists no {SUMS_NAME} file")


def check_sums(folder: Path, release: dict[str, Any]) -> None:
    """Raise DownloadError unless the folder's SHA256SUMS lists exactly what releases.json does."""
    listed = parse_sums(folder / SUMS_NAME)
    expected = {e["path"]: e["sha256"] for e in release["files"] if e["path"] != SUMS_NAME}
    problems = [
        f"{name}: {SUMS_NAME} has {listed.get(name, 'no entry')}, "
        f"releases.json has {expected.get(name, 'no entry')}"
        for name in sorted(listed.keys() | expected.keys())
        if listed.get(name) != expected.get(name)
    ]
    if problems:
        raise DownloadError(
            f"{SUMS_NAME} of release {release['version']} disagrees with releases.json:\n"
            + "\n".join(problems)
        )


def parse_sums(path: Path) -> dict[str, str]:
    """Name → sha256 from a `sha256sum` output file (text or binary mode lines)."""
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition(" ")
        if not SHA256_HEX.match(digest) or not name[1:] or name[0] not in " *":
            raise DownloadError(f"{path}:{number}: not a `sha256sum` line: {line!r}")
        sums[name[1:]] = digest
    return sums
