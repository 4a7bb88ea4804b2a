"""A data user's path: a plain `pip install` of the project into a fresh venv, then the README's
"Use the data" commands against a real HTTP server on 127.0.0.1, up and down."""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.install

LATEST = json.loads((ROOT / "dataset" / "releases.json").read_text("utf-8"))["releases"][-1]
README = (ROOT / "README.md").read_text("utf-8")
USE_THE_DATA = README.split("## Use the data", 1)[1].split("\n## ", 1)[0]
# What the source copy leaves out: local state, build leftovers and the published data.
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "*.egg-info", ".prefect", ".jrr", "__pycache__", ".*_cache", "dataset"
)


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@dataclass
class DataUser:
    """A fresh venv with the project installed, a working folder and a served dataset/."""

    venv: Path
    work: Path
    url: str
    server: ThreadingHTTPServer

    def run(
        self, *args: str, cache: Path | None = None, base_url: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a program of the venv in the working folder, as the data user would."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JRR_", "PYTHON", "VIRTUAL_ENV"))
        }
        env |= {
            "JRR_BASE_URL": self.url,
            "JRR_CACHE_DIR": str(cache or self.work / "cache"),
            "JRR_RETRIES": "0",
            "PATH": f"{self.venv / 'bin'}:{env.get('PATH', '')}",
        }
        if not base_url:
            del env["JRR_BASE_URL"]
        program = self.venv / "bin" / args[0]
        return subprocess.run(
            [str(program), *args[1:]], cwd=self.work, env=env, capture_output=True, text=True
        )

    def stop_server(self) -> None:
        """Take the server down, as an outage would."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataUser]:
    """The project installed plainly (non-editable) into a new venv; dataset/ served on loopback."""
    base = tmp_path_factory.mktemp("data-user")
    source = base / "japan-russia-relations"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile"]
    subprocess.run([*install, "-c", str(ROOT / "constraints.txt"), str(source)], check=True)
    shutil.rmtree(source)  # nothing may depend on the source folder after the install
    served = base / "served"
    shutil.copytree(ROOT / "dataset", served)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=served)
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    work = base / "work"
    work.mkdir()
    yield DataUser(venv, work, f"http://127.0.0.1:{server.server_address[1]}/", server)
    if thread.is_alive():
        server.shutdown()
        server.server_close()
    thread.join()


def _console_steps() -> list[tuple[list[str], str]]:
    """The README's data-user commands (after `export`) and the output it shows for each."""
    block = USE_THE_DATA.split("$ export JRR_BASE_URL=", 1)[1].split("```", 1)[0]
    steps: list[tuple[list[str], str]] = []
    for line in block.splitlines()[1:]:
        if line.startswith("$ "):
            steps.append((shlex.split(line[2:].split("  #", 1)[0]), ""))
        elif steps:
            steps[-1] = (steps[-1][0], steps[-1][1] + line + "\n")
    return steps


def test_the_readme_shows_the_pip_path() -> None:
    assert "$ pip install ./japan-russia-relations" in USE_THE_DATA
    assert [command[0] for command, _ in _console_steps()] == ["jrr", "jrr", "jrr"]


def test_installed_package_is_jrr_alone(user: DataUser) -> None:
    code = (
        "import importlib.util as u, jrr, jrr.flows.cli; "
        "print(jrr.__file__); "
        "print([m for m in ('flows', 'schemas', 'prefect', 'edtf', 'yaml') if u.find_spec(m)])"
    )
    result = user.run("python", "-c", code)
    where, missing = result.stdout.splitlines()
    assert where.startswith(str(user.venv))
    assert missing == "[]"


def test_the_dataset_url_is_baked_into_the_package(user: DataUser) -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        url = tomllib.load(file)["tool"]["jrr"]["url"]
    code = "from jrr.flows.download import default_base_url; print(default_base_url())"
    result = user.run("python", "-c", code, base_url=False)
    assert result.stdout == f"{url}/raw/main/dataset/\n", result.stderr


def test_readme_commands_with_the_server_up(user: DataUser) -> None:
    for command, expected in _console_steps():
        result = user.run(*command)
        assert (result.returncode, result.stderr) == (0, ""), command
        assert result.stdout == expected, f"README output of {command} is stale"


def test_readme_python_with_the_server_up(user: DataUser) -> None:
    snippet = USE_THE_DATA.split("```python\n", 1)[1].split("```", 1)[0]
    shown = USE_THE_DATA.split("```python\n", 1)[1].split("```\n```\n", 1)[1].split("```", 1)[0]
    result = user.run("python", "-c", snippet)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown, "README output of jrr.load is stale"


def test_validate_and_diff_end_in_one_clear_sentence(user: DataUser) -> None:
    user.run("jrr", "download", "1.0.0")
    meetings = user.work / "jrr-data" / "v1.0.0" / "meetings.csv"
    edited = meetings.read_bytes().replace(b"2018-11-14-singapore,2018-11-14,", b"x,2018-13-45,")
    broken = user.work / "broken" / "v1.0.0"
    shutil.copytree(meetings.parent, broken)
    (broken / "meetings.csv").write_bytes(edited)

    validate = user.run("jrr", "validate", str(broken / "meetings.csv"))
    assert validate.returncode == 1
    assert "meetings.csv:2: date: '2018-13-45' is not a valid EDTF date" in validate.stderr
    diff = user.run("jrr", "diff", str(meetings.parent), str(broken))
    assert diff.returncode == 1
    assert "v1.0.0/meetings.csv:1: file: sha256 " in diff.stderr
    raw = user.run("jrr", "diff", "1.0.0", "raw")
    assert raw.returncode == 1
    assert raw.stderr.startswith("jrr diff: this needs the maintainers' pipeline")
    for result in (validate, diff, raw):
        assert "Traceback" not in result.stderr


def test_with_the_server_down(user: DataUser) -> None:
    warm = user.work / "warm-cache"
    assert user.run("jrr", "diff", "1.0.0", LATEST["version"], cache=warm).returncode == 0
    user.stop_server()
    load = "import jrr; print(len(jrr.load('meetings'{})))"

    pinned = user.run("python", "-c", load.format(", version='1.0.0'"), cache=warm)
    assert (pinned.returncode, pinned.stderr) == (0, "")

    latest = user.run("python", "-c", load.format(""), cache=warm)
    assert latest.returncode == 0
    [warning] = latest.stderr.splitlines()
    assert warning.startswith("warning: could not fetch the release index (could not reach ")
    assert warning.endswith(f"using v{LATEST['version']}, the newest release complete in {warm}")

    cold = user.work / "cold-cache"
    failed = user.run("python", "-c", load.format(""), cache=cold)
    assert failed.returncode == 1
    sentence = (
        f"jrr.flows.release_index.DownloadError: could not reach {user.url}releases.json: "
        f"connection refused; no complete release is cached in {cold}"
    )
    assert failed.stderr.splitlines()[-1] == sentence
    assert "During handling" not in failed.stderr and "requests" not in failed.stderr
    download = user.run("jrr", "download", "--dest", str(cold))
    assert download.returncode == 1
    assert download.stderr == (
        f"jrr download: could not reach {user.url}releases.json: connection refused; "
        f"no complete release is cached in {cold}\n"
    )
    assert re.fullmatch(r"[^\n]+\n", download.stderr)
