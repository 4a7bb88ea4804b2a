"""Hostile input: anything that is not a plain, sane input file is one clear problem, no hang.

Each case builds a copy of the golden corpus with the plain build functions; the orchestrated
`jrr release` is run once at the end for several hostile files at once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from conftest import GOLDEN, RELEASE_DATE
from helpers import run_jrr, tree_digest

from jrr.flows.pipeline import build_dataset
from jrr.flows.problems import InputError
from jrr.flows.publish import publish
from jrr.flows.raw_files import MAX_BYTES
from jrr.flows.versioning import plan_release

SUMMIT = "raw/annotations/example-2019-01-22-summit.yaml"
SUMMIT_TEXT = "raw/articles/example-2019-01-22-summit.txt"
SUMMIT_META = "raw/articles/example-2019-01-22-summit.yaml"
NOT_REGULAR = "not a regular file"


@pytest.fixture(autouse=True)
def _built_once_clean(request: pytest.FixtureRequest) -> None:
    """A clean build of the project first, so each hostile edit meets a build to splice into
    (incremental): it must still be reported exactly as a whole build reports it."""
    if "project" in request.fixturenames:
        build_dataset(request.getfixturevalue("project"))


def problems_of(project: Path) -> list[str]:
    """Every problem the build reports, as `path:line: field: message` lines."""
    with pytest.raises(InputError) as error:
        build_dataset(project)
    return [str(problem) for problem in error.value.problems]


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) with `new` in one file of the project."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build_in_subprocess(project: Path, memory_bytes: int, seconds: float) -> str:
    """Run the build in a child process under a memory cap and a time limit; its report."""
    script = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({memory_bytes}, {memory_bytes}))
        from pathlib import Path
        from jrr.flows.pipeline import build_dataset
        from jrr.flows.problems import InputError
        try:
            build_dataset(Path({str(project)!r}))
        except InputError as error:
            print(error.report())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=seconds
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- files that are not regular files inside the repository ---------------------------------


def test_symlink_to_a_file_outside_the_repository_is_not_read(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("a secret from elsewhere on the machine\n")
    (project / "raw/articles/leak.txt").symlink_to(secret)
    (project / "raw/articles/leak.yaml").write_text((project / SUMMIT_META).read_text())

    problems = problems_of(project)

    assert (
        "raw/articles/leak.txt:1: file: is a symbolic link, not a regular file: put the file "
        "itself here" in "\n".join(problems)
    )
    assert not any("secret" in problem for problem in problems)


def test_symlink_to_a_file_inside_the_repository_is_not_read(project: Path) -> None:
    (project / "raw/annotations/copy.yaml").symlink_to(project / SUMMIT)
    assert problems_of(project) == [
        f"raw/annotations/copy.yaml:1: file: is a symbolic link, {NOT_REGULAR}: put the file "
        "itself here (the build reads only files inside the repository)"
    ]


def test_dangling_symlink_is_one_problem(project: Path) -> None:
    (project / "raw/articles/gone.txt").symlink_to(project / "nowhere.txt")
    problems = problems_of(project)
    assert [p for p in problems if p.startswith("raw/articles/gone.txt")] == [
        f"raw/articles/gone.txt:1: file: is a symbolic link, {NOT_REGULAR}: put the file itself "
        "here (the build reads only files inside the repository)"
    ]


def test_symlinked_input_folder_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("annotations")
    shutil.move(project / "raw/annotations", elsewhere / "annotations")
    (project / "raw/annotations").symlink_to(elsewhere / "annotations")
    problems = problems_of(project)
    assert any(
        p.startswith("raw/annotations:1: file: is a symbolic link: it must be a folder inside")
        for p in problems
    ), problems


def test_named_pipe_is_reported_without_blocking(project: Path) -> None:
    os.mkfifo(project / "raw/articles/pipe.txt")
    os.mkfifo(project / "raw/annotations/pipe.yaml")
    report = _build_in_subprocess(project, 2 << 30, seconds=120)
    assert f"raw/articles/pipe.txt:1: file: is a named pipe (FIFO), {NOT_REGULAR}" in report
    assert f"raw/annotations/pipe.yaml:1: file: is a named pipe (FIFO), {NOT_REGULAR}" in report


def test_socket_is_reported(project: Path) -> None:
    path = project / "raw/articles/socket.txt"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert f"raw/articles/socket.txt:1: file: is a socket, {NOT_REGULAR}" in "\n".join(
            problems_of(project)
        )


def test_folder_named_like_an_article_is_one_problem(project: Path) -> None:
    (project / "raw/articles/something.txt").mkdir()
    (project / "raw/annotations/something.yaml").mkdir()
    assert problems_of(project) == [
        "raw/annotations/something.yaml:1: file: is a folder, not an annotation",
        "raw/articles/something.txt:1: file: is a folder, not an article text",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file, whatever its mode")
def test_unreadable_file_is_one_problem(project: Path) -> None:
    (project / SUMMIT).chmod(0o000)
    message = f"{SUMMIT}:1: file: cannot be read (Permission denied): check its permissions"
    assert message in problems_of(project)


def test_too_large_files_are_refused_without_reading_them(project: Path) -> None:
    with (project / SUMMIT_TEXT).open("r+b") as text:
        text.truncate(5 * 1024**3)  # a sparse 5 GiB article: refused from its size alone
    annotation = project / SUMMIT
    annotation.write_bytes(annotation.read_bytes() + b"#" * MAX_BYTES["annotation"])
    problems = "\n".join(problems_of(project))
    assert f"{SUMMIT_TEXT}:1: file: larger than the 2,097,152-byte limit for an article" in problems
    assert f"{SUMMIT}:1: file: larger than the 1,048,576-byte limit for an annotation" in problems


# --- YAML -----------------------------------------------------------------------------------


def test_alias_bomb_costs_nothing(project: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    annotation = project / SUMMIT
    annotation.write_text(annotation.read_text() + "\n".join(lines) + "\n")

    report = _build_in_subprocess(project, 2 << 30, seconds=120)

    assert f"{SUMMIT}:70: yaml: syntax error: anchors and aliases (&name, *name) are not" in report


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("value: 25", "value: 010", "54: yaml: syntax error: 010 is read as different numbers"),
        ("value: 25", "value: 0o31", "54: yaml: syntax error: 0o31 is read as different numbers"),
        ("value: 25", "value: 0x19", "54: yaml: syntax error: 0x19 is read as different numbers"),
        ("value: 25", "value: yes", "54: value: expected a number, got str 'yes'"),
        ("value: 25", "value: .nan", "54: value: expected a finite number below 2**53, got nan"),
        ("value: 25", "value: -.inf", "54: value: expected a finite number below 2**53, got -inf"),
        (
            "status: held",
            "status: !!str held",
            "5: yaml: syntax error: explicit tags such as !!str are not allowed",
        ),
        (
            "summary: Agreed",
            "summary: !!bool yes\n    notes: Agreed",
            "10: yaml: syntax error: explicit tags such as !!bool are not allowed",
        ),
        ("city: Moscow", "city: !foo Moscow", "6: yaml: syntax error: explicit tags such as !foo"),
    ],
    ids=["octal", "octal-1.2", "hex", "yes", "nan", "minus-infinity", "str", "bool", "custom"],
)
def test_yaml_scalars_are_what_a_person_means_or_an_error(
    project: Path, old: str, new: str, expected: str
) -> None:
    _edit(project, SUMMIT, old, new)
    assert f"{SUMMIT}:{expected}" in "\n".join(problems_of(project))


def test_yes_no_and_country_codes_stay_text(project: Path) -> None:
    _edit(project, SUMMIT, "city: Moscow\n    country: RU", "city: 'on'\n    country: NO")
    meetings = build_dataset(project).tables["meetings"].set_index("meeting_id")
    assert meetings.loc["2019-01-22-moscow", ["city", "country"]].tolist() == ["on", "NO"]


# --- values ---------------------------------------------------------------------------------


def test_trailing_newline_in_an_id_is_refused(project: Path) -> None:
    _edit(project, SUMMIT, "id: 2019-06-g20-japan", 'id: "2019-06-g20-japan\\n"')
    assert (
        f"{SUMMIT}:14: meeting_id: '2019-06-g20-japan\\n' contains the control character U+000A: "
        "remove it" in problems_of(project)
    )


def test_negative_count_is_refused_but_other_figures_may_be_negative(project: Path) -> None:
    _edit(project, SUMMIT, "value: 25", "value: -25")
    assert f"{SUMMIT}:54: value: -25 is negative, but it counts meetings: a count is 0 or more" in (
        problems_of(project)
    )
    _edit(project, SUMMIT, "subject: meetings", "subject: other")
    assert build_dataset(project).tables["figures"]["value"].min() == -25


def test_control_characters_in_article_text_are_refused(project: Path) -> None:
    text = project / SUMMIT_TEXT
    lines = text.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + "\x1b[31m\x00\x07"
    text.write_text("\n".join(lines), encoding="utf-8")
    assert (
        f"{SUMMIT_TEXT}:3: text: control character U+001B is not allowed in article text (3 in "
        "the file): only newline and tab are; remove it" in problems_of(project)
    )


def test_control_characters_in_free_text_are_refused(project: Path) -> None:
    _edit(project, SUMMIT, "summary: Agreed", 'summary: "Agreed\\e[31m\\a"\n    notes: x')
    problems = problems_of(project)
    assert f"{SUMMIT}:10: summary: 'Agreed\\x1b[31m\\x07' contains the control character " in (
        "\n".join(problems)
    )


def test_a_huge_summary_is_refused_and_quoted_short(project: Path) -> None:
    _edit(project, SUMMIT, "summary: Agreed to speed up the talks.", "summary: " + "x" * 1_000_000)
    problems = problems_of(project)
    assert problems == [
        f"{SUMMIT}:10: summary: is 1,000,000 characters long; at most 2,000 are allowed: shorten it"
    ]


def test_a_long_name_has_the_short_limit(project: Path) -> None:
    _edit(project, SUMMIT, "city: Moscow", "city: " + "M" * 301)
    assert problems_of(project) == [
        f"{SUMMIT}:6: city: is 301 characters long; at most 300 are allowed: shorten it"
    ]


# --- the orchestrated release ----------------------------------------------------------------


def test_release_with_hostile_files_publishes_nothing(
    released_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "x.txt"
    outside.write_text("outside\n")
    articles = released_project / "raw/articles"
    (articles / "link.txt").symlink_to(outside)
    os.mkfifo(articles / "pipe.txt")
    (articles / "folder.txt").mkdir()
    before = tree_digest(released_project / "dataset")

    code, _, err = run_jrr("release", "--root", str(released_project))

    assert code == 1
    for name in ["link.txt:1: file: is a symbolic link", "pipe.txt:1: file: is a named pipe"]:
        assert f"raw/articles/{name}" in err
    assert "raw/articles/folder.txt:1: file: is a folder, not an article text" in err
    assert "Traceback" not in err
    assert "nothing was published" in err
    assert tree_digest(released_project / "dataset") == before


# --- normalisation --------------------------------------------------------------------------


def _publish(project: Path) -> dict[str, str]:
    """Publish what the project's raw/ builds with the plain functions; the dataset's digest."""
    dataset_dir = project / "dataset"
    plan = plan_release(dataset_dir, build_dataset(project), RELEASE_DATE)
    assert plan is not None
    publish(dataset_dir, plan)
    return tree_digest(dataset_dir)


def test_normalised_equal_inputs_give_byte_identical_releases(tmp_path: Path) -> None:
    plain, noisy = tmp_path / "plain", tmp_path / "noisy"
    for project in (plain, noisy):
        shutil.copytree(GOLDEN / "raw", project / "raw")
        with (project / SUMMIT_TEXT).open("a", encoding="utf-8") as text:
            text.write("Caf\u00e9 in T\u014dky\u014d.\n")
    for path in sorted((noisy / "raw").rglob("*.*")):
        text = unicodedata.normalize("NFD", path.read_text(encoding="utf-8"))
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert (noisy / SUMMIT_TEXT).read_bytes() != (plain / SUMMIT_TEXT).read_bytes()

    assert _publish(noisy) == _publish(plain)
