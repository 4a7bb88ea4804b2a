"""The `release` Prefect flow: ingest → resolve evidence → build → validate → diff → publish."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from jrr.flows import pipeline
from jrr.flows.annotations import Annotations
from jrr.flows.caching import stage_cache_key
from jrr.flows.evidence import Resolved
from jrr.flows.ingest import Inputs, read_inputs
from jrr.flows.pipeline import Dataset
from jrr.flows.problems import InputError
from jrr.flows.publish import publish, repair_derived
from jrr.flows.release_folder import ReleasePlan
from jrr.flows.versioning import latest_version, plan_release

# Stages that only compute are cached on the content of raw/ and the code; reading raw/
# and publishing always run.
CACHED = {"cache_key_fn": stage_cache_key, "persist_result": True}


@dataclass(frozen=True)
class ReleaseOutcome:
    """What a release run did: the version published (or planned), or None when up to date."""

    version: str | None
    latest: str | None
    changelog_section: str | None
    published: Path | None
    repaired: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # leftovers of interrupted releases


@task(name="ingest")
def ingest_task(root: Path) -> Inputs:
    """Read raw/articles and raw/annotations."""
    return read_inputs(root)


@task(name="parse-annotations", **CACHED)
def parse_task(inputs: Inputs) -> Annotations:
    """Parse annotation files into records and citations."""
    return pipeline.parse(inputs)


@task(name="resolve-evidence", **CACHED)
def resolve_task(inputs: Inputs, annotations: Annotations) -> Resolved:
    """Find every quote in its article."""
    return pipeline.resolve(inputs, annotations)


@task(name="build-and-validate", **CACHED)
def build_task(inputs: Inputs, annotations: Annotations, resolved: Resolved) -> Dataset:
    """Build the tables and validate them; fails with every problem at once."""
    return pipeline.build_and_validate(inputs, annotations, resolved)


@task(name="diff-against-latest")
def plan_task(
    dataset_dir: Path, dataset: Dataset, date: str, note: str | None
) -> ReleasePlan | None:
    """Decide the version and changelog section, or None when nothing changed."""
    return plan_release(dataset_dir, dataset, date, note)


@task(name="publish")
def publish_task(dataset_dir: Path, plan: ReleasePlan) -> tuple[Path, list[str]]:
    """Write the release folder atomically and record it; what was cleared up on the way."""
    notes: list[str] = []
    return publish(dataset_dir, plan, notes), notes


@task(name="repair-derived-pages")
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
    inputs = ingest_task(root)
    annotations = parse_task(inputs)
    resolved = resolve_task(inputs, annotations)
    try:
        dataset = build_task(inputs, annotations, resolved)
    except InputError as error:
        _report_problems(error)
        raise
    _report_tables(dataset)
    plan = plan_task(dataset_dir, dataset, date or dt.date.today().isoformat(), note)
    latest = latest_version(dataset_dir)
    if plan is None:
        repaired, notes = ([], []) if dry_run else repair_task(dataset_dir)
        create_markdown_artifact(
            f"Nothing changed since v{latest}: no release.", key="changelog-section"
        )
        return ReleaseOutcome(None, latest, None, None, repaired, notes)
    create_markdown_artifact(plan.changelog_section, key="changelog-section")
    published, notes = (None, []) if dry_run else publish_task(dataset_dir, plan)
    return ReleaseOutcome(plan.version, latest, plan.changelog_section, published, [], notes)


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
