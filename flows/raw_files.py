"""Reading raw/ safely: regular files inside the repository only, each read once, size-limited.

Folders are opened one component at a time without following symbolic links, and every file
is opened relative to its folder with O_NOFOLLOW and O_NONBLOCK, then checked with fstat on the
open descriptor. So a symbolic link (to a file inside or outside the repository), a named pipe,
a device, a socket or a folder named like a file is reported, never read, and never blocks.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from jrr.flows.problems import Problem

ARTICLES_DIR = "raw/articles"
ANNOTATIONS_DIR = "raw/annotations"
# The files each folder holds, by suffix, and the largest size read for each kind.
KINDS = {
    ARTICLES_DIR: {".txt": "article text", ".yaml": "article metadata"},
    ANNOTATIONS_DIR: {".yaml": "annotation"},
}
MAX_BYTES = {
    "article text": 2 * 1024 * 1024,
    "article metadata": 64 * 1024,
    "annotation": 1024 * 1024,
}
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass
class RawFiles:
    """The bytes of every input read, the names present in each folder, and what went wrong."""

    data: dict[str, bytes] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def in_folder(self, folder: str, suffix: str) -> list[str]:
        """Display paths read directly in `folder` with `suffix`, sorted."""
        return sorted(
            path
            for path in self.data
            if path.startswith(folder + "/") and "/" not in path[len(folder) + 1 :]
            if path.endswith(suffix)
        )


class _Refused(Exception):
    """A path that is not read, with the reason."""


def read_raw_files(root: Path) -> RawFiles:
    """Read every input file under raw/ once; one problem for each path that cannot be."""
    found = RawFiles()
    for folder, kinds in KINDS.items():
        try:
            folder_fd = _open_folder(root, folder)
        except FileNotFoundError:
            continue
        except _Refused as refused:
            path, message = refused.args
            found.problems.append(Problem(path, 1, "file", message))
            continue
        try:
            _read_folder(folder_fd, folder, folder, kinds, found)
        finally:
            os.close(folder_fd)
    return found


def read_article_files(root: Path, article_id: str) -> RawFiles:
    """The three input files of one article, read as read_raw_files reads them.

    Absent files are left out; a file that is there but cannot be read is `present` but not
    in `data` (the whole-corpus read reports why).
    """
    found = RawFiles()
    for folder, suffix in (
        (ARTICLES_DIR, ".txt"),
        (ARTICLES_DIR, ".yaml"),
        (ANNOTATIONS_DIR, ".yaml"),
    ):
        name, kind = f"{article_id}{suffix}", KINDS[folder][suffix]
        try:
            folder_fd = _open_folder(root, folder)
        except (FileNotFoundError, _Refused):
            continue
        try:
            os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
            found.present.add(f"{folder}/{name}")
            found.data[f"{folder}/{name}"] = _read_regular(folder_fd, name, MAX_BYTES[kind], kind)
        except (FileNotFoundError, _Refused):
            pass
        finally:
            os.close(folder_fd)
    return found


def _open_folder(root: Path, folder: str) -> int:
    """A descriptor of root/folder, opened without following any symbolic link below root."""
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)
    try:
        parts = folder.split("/")
        for number, part in enumerate(parts, 1):
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                raise
            except OSError as error:
                try:
                    link = stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode)
                except OSError:
                    link = False
                message = (
                    "is a symbolic link: it must be a folder inside the repository"
                    if link
                    else _open_problem(error, "must be a folder inside the repository")
                )
                raise _Refused("/".join(parts[:number]), message) from error
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_folder(
    folder_fd: int, folder: str, top: str, kinds: dict[str, str], found: RawFiles
) -> None:
    """Read the input files of one folder; report everything else in it, subfolders too."""
    expected = " and ".join(f"<article_id>{suffix}" for suffix in sorted(kinds))
    not_read = f"not read: {top}/ holds only {expected} files"
    try:
        with os.scandir(folder_fd) as entries:
            listed = sorted((e.name, e.stat(follow_symlinks=False).st_mode) for e in entries)
    except OSError as error:
        found.problems.append(Problem(folder, 1, "file", _open_problem(error)))
        return
    for name, mode in listed:
        path = f"{folder}/{name}"
        found.present.add(path)
        kind = kinds.get(Path(name).suffix) if folder == top else None
        if stat.S_ISDIR(mode):
            if kind is not None:
                found.problems.append(Problem(path, 1, "file", f"is a folder, not {_a(kind)}"))
            _read_subfolder(folder_fd, name, path, top, kinds, found)
        elif not stat.S_ISREG(mode):
            found.problems.append(Problem(path, 1, "file", _not_regular(mode)))
        elif kind is None:
            found.problems.append(Problem(path, 1, "file", not_read))
        else:
            try:
                found.data[path] = _read_regular(folder_fd, name, MAX_BYTES[kind], kind)
            except _Refused as refused:
                found.problems.append(Problem(path, 1, "file", str(refused)))


def _read_subfolder(
    parent_fd: int, name: str, path: str, top: str, kinds: dict[str, str], found: RawFiles
) -> None:
    """Report what a subfolder holds (nothing in it is read), without following links."""
    try:
        child = os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
    except OSError as error:
        found.problems.append(Problem(path, 1, "file", _open_problem(error)))
        return
    try:
        _read_folder(child, path, top, kinds, found)
    finally:
        os.close(child)


def _read_regular(dir_fd: int, name: str, limit: int, kind: str) -> bytes:
    """The bytes of one regular file, opened without following links or blocking."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        raise _Refused(_open_problem(error)) from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(_not_regular(info.st_mode))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit or info.st_size > limit:
            raise _Refused(
                f"larger than the {limit:,}-byte limit for {_a(kind)} "
                f"({max(size, info.st_size):,} bytes or more): is this the right file?"
            )
        return b"".join(chunks)
    except OSError as error:
        raise _Refused(_open_problem(error)) from error
    finally:
        os.close(fd)


def _open_problem(error: OSError, what: str = "") -> str:
    """Why a file or folder could not be opened or read."""
    if error.errno == errno.ELOOP:
        return _not_regular(stat.S_IFLNK)
    if error.errno == errno.ENOTDIR:
        return f"{what or 'must be a folder'}, not a file"
    return f"cannot be read ({error.strerror}): check its permissions"


def _not_regular(mode: int) -> str:
    """The problem with a path that is not a regular file."""
    if stat.S_ISLNK(mode):
        what = "a symbolic link"
        fix = "put the file itself here (the build reads only files inside the repository)"
    elif stat.S_ISFIFO(mode):
        what, fix = "a named pipe (FIFO)", "replace it with a regular file"
    elif stat.S_ISSOCK(mode):
        what, fix = "a socket", "remove it"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what, fix = "a device", "remove it"
    else:
        what, fix = "a special file", "replace it with a regular file"
    return f"is {what}, not a regular file: {fix}"


def _a(kind: str) -> str:
    """`kind` with its indefinite article: an annotation, an article text."""
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
