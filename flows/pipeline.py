"""The build as plain functions: raw/ in, validated tables out (or every problem at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from jrr.flows.annotations import Annotations, parse_annotations
from jrr.flows.build import Built, build_tables
from jrr.flows.evidence import Resolved, resolve_citations
from jrr.flows.ingest import Inputs, read_inputs
from jrr.flows.problems import InputError, Problem
from jrr.flows.validate import validate_built

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Spliced:
    """What an incremental build changed in the build it was spliced into (build_snapshot)."""

    base_build: str  # the build id of the snapshot it was spliced into
    affected: frozenset[tuple[str, str]]  # (table, record id) of every record rebuilt
    before: dict[str, pd.DataFrame]  # per table, that build's rows about the affected records
    # per table, for each row the row of that build it is, or -1 for a rebuilt row
    rows: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """The validated tables of the dataset, and the renames its annotations state.

    `build_id` names the snapshot kept of this build (None if none was kept); `spliced` says
    what an incremental build changed, so that the diff can compare only those rows.
    """

    tables: dict[str, pd.DataFrame]
    renames: dict[str, dict[str, str]] = field(default_factory=dict)
    build_id: str | None = field(default=None, compare=False)
    spliced: Spliced | None = field(default=None, compare=False, repr=False)


def parse(inputs: Inputs) -> Annotations:
    """Records and citations of every annotation file."""
    return parse_annotations(inputs.annotations, set(inputs.articles))


def resolve(inputs: Inputs, annotations: Annotations) -> Resolved:
    """Offsets of every quote citing a record that exists."""
    known = {(record.table, record.record_id) for record in annotations.records}
    citations = [c for c in annotations.citations if (c.table, c.record_id) in known]
    paths = {article_id: article.text_path for article_id, article in inputs.articles.items()}
    return resolve_citations(citations, inputs.texts, paths)


def build_and_validate(inputs: Inputs, annotations: Annotations, resolved: Resolved) -> Dataset:
    """Build and validate the tables; raise InputError with every problem of every stage."""
    built = build_tables(inputs.articles, annotations, resolved)
    earlier = earlier_problems(inputs.problems, annotations, resolved, built)
    return validated(built, inputs.texts, earlier)


def earlier_problems(
    read: list[Problem], annotations: Annotations, resolved: Resolved, built: Built
) -> list[Problem]:
    """The problems of every stage before validation, in the order they are reported."""
    return [*read, *annotations.problems, *resolved.problems, *built.problems]


def validated(built: Built, texts: dict[str, str], earlier: list[Problem]) -> Dataset:
    """Validate the built tables (emptying `built.tables`); raise InputError with `earlier`
    and every problem validation finds."""
    tables, problems = validate_built(built, texts)
    # A value already reported (say, a bad date) also fails its column check; say it once.
    reported = {(p.path, p.line, p.field) for p in earlier}
    every_problem = earlier + [p for p in problems if (p.path, p.line, p.field) not in reported]
    if every_problem:
        raise InputError(every_problem)
    return Dataset(tables, built.renames)


def build_dataset(root: Path) -> Dataset:
    """Run every build stage over `root`/raw, each article's work cached (see corpus)."""
    from jrr.flows.article_cache import ArticleCache
    from jrr.flows.corpus import consolidate

    return consolidate(root, ArticleCache(root))


def build_uncached(root: Path) -> Dataset:
    """Run every build stage over `root`/raw in one pass, nothing cached."""
    inputs = read_inputs(root)
    annotations = parse(inputs)
    return build_and_validate(inputs, annotations, resolve(inputs, annotations))
