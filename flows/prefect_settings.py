"""Prefect settings for local runs, applied before Prefect is imported."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # Task-run and event recording stall later runs on SQLite locks; flow runs are still kept.
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
}


def configure(root: Path) -> None:
    """Keep Prefect's state beside the project and quiet; explicit environment settings win."""
    os.environ.setdefault("PREFECT_HOME", str(root / ".prefect"))
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
