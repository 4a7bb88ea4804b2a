"""`jrr release --dask`: the per-article work on a real Dask cluster, the same bytes out; and
on local worker processes when there are many articles to compute."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from conftest import RELEASE_DATE
from helpers import run_jrr, tree_digest

from jrr.flows import caching, release


def test_a_release_on_a_dask_cluster_is_byte_identical(
    golden_released: Path, golden_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    salt = uuid.uuid4().hex  # a fresh cache key: every article is computed on the cluster
    monkeypatch.setattr(caching, "code_version", lambda: salt)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        args = ["release", "--root", str(golden_project), "--date", RELEASE_DATE]
        code, out, err = run_jrr(*args, "--dask", cluster.scheduler_address)
        ran_on_cluster = cluster.scheduler.transition_counter
    assert code == 0, err
    assert "published v1.0.0" in out
    assert ran_on_cluster > 0
    assert tree_digest(golden_project / "dataset") == tree_digest(golden_released / "dataset")
    cached = golden_project / ".jrr" / "cache" / "articles" / salt
    assert len(list(cached.rglob("*.pickle"))) == 3


def test_a_release_on_worker_processes_is_byte_identical(
    golden_released: Path, golden_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.task_runners import ProcessPoolTaskRunner

    entered: list[int | None] = []

    class CountingRunner(ProcessPoolTaskRunner):  # type: ignore[misc]
        def __enter__(self) -> CountingRunner:
            entered.append(self._max_workers)
            return super().__enter__()

    monkeypatch.setattr(caching, "code_version", lambda: uuid.uuid4().hex)
    monkeypatch.setattr(release, "PROCESS_POOL_MIN_ARTICLES", 1)  # three articles are many
    monkeypatch.setattr(release, "ProcessPoolTaskRunner", CountingRunner)
    monkeypatch.setattr(release, "available_cores", lambda: 2)
    args = ["release", "--root", str(golden_project), "--date", RELEASE_DATE]
    code, out, err = run_jrr(*args)
    assert code == 0, err
    assert entered == [2]
    assert tree_digest(golden_project / "dataset") == tree_digest(golden_released / "dataset")
