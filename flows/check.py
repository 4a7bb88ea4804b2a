"""`jrr check`: the release's build and validation without an orchestrator, nothing published.

It writes nothing under dataset/; it reads and fills the per-article cache (.jrr/cache), so
the next check or release of an unchanged article reuses its work.
"""

from __future__ import annotations

from pathlib import Path

from jrr.flows.article_cache import ArticleCache
from jrr.flows.article_unit import unit_paths
from jrr.flows.corpus import consolidate
from jrr.flows.problems import InputError, Problem
from jrr.flows.raw_files import ANNOTATIONS_DIR, ARTICLES_DIR


def check(root: Path, files: list[Path]) -> str:
    """What was checked, if it is valid; raise InputError with every problem of `files`.

    With no files every problem is reported. With files, the corpus is still built as a
    whole (refs and claims span articles), and the problems in those articles' files are
    reported, with a count of the problems elsewhere.
    """
    selected = {article_of(root, file) for file in files}
    try:
        consolidate(root, ArticleCache(root))
        problems: list[Problem] = []
    except InputError as error:
        problems = error.problems
    if not selected:
        if problems:
            raise InputError(problems, f"{len(problems)} problem(s) found.")
        return "ok: raw/ builds and validates as a release would"
    paths = {path.as_posix() for article_id in selected for path in unit_paths(article_id)}
    mine = [problem for problem in problems if problem.path in paths]
    elsewhere = len(problems) - len(mine)
    note = f"; {elsewhere} problem(s) in other files (jrr check lists all)" if elsewhere else ""
    if mine:
        raise InputError(mine, f"{len(mine)} problem(s) found{note}.")
    names = ", ".join(sorted(selected))
    return f"ok: {names} build and validate with the rest of raw/{note}"


def article_of(root: Path, file: Path) -> str:
    """The article id a file under raw/articles or raw/annotations belongs to."""
    path = file if file.is_absolute() else Path.cwd() / file
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        relative = file
    allowed = {Path(ARTICLES_DIR): (".txt", ".yaml"), Path(ANNOTATIONS_DIR): (".yaml",)}
    if relative.suffix in allowed.get(relative.parent, ()):
        return relative.stem
    raise ValueError(
        f"{file}: not an article or annotation file (raw/articles/<id>.txt or .yaml, "
        "raw/annotations/<id>.yaml)"
    )
