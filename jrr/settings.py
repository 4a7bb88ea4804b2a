"""The project's settings: the dataset's public URL, read from [tool.jrr] in pyproject.toml.

In a checkout the setting is read from pyproject.toml itself. An installed package has no
pyproject.toml, so the build bakes [tool.jrr] into the package as `_settings.json` (setup.py);
both give the same value. $JRR_BASE_URL overrides where releases are downloaded from.
"""

from __future__ import annotations

import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_NAME = "japan-russia-relations"
BAKED_NAME = "_settings.json"
BASE_URL_ENV = "JRR_BASE_URL"
_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


class SettingsError(Exception):
    """A setting is missing or unusable; the message says how to set it."""


def read_pyproject_settings(pyproject: Path) -> dict[str, Any] | None:
    """[tool.jrr] of this project's pyproject.toml, or None if the file is another project's."""
    if not pyproject.is_file():
        return None
    with pyproject.open("rb") as file:
        config = tomllib.load(file)
    if config.get("project", {}).get("name") != PROJECT_NAME:
        return None
    return dict(config.get("tool", {}).get("jrr", {}))


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """[tool.jrr] from the checkout's pyproject.toml, else as baked into the installed package."""
    from_checkout = read_pyproject_settings(_CHECKOUT / "pyproject.toml")
    if from_checkout is not None:
        return from_checkout
    baked = _PACKAGE / BAKED_NAME
    if baked.is_file():
        return dict(json.loads(baked.read_text(encoding="utf-8")))
    return {}


def dataset_url() -> str:
    """The dataset's public home: the repository that publishes dataset/ ([tool.jrr] url)."""
    url = str(settings().get("url", "")).strip().rstrip("/")
    if not url:
        raise SettingsError(
            "no dataset URL is configured ([tool.jrr] url in pyproject.toml); set "
            f"{BASE_URL_ENV} to the address or folder that holds releases.json"
        )
    return url


def download_base() -> str:
    """Where releases come from: $JRR_BASE_URL, else the repository's dataset/ folder."""
    from_env = os.environ.get(BASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    return f"{dataset_url()}/raw/main/dataset/"


def release_url(version: str) -> str:
    """The web page of one published version's folder."""
    return f"{dataset_url()}/tree/main/dataset/v{version}"
