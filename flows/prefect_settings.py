"""Prefect settings for local runs, applied before Prefect is imported."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def local_run() -> Iterator[None]:
    """Run flows in this process without flow-run heartbeats (unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set), and without the events worker's exit note.

    Heartbeats let an automation mark as crashed a flow run whose worker died (Prefect's zombie
    detection, for deployments). A release runs in the process that started it, which reports
    its own failure; and ending the heartbeat thread costs up to a second per run, a third of a
    release that changes nothing. The setting cannot say "none" in the environment, hence this.
    Without that second, the events worker often still holds a few events when the process
    exits; it sends them, but first logs a warning ("Still processing items"), kept off the
    console here (its failures are logged as errors elsewhere and still show).
    """
    logging.getLogger("EventsWorker").setLevel(logging.ERROR)
    if "PREFECT_FLOWS_HEARTBEAT_FREQUENCY" in os.environ:
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


class _HideExpectedFailures(logging.Filter):
    """Keep tracebacks of input and publish errors off the console: the CLI prints them plainly."""

    def __init__(self, expected: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record carrying, or reporting, one of the expected exceptions."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.expected):
            return False
        message = record.getMessage()
        return not any(f"{kind.__name__}:" in message for kind in self.expected)


def hide_expected_failures(*expected: type[BaseException]) -> None:
    """Install the filter on the console handlers (the run's API logs keep everything)."""
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not any(
            isinstance(f, _HideExpectedFailures) for f in handler.filters
        ):
            handler.addFilter(_HideExpectedFailures(expected))
