"""The temporary API server of one release, started as the release's very first step.

Without PREFECT_API_URL, Prefect starts a temporary API server when a flow run begins: the
process imports the server's modules (~2 s), starts the server in a subprocess and waits for it
(~4 s), then runs the flow. `jrr release` starts that same server (Prefect's app under uvicorn,
as Prefect runs it, with the same settings) before it even imports Prefect, and points the run
at it through PREFECT_API_URL; the seconds the server takes to start are spent importing the
flow and keying the articles (warm_start). The server is stopped when the release ends, as
Prefect stops its own. If it cannot start, the run starts Prefect's own, as it always did.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jrr.flows.server import HOST, free_port, healthy

STOP_SECONDS = 5.0
# What Prefect sets for the temporary server it starts (no UI; the server knows it is one).
SERVER_ENVIRONMENT = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}


class TemporaryServer:
    """A temporary API server starting in a subprocess; `ready()` waits for it."""

    def __init__(self, process: subprocess.Popen[bytes], api_url: str) -> None:
        self.process = process
        self.api_url = api_url

    def ready(self, timeout: float) -> bool:
        """Wait until the server answers; False if it ended or did not answer in time."""
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        """End the server (and wait for it), as Prefect ends its own."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def temporary_server() -> Iterator[TemporaryServer | None]:
    """A temporary API server for this run, starting; None if PREFECT_API_URL names one."""
    parent = _prefect_parent()
    if _api_named() or parent is None:
        yield None
        return
    server = _start(parent)
    atexit.register(server.stop)
    try:
        yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)


@contextmanager
def used_by_flow_runs(server: TemporaryServer | None) -> Iterator[None]:
    """Point the flow runs of the block at `server` once it is up (else they start their own)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    if server is None or PREFECT_API_URL.value() or not server.ready(timeout):
        yield  # a profile names a server, or ours failed: Prefect decides, as without us
        return
    os.environ["PREFECT_API_URL"] = server.api_url  # for processes the run starts
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _api_named() -> bool:
    """Whether the environment, or Prefect's settings if Prefect is loaded, name an API."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" not in sys.modules:  # not loaded: not worth a second to look
        return False
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def _start(prefect_parent: Path) -> TemporaryServer:
    """Start Prefect's API app under uvicorn on a free port of 127.0.0.1, without waiting."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_parent),
        "--factory", "prefect.server.api.server:create_app",
        "--host", HOST, "--port", str(port), "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, **SERVER_ENVIRONMENT},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return TemporaryServer(process, f"http://{HOST}:{port}/api")


def _prefect_parent() -> Path | None:
    """The folder holding the prefect package, found without importing it (None: missing)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).parent
