"""The Japan–Russia Relations Dataset: `jrr.load("meetings")` gives one validated table.

The installed package is `jrr`; in the repository its parts live in the top-level folders
`flows/` (the pipeline, as `jrr.flows`) and `schemas/` (the published contract, as
`jrr.schemas`).
"""

from jrr.flows.release_index import DownloadError
from jrr.schemas.load import load

__all__ = ["DownloadError", "load"]
