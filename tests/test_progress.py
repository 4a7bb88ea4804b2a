"""Per-article progress: drawn on a terminal, silent in logs."""

from __future__ import annotations

import io

import pytest

from jrr.flows.progress import progress_bar


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "drawn"), [(Terminal(), True), (io.StringIO(), False)])
def test_progress_shows_articles_done_only_on_a_terminal(
    stream: io.StringIO, drawn: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stderr", stream)
    with progress_bar(3, "articles") as advance:
        for _ in range(3):
            advance(1)
    assert ("3/3" in stream.getvalue()) is drawn
