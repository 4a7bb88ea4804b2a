"""Fetch a published release over HTTP or from a folder, verifying every file before keeping it.

Runs without the orchestrator: pooch (with requests, its HTTP client) and the standard library.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse
from urllib.request import url2pathname

import pooch
import requests

from jrr.flows.release_index import (
    INDEX_NAME,
    SUMS_NAME,
    DownloadError,
    check_sums,
    parse_index,
    parse_sums,
    require_sums,
    resolve_version,
)
from jrr.settings import SettingsError, download_base

RETRIES = 3  # extra attempts after the first, for transient errors only ($JRR_RETRIES)
RETRY_WAIT = 1.0  # seconds before the first retry; doubles for each further one
TIMEOUT = 30.0  # seconds to connect, and between bytes received
PROGRESS_MIN_BYTES = 1024 * 1024
_TRANSIENT_STATUS = {408, 429}

T = TypeVar("T")
Source = str | Path  # an http(s) URL ending in "/" or a local folder


LOG = logging.getLogger("jrr")
_VERSION_FOLDER = re.compile(r"^v([0-9]+)\.([0-9]+)\.([0-9]+)$")


def default_base_url() -> str:
    """Base URL from $JRR_BASE_URL, else the dataset/ folder of [tool.jrr] url."""
    try:
        return download_base()
    except SettingsError as error:
        raise DownloadError(str(error)) from None


def fetch_index(base_url: str) -> dict[str, Any]:
    """Read and check releases.json from an http(s) URL, a file:// URL or a folder path."""
    source = _source(base_url)
    if isinstance(source, Path):
        where = str(source / INDEX_NAME)
        return parse_index(_read_local_index(source / INDEX_NAME), where)
    return parse_index(_http_bytes(source + INDEX_NAME), source + INDEX_NAME)


def download_release(
    version: str | None, dest: Path, base_url: str | None = None, progress: bool = True
) -> Path:
    """Download every file of a release into dest/v<version>, verified; return that folder.

    A pinned version already complete in `dest` is returned without any network access. For
    the latest version, an unreachable server falls back to the newest complete version in
    `dest`, with one warning line.
    """
    pinned = version not in (None, "latest")
    if pinned and complete_in_cache(Path(dest) / f"v{str(version).removeprefix('v')}"):
        return Path(dest) / f"v{str(version).removeprefix('v')}"
    base = base_url if base_url is not None else default_base_url()
    try:
        index = fetch_index(base)
    except DownloadError as error:
        if pinned:
            raise
        cached = newest_cached(Path(dest))
        if cached is None:
            raise DownloadError(f"{error}; no complete release is cached in {dest}") from None
        LOG.warning(
            "warning: could not fetch the release index (%s); using %s, the newest release "
            "complete in %s",
            error,
            cached.name,
            dest,
        )
        return cached
    release = resolve_version(index, version)
    require_sums(release)
    source = _release_source(_source(base), release["version"])
    target = Path(dest) / f"v{release['version']}"
    if target.is_dir():
        _fill(source, target, release, progress)
        return target
    return _fill_staged(source, target, release, progress)


def complete_in_cache(folder: Path) -> bool:
    """True if `folder` holds a SHA256SUMS and every file it lists, each with that hash."""
    try:
        sums = parse_sums(folder / SUMS_NAME)
    except (OSError, ValueError, DownloadError):
        return False
    return bool(sums) and all(
        (folder / name).is_file() and _sha256(folder / name) == digest
        for name, digest in sums.items()
    )


def newest_cached(dest: Path) -> Path | None:
    """The folder of the newest version complete in `dest`, or None."""
    if not dest.is_dir():
        return None
    versions = []
    for folder in dest.iterdir():
        match = _VERSION_FOLDER.match(folder.name)
        if match and folder.is_dir():
            versions.append((tuple(int(part) for part in match.groups()), folder))
    for _, folder in sorted(versions, reverse=True):
        if complete_in_cache(folder):
            return folder
    return None


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
    check_sums(folder, release)


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
            if attempts > _retries() or not _is_transient(exc):
                raise DownloadError(_describe(exc, url, attempts)) from exc
            time.sleep(RETRY_WAIT * 2 ** (attempts - 1))


def _retries() -> int:
    """How often to retry a transient error: $JRR_RETRIES, else RETRIES."""
    value = os.environ.get("JRR_RETRIES", "").strip()
    return int(value) if value.isdigit() else RETRIES


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
    if isinstance(exc, requests.ConnectionError):
        reason = re.search(r"\[Errno -?[0-9]+\] ([^'\")\]]+)", str(exc))
        why = reason.group(1).strip().lower() if reason else "no connection"
        return f"could not reach {url}{tries}: {why}"
    return f"could not download {url}{tries}: {exc}"
