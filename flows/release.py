"""The `release` Prefect flow: per-article work → consolidate and validate → diff → publish.

Tasks pass small values (paths, ids, content hashes, and handles of the tables and the plan,
which stay in the flow's process: see held). Per-article results live in the article cache,
and only the per-article tasks run on the task runner (threads, or a Dask cluster with
`--dask`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from jrr.flows import build_stamp, caching
from jrr.flows.article_cache import ArticleCache
from jrr.flows.build_snapshot import record_published
from jrr.flows.collector import collector_paused
from jrr.flows.corpus import (
    Processed,
    article_ids,
    article_keys,
    consolidate,
    keys_digest,
    listing_digest,
    process_articles,
)
from jrr.flows.held import held, hold, values_of_one_run
from jrr.flows.problems import InputError
from jrr.flows.progress import progress_bar
from jrr.flows.publish import latest_version, publish, read_index, repair_derived
from jrr.flows.warm_start import take_keys

if TYPE_CHECKING:
    from jrr.flows.pipeline import Dataset

# The build's modules (pandas, pandera, matplotlib) are imported where the build needs them:
# a release whose sources are those of the latest release stops before, and starts faster.
# Each article's own work is cached per article (article_cache); a release whose sources
# are those of the latest release stops before the build (build_stamp). No task result is
# persisted or hashed by Prefect: the tables are large, and the stages are not reused.
STAGE = {"cache_policy": NO_CACHE, "persist_result": False}
CHUNKS = 16  # per-article tasks per release: progress in steps, a cluster kept busy, few runs
MIN_CHUNK = 50
# Below this many articles to compute, starting worker processes costs more than it saves.
PROCESS_POOL_MIN_ARTICLES = 2_000


@dataclass(frozen=True)
class ReleaseOutcome:
    """What a release run did: the version published (or planned), or None when up to date."""

    version: str | None
    latest: str | None
    changelog_section: str | None
    published: Path | None
    repaired: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # leftovers of interrupted releases


@task(name="articles", **STAGE)
def articles_task(root: Path, ids: list[str], version: str) -> Processed:
    """Read, parse and resolve the quotes of some articles; cache each result."""
    return process_articles(root, ids, ArticleCache(root, version))


@task(name="build-and-validate", **STAGE)
def build_task(root: Path, version: str, keys: str) -> str:
    """Consolidate every article's result, build the tables and validate them (held)."""
    cache = ArticleCache(root, version)
    return hold(consolidate(root, cache, quiet=True, keys=held(keys, dict)))


@task(name="diff-against-latest", **STAGE)
def plan_task(dataset_dir: Path, dataset: str, date: str, note: str | None) -> str | None:
    """Decide the version and changelog section (held), or None when nothing changed."""
    from jrr.flows.pipeline import Dataset
    from jrr.flows.versioning import plan_release

    plan = plan_release(dataset_dir, held(dataset, Dataset), date, note)
    return None if plan is None else hold(plan)


@task(name="publish", **STAGE)
def publish_task(dataset_dir: Path, plan: str) -> tuple[Path, list[str]]:
    """Write the release folder atomically and record it; what was cleared up on the way."""
    from jrr.flows.release_folder import ReleasePlan

    notes: list[str] = []
    return publish(dataset_dir, held(plan, ReleasePlan), notes), notes


@task(name="repair-derived-pages", **STAGE)
def repair_task(dataset_dir: Path) -> tuple[list[str], list[str]]:
    """Complete an interrupted release: clear up its leftovers, refresh the derived pages."""
    notes: list[str] = []
    return repair_derived(dataset_dir, notes), notes


@flow(name="release")
def release_flow(
    root: Path,
    note: str | None = None,
    date: str | None = None,
    dry_run: bool = False,
) -> ReleaseOutcome:
    """Build the dataset from `root`/raw and publish a new version under `root`/dataset."""
    dataset_dir = root / "dataset"
    version = caching.code_version()
    keys = _process_articles(root, version)
    source_key = build_stamp.source_key(root, _corpus_digest(root, version, keys))
    if build_stamp.unchanged_since_release(dataset_dir, source_key):
        return _up_to_date(dataset_dir, dry_run)
    from jrr.flows.pipeline import Dataset
    from jrr.flows.release_folder import ReleasePlan

    with values_of_one_run(), collector_paused():
        try:
            dataset = build_task(root, version, hold(keys))
        except InputError as error:
            _report_problems(error)
            raise
        _report_tables(held(dataset, Dataset))
        plan = plan_task(dataset_dir, dataset, date or dt.date.today().isoformat(), note)
        if plan is None:
            outcome = _up_to_date(dataset_dir, dry_run)
            build_stamp.record_release(dataset_dir, source_key)
            return outcome
        planned = held(plan, ReleasePlan)
        section, base = planned.changelog_section, planned.base_version
        create_markdown_artifact(section, key="changelog-section")
        if dry_run:
            return ReleaseOutcome(planned.version, base, section, None)
        published, notes = publish_task(dataset_dir, plan)
        build_stamp.record_release(dataset_dir, source_key)
        _remember_build(root, held(dataset, Dataset).build_id, planned.version)
        return ReleaseOutcome(planned.version, base, section, published, [], notes)


