"""Run the real `jrr serve` and drive Debian's Chromium with Playwright; makes the README image.

`python tests/browser.py docs/serve.png` serves this checkout's latest release and writes the
screenshot with the same code the browser tests use.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("JRR_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}
START_WAIT = 90.0  # seconds `jrr serve` may take to build its database and start listening


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not CHROMIUM.is_file():
        return f"no browser: {CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no browser driver: the playwright package is not installed"
    return None


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, without Playwright's own browser download."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jrr_command() -> list[str]:
    """The installed `jrr` script beside this Python, else the module."""
    script = Path(sys.executable).with_name("jrr")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "jrr.flows.cli"]


@contextlib.contextmanager
def serving(root: Path, *args: str, log: Path | None = None) -> Iterator[str]:
    """Start `jrr serve` for the project at `root` on a free port; yield its base URL."""
    port = free_port()
    command = [*jrr_command(), "serve", *args, "--root", str(root), "--port", str(port)]
    log = log or root / ".jrr" / "serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(process, base, log)
        yield base
    finally:
        _stop(process)


def _wait_until_up(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    """Return once the server answers; fail with its output if it exits or never answers."""
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jrr serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "-/versions.json", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"jrr serve did not answer within {START_WAIT:.0f} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server this module started, by its pid."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sql_rows(base: str, sql: str) -> list[dict[str, Any]]:
    """Rows of a read-only query through Datasette's JSON API."""
    query = urllib.parse.urlencode({"sql": sql, "_shape": "array"})
    with urllib.request.urlopen(f"{base}jrr.json?{query}", timeout=30) as response:
        return json.loads(response.read())


def showcase_article(base: str) -> dict[str, Any]:
    """The article with the most quotes, and its first quote."""
    return sql_rows(
        base,
        "select article_id, evidence_id from evidence where article_id = (select article_id "
        "from evidence group by article_id order by count(*) desc, article_id limit 1) "
        "order by char_start limit 1",
    )[0]


def screenshot(page: Any, base: str, path: Path) -> Path:
    """The README's picture: an article's page, its quotes highlighted, one of them followed."""
    article = showcase_article(base)
    article_id = urllib.parse.quote(article["article_id"], safe="")
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}jrr/articles/{article_id}#{article['evidence_id']}")
    page.evaluate("window.scrollTo(0, 0)")  # the page's top, the followed quote still marked
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def main(argv: list[str]) -> int:
    """Serve this checkout's latest release and write the README screenshot to argv[0]."""
    from playwright.sync_api import sync_playwright

    problem = chromium_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    root = Path(__file__).resolve().parents[1]
    target = Path(argv[0]) if argv else root / "docs" / "serve.png"
    with serving(root) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            screenshot(browser.new_page(), base, target.resolve())
        finally:
            browser.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
