"""The committed dataset/ is exactly what raw/ builds, and reads back the same in every format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from jrr.flows.pipeline import build_dataset
from jrr.flows.versioning import rebuild_differences
from jrr.schemas import TABLES
from jrr.schemas.io import read_table

DATASET = ROOT / "dataset"
RELEASES = json.loads((DATASET / "releases.json").read_text(encoding="utf-8"))["releases"]
LATEST = DATASET / f"v{RELEASES[-1]['version']}"


def test_latest_release_is_what_raw_builds(tmp_path: Path) -> None:
    dataset = build_dataset(ROOT)
    assert rebuild_differences(DATASET, dataset, tmp_path / "rebuilt") == []


@pytest.mark.parametrize("release", RELEASES, ids=[r["version"] for r in RELEASES])
def test_every_release_matches_its_checksums(release: dict) -> None:
    folder = DATASET / f"v{release['version']}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f["path"] for f in release["files"])
    for entry in release["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["bytes"])


@pytest.mark.parametrize("name", TABLES)
def test_published_csv_and_parquet_agree(name: str) -> None:
    from_csv = read_table(LATEST, name, "csv")
    from_parquet = read_table(LATEST, name, "parquet")
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    assert len(from_parquet) > 0
