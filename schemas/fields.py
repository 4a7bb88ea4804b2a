"""Field builders shared by the table models, so each rule is written once."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import pandera.pandas as pa
import pyarrow

from jrr.schemas import codes

# Arrow's date32 is Parquet's native date and, unlike datetime64[ns], reaches back before 1677.
Date = Annotated[pd.ArrowDtype, pyarrow.date32()]

DERIVED = {"derived": True}


def record_id(description: str) -> Any:
    """A primary key: a stable lowercase slug chosen by annotators."""
    return pa.Field(str_matches=codes.SLUG, unique=True, description=description)


def reference(description: str, derived: bool = False) -> Any:
    """A foreign key holding another table's slug."""
    return pa.Field(
        str_matches=codes.SLUG, description=description, metadata=DERIVED if derived else None
    )


def text(description: str, nullable: bool = False, max_length: int = codes.LONG_TEXT_MAX) -> Any:
    """Free text: 1 to `max_length` characters, no control characters, no formula start."""
    return pa.Field(
        str_matches=codes.FREE_TEXT,
        str_length={"min_value": 1, "max_value": max_length},
        nullable=nullable,
        description=description,
    )


def short_text(description: str, nullable: bool = False) -> Any:
    """Free text that names something (a title, person, place or unit): at most a line or two."""
    return text(description, nullable, codes.SHORT_TEXT_MAX)


def number(description: str) -> Any:
    """A finite number a float64 holds exactly: never NaN or infinite."""
    return pa.Field(ge=-codes.LARGEST_NUMBER, le=codes.LARGEST_NUMBER, description=description)


def code(values: list[str], description: str, nullable: bool = False) -> Any:
    """A value from a fixed code list."""
    return pa.Field(isin=values, nullable=nullable, description=description)


def edtf(description: str, nullable: bool = False, derived: bool = False) -> Any:
    """An EDTF date as the annotator wrote it."""
    return pa.Field(
        str_matches=codes.EDTF_TEXT,
        nullable=nullable,
        description=description,
        metadata=DERIVED if derived else None,
    )


def edtf_start(of: str, nullable: bool = False) -> Any:
    """The earliest day an EDTF column can mean."""
    return pa.Field(
        nullable=nullable, description=f"Earliest day `{of}` can mean.", metadata=DERIVED
    )


def edtf_end(of: str, nullable: bool = False) -> Any:
    """The latest day an EDTF column can mean."""
    return pa.Field(nullable=nullable, description=f"Latest day `{of}` can mean.", metadata=DERIVED)


def edtf_precision(of: str, nullable: bool = False) -> Any:
    """The coarsest unit an EDTF column is given in."""
    return pa.Field(
        isin=codes.PRECISIONS,
        nullable=nullable,
        description=(
            f"Precision of `{of}`: day, month or year for a single date, range for an interval."
        ),
        metadata=DERIVED,
    )


def quote(description: str) -> Any:
    """A verbatim quote: non-empty, and exempt from the formula guard (it is the source's text)."""
    return pa.Field(str_length={"min_value": 1}, description=description)


def inferred() -> Any:
    """The names of a row's fields whose published value the annotators inferred."""
    return pa.Field(
        str_matches=codes.INFERRED_FIELDS,
        nullable=True,
        description=(
            "';'-joined names of the fields whose published value is inferred by the annotators "
            "rather than stated by the text (empty if none); the reasons are in `claims`."
        ),
        metadata=DERIVED,
    )


def n_sources() -> Any:
    """How many articles report a record."""
    return pa.Field(
        ge=1,
        description="Number of distinct articles citing the record (its home and every ref).",
        metadata=DERIVED,
    )


def reported(which: str) -> Any:
    """Publication date of the earliest or latest article citing a record."""
    return pa.Field(
        nullable=True,
        description=f"Publication date of the {which} article citing the record.",
        metadata=DERIVED,
    )


def date_order_holds(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where `<column>_end` is not before `<column>_start` (or either is empty)."""
    in_order = frame[f"{column}_end"] >= frame[f"{column}_start"]
    return in_order.fillna(True).astype(bool)
