"""flows.download against a real HTTP server on loopback, a local folder and a file:// URL."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import threading
import tomllib
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT

from jrr import settings
from jrr.flows import download
from jrr.flows.download import (
    DownloadError,
    default_base_url,
    download_release,
    fetch_index,
    resolve_version,
)

# INVENTED release fixture: made-up bytes standing in for published tables, not real data.
# 1.1.0 carries a file over 1 MiB so that pooch's progress bar path runs too.
RELEASES: dict[str, dict[str, bytes]] = {
    "1.0.0": {
        "meetings.csv": b"meeting_id,date\ninvented-meeting,2018-11-14\n",
        "meetings.parquet": b"PAR1 invented stand-in bytes PAR1",
        "datapackage.json": b'{"name": "invented-fixture"}\n',
        "changes.csv": b"table,record_id,change,fields\nmeetings,invented-meeting,added,\n",
    },
    "1.1.0": {
        "meetings.csv": b"meeting_id,date\ninvented-meeting,2018-11-14\nother,2019-01-22\n",
        "treaties.parquet": bytes(range(256)) * 5000,
        "datapackage.json": b'{"name": "invented-fixture", "version": "1.1.0"}\n',
        "changes.csv": b"table,record_id,change,fields\nmeetings,other,added,\n",
    },
}
TAMPERED = "changes.csv"  # listed after other files, so verified ones exist when it fails


def _sha256(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _entry(path: str, data: bytes) -> dict[str, object]:
    """A releases.json file entry for `data`."""
    return {"path": path, "sha256": _sha256(data), "bytes": len(data)}


def _publish(root: Path, releases: dict[str, dict[str, bytes]], sums_edit: str = "") -> None:
    """Write releases.json and version folders with SHA256SUMS, like the real publisher."""
    index: list[dict[str, object]] = []
    for version, files in releases.items():
        folder = root / f"v{version}"
        folder.mkdir(parents=True)
        sums = "".join(f"{_sha256(data)}  {name}\n" for name, data in files.items()) + sums_edit
        everything = {**files, "SHA256SUMS": sums.encode()}
        for name, data in everything.items():
            (folder / name).write_bytes(data)
        files_list = [_entry(name, data) for name, data in everything.items()]
        index.append({"version": version, "date": "2026-11-29", "files": files_list})
    (root / "releases.json").write_text(json.dumps({"releases": index}, indent=2))


def _write_index(root: Path, files: list[dict[str, object]]) -> None:
    """Overwrite releases.json with a single release 1.0.0 listing `files`."""
    release = {"version": "1.0.0", "date": "2026-11-29", "files": files}
    (root / "releases.json").write_text(json.dumps({"releases": [release]}))


def _leftovers(dest: Path) -> list[str]:
    """Everything under dest, relative, hidden files included."""
    if not dest.exists():
        return []
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*"))


def _assert_complete(folder: Path, version: str) -> None:
    """The folder holds exactly the invented release's files with their published bytes."""
    expected = set(RELEASES[version]) | {"SHA256SUMS"}
    assert {p.name for p in folder.iterdir()} == expected
    for name, data in RELEASES[version].items():
        assert (folder / name).read_bytes() == data


class LoopbackServer(ThreadingHTTPServer):
    """Serves a folder; counts requests per path and answers queued faults first."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(FaultyHandler, directory=str(root))
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: Counter[str] = Counter()
        self.faults: dict[str, list[int | str]] = {}
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        """Base URL of the served folder."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fail(self, path: str, fault: int | str, times: int = 100) -> None:
        """Answer the next `times` requests for `path` with an HTTP status or "truncate"."""
        self.faults[path] = [fault] * times

    def take(self, path: str) -> int | str | None:
        """Count a request for `path` and return the fault to answer it with, if any."""
        with self.lock:
            self.requests[path] += 1
            queued = self.faults.get(path)
            return queued.pop(0) if queued else None


