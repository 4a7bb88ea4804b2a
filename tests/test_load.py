"""schemas.load end to end: a copy of dataset/ served over real HTTP on loopback."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pandera.errors
import pooch
import pyarrow
import pytest

from jrr import DownloadError
from jrr.schemas import load
from jrr.schemas.load import cache_folder

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "dataset"
LATEST = json.loads((DATASET / "releases.json").read_text("utf-8"))["releases"][-1]["version"]
TABLES = ["articles", "meetings", "treaties", "treaty_events", "projects", "figures", "evidence"]


class CountingHandler(SimpleHTTPRequestHandler):
    """Serves files and counts the requests for each path."""

    server: CountingServer

    def do_GET(self) -> None:
        """Count the request, then serve the file."""
        with self.server.lock:
            self.server.requests[self.path.split("?", 1)[0]] += 1
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


class CountingServer(ThreadingHTTPServer):
    """A loopback HTTP server for one folder, with a request counter."""

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), functools.partial(CountingHandler, directory=root))
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()


@dataclass
class Served:
    """The served copy of dataset/, its URL and the requests it got."""

    root: Path
    url: str
    requests: Counter[str]


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the base URL nor the cache folder comes from the caller's environment."""
    monkeypatch.delenv("JRR_BASE_URL", raising=False)
    monkeypatch.delenv("JRR_CACHE_DIR", raising=False)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A copy of the repository's dataset/ served over HTTP on 127.0.0.1."""
    root = tmp_path / "served"
    shutil.copytree(DATASET, root)
    httpd = CountingServer(root)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield Served(root, f"http://127.0.0.1:{httpd.server_address[1]}", httpd.requests)
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _data_requests(served: Served) -> set[str]:
    """Paths requested other than the release index."""
    return set(served.requests) - {"/releases.json"}


def test_load_returns_each_table_as_published(served: Served, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for table in TABLES:
        frame = load(table, base_url=served.url, cache_dir=cache)
        expected = pd.read_parquet(DATASET / f"v{LATEST}" / f"{table}.parquet")
        pd.testing.assert_frame_equal(frame, expected)
    meetings = load("meetings", base_url=served.url, cache_dir=cache)
    assert meetings["date_start"].dtype == pd.ArrowDtype(pyarrow.date32())
    assert sorted(path.name for path in (cache / f"v{LATEST}").iterdir()) == sorted(
        path.name for path in (DATASET / f"v{LATEST}").iterdir()
    )


def test_second_call_downloads_no_data_file(served: Served, tmp_path: Path) -> None:
    load("treaties", base_url=served.url, cache_dir=tmp_path)
    assert f"/v{LATEST}/treaties.parquet" in served.requests
    served.requests.clear()
    again = load("treaties", base_url=served.url, cache_dir=tmp_path)
    assert _data_requests(served) == set()
    assert len(again) == len(pd.read_parquet(DATASET / f"v{LATEST}" / "treaties.parquet"))


def test_pinned_version_loads(served: Served, tmp_path: Path) -> None:
    frame = load("projects", version="1.0.0", base_url=served.url, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(frame, pd.read_parquet(DATASET / "v1.0.0" / "projects.parquet"))
    assert (tmp_path / "v1.0.0" / "SHA256SUMS").is_file()


def test_unknown_table_names_the_tables(served: Served, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no table 'meeting'.*tables: articles, meetings, "):
        load("meeting", base_url=served.url, cache_dir=tmp_path)


def test_validates_with_the_schema_the_release_was_published_with(
    served: Served, tmp_path: Path
) -> None:
    release = served.root / f"v{LATEST}"
    package = json.loads((release / "datapackage.json").read_text("utf-8"))
    meetings = next(r for r in package["resources"] if r["name"] == "meetings")
    status = next(f for f in meetings["schema"]["fields"] if f["name"] == "status")
    status["constraints"]["enum"] = ["held"]  # the release's rows also say "planned"
    (release / "datapackage.json").write_text(json.dumps(package), "utf-8")
    _reseal(served.root, "datapackage.json")
    with pytest.raises(pandera.errors.SchemaErrors, match="planned"):
        load("meetings", base_url=served.url, cache_dir=tmp_path)


def test_cache_folder_from_argument_then_env_then_user_cache(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_folder() == Path(pooch.os_cache("japan-russia-relations"))
    monkeypatch.setenv("JRR_CACHE_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("JRR_BASE_URL", served.url)
    assert cache_folder(tmp_path / "given") == tmp_path / "given"
    assert len(load("articles")) == 1
    assert (tmp_path / "from-env" / f"v{LATEST}" / "articles.parquet").is_file()


def test_importing_schemas_loads_no_download_or_orchestrator_code() -> None:
    code = (
        "import sys, schemas; "
        "print(sorted(m for m in ('prefect', 'flows', 'pooch', 'requests') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _reseal(dataset: Path, name: str) -> None:
    """Record an edited file's new hash in SHA256SUMS and releases.json, as if published so."""
    path = dataset / f"v{LATEST}" / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sums_path = path.parent / "SHA256SUMS"
    sums = [
        f"{digest}  {name}" if line.endswith(f"  {name}") else line
        for line in sums_path.read_text("utf-8").splitlines()
    ]
    sums_path.write_text("\n".join(sums) + "\n", "utf-8")
    index = json.loads((dataset / "releases.json").read_text("utf-8"))
    files = index["releases"][-1]["files"]
    for entry in files:
        if entry["path"] in (name, "SHA256SUMS"):
            changed = path if entry["path"] == name else sums_path
            entry["sha256"] = hashlib.sha256(changed.read_bytes()).hexdigest()
            entry["bytes"] = changed.stat().st_size
    (dataset / "releases.json").write_text(json.dumps(index), "utf-8")


def _closed_port_url() -> str:
    """The URL of a loopback port nothing listens on (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_pinned_version_in_the_cache_loads_without_network(served: Served, tmp_path: Path) -> None:
    load("meetings", version="1.0.0", base_url=served.url, cache_dir=tmp_path)
    served.requests.clear()
    frame = load("meetings", version="1.0.0", base_url=served.url, cache_dir=tmp_path)
    assert served.requests == Counter()  # not even releases.json
    offline = load("meetings", version="1.0.0", base_url=_closed_port_url(), cache_dir=tmp_path)
    pd.testing.assert_frame_equal(offline, frame)


def test_latest_falls_back_to_the_newest_cached_version_with_one_warning(
    served: Served,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JRR_RETRIES", "0")
    expected = load("figures", base_url=served.url, cache_dir=tmp_path)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="jrr"):
        frame = load("figures", base_url=_closed_port_url(), cache_dir=tmp_path)
    pd.testing.assert_frame_equal(frame, expected)
    [record] = caplog.records
    assert record.getMessage().startswith("warning: could not fetch the release index (could not")
    assert f"using v{LATEST}, the newest release complete in {tmp_path}" in record.getMessage()


def test_cold_cache_and_server_down_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JRR_RETRIES", "0")
    url = _closed_port_url()
    with pytest.raises(DownloadError) as caught:
        load("meetings", base_url=url, cache_dir=tmp_path)
    assert str(caught.value) == (
        f"could not reach {url}releases.json: connection refused; "
        f"no complete release is cached in {tmp_path}"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
