"""A bare Prefect flow of ten small tasks with the release's settings: the orchestration floor.

python benchmarks/bare_flow.py PROJECT
"""

from __future__ import annotations

import sys
from pathlib import Path

from jrr.flows import prefect_settings

TASKS = 10


def main() -> int:
    """Run the flow once under the same Prefect settings as `jrr release --root PROJECT`."""
    prefect_settings.configure(Path(sys.argv[1]).resolve())
    from prefect import flow, task

    @task
    def step(number: int) -> int:
        """One small task."""
        return number + 1

    @flow(name="bare")
    def bare() -> int:
        """Ten tasks in a row, each passing a small value to the next."""
        value = 0
        for _ in range(TASKS):
            value = step(value)
        return value

    with prefect_settings.local_run():
        state = bare(return_state=True)
    return 0 if state.is_completed() else 1


if __name__ == "__main__":
    sys.exit(main())
