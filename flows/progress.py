"""Progress of long per-article work on a terminal; silent when stderr is not one (CI logs)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(total: int, unit: str, quiet: bool = False) -> Iterator[Callable[[int], object]]:
    """A function advancing an "n/total units" bar on stderr, drawn only on a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=f" {unit}", file=sys.stderr) as bar:
        yield bar.update
