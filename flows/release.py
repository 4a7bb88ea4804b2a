"""The `release` Prefect flow: ingest → resolve evidence → build → validate → diff → publish."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task

from flows import pipeline
from flows.annotations import Annotations
from flows.evidence import Resolved
from flows.ingest import Inputs, read_inputs
from flows.pipeline import Dataset
from flows.publish import ReleasePlan, publish
from flows.versioning import latest_version, plan_release


@dataclass(frozen=True)
class ReleaseOutcome:
    """What a release run did: the version published (or planned), or None when up to date."""

    version: str | None
    latest: str | None
    changelog_section: str | None
    published: Path | None


@task(name="ingest")
def ingest_task(root: Path) -> Inputs:
    """Read raw/articles and raw/annotations."""
    return read_inputs(root)


@task(name="parse annotations")
def parse_task(inputs: Inputs) -> Annotations:
    """Parse annotation files into records and citations."""
    return pipeline.parse(inputs)


@task(name="resolve evidence")
def resolve_task(inputs: Inputs, annotations: Annotations) -> Resolved:
    """Find every quote in its article."""
    return pipeline.resolve(inputs, annotations)


@task(name="build and validate")
def build_task(inputs: Inputs, annotations: Annotations, resolved: Resolved) -> Dataset:
    """Build the tables and validate them; fails with every problem at once."""
    return pipeline.build_and_validate(inputs, annotations, resolved)


@task(name="diff against latest release")
def plan_task(
    dataset_dir: Path, dataset: Dataset, date: str, note: str | None
) -> ReleasePlan | None:
    """Decide the version and changelog section, or None when nothing changed."""
    return plan_release(dataset_dir, dataset, date, note)


@task(name="publish")
def publish_task(dataset_dir: Path, plan: ReleasePlan) -> Path:
    """Write the release folder atomically and record it."""
    return publish(dataset_dir, plan)


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
    dataset = build_task(inputs, annotations, resolved)
    release_date = date or dt.date.today().isoformat()
    plan = plan_task(dataset_dir, dataset, release_date, note)
    latest = latest_version(dataset_dir)
    if plan is None:
        return ReleaseOutcome(None, latest, None, None)
    published = None if dry_run else publish_task(dataset_dir, plan)
    return ReleaseOutcome(plan.version, latest, plan.changelog_section, published)