class FaultyHandler(SimpleHTTPRequestHandler):
    """A static file handler that can fail on request."""

    server: LoopbackServer

    def do_GET(self) -> None:
        """Serve the file, or the fault queued for its path."""
        path = self.path.split("?", 1)[0]
        fault = self.server.take(path)
        if fault is None:
            super().do_GET()
        elif fault == "truncate":
            self._send_truncated(Path(self.directory) / path.lstrip("/"))
        else:
            self.send_error(int(fault))

    def _send_truncated(self, file: Path) -> None:
        """Promise the whole file in Content-Length, send half, then close the connection."""
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two retries with no waiting, so failure cases stay fast."""
    monkeypatch.setattr(download, "RETRIES", 2)
    monkeypatch.setattr(download, "RETRY_WAIT", 0.0)
    monkeypatch.delenv("JRR_BASE_URL", raising=False)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A dataset/ folder holding the invented releases."""
    root = tmp_path / "published"
    _publish(root, RELEASES)
    return root


@pytest.fixture
def server(published: Path) -> Iterator[LoopbackServer]:
    """A real HTTP server on 127.0.0.1 serving the published folder."""
    httpd = LoopbackServer(published)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """Where downloads go; not created in advance."""
    return tmp_path / "downloads"


@pytest.fixture(params=["http", "folder", "file-url"])
def base(request: pytest.FixtureRequest, published: Path) -> str:
    """The published folder reached over HTTP, as a folder path, or as a file:// URL."""
    if request.param == "http":
        return request.getfixturevalue("server").url
    if request.param == "folder":
        return str(published)
    return published.as_uri()


def test_downloads_every_file_verified(base: str, dest: Path) -> None:
    folder = download_release("1.0.0", dest, base, progress=False)
    assert folder == dest / "v1.0.0"
    _assert_complete(folder, "1.0.0")
    assert _leftovers(dest) == ["v1.0.0"] + [f"v1.0.0/{p.name}" for p in sorted(folder.iterdir())]


def test_downloaded_files_follow_umask(server: LoopbackServer, dest: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    folder = download_release("1.0.0", dest, server.url, progress=False)
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o666 & ~umask}


@pytest.mark.parametrize("version", [None, "latest"])
def test_latest_is_last_entry(base: str, dest: Path, version: str | None) -> None:
    folder = download_release(version, dest, base, progress=True)
    assert folder == dest / "v1.1.0"
    _assert_complete(folder, "1.1.0")


@pytest.mark.parametrize(
    ("version", "expected"),
    [(None, "2.0.0"), ("latest", "2.0.0"), ("1.0.0", "1.0.0"), ("v1.0.0", "1.0.0")],
)
def test_resolve_version(version: str | None, expected: str) -> None:
    index = {"releases": [{"version": "1.0.0"}, {"version": "1.1.0"}, {"version": "2.0.0"}]}
    assert resolve_version(index, version)["version"] == expected


def test_unknown_version_lists_available(base: str, dest: Path) -> None:
    with pytest.raises(
        DownloadError, match=r"'9\.9\.9' is not published; available: 1\.0\.0, 1\.1\.0"
    ):
        download_release("9.9.9", dest, base, progress=False)
    assert _leftovers(dest) == []


def test_no_releases_published() -> None:
    with pytest.raises(DownloadError, match="no release has been published"):
        resolve_version({"releases": []}, None)


@pytest.mark.parametrize("kind", ["same size", "longer"])
def test_tampered_file_leaves_nothing(
    base: str, published: Path, dest: Path, request: pytest.FixtureRequest, kind: str
) -> None:
    original = RELEASES["1.0.0"][TAMPERED]
    tampered = original.upper() if kind == "same size" else original + b"extra\n"
    (published / "v1.0.0" / TAMPERED).write_bytes(tampered)
    with pytest.raises(DownloadError) as caught:
        download_release("1.0.0", dest, base, progress=False)
    message = str(caught.value)
    assert message.startswith(f"{TAMPERED}: ")
    if kind == "same size":
        assert f"expected sha256 {_sha256(original)}, got {_sha256(tampered)}" in message
    else:
        assert f"lists {len(original)} bytes, got {len(tampered)}" in message
    assert _leftovers(dest) == []
    if "server" in request.fixturenames:
        assert request.getfixturevalue("server").requests[f"/v1.0.0/{TAMPERED}"] == 1


def test_missing_local_file_is_named(published: Path, dest: Path) -> None:
    (published / "v1.0.0" / TAMPERED).unlink()
    with pytest.raises(DownloadError, match=f"{TAMPERED}: listed in releases.json but missing"):
        download_release("1.0.0", dest, str(published), progress=False)
    assert _leftovers(dest) == []


