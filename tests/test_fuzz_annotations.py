"""Property: a mutated annotation file builds data that passes the schemas, or is an InputError.

Never any other exception, never a hang. `make test` runs a few dozen fixed examples; set
JRR_FUZZ_EXAMPLES (e.g. 10000) for a longer, randomised run.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import GOLDEN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jrr.flows.pipeline import build_dataset
from jrr.flows.problems import InputError
from jrr.schemas import TABLES
from jrr.schemas.datapackage import current_table_schemas, pandera_schema

ANNOTATIONS = sorted((GOLDEN / "raw" / "annotations").glob("*.yaml"))
ORIGINALS = {path.name: path.read_bytes() for path in ANNOTATIONS}
EXAMPLES = int(os.environ.get("JRR_FUZZ_EXAMPLES", "0")) or None
HANG_SECONDS = 60  # one build of this corpus takes well under a second

# Fragments an attacker or a careless annotator might type.
TOKENS = [
    *["010", "0x1F", "0o17", "0b11", "007", "1_000", "1e400", "-1", "-25", "0", "2**53"],
    *[".nan", ".NaN", ".inf", "-.inf", "+.INF", "yes", "no", "on", "off", "y", "n", "NO"],
    *["~", "null", "true", "False", "!!bool yes", "!!str 010", "!!int 1", "!foo x", "! x"],
    *["&a x", "*a", "<<: *a", "&a [*a]", "? x", "? [a]", "- ", ": ", "[", "]", "{", "}"],
    *["|", ">-", "#", "'", '"', "\\", "\t", "\n", "\r\n", "\r", "\ufeff", "\x00", "\x07"],
    *["\x1b", "\x85", "\u2028", "\u202e", '"\\0"', '"a\\n"', '"\\e[31m"', "%YAML 1.1", "---"],
    *["...", "2019-02-30", "2019-13", "2019/2018", "2019-21", "-0500", "XX", "SU", "=HYPERLINK()"],
    *["x" * 3000, "é", "e\u0301", "id: 2019-01-22-moscow", "ref: 2019-01-22-moscow", "ref: 1"],
    *["evidence: []", "evidence: [x]", "events:", "article: example-2019-02-01-followup"],
    *["renamed_from: x", "subject: meetings", "value: -3", "parties: []", "parties: [JP, JP]"],
]


class Hang(Exception):
    """The build ran far longer than any build of this corpus should."""


@contextmanager
def no_hang(seconds: int) -> Iterator[None]:
    """Raise Hang in the main thread if the block runs longer than `seconds`."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"the build did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """One golden annotation file, with one to four random edits."""
    name = draw(st.sampled_from(sorted(ORIGINALS)))
    text = ORIGINALS[name].decode("utf-8")
    fragment = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        line = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["replace", "insert", "delete", "duplicate", "indent", "line"]))
        if edit in ("replace", "insert"):
            start = draw(st.integers(0, len(text)))
            end = start + (draw(st.integers(0, 20)) if edit == "replace" else 0)
            text = text[:start] + draw(fragment) + text[end:]
        elif edit == "delete":
            text = "\n".join(lines[:line] + lines[line + 1 :])
        elif edit == "duplicate":
            text = "\n".join(lines[: line + 1] + lines[line:])
        elif edit == "indent":
            lines[line] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[line].strip()
            text = "\n".join(lines)
        else:
            lines.insert(line, draw(st.sampled_from(["", "  ", "    ", "      "])) + draw(fragment))
            text = "\n".join(lines)
    data = text.encode("utf-8", errors="surrogatepass")
    if (
        draw(st.booleans()) and draw(st.integers(0, 9)) == 0
    ):  # now and then, bytes that are not UTF-8
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return name, data


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the golden raw/ whose annotation files each example rewrites."""
    project = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(GOLDEN / "raw", project / "raw")
    return project


@settings(
    max_examples=EXAMPLES or 25,
    derandomize=EXAMPLES is None,  # `make test` runs the same examples every time
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutation=mutated_file())
def test_a_mutated_annotation_builds_valid_data_or_raises_input_error(
    fuzz_project: Path, mutation: tuple[str, bytes]
) -> None:
    folder = fuzz_project / "raw" / "annotations"
    for name, data in ORIGINALS.items():
        (folder / name).write_bytes(data)
    name, data = mutation
    (folder / name).write_bytes(data)

    try:
        with no_hang(HANG_SECONDS):
            dataset = build_dataset(fuzz_project)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.path and problem.field and problem.message
        return
    # The build validated every table with its model; check them as a data user would, too:
    # against the Table Schemas a release publishes.
    published = current_table_schemas()
    assert set(dataset.tables) == set(TABLES)
    for table, frame in dataset.tables.items():
        pandera_schema(table, published[table]).validate(frame, lazy=True)
