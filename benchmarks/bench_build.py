"""Benchmark the build stages on a synthetic corpus; prints time per stage and peak memory.

The corpus is invented here (not real articles): N articles, each with meetings, a treaty
with events, projects and figures, every record quoting its article. Run:

    .venv/bin/python benchmarks/bench_build.py --articles 200
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from jrr.flows import pipeline
from jrr.flows.ingest import read_inputs
from jrr.flows.release_folder import ReleasePlan, write_release_folder
from jrr.schemas.datapackage import current_table_schemas

T = TypeVar("T")
MEETINGS_PER_ARTICLE = 5


def write_corpus(root: Path, articles: int) -> None:
    """An invented corpus of `articles` articles with their annotations (10 records each)."""
    (root / "raw" / "articles").mkdir(parents=True)
    (root / "raw" / "annotations").mkdir(parents=True)
    for number in range(articles):
        write_article(root, number)


def write_article(root: Path, number: int) -> str:
    """Invented article `number`: its text, metadata and annotation file; returns its id."""
    article_id = f"bench-{number:05d}"
    sentences = [
        f"Leaders met in City{number}x{k} on May {k + 1}, 2019 for talk round {number}-{k}."
        for k in range(MEETINGS_PER_ARTICLE)
    ]
    sentences.append(f"Treaty {number} was signed in Moscow on June 1, 2019.")
    sentences.append(f"Project {number} builds a wind farm. About {number} farms are planned.")
    (root / "raw" / "articles" / f"{article_id}.txt").write_text("\n".join(sentences))
    (root / "raw" / "articles" / f"{article_id}.yaml").write_text(
        f"title: Bench {number}\npublisher: Bench\npublished_date: 2019-06-02\nlanguage: en\n"
    )
    (root / "raw" / "annotations" / f"{article_id}.yaml").write_text(
        _annotation(article_id, number)
    )
    return article_id


def edit_article(root: Path, number: int) -> str:
    """Change one value in invented article `number`'s annotation (a meeting's country)."""
    article_id = f"bench-{number:05d}"
    path = root / "raw" / "annotations" / f"{article_id}.yaml"
    text = path.read_text()
    path.write_text(text.replace("    country: RU\n", "    country: JP\n", 1))
    return article_id


def _annotation(article_id: str, number: int) -> str:
    """The annotation file of one invented article."""
    meetings = "".join(
        f"  - id: m-{number}-{k}\n    date: 2019-05-{k + 1:02d}\n    status: held\n"
        f"    city: City{number}x{k}\n    country: RU\n    japan_participant: A\n"
        f"    russia_participant: B\n    evidence:\n      - talk round {number}-{k}.\n"
        for k in range(MEETINGS_PER_ARTICLE)
    )
    return (
        f"article: {article_id}\nmeetings:\n{meetings}"
        f"treaties:\n  - id: t-{number}\n    name: Treaty {number}\n    parties: [JP, RU]\n"
        f"    status: signed\n    evidence: ['Treaty {number} was signed']\n    events:\n"
        f"      - date: 2019-06-01\n        type: signed\n"
        f"        evidence: ['Treaty {number} was signed in Moscow on June 1, 2019']\n"
        f"projects:\n  - id: p-{number}\n    kind: project\n    name: Project {number}\n"
        f"    status: active\n"
        f"    evidence: ['Project {number} builds a wind farm']\n"
        f"figures:\n  - id: f-{number}\n    subject: projects\n    value: {number}\n"
        f"    qualifier: about\n    unit: farms\n    as_of: 2019-06\n    description: Farms.\n"
        f"    evidence: ['About {number} farms are planned']\n"
    )


def timed(label: str, action: Callable[[], T]) -> T:
    """Run `action`, print how long it took."""
    start = time.perf_counter()
    result = action()
    print(f"{label:<22}{time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    """Build the synthetic corpus and time each stage."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_corpus(root, args.articles)
        inputs = timed("ingest", lambda: read_inputs(root))
        annotations = timed("parse annotations", lambda: pipeline.parse(inputs))
        resolved = timed("resolve evidence", lambda: pipeline.resolve(inputs, annotations))
        dataset = timed(
            "build and validate",
            lambda: pipeline.build_and_validate(inputs, annotations, resolved),
        )
        plan = ReleasePlan(
            "1.0.0",
            "2026-01-01",
            dataset.tables,
            current_table_schemas(),
            dataset.tables["articles"].iloc[:0, :0],
            "",
        )
        timed("write release files", lambda: write_release_folder(root / "out", plan))
    rows = sum(len(frame) for frame in dataset.tables.values())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.articles} articles, {rows} rows in all tables; peak memory {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