@pytest.mark.parametrize("path", ["releases.json", f"v1.0.0/{TAMPERED}"])
def test_http_404_is_not_retried(
    server: LoopbackServer, published: Path, dest: Path, path: str
) -> None:
    (published / path).unlink()
    with pytest.raises(DownloadError) as caught:
        download_release("1.0.0", dest, server.url, progress=False)
    assert str(caught.value) == (
        f"HTTP 404 File not found for {server.url}/{path}; "
        "check the version and the base URL (JRR_BASE_URL)"
    )
    assert server.requests[f"/{path}"] == 1
    assert _leftovers(dest) == []


@pytest.mark.parametrize("fault", [500, 503, "truncate"])
@pytest.mark.parametrize("path", ["releases.json", f"v1.0.0/{TAMPERED}"])
def test_transient_errors_fail_after_retries(
    server: LoopbackServer, dest: Path, fault: int | str, path: str
) -> None:
    server.fail(f"/{path}", fault)
    with pytest.raises(DownloadError) as caught:
        download_release("1.0.0", dest, server.url, progress=False)
    message = str(caught.value)
    assert f"{server.url}/{path} (tried 3 times)" in message
    assert (f"HTTP {fault}" in message) if fault != "truncate" else ("IncompleteRead" in message)
    assert server.requests[f"/{path}"] == 3
    assert _leftovers(dest) == []


@pytest.mark.parametrize("fault", [500, "truncate"])
def test_transient_error_then_success(server: LoopbackServer, dest: Path, fault: int | str) -> None:
    server.fail(f"/v1.0.0/{TAMPERED}", fault, times=1)
    folder = download_release("1.0.0", dest, server.url, progress=False)
    _assert_complete(folder, "1.0.0")
    assert server.requests[f"/v1.0.0/{TAMPERED}"] == 2


def test_second_call_requests_no_data_files(server: LoopbackServer, dest: Path) -> None:
    download_release("1.0.0", dest, server.url, progress=False)
    folder = download_release("1.0.0", dest, server.url, progress=False)
    _assert_complete(folder, "1.0.0")
    data_requests = {p: n for p, n in server.requests.items() if p != "/releases.json"}
    assert data_requests == {f"/v1.0.0/{name}": 1 for name in [*RELEASES["1.0.0"], "SHA256SUMS"]}
    assert server.requests["/releases.json"] == 1  # a pinned version complete here: no network


def test_second_call_rewrites_nothing(base: str, dest: Path) -> None:
    folder = download_release("1.0.0", dest, base, progress=False)
    inodes = {p.name: p.stat().st_ino for p in folder.iterdir()}
    download_release("1.0.0", dest, base, progress=False)
    assert {p.name: p.stat().st_ino for p in folder.iterdir()} == inodes


@pytest.mark.parametrize("complete", [True, False])
def test_concurrent_download_finishing_first(
    published: Path, dest: Path, monkeypatch: pytest.MonkeyPatch, complete: bool
) -> None:
    fill = download._fill

    def fill_then_race(source: Path, folder: Path, release: dict, progress: bool) -> None:
        fill(source, folder, release, progress)
        shutil.copytree(folder, dest / "v1.0.0")  # another process renames its copy first
        if not complete:
            (dest / "v1.0.0" / "meetings.csv").unlink()

    monkeypatch.setattr(download, "_fill", fill_then_race)
    if complete:
        download_release("1.0.0", dest, str(published), progress=False)
        _assert_complete(dest / "v1.0.0", "1.0.0")
    else:
        with pytest.raises(DownloadError, match="could not move"):
            download_release("1.0.0", dest, str(published), progress=False)
    assert [p.name for p in dest.iterdir()] == ["v1.0.0"]


def test_existing_folder_is_repaired_file_by_file(server: LoopbackServer, dest: Path) -> None:
    folder = download_release("1.0.0", dest, server.url, progress=False)
    (folder / "meetings.csv").write_bytes(b"edited by hand\n")
    (folder / TAMPERED).unlink()
    server.requests.clear()
    download_release("1.0.0", dest, server.url, progress=False)
    _assert_complete(folder, "1.0.0")
    assert set(server.requests) == {"/releases.json", "/v1.0.0/meetings.csv", f"/v1.0.0/{TAMPERED}"}


