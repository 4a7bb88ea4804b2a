"""Fetch a published release over HTTP or from a folder, verifying every file before keeping it.

Runs without the orchestrator: pooch (with requests, its HTTP client) and the standard library.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse
from urllib.request import url2pathname

import pooch
import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOWNLOAD_URL = "dataset"  # keep equal to [tool.jrr] download-url in pyproject.toml
RETRIES = 3  # extra attempts after the first, for transient errors only
RETRY_WAIT = 1.0  # seconds before the first retry; doubles for each further one
TIMEOUT = 30.0  # seconds to connect, and between bytes received
PROGRESS_MIN_BYTES = 1024 * 1024
INDEX_NAME = "releases.json"
SUMS_NAME = "SHA256SUMS"

_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]+)?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PATH_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_TRANSIENT_STATUS = {408, 429}

T = TypeVar("T")
Source = str | Path  # an http(s) URL ending in "/" or a local folder


class DownloadError(Exception):
    """A release could not be fetched or verified; the message says which file and why."""


def default_base_url() -> str:
    """Base URL from $JRR_BASE_URL, else [tool.jrr] download-url of the project's pyproject."""
    from_env = os.environ.get("JRR_BASE_URL", "").strip()
    if from_env:
        return from_env
    return _resolve_against(_configured_url(REPO_ROOT / "pyproject.toml"), REPO_ROOT)


def fetch_index(base_url: str) -> dict[str, Any]:
    """Read and check releases.json from an http(s) URL, a file:// URL or a folder path."""
    source = _source(base_url)
    if isinstance(source, Path):
        where = str(source / INDEX_NAME)
        return _parse_index(_read_local_index(source / INDEX_NAME), where)
    return _parse_index(_http_bytes(source + INDEX_NAME), source + INDEX_NAME)


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


def download_release(
    version: str | None, dest: Path, base_url: str | None = None, progress: bool = True
) -> Path:
    """Download every file of a release into dest/v<version>, verified; return that folder."""
    base = base_url if base_url is not None else default_base_url()
    release = resolve_version(fetch_index(base), version)
    _require_sums(release)
    source = _release_source(_source(base), release["version"])
    target = Path(dest) / f"v{release['version']}"
    if target.is_dir():
        _fill(source, target, release, progress)
        return target
    return _fill_staged(source, target, release, progress)


def _configured_url(pyproject: Path) -> str:
    """The download-url in a pyproject.toml, or the built-in default if it has none."""
    if not pyproject.is_file():
        return DEFAULT_DOWNLOAD_URL
    with pyproject.open("rb") as file:
        config = tomllib.load(file)
    return str(config.get("tool", {}).get("jrr", {}).get("download-url", DEFAULT_DOWNLOAD_URL))


def _resolve_against(value: str, root: Path) -> str:
    """A URL unchanged, or a folder path made absolute relative to `root`."""
    if len(urlparse(value).scheme) > 1:
        return value
    return str(root / Path(value).expanduser())


def _source(base_url: str) -> Source:
    """The base as an http(s) URL ending in "/", or as a local folder."""
    parsed = urlparse(base_url)
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https"):
        return base_url.rstrip("/") + "/"
    if scheme == "file":
        return Path(url2pathname(parsed.path))
    if len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise DownloadError(
            f"unsupported base URL {base_url!r}: use http(s)://, file:// or a folder path"
        )
    return Path(base_url).expanduser()


def _release_source(source: Source, version: str) -> Source:
    """Where the files of one version live under the base."""
    if isinstance(source, Path):
        return source / f"v{version}"
    return f"{source}v{version}/"


def _read_local_index(path: Path) -> bytes:
    """The bytes of a local releases.json, or an error saying where it was looked for."""
    if not path.is_file():
        raise DownloadError(
            f"no {INDEX_NAME} in {path.parent}: point the base URL (JRR_BASE_URL) at the "
            "dataset/ folder of a published release"
        )
    return path.read_bytes()


def _http_bytes(url: str) -> bytes:
    """The body of a small HTTP resource, retrying transient errors."""

    def attempt() -> bytes:
        buffer = io.BytesIO()
        pooch.HTTPDownloader(progressbar=False, timeout=TIMEOUT)(url, buffer, None)
        return buffer.getvalue()

    return _retrying(url, attempt)


def _parse_index(raw: bytes, where: str) -> dict[str, Any]:
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
    if not isinstance(entry.get("sha256"), str) or not _SHA256.match(entry["sha256"]):
        return f"{path}: 'sha256' must be 64 lowercase hex digits"
    size = entry.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return f"{path}: 'bytes' must be a non-negative integer"
    return None


def _safe_path(path: str) -> bool:
    """True if `path` cannot point outside the folder it is joined to."""
    return all(_PATH_PART.match(part) for part in path.split("/"))


def _require_sums(release: dict[str, Any]) -> None:
    """Refuse a release whose file list has no SHA256SUMS to cross-check."""
    if not any(entry["path"] == SUMS_NAME for entry in release["files"]):
        raise DownloadError(f"release {release['version']} lists no {SUMS_NAME} file")