def _remember_build(root: Path, build_id: str | None, version: str) -> None:
    """Record that release `version` holds the build kept as `build_id` (if one was kept)."""
    if build_id is None:
        return
    entry = next(e for e in read_index(root / "dataset")["releases"] if e["version"] == version)
    record_published(root, build_id, entry)


def _up_to_date(dataset_dir: Path, dry_run: bool) -> ReleaseOutcome:
    """Nothing to publish: complete any interrupted release and refresh the derived pages."""
    repaired, notes = ([], []) if dry_run else repair_task(dataset_dir)
    latest = latest_version(dataset_dir)
    create_markdown_artifact(
        f"Nothing changed since v{latest}: no release.", key="changelog-section"
    )
    return ReleaseOutcome(None, latest, None, None, repaired, notes)


def flow_for(dask_address: str | None) -> Any:
    """The release flow, with its per-article tasks on the Dask cluster at `dask_address`."""
    if not dask_address:
        return release_flow
    from prefect_dask import DaskTaskRunner

    return release_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))


def _process_articles(root: Path, version: str) -> dict[str, str]:
    """Every article's cache key; articles not cached yet run on the task runner.

    Reading and keying every article happens here (it is what a release that changes nothing
    must do, and a task run costs the orchestrator ~70 ms); tasks only compute.
    """
    ids = article_ids(root)
    cache = ArticleCache(root, version)
    with progress_bar(len(ids), "articles") as advance:
        keys = take_keys(root, version, ids) or article_keys(root, ids, version)
        stored = cache.stored_keys()
        missing = [article_id for article_id, key in keys.items() if key not in stored]
        advance(len(ids) - len(missing))
        compute_articles(root, missing, version, advance)
    return keys


def compute_articles(
    root: Path, missing: list[str], version: str, advance: Callable[[int], object]
) -> None:
    """Compute and cache the articles not cached yet, in chunks, as tasks."""
    size = max(MIN_CHUNK, -(-len(missing) // CHUNKS))
    chunks = [missing[start : start + size] for start in range(0, len(missing), size)]
    with _article_runner(len(missing)) as submit:
        futures = [submit(root, chunk, version) for chunk in chunks]
        for future in as_completed(futures):
            advance(future.result().articles)


@contextmanager
def _article_runner(articles: int) -> Iterator[Callable[..., Any]]:
    """How article tasks are submitted: to the flow's task runner (a Dask cluster, or threads),
    or, for many articles on a machine with several cores, to a pool of processes (parsing
    holds the GIL, so threads share one core)."""
    context = FlowRunContext.get()
    local = context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner)
    workers = min(available_cores(), CHUNKS)
    if not local or workers < 2 or articles < PROCESS_POOL_MIN_ARTICLES:
        yield articles_task.submit
        return
    with ProcessPoolTaskRunner(max_workers=workers) as runner:
        yield lambda root, ids, version: runner.submit(
            articles_task, {"root": root, "ids": ids, "version": version}
        )


def available_cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _corpus_digest(root: Path, version: str, keys: dict[str, str]) -> str:
    """The content key of the whole corpus: file names, code version, every article's key."""
    return caching.content_digest(
        {"listing": listing_digest(root).encode(), "version": version.encode()}
        | {"articles": keys_digest(keys).encode()}
    )


def _report_problems(error: InputError) -> None:
    """The failed validation as a markdown artifact, for the run's page in the UI."""
    lines = [f"- `{problem}`" for problem in error.problems]
    report = f"# Validation failed\n\n{error.summary}\n\n" + "\n".join(lines)
    create_markdown_artifact(report, key="validation-report")


def _report_tables(dataset: Dataset) -> None:
    """Row counts and the passed validation as artifacts."""
    counts = [{"table": name, "rows": len(frame)} for name, frame in dataset.tables.items()]
    create_table_artifact(counts, key="table-counts")
    total = sum(row["rows"] for row in counts)
    report = f"# Validation passed\n\n{len(counts)} tables, {total} rows, no problems."
    create_markdown_artifact(report, key="validation-report")
