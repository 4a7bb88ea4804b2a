"""Build hook: bake [tool.jrr] of pyproject.toml into the package, which installs without it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def tool_settings() -> dict[str, object]:
    """[tool.jrr] of this project's pyproject.toml."""
    with (HERE / "pyproject.toml").open("rb") as file:
        return dict(tomllib.load(file)["tool"]["jrr"])


class BuildPyWithSettings(build_py):
    """build_py that also writes jrr/_settings.json from [tool.jrr]."""

    def run(self) -> None:
        """Build the package as usual, then add the settings file."""
        super().run()
        target = Path(self.build_lib) / "jrr" / "_settings.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(tool_settings(), indent=2) + "\n", encoding="utf-8")


URL = str(tool_settings()["url"]).rstrip("/")
setup(
    cmdclass={"build_py": BuildPyWithSettings},
    project_urls={
        "Homepage": URL,
        "Repository": URL,
        "Changelog": f"{URL}/blob/main/dataset/CHANGELOG.md",
    },
)
