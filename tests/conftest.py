"""Shared fixtures: the golden corpus, project copies, and one Prefect test server per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import run_jrr

from jrr.flows import prefect_settings

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
RELEASE_DATE = "2026-01-15"

if "PREFECT_HOME" not in os.environ:  # a home of the session's own, removed when it ends
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="jrr-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
prefect_settings.configure(ROOT)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect API and database for every orchestrated test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the golden raw/, not released, for tests that need no orchestrator."""
    shutil.copytree(GOLDEN / "raw", tmp_path / "raw")
    return tmp_path


@pytest.fixture
def golden_project(prefect_server: None, tmp_path: Path) -> Path:
    """A project folder holding a copy of the golden raw/ and no releases yet."""
    shutil.copytree(GOLDEN / "raw", tmp_path / "raw")
    return tmp_path


@pytest.fixture(scope="session")
def golden_released(prefect_server: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose golden raw/ has been released once as v1.0.0 (do not modify)."""
    project = tmp_path_factory.mktemp("golden-released")
    shutil.copytree(GOLDEN / "raw", project / "raw")
    assert run_jrr("release", "--root", str(project), "--date", RELEASE_DATE)[0] == 0
    return project


@pytest.fixture
def released_project(golden_released: Path, tmp_path: Path) -> Path:
    """A private copy of the released golden project, free to edit."""
    project = tmp_path / "project"
    shutil.copytree(golden_released, project, ignore=shutil.ignore_patterns(".jrr"))
    return project
