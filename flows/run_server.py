"""The temporary API server of one release, started as the release's very first step.

Without PREFECT_API_URL, Prefect starts a temporary API server when a flow run begins: the
process imports the server's modules (~2 s), starts the server in a subprocess and waits for it
(~4 s), then runs the flow. `jrr release` starts that same server (Prefect's app under uvicorn,
as Prefect runs it, with the same settings) before it even imports Prefect, and names it in
PREFECT_API_URL; the seconds the server takes to start are spent importing the flow and keying
the articles (warm_start). The server is stopped when the release ends, as Prefect stops its
own.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import signal
import subprocess
import sys
import threading
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
    previous = _exit_on_sigterm()
    # Named in the environment, where threads Prefect starts outside the flow run's context
    # (the events worker) read it; without it they would start servers of their own.
    os.environ["PREFECT_API_URL"] = server.api_url
    _refresh_prefect_settings()
    try:
        yield server
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        _refresh_prefect_settings()
        server.stop()
        atexit.unregister(server.stop)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def wait_until_ready(server: TemporaryServer | None) -> None:
    """Return once `server` answers; raise RuntimeError if it ended or did not answer in time."""
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    if server is not None and not server.ready(
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    ):
        raise RuntimeError(
            f"the temporary Prefect API server did not start at {server.api_url} (exit status "
            f"{server.process.poll()}); run the release again, or start one with make server"
        )


def _api_named() -> bool:
    """Whether the environment, or Prefect's settings if Prefect is loaded, name an API."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" not in sys.modules:  # not loaded: not worth a second to look
        return False
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def _exit_on_sigterm() -> signal.Handlers | None:
    """Turn SIGTERM into SystemExit, so the server is stopped on the way out (atexit is not run
    on a signal); the handler it replaces, or None if it left one in place."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None
    signal.signal(signal.SIGTERM, _exit)
    return signal.SIG_DFL


def _exit(signum: int, frame: object) -> None:
    """Leave as a process ended by `signum` would, running cleanup on the way."""
    raise SystemExit(128 + signum)


def _refresh_prefect_settings() -> None:
    """Make an already imported Prefect read its settings from the environment again.

    Prefect reads them once, at import; threads it starts outside the flow run's context (the
    process pool's message forwarder, the events worker) use those. Without this, a Prefect
    imported before the server was named would start a second temporary server of its own.
    """
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


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