def _fill_staged(source: Source, target: Path, release: dict[str, Any], progress: bool) -> Path:
    """Download into a fresh hidden folder beside `target`, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.partial"
    staging.mkdir()
    try:
        _fill(source, staging, release, progress)
        _publish(staging, target, release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _publish(staging: Path, target: Path, release: dict[str, Any]) -> None:
    """Rename the verified staging folder to `target`, accepting a complete one already there."""
    try:
        staging.rename(target)
    except OSError as exc:
        # Another download of the same version may have finished first.
        if not all(_matches(target / entry["path"], entry) for entry in release["files"]):
            raise DownloadError(f"could not move {staging} to {target}: {exc}") from exc
        shutil.rmtree(staging, ignore_errors=True)


def _fill(source: Source, folder: Path, release: dict[str, Any], progress: bool) -> None:
    """Make every file of the release present and verified in `folder`, then cross-check sums."""
    mode = folder.stat().st_mode & 0o666
    for entry in release["files"]:
        _ensure_file(source, folder, entry, mode, progress)
    _check_sums(folder, release)


def _ensure_file(
    source: Source, folder: Path, entry: dict[str, Any], mode: int, progress: bool
) -> None:
    """Fetch one file unless a copy with the right size and hash is already there."""
    path = folder / entry["path"]
    if _matches(path, entry):
        return
    if isinstance(source, Path):
        _copy_verified(source / entry["path"], path, entry)
    else:
        _download_verified(source + entry["path"], path, entry, mode, progress)


def _matches(path: Path, entry: dict[str, Any]) -> bool:
    """True if `path` is a file of the listed size and sha256."""
    return (
        path.is_file()
        and path.stat().st_size == entry["bytes"]
        and _sha256(path) == entry["sha256"]
    )


def _sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _verify(path: Path, entry: dict[str, Any], origin: str) -> None:
    """Raise DownloadError unless `path` has the size and sha256 that releases.json lists."""
    size = path.stat().st_size
    if size != entry["bytes"]:
        raise DownloadError(
            f"{entry['path']}: size mismatch for {origin}: releases.json lists "
            f"{entry['bytes']} bytes, got {size}; nothing was kept"
        )
    digest = _sha256(path)
    if digest != entry["sha256"]:
        raise DownloadError(
            f"{entry['path']}: checksum mismatch for {origin}: expected sha256 "
            f"{entry['sha256']}, got {digest}; nothing was kept"
        )


def _copy_verified(src: Path, path: Path, entry: dict[str, Any]) -> None:
    """Copy a local file to a temporary name beside `path`, verify it, then rename it."""
    if not src.is_file():
        raise DownloadError(f"{entry['path']}: listed in releases.json but missing: {src}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        shutil.copyfile(src, temporary)
        _verify(temporary, entry, str(src))
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _download_verified(
    url: str, path: Path, entry: dict[str, Any], mode: int, progress: bool
) -> None:
    """Download with pooch, which renames its temporary file into place only once verified."""
    bar = progress and entry["bytes"] >= PROGRESS_MIN_BYTES
    http = pooch.HTTPDownloader(progressbar=bar, timeout=TIMEOUT)
    downloader = _verifying(http, entry, mode)
    with _quiet_pooch():
        _retrying(
            url,
            lambda: pooch.retrieve(
                url,
                known_hash=f"sha256:{entry['sha256']}",
                fname=path.name,
                path=path.parent,
                downloader=downloader,
            ),
        )


def _verifying(
    http: pooch.HTTPDownloader, entry: dict[str, Any], mode: int
) -> Callable[[str, str, Any], None]:
    """A pooch downloader that checks size and hash of its temporary file before the rename."""

    def download(url: str, output_file: str, pooch_instance: Any) -> None:
        http(url, output_file, pooch_instance)
        _verify(Path(output_file), entry, url)
        # pooch's temporary file is created 0600; give the kept file the folder's usual mode.
        os.chmod(output_file, mode)

    return download


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Silence pooch's per-file INFO lines, which name its temporary paths."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(level)


def _retrying(url: str, action: Callable[[], T]) -> T:
    """Run `action`, retrying transient network errors with exponential backoff."""
    attempts = 0
    while True:
        try:
            return action()
        except requests.RequestException as exc:
            attempts += 1
            if attempts > RETRIES or not _is_transient(exc):
                raise DownloadError(_describe(exc, url, attempts)) from exc
            time.sleep(RETRY_WAIT * 2 ** (attempts - 1))


def _is_transient(exc: requests.RequestException) -> bool:
    """True for errors that may go away on retry: 5xx, 408, 429, resets, timeouts, cut bodies."""
    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return status >= 500 or status in _TRANSIENT_STATUS
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    return isinstance(
        exc, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError
    )


def _describe(exc: requests.RequestException, url: str, attempts: int) -> str:
    """A message naming the URL, what went wrong and how often it was tried."""
    tries = f" (tried {attempts} times)" if attempts > 1 else ""
    response = getattr(exc, "response", None)
    if isinstance(exc, requests.HTTPError) and response is not None:
        hint = (
            "; check the version and the base URL (JRR_BASE_URL)"
            if response.status_code == 404
            else ""
        )
        return f"HTTP {response.status_code} {response.reason} for {url}{tries}{hint}"
    return f"could not download {url}{tries}: {exc}"


def _check_sums(folder: Path, release: dict[str, Any]) -> None:
    """Raise DownloadError unless the folder's SHA256SUMS lists exactly what releases.json does."""
    listed = _parse_sums(folder / SUMS_NAME)
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


def _parse_sums(path: Path) -> dict[str, str]:
    """Name → sha256 from a `sha256sum` output file (text or binary mode lines)."""
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition(" ")
        if not _SHA256.match(digest) or not name[1:] or name[0] not in " *":
            raise DownloadError(f"{path}:{number}: not a `sha256sum` line: {line!r}")
        sums[name[1:]] = digest
    return sums
