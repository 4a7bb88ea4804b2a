"""Article keys come from remembered digests while a file's stat is unchanged, and from its
bytes otherwise; either way they equal the keys of the bytes as read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jrr.flows import file_digests, raw_files
from jrr.flows.article_cache import unit_key
from jrr.flows.corpus import article_ids, article_keys
from jrr.flows.raw_files import read_article_files

VERSION = "test-version"
EDITED = "raw/annotations/example-2019-07-01-osaka.yaml"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read since (the clock a minute ahead: the files look old)."""
    monkeypatch.setattr(file_digests, "_now", lambda: time.time() + 60)
    names: list[str] = []
    real = raw_files._read_regular

    def spy(dir_fd: int, name: str, *args: object) -> bytes:
        names.append(name)
        return real(dir_fd, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(raw_files, "_read_regular", spy)
    return names


def keys_as_read(project: Path) -> dict[str, str]:
    """Every article's key from its bytes, read now."""
    ids = article_ids(project)
    return {a: unit_key(read_article_files(project, a), a, VERSION) for a in ids}


def test_unchanged_files_are_not_read_again(project: Path, reads: list[str]) -> None:
    expected = keys_as_read(project)
    reads.clear()
    article_keys(project, article_ids(project), VERSION)  # hashes and remembers
    assert len(reads) == 9
    reads.clear()
    assert article_keys(project, article_ids(project), VERSION) == expected
    assert reads == []


def test_a_rewrite_of_the_same_size_is_read_again(project: Path, reads: list[str]) -> None:
    article_keys(project, article_ids(project), VERSION)
    path = project / EDITED
    text = path.read_text()
    path.write_text(text.replace("city: Osaka", "city: Osaku"))  # same size
    assert path.stat().st_size == len(text.encode())
    reads.clear()
    assert article_keys(project, article_ids(project), VERSION) == keys_as_read(project)
    osaka = Path(EDITED).stem
    assert reads[:3] == [f"{osaka}.txt", f"{osaka}.yaml", f"{osaka}.yaml"]  # its three files
    assert len(reads) == 3 + 9  # then keys_as_read's own


def test_a_file_changed_within_the_racy_window_is_never_trusted(
    project: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_digests, "RACY_SECONDS", 3600.0)
    article_keys(project, article_ids(project), VERSION)
    reads.clear()
    article_keys(project, article_ids(project), VERSION)
    assert len(reads) == 9


def test_a_file_replaced_by_a_link_or_removed_is_keyed_as_read(
    project: Path, reads: list[str]
) -> None:
    article_keys(project, article_ids(project), VERSION)
    path = project / EDITED
    target = project / "elsewhere.yaml"
    path.rename(target)
    path.symlink_to(target)
    (project / "raw/articles/example-2019-01-22-summit.yaml").unlink()
    assert article_keys(project, article_ids(project), VERSION) == keys_as_read(project)


def test_a_damaged_record_means_reading_every_file(project: Path, reads: list[str]) -> None:
    article_keys(project, article_ids(project), VERSION)
    (project / file_digests.DIGESTS_PATH).write_bytes(b"damaged")
    reads.clear()
    assert article_keys(project, article_ids(project), VERSION) == keys_as_read(project)
    assert len(reads) == 9 + 9


def test_a_linked_folder_is_never_trusted(project: Path, reads: list[str]) -> None:
    article_keys(project, article_ids(project), VERSION)
    folder = project / "raw/annotations"
    folder.rename(project / "annotations-elsewhere")
    folder.symlink_to(project / "annotations-elsewhere")
    reads.clear()
    article_keys(project, article_ids(project), VERSION)
    assert len(reads) == 6  # the texts and metadata; the linked folder is refused unread
