"""One call from a published release to a validated DataFrame: `load("meetings")`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from jrr.schemas.package_json import read_datapackage, table_schemas

if TYPE_CHECKING:
    import pandas as pd

CACHE_NAME = "japan-russia-relations"
CACHE_ENV = "JRR_CACHE_DIR"


def load(
    table: str,
    version: str = "latest",
    base_url: str | None = None,
    cache_dir: Path | None = None,
) -> pd.DataFrame:
    """One table of a release, downloaded once into a cache and validated with its own schema.

    `base_url` defaults to $JRR_BASE_URL, else the dataset/ folder of [tool.jrr] url;
    `cache_dir` to $JRR_CACHE_DIR, else the user cache folder (pooch.os_cache). A pinned
    version complete in the cache loads without network access. A failure raises
    `jrr.DownloadError` with one sentence saying what to do.
    """
    # Imported here so that `import jrr` stays free of the download stack and of pandas.
    from jrr.flows.download import download_release
    from jrr.flows.release_index import DownloadError
    from jrr.schemas.io import read_table

    try:
        folder = download_release(version, cache_folder(cache_dir), base_url, progress=False)
    except DownloadError as error:
        raise DownloadError(str(error)) from None  # the sentence, without the HTTP stack
    tables = list(table_schemas(read_datapackage(folder)))
    if table not in tables:
        raise ValueError(
            f"no table {table!r} in release {folder.name}; tables: {', '.join(tables)}"
        )
    return read_table(folder, table)


def cache_folder(cache_dir: Path | None = None) -> Path:
    """Where releases are kept: the argument, else $JRR_CACHE_DIR, else the user cache folder."""
    if cache_dir is not None:
        return Path(cache_dir)
    from_env = os.environ.get(CACHE_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    import pooch

    return Path(pooch.os_cache(CACHE_NAME))
