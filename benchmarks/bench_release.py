"""`make bench`: the real `jrr release` on invented corpora, against the floor and the targets.

For each size (1,000 and 10,000 articles by default; `--articles N` for one size) it runs,
in a fresh project: a full first release, a no-op release, one edited article, one added
article. Each is the real CLI in its own process (Prefect's temporary server included),
so seconds are wall-clock and peak RSS is that of the largest process. Then: the committed
dataset's no-op release with a temporary server and with a running `prefect server start`,
`jrr check` on one article, and `jrr validate FILE` against `frictionless validate`.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench_build import edit_article, write_article, write_corpus
from bench_report import size_table, targets
from bench_validate import compare

from jrr.flows import server

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PAGES = ["CHANGELOG.md", "README.md", "timeline.svg"]
CHECK_RUNS = 3


@dataclass
class Run:
    """One command: wall seconds, peak RSS of its largest process, timings inside it."""

    seconds: float
    rss_mib: float
    exit: int
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    stages: dict[str, float] = field(default_factory=dict)
    pages_diff_lines: int | None = None


@dataclass
class Size:
    """Every measurement at one corpus size."""

    articles: int
    rows: int
    floor: float
    runs: dict[str, Run]


def run(command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Run:
    """Run `command`, waiting with wait4 for its own resource usage."""
    start = time.perf_counter()
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode, cpu)


def release(root: Path, env: dict[str, str], scratch: Path, date: str) -> Run:
    """`jrr release` of `root` through the timing runner; how many page lines it changed."""
    before = {name: _read(root / "dataset" / name) for name in PAGES}
    timings = scratch / "timings.json"
    timings.unlink(missing_ok=True)
    command = [sys.executable, str(HERE / "release_run.py"), str(timings)]
    result = run([*command, "release", "--root", str(root), "--date", date], env, scratch / "log")
    if result.exit != 0:
        raise SystemExit(f"jrr release failed; see the end of {scratch / 'log'}")
    data = json.loads(timings.read_text())
    result.stages = data["stages"]
    after = {name: _read(root / "dataset" / name) for name in PAGES}
    result.pages_diff_lines = sum(_changed_lines(before[n], after[n]) for n in PAGES)
    return result


def measure_size(articles: int, scratch: Path, env: dict[str, str]) -> Size:
    """Full, no-op, one edited and one added article, at one corpus size."""
    root = scratch / f"corpus-{articles}"
    write_corpus(root, articles)
    for name in ("CODEBOOK.md", "CITATION.cff"):
        shutil.copy(ROOT / name, root / name)
    runs = {"full": release(root, env, scratch, "2026-01-01")}
    floor = floor_seconds(root, scratch / "floor")
    runs["no-op"] = release(root, env, scratch, "2026-01-02")
    edit_article(root, articles // 2)
    runs["one edited"] = release(root, env, scratch, "2026-01-03")
    write_article(root, articles)
    runs["one added"] = release(root, env, scratch, "2026-01-04")
    rows = _rows(root / "dataset" / "v1.0.0")
    shutil.rmtree(root)
    return Size(articles, rows, floor, runs)


def floor_seconds(root: Path, target: Path) -> float:
    """Read and hash raw/, then write the first release's output bytes again."""
    start = time.perf_counter()
    for path in sorted((root / "raw").rglob("*")):
        if path.is_file():
            hashlib.sha256(path.read_bytes()).hexdigest()
    reading = time.perf_counter() - start
    dataset = root / "dataset"
    outputs = [*(dataset / "v1.0.0").iterdir(), *(dataset / n for n in [*PAGES, "releases.json"])]
    data = [(path.name, path.read_bytes()) for path in outputs]
    target.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for name, content in data:
        (target / name).write_bytes(content)
    writing = time.perf_counter() - start
    shutil.rmtree(target)
    return reading + writing


