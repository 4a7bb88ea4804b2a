"""`jrr validate FILE`: Arrow's quick verdict first, the full check if it doubts; checksums.

A valid file is vouched for without pandas or pandera (about a second for a million rows);
anything the quick verdict cannot vouch for goes to the full check, which says what is wrong.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jrr.flows.problems import Problem
from jrr.flows.release_index import SUMS_NAME, DownloadError, parse_sums

if TYPE_CHECKING:
    from jrr.flows.release_digests import ReleaseDigests


def validate_file(path: Path, root: Path) -> list[Problem]:
    """Check one downloaded release folder, or one file inside such a folder."""
    quick = _quick_problems(path, root)
    if quick is not None:
        return quick
    from jrr.flows.validate_release import validate_path  # pandas and pandera, when needed

    return validate_path(path, root)


def _quick_problems(path: Path, root: Path) -> list[Problem] | None:
    """The file's checksum problems when its table is surely valid; None when unsure."""
    if path.suffix not in (".csv", ".parquet") or not path.is_file():
        return None
    from jrr.schemas.arrow_verdict import table_is_valid
    from jrr.schemas.package_json import CHANGES_NAME, read_datapackage, table_schemas

    name = path.name.split(".")[0]
    try:
        datapackage = read_datapackage(path.parent)
        known = name in table_schemas(datapackage) and name != CHANGES_NAME
    except Exception:  # noqa: BLE001  the full check reports an unreadable datapackage.json
        return None
    if not known or not table_is_valid(path, name, datapackage):
        return None
    return file_checksum(path, datapackage, root)


def file_checksum(path: Path, datapackage: dict[str, Any], root: Path) -> list[Problem]:
    """The file's SHA-256 against the SHA256SUMS beside it (or, without one, datapackage.json)."""
    sums_path = path.parent / SUMS_NAME
    where = SUMS_NAME
    if sums_path.is_file():
        try:
            expected = parse_sums(sums_path).get(path.name)
        except (OSError, ValueError, DownloadError) as error:
            return [Problem(shown(sums_path, root), 1, "file", f"unreadable: {error}")]
    else:
        where = "datapackage.json"
        hashes = {r["path"]: r.get("hash", "") for r in datapackage["resources"]}
        expected = str(hashes.get(path.name, "")).removeprefix("sha256:") or None
    if expected is None:
        message = f"not listed in {where}: its checksum cannot be verified"
        return [Problem(shown(path, root), 1, "file", message)]
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    if digest != expected:
        message = (
            f"sha256 {digest} differs from {expected} in {where}: the file was changed after "
            "it was published; download it again"
        )
        return [Problem(shown(path, root), 1, "file", message)]
    return []


def check_files(
    folder: Path,
    entries: list[dict[str, Any]],
    root: Path,
    digests: ReleaseDigests | None = None,
) -> list[Problem]:
    """Each listed file exists with its recorded size and SHA-256, and nothing else is there.

    With `digests`, a file unchanged since it was last hashed is not read again.
    """
    problems = []
    if not folder.is_dir():
        return [Problem(shown(folder, root), 1, "folder", "listed in releases.json but missing")]
    listed = {entry["path"] for entry in entries}
    for entry in entries:
        path = folder / entry["path"]
        restore = f"restore it (git checkout -- {shown(path, root)}) or download the release again"
        if not path.is_file() or path.is_symlink():
            problems.append(Problem(shown(path, root), 1, "file", f"missing: {restore}"))
            continue
        if digests is None:
            data = path.read_bytes()
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        else:
            digest, size = digests.sha256(path)
        if digest != entry["sha256"] or ("bytes" in entry and size != entry["bytes"]):
            message = (
                f"sha256 {digest} ({size} bytes) differs from the published "
                f"{entry['sha256']}: published releases are immutable; {restore}"
            )
            problems.append(Problem(shown(path, root), 1, "file", message))
    for path in sorted(folder.iterdir()):
        if path.name not in listed and path.name != SUMS_NAME:
            problems.append(
                Problem(shown(path, root), 1, "file", "not part of the release: remove it")
            )
    return problems


def shown(path: Path, root: Path) -> str:
    """A path relative to the project root when it lies inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
