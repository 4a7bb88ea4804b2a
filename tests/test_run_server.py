"""Without PREFECT_API_URL, `jrr release` starts the temporary API server as its first step,
keys the articles while it starts, runs the flow against it, and stops it at the end.

These tests run Python in a subprocess: the test session's own Prefect API (conftest) must not
be seen. The project is a copy of the golden corpus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GOLDEN
from helpers import release_without_orchestrator as release

from jrr.flows import caching, file_digests, warm_start
from jrr.flows.corpus import article_ids, article_keys
from jrr.flows.publish import PublishError, check_latest_intact, read_index
from jrr.flows.release_digests import ReleaseDigests


def _without_api() -> dict[str, str]:
    """This environment, without a Prefect API or home: the command keeps Prefect's state
    beside the project, as a user's does, so its processes can be found by that home."""
    unset = {"PREFECT_API_URL", "PREFECT_HOME"}
    return {name: value for name, value in os.environ.items() if name not in unset}


def _golden_project(tmp_path: Path) -> Path:
    """A project of the golden corpus's raw/ files, nothing released yet."""
    project = tmp_path / "project"
    shutil.copytree(GOLDEN / "raw", project / "raw")
    return project


def _release_command(project: Path) -> list[str]:
    """`jrr release` of `project`, as this Python runs it."""
    cli = "import sys; from jrr.flows.cli import main; sys.exit(main())"
    return [sys.executable, "-c", cli, "release", "--root", str(project), "--date", "2026-01-15"]


def _processes_with_home(home: Path) -> list[int]:
    """Ids of running processes whose PREFECT_HOME is `home`."""
    marker = f"PREFECT_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize("import_first", ["", "import prefect.flows"], ids=["late", "early"])
def test_the_flow_runs_against_the_server_started_first_which_then_stops(
    tmp_path: Path, import_first: str
) -> None:
    # A thread outside the flow run (as the process pool's message forwarder) must see the
    # server too, whether Prefect was imported before it was named or after.
    script = f"""
import sys, threading
from pathlib import Path
{import_first}
from jrr.flows import prefect_settings, run_server
prefect_settings.configure(Path(sys.argv[1]))
with run_server.temporary_server() as server:
    from prefect import flow
    from prefect.settings import PREFECT_API_URL, get_current_settings

    @flow
    def which_api() -> str:
        seen = []
        thread = threading.Thread(target=lambda: seen.append(get_current_settings().api.url))
        thread.start()
        thread.join()
        return str(PREFECT_API_URL.value()) + " " + str(seen[0])

    run_server.wait_until_ready(server)
    with prefect_settings.local_run():
        used = which_api()
    print(used == server.api_url + " " + server.api_url, server.process.poll() is None)
print(server.process.poll() is not None, "prefect.server.api.server" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=_without_api(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    # Prefect never started its own server (it imports its server module to do so).
    assert result.stdout.split() == ["True", "True", "True", "False"], result.stdout + result.stderr
    assert _processes_with_home(tmp_path / ".prefect") == []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_release_without_an_api_publishes_and_leaves_no_server(tmp_path: Path) -> None:
    project = _golden_project(tmp_path)
    result = subprocess.run(
        _release_command(project),
        env=_without_api(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("published v1.0.0")
    assert _processes_with_home(project / ".prefect") == []


def test_keys_found_while_the_server_starts_are_taken_once(project: Path) -> None:
    version = caching.code_version()
    ids = article_ids(project)
    warm_start.warm_up(project)
    assert warm_start.take_keys(project, version, ids) == article_keys(project, ids, version)
    assert warm_start.take_keys(project, version, ids) is None


def test_keys_of_another_listing_are_not_taken(project: Path) -> None:
    version = caching.code_version()
    ids = article_ids(project)
    warm_start.warm_up(project)
    assert warm_start.take_keys(project, version, ids[1:]) is None
    assert warm_start.take_keys(project, version, ids) is None  # dropped, not kept for later


def test_the_latest_release_is_checked_while_the_server_starts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release(project, "2026-01-01")
    monkeypatch.setattr(file_digests, "_now", lambda: time.time() + 60)  # written long ago
    warm_start.warm_up(project)
    folder = project / "dataset" / "v1.0.0"
    remembered = ReleaseDigests(project).entries
    assert {os.fspath(path.absolute()) for path in folder.iterdir()} <= set(remembered)


def test_a_damaged_latest_release_is_left_for_the_flow_to_report(project: Path) -> None:
    release(project, "2026-01-01")
    (project / "dataset" / "v1.0.0" / "meetings.csv").write_text("damaged\n")
    warm_start.warm_up(project)  # does not raise
    with pytest.raises(PublishError, match="does not match the checksums"):
        check_latest_intact(project / "dataset", read_index(project / "dataset")["releases"])


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_release_ended_by_sigterm_stops_its_server(tmp_path: Path) -> None:
    project = _golden_project(tmp_path)
    release = subprocess.Popen(
        _release_command(project),
        env=_without_api(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _processes_with_home(project / ".prefect") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_with_home(project / ".prefect"), "the server did not start"
        release.terminate()
        assert release.wait(timeout=60) != 0
    finally:
        release.kill()
    assert _processes_with_home(project / ".prefect") == []
