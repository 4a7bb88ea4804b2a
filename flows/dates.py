"""EDTF dates (levels 0 and 1) as the earliest day, latest day and precision they mean.

The grammar lives in jrr.schemas.edtf_dates, so that `jrr validate` checks published files
with exactly the rules the build applies, without the pipeline's dependencies.
"""

from __future__ import annotations

from jrr.schemas.edtf_dates import DateRange, EdtfError, parse_edtf

__all__ = ["DateRange", "EdtfError", "parse_edtf"]
