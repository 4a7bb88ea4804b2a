"""Helpers the tests share: run `jrr` in-process, fingerprint a folder, release without Prefect."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
from pathlib import Path

from jrr.flows import versioning
from jrr.flows.build_snapshot import record_published
from jrr.flows.cli import main
from jrr.flows.pipeline import Dataset, build_dataset
from jrr.flows.publish import publish, read_index


def run_jrr(*args: str) -> tuple[int, str, str]:
    """Run the `jrr` command in-process; return exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


GOLDEN_DIR = Path(__file__).resolve().parent / "fixtures" / "golden"


def article_files(article_id: str) -> list[str]:
    """The three files that add one article to raw/."""
    return [
        f"raw/articles/{article_id}.txt",
        f"raw/articles/{article_id}.yaml",
        f"raw/annotations/{article_id}.yaml",
    ]


def add_golden_article(project: Path, article_id: str) -> None:
    """Copy one golden article, its metadata and its annotation into the project."""
    for name in article_files(article_id):
        shutil.copy(GOLDEN_DIR / name, project / name)


def release_without_orchestrator(project: Path, date: str) -> Dataset:
    """Build and publish the project as the release flow does, recording the build published."""
    dataset = build_dataset(project)
    plan = versioning.plan_release(project / "dataset", dataset, date)
    assert plan is not None and dataset.build_id is not None
    publish(project / "dataset", plan)
    record_published(project, dataset.build_id, read_index(project / "dataset")["releases"][-1])
    return dataset