def committed_checks(scratch: Path, env: dict[str, str]) -> dict[str, object]:
    """No-op releases of the committed dataset (temporary vs running server), and jrr check."""
    project = scratch / "committed"
    for name in ("raw", "dataset"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("CODEBOOK.md", "CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, project / name)
    log = scratch / "log"
    jrr = [str(BIN / "jrr"), "release", "--root", str(project)]
    bare = [sys.executable, str(HERE / "bare_flow.py"), str(project)]
    found: dict[str, object] = {}
    run(jrr, env, log)  # the first run of a project fills its stage caches
    found["no-op, temporary server"] = run(jrr, env, log).seconds
    found["bare flow, temporary server"] = run(bare, env, log).seconds
    home = scratch / "server-home"
    home.mkdir()
    started = server.start(home, server.free_port(), scratch / "server.log")
    try:
        served = {**env, "PREFECT_API_URL": started.api_url}
        run(jrr, served, log)
        found["no-op, running server"] = run(jrr, served, log).seconds
        found["bare flow, running server"] = run(bare, served, log).seconds
    finally:
        server.stop(started.pid)
    found["check"] = check_one_article(project, env, log)
    return found


def check_one_article(project: Path, env: dict[str, str], log: Path) -> float | str:
    """Median seconds of `jrr check` on one annotation file, or why it could not run."""
    probe = subprocess.run(
        [str(BIN / "jrr"), "check", "--help"], capture_output=True, text=True, env=env
    )
    if probe.returncode != 0:
        return "not available (this version of jrr has no check command)"
    annotation = sorted((project / "raw" / "annotations").glob("*.yaml"))[0]
    seconds = []
    for _ in range(CHECK_RUNS):  # an annotator's loop: the same check, again and again
        result = run([str(BIN / "jrr"), "check", str(annotation)], env, log, cwd=project)
        if result.exit != 0:
            return f"failed (exit {result.exit}); see {log}"
        seconds.append(result.seconds)
    return statistics.median(seconds)


def _rows(folder: Path) -> int:
    """Rows in every table of a release folder, from its CSVs."""
    return sum(
        max(len(path.read_bytes().splitlines()) - 1, 0)
        for path in folder.glob("*.csv")
        if path.name != "changes.csv"
    )


def _read(path: Path) -> str:
    """A text file's content, or "" if it does not exist."""
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _changed_lines(before: str, after: str) -> int:
    """Lines added or removed between two versions of a page."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def main() -> None:
    """Measure every size, the committed dataset and validation; print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--validate-rows", type=int, default=1_000_000)
    parser.add_argument("--no-frictionless", action="store_true", help="skip the slow comparison")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args()
    sizes = args.articles or [1_000, 10_000]
    with tempfile.TemporaryDirectory(prefix="jrr-bench-") as name:
        scratch = Path(name)
        env = {**os.environ, "PREFECT_HOME": str(scratch / "prefect-home")}
        env.pop("PREFECT_API_URL", None)
        bare = [sys.executable, str(HERE / "bare_flow.py"), str(scratch)]
        run(bare, env, scratch / "log")  # creates the Prefect database once, for every run
        print("measuring the committed dataset …", file=sys.stderr, flush=True)
        committed = committed_checks(scratch, env)
        print(f"validating {args.validate_rows:,} rows …", file=sys.stderr, flush=True)
        validation = compare(scratch / "validate", args.validate_rows, not args.no_frictionless)
        print(targets([], committed, validation) + "\n", flush=True)
        measured = []
        for articles in sizes:
            print(f"measuring {articles:,} articles …", file=sys.stderr, flush=True)
            measured.append(measure_size(articles, scratch, env))
            print(size_table(measured[-1]) + "\n", flush=True)
            _save(args.json, {"sizes": [asdict(size) for size in measured]})
    found = {"sizes": [asdict(size) for size in measured], "committed": committed}
    _save(args.json, {**found, "validation": validation})
    print(targets(measured, committed, validation))


def _save(path: Path | None, measurements: dict[str, object]) -> None:
    """Write the measurements so far as JSON, when asked to."""
    if path is not None:
        path.write_text(json.dumps(measurements, indent=2))


if __name__ == "__main__":
    main()
