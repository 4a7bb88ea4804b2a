"""A long-running local Prefect server, so a release skips starting a temporary one (~9 s).

`make server` runs `python -m jrr.flows.server`: it starts `prefect server start` on
127.0.0.1 in the background with the project's Prefect settings, waits until it answers, and
writes its pid and API URL under .prefect/, where `make release` finds them.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from jrr.flows import prefect_settings

HOST = "127.0.0.1"
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class Server:
    """A running server: its process id and API URL."""

    pid: int
    api_url: str


def start(home: Path, port: int, log: Path) -> Server:
    """Start `prefect server start` on 127.0.0.1:`port` with its state in `home`; wait for it."""
    if not _port_free(port):
        raise RuntimeError(f"port {port} on {HOST} is in use; choose another with PORT=…")
    environment = {**os.environ, "PREFECT_HOME": str(home)}
    environment.pop("PREFECT_API_URL", None)  # the server must not try to reach another one
    for name, value in prefect_settings.DEFAULTS.items():
        environment.setdefault(name, value)
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", HOST, "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives the shell that started it; stopped by its pid
        )
    server = Server(process.pid, f"http://{HOST}:{port}/api")
    deadline = time.monotonic() + STARTUP_SECONDS
    while not healthy(server.api_url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server.pid)
            raise RuntimeError(f"the Prefect server did not start; see {log}")
        time.sleep(0.5)
    return server


def stop(pid: int) -> None:
    """Stop a server this module started: its process group, by the leader's pid."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:`port`."""
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def healthy(api_url: str) -> bool:
    """True once the server answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Start the project's server in the background and say how to use and stop it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--port", type=int, default=4200)
    args = parser.parse_args(argv)
    state = args.root.resolve() / ".prefect"
    state.mkdir(exist_ok=True)
    try:
        server = start(state, args.port, state / "server.log")
    except RuntimeError as error:
        print(f"make server: {error}", file=sys.stderr)
        return 1
    (state / "server.pid").write_text(f"{server.pid}\n")
    (state / "server.url").write_text(f"{server.api_url}\n")
    print(
        f"Prefect server running at {server.api_url.removesuffix('/api')} (pid {server.pid}); "
        "`make release` uses it while it runs.\n"
        f"Stop it with: kill -- -{server.pid}   (its log: .prefect/server.log)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
