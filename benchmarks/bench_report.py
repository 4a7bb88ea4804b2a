"""The text `make bench` prints: seconds per stage per size, then every target, met or missed."""

from __future__ import annotations

from typing import Any

SCENARIOS = ["full", "no-op", "one edited", "one added"]
RSS_LIMIT_MIB = 4096
# Wall seconds outside every task: start-up imports, the temporary API server, flow, exit.
OUTSIDE = "imports, Prefect server, flow, exit"


def size_table(size: Any) -> str:
    """Seconds per stage (rows) for each scenario (columns) at one size."""
    names = list(dict.fromkeys(n for r in size.runs.values() for n in r.stages))
    header = f"{'seconds':<34}" + "".join(f"{s:>12}" for s in SCENARIOS)
    lines = [f"== {size.articles:,} articles, {size.rows:,} rows in the first release ==", header]
    for name in names:
        cells = "".join(f"{size.runs[s].stages.get(name, 0.0):>12.2f}" for s in SCENARIOS)
        lines.append(f"{name:<34}{cells}")
    rest = "".join(f"{_outside(size.runs[s]):>12.2f}" for s in SCENARIOS)
    lines.append(f"{OUTSIDE:<34}{rest}")
    lines.append(
        f"{'total (wall)':<34}" + "".join(f"{size.runs[s].seconds:>12.2f}" for s in SCENARIOS)
    )
    cpu = "".join(f"{size.runs[s].cpu:>12.2f}" for s in SCENARIOS)
    lines.append(f"{'CPU (user + system)':<34}{cpu}")
    rss = "".join(f"{size.runs[s].rss_mib:>12.0f}" for s in SCENARIOS)
    lines.append(f"{'peak RSS (MiB)':<34}{rss}")
    diffs = "".join(f"{size.runs[s].pages_diff_lines:>12}" for s in SCENARIOS)
    lines.append(f"{'page lines changed (md, svg)':<34}{diffs}")
    lines.append(f"floor (read + hash raw/, write the same output bytes): {size.floor:.2f} s")
    return "\n".join(lines)


def _top_level(run: Any) -> dict[str, float]:
    """Task seconds, without the steps probed inside a task."""
    inner = ("publish:", "  pages:", "build:")
    return {n: s for n, s in run.stages.items() if not n.startswith(inner)}


def _outside(run: Any) -> float:
    """Wall seconds not inside a task: imports, the temporary API server, flow, exit."""
    return run.seconds - sum(_top_level(run).values())


def _why(run: Any) -> str:
    """The biggest costs of a run, to say why it misses."""
    costs = {**_top_level(run), OUTSIDE: _outside(run)}
    biggest = sorted(costs.items(), key=lambda item: -item[1])[:3]
    return "biggest costs: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in biggest)


def _line(what: str, measured: str, target: str, ok: bool | None, why: str = "") -> str:
    """One target line: ok, MISS (and why) or n/a."""
    status = "n/a" if ok is None else ("ok" if ok else "MISS")
    line = f"{status:<5}{what:<46}{measured:>14}   target {target}"
    return line + (f"\n       {why}" if why and ok is False else "")


def targets(sizes: list[Any], committed: dict[str, object], validation: dict[str, Any]) -> str:
    """Each target of issue #9 with the measured figure."""
    lines = ["== Targets (the 100k figures need ARTICLES=100000) =="]
    bare = float(committed["bare flow, temporary server"])  # type: ignore[arg-type]
    for size in sizes:
        full = size.runs["full"]
        at = f"{size.articles:,} articles"
        set_for = "" if size.articles >= 100_000 else " (set for 100k)"
        ratio = full.seconds / size.floor
        lines.append(
            _line(
                f"full release ÷ floor, {at}",
                f"{ratio:,.0f}×",
                f"≤ 20×{set_for}",
                ratio <= 20,
                _why(full),
            )
        )
        lines.append(
            _line(
                f"peak RSS, {at}",
                f"{full.rss_mib:,.0f} MiB",
                "≤ 4,096 MiB",
                full.rss_mib <= RSS_LIMIT_MIB,
            )
        )
        for scenario in ("one edited", "one added"):
            share = size.runs[scenario].seconds / full.seconds
            lines.append(
                _line(
                    f"{scenario} article ÷ full, {at}",
                    f"{share:.0%}",
                    f"≤ 10%{set_for}",
                    share <= 0.10,
                    _why(size.runs[scenario]),
                )
            )
        noop = size.runs["no-op"].seconds / bare
        lines.append(
            _line(
                f"no-op ÷ bare 10-task flow, {at}",
                f"{noop:.2f}×",
                "≤ 1.2×",
                noop <= 1.2,
                _why(size.runs["no-op"]),
            )
        )
    for small, large in zip(sizes, sizes[1:], strict=False):
        factor = large.articles / small.articles
        growth = large.runs["full"].seconds / small.runs["full"].seconds
        lines.append(
            _line(
                f"growth {small.articles:,} → {large.articles:,} articles ({factor:.0f}×)",
                f"{growth:.1f}×",
                f"≤ {1.1 * factor:.0f}×",
                growth <= 1.1 * factor,
                _why(large.runs["full"]),
            )
        )
    lines += _committed_lines(committed, bare)
    lines.append(_validation_line(validation))
    return "\n".join(lines)


def _committed_lines(committed: dict[str, object], bare: float) -> list[str]:
    """No-op releases of the committed dataset, and jrr check."""
    noop = float(committed["no-op, temporary server"])  # type: ignore[arg-type]
    served = float(committed["no-op, running server"])  # type: ignore[arg-type]
    served_bare = float(committed["bare flow, running server"])  # type: ignore[arg-type]
    lines = [
        _line(
            "no-op ÷ bare flow, committed dataset",
            f"{noop / bare:.2f}×",
            "≤ 1.2×",
            noop <= 1.2 * bare,
        ),
        f"       (no-op {noop:.1f} s, bare 10-task flow {bare:.1f} s, temporary server each)",
        _line("no-op release, running server", f"{served:.1f} s", "≤ 3 s", served <= 3.0),
        f"       (a bare 10-task flow against the same server: {served_bare:.1f} s)",
    ]
    check = committed["check"]
    if isinstance(check, float):
        lines.append(
            _line("jrr check, one article (median of 3)", f"{check:.2f} s", "≤ 2 s", check <= 2.0)
        )
    else:
        lines.append(_line("jrr check, one article", "—", "≤ 2 s", None) + f"\n       {check}")
    return lines


def _validation_line(validation: dict[str, Any]) -> str:
    """jrr validate FILE against frictionless validate on the same file.

    Judged on CPU seconds: on a shared machine wall-clock time mostly measures the others.
    """
    ours, ok_ours, our_cpu = validation["jrr"]
    rows = f"{validation['rows']:,} rows"
    if "frictionless" not in validation:
        return _line(f"jrr validate FILE, {rows}", f"{ours:.1f} s", "≥ 30× frictionless", None)
    theirs, _, their_cpu = validation["frictionless"]
    speedup = their_cpu / our_cpu
    return _line(
        f"jrr validate FILE vs frictionless, {rows}",
        f"{speedup:.0f}×",
        "≥ 30× faster (CPU)",
        speedup >= 30 and ok_ours == 0,
    ) + (
        f"\n       (CPU: jrr validate {our_cpu:.2f} s, best of {validation.get('runs', 1)} runs; "
        f"frictionless {their_cpu:.1f} s; "
        f"wall: {ours:.1f} s and {theirs:.1f} s, {theirs / ours:.0f}×)"
    )
