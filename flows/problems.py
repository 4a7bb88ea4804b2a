"""Problems a person must fix in the inputs, reported as `path:line: field: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One problem in one input file, pointing at the line to edit."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record was written: its file, its first line and the line of each field."""

    path: str
    line: int
    field_lines: tuple[tuple[str, int], ...] = ()
    # Fields written in another file than the record (restated by a later article's ref).
    field_paths: tuple[tuple[str, str], ...] = ()

    def line_of(self, field: str) -> int:
        """Line of `field` in the record, or the record's first line."""
        return dict(self.field_lines).get(field, self.line)

    def problem(self, field: str, message: str) -> Problem:
        """A problem about `field` of this record."""
        path = dict(self.field_paths).get(field, self.path)
        return Problem(path, self.line_of(field), field, message)


class InputError(Exception):
    """Raised with every problem found, so that a person sees them all at once."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems = sorted(set(problems))
        self.summary = summary or f"{len(self.problems)} problem(s) found; nothing was published."
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, followed by a summary."""
        lines = [str(p) for p in self.problems]
        lines.append(self.summary)
        return "\n".join(lines)
