"""`jrr check`: the release's build and validation, no orchestrator, nothing published."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import run_jrr

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"
OSAKA = "raw/annotations/example-2019-07-01-osaka.yaml"


def break_quotes(project: Path) -> None:
    """One quote that is not in its article, in each of two annotation files."""
    for name, quote in [
        (SUMMIT, "met in Moscow on January 22"),
        (OSAKA, "Abe and Putin met in Osaka"),
    ]:
        path = project / name
        text = path.read_text()
        assert quote in text
        path.write_text(text.replace(quote, "Nobody said this", 1))


def test_a_valid_corpus_checks_and_nothing_is_published(project: Path) -> None:
    code, out, err = run_jrr("check", "--root", str(project))
    assert (code, err) == (0, "")
    assert out.startswith("ok: raw/ builds and validates")
    assert not (project / "dataset").exists()


def test_every_problem_is_reported_at_once(project: Path) -> None:
    break_quotes(project)
    code, out, err = run_jrr("check", "--root", str(project))
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith(f"{SUMMIT}:") and "not found" in line for line in lines)
    assert any(line.startswith(f"{OSAKA}:") and "not found" in line for line in lines)
    assert not (project / "dataset").exists()


def test_files_limit_the_report_to_their_articles(project: Path) -> None:
    break_quotes(project)
    code, _, err = run_jrr("check", str(project / OSAKA), "--root", str(project))
    assert code == 1
    problems = err.splitlines()[:-1]
    assert problems and all(line.startswith(f"{OSAKA}:") for line in problems)
    assert "problem(s) in other files" in err.splitlines()[-1]
    text = project / "raw/articles/example-2019-07-01-osaka.txt"
    code, out, err = run_jrr("check", str(text), "--root", str(project))
    assert code == 1 and err.startswith(f"{OSAKA}:")


def test_a_file_outside_raw_is_refused(project: Path) -> None:
    code, _, err = run_jrr("check", str(project / "README.md"), "--root", str(project))
    assert code == 1
    assert "not an article or annotation file" in err


def test_check_needs_no_orchestrator(project: Path) -> None:
    code = (
        "import sys; from jrr.flows.cli import main; "
        f"main(['check', '--root', {str(project)!r}]); "
        "print('prefect' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "False"