def test_other_versions_untouched_by_a_failure(
    server: LoopbackServer, published: Path, dest: Path
) -> None:
    download_release("1.0.0", dest, server.url, progress=False)
    before = _leftovers(dest)
    (published / "v1.1.0" / TAMPERED).write_bytes(b"tampered\n")
    with pytest.raises(DownloadError, match=TAMPERED):
        download_release("1.1.0", dest, server.url, progress=False)
    assert _leftovers(dest) == before


@pytest.mark.parametrize(
    ("sums_edit", "expected"),
    [
        ("0" * 64 + "  stray.csv\n", "stray.csv: SHA256SUMS has 0000"),
        ("not a checksum line\n", "SHA256SUMS:5: not a `sha256sum` line"),
    ],
)
def test_sha256sums_must_agree(tmp_path: Path, dest: Path, sums_edit: str, expected: str) -> None:
    root = tmp_path / "odd"
    _publish(root, {"1.0.0": RELEASES["1.0.0"]}, sums_edit=sums_edit)
    with pytest.raises(DownloadError, match=expected):
        download_release("1.0.0", dest, str(root), progress=False)
    assert _leftovers(dest) == []


def test_release_without_sha256sums_is_refused(published: Path, dest: Path) -> None:
    _write_index(published, [_entry("meetings.csv", RELEASES["1.0.0"]["meetings.csv"])])
    with pytest.raises(DownloadError, match="release 1.0.0 lists no SHA256SUMS"):
        download_release("1.0.0", dest, str(published), progress=False)
    assert _leftovers(dest) == []


@pytest.mark.parametrize("path", ["../escape.csv", "/etc/passwd", "a\\b.csv", "sub/../x", ""])
def test_paths_outside_the_version_folder_are_refused(
    server: LoopbackServer, published: Path, dest: Path, path: str
) -> None:
    _write_index(published, [_entry(path, b"x")])
    with pytest.raises(DownloadError, match=r"releases.json: release #1: .*relative path"):
        download_release("1.0.0", dest, server.url, progress=False)
    assert not (dest.parent / "escape.csv").exists()
    assert _leftovers(dest) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ('{"versions": []}', "has no 'releases' list"),
        ('{"releases": [{"version": "1.0", "files": []}]}', "semantic version"),
        ('{"releases": [{"version": "1.0.0", "files": []}]}', "non-empty list"),
    ],
)
def test_malformed_index(published: Path, content: str, expected: str) -> None:
    (published / "releases.json").write_text(content)
    with pytest.raises(DownloadError, match=expected):
        fetch_index(published.as_uri())


def test_fetch_index_over_http(server: LoopbackServer) -> None:
    index = fetch_index(server.url + "/")
    assert [r["version"] for r in index["releases"]] == ["1.0.0", "1.1.0"]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [("/nowhere/at/all", "no releases.json in /nowhere/at/all"), ("ftp://x/y", "unsupported")],
)
def test_unusable_base(base_url: str, expected: str) -> None:
    with pytest.raises(DownloadError, match=expected):
        fetch_index(base_url)


def test_default_base_url_is_the_dataset_folder_of_the_configured_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JRR_BASE_URL", raising=False)
    with (ROOT / "pyproject.toml").open("rb") as file:
        url = tomllib.load(file)["tool"]["jrr"]["url"]
    assert default_base_url() == f"{url}/raw/main/dataset/"


def test_environment_overrides_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JRR_BASE_URL", "https://mirror.example.org/dataset/")
    assert default_base_url() == "https://mirror.example.org/dataset/"


def test_no_configured_url_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JRR_BASE_URL", raising=False)
    monkeypatch.setattr(settings, "settings", lambda: {})
    with pytest.raises(DownloadError, match=r"no dataset URL is configured .* set JRR_BASE_URL"):
        default_base_url()


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nname = "japan-russia-relations"\n[tool.jrr]\nurl = "https://a.example"\n', 1),
        ('[project]\nname = "another-project"\n[tool.jrr]\nurl = "https://a.example"\n', None),
        (None, None),
    ],
)
def test_only_this_projects_pyproject_is_read(
    tmp_path: Path, pyproject: str | None, expected: int | None
) -> None:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    found = settings.read_pyproject_settings(tmp_path / "pyproject.toml")
    assert found == (None if expected is None else {"url": "https://a.example"})
