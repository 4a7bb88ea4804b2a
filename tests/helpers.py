"""Helpers the tests share: run `jrr` in-process, fingerprint a folder."""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

from jrr.flows.cli import main


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
