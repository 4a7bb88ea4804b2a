"""One pandera model per published table: the dataset's contract.

Each field's description feeds the data dictionary and datapackage.json.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from jrr.schemas import codes
from jrr.schemas.fields import (
    DERIVED,
    Date,
    code,
    date_order_holds,
    edtf,
    edtf_end,
    edtf_precision,
    edtf_start,
    number,
    record_id,
    reference,
    short_text,
    text,
)


class Table(pa.DataFrameModel):
    """Settings every table shares."""

    class Config:
        coerce = True
        strict = True


class Articles(Table):
    """One row per source document."""

    article_id: Series[str] = record_id("Article identifier; the file name under raw/articles/.")
    title: Series[str] = short_text("Headline, or a descriptive title where the source gives none.")
    publisher: Series[str] = short_text("Organisation that published the article.")
    published_date: Series[Date] = pa.Field(description="Date of publication (ISO 8601).")
    language: Series[str] = code(codes.LANGUAGES, "Language of the text (ISO 639-1).")
    url: Series[str] = pa.Field(
        str_matches=codes.URL, nullable=True, description="Where the article was published."
    )
    author: Series[str] = short_text("Author or interviewer named by the source.", nullable=True)
    notes: Series[str] = text(
        "Caveats about the metadata, e.g. which values were inferred.", nullable=True
    )
    text_sha256: Series[str] = pa.Field(
        str_matches=codes.SHA256_HEX,
        description="SHA-256 of the normalised text (UTF-8, NFC, LF line endings).",
        metadata=DERIVED,
    )
    n_chars: Series[int] = pa.Field(
        ge=0, description="Length of the normalised text in characters.", metadata=DERIVED
    )


class Meetings(Table):
    """One row per meeting of the two countries' leaders, held or planned."""

    meeting_id: Series[str] = record_id("Meeting identifier.")
    date: Series[str] = edtf("When the meeting was or is to be held (EDTF).")
    date_start: Series[Date] = edtf_start("date")
    date_end: Series[Date] = edtf_end("date")
    date_precision: Series[str] = edtf_precision("date")
    status: Series[str] = code(codes.MEETING_STATUSES, "held, planned or cancelled, per source.")
    city: Series[str] = short_text("City of the meeting.", nullable=True)
    country: Series[str] = code(
        codes.COUNTRIES, "Country of the meeting (ISO 3166-1 alpha-2).", nullable=True
    )
    occasion: Series[str] = short_text("Summit or visit the meeting is part of.", nullable=True)
    japan_participant: Series[str] = short_text("Who met for Japan.")
    russia_participant: Series[str] = short_text("Who met for Russia.")
    summary: Series[str] = text("What the meeting was for or agreed.", nullable=True)

    @pa.dataframe_check(name="date_end_not_before_start")
    def date_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """date_end must not be before date_start."""
        return date_order_holds(frame, "date")


class Treaties(Table):
    """One row per treaty or international agreement, concluded or under negotiation."""

    treaty_id: Series[str] = record_id("Treaty identifier.")
    name: Series[str] = short_text("Name of the treaty or agreement.")
    parties: Series[str] = pa.Field(
        str_matches=codes.PARTIES_PATTERN,
        description="Parties, ';'-joined sorted ISO 3166-1 alpha-2 codes (SU for the USSR).",
    )
    status: Series[str] = code(codes.TREATY_STATUSES, "Status as of the latest source.")
    summary: Series[str] = text("What the treaty provides.", nullable=True)
    signed_date: Series[str] = pa.Field(
        str_matches=codes.EDTF_TEXT,
        nullable=True,
        description="Date of its `signed` event (EDTF), if any.",
        metadata=DERIVED,
    )
    in_force_date: Series[str] = pa.Field(
        str_matches=codes.EDTF_TEXT,
        nullable=True,
        description="Date of its `in_force` event (EDTF), if any.",
        metadata=DERIVED,
    )


class TreatyEvents(Table):
    """One row per dated milestone of a treaty."""

    event_id: Series[str] = record_id(
        "Event identifier; `<treaty_id>-<type>-<date_start>` unless the annotator gave one."
    )
    treaty_id: Series[str] = reference("Treaty the event belongs to.", derived=True)
    date: Series[str] = edtf("When it happened (EDTF).")
    date_start: Series[Date] = edtf_start("date")
    date_end: Series[Date] = edtf_end("date")
    date_precision: Series[str] = edtf_precision("date")
    type: Series[str] = code(codes.TREATY_EVENT_TYPES, "Kind of milestone.")
    party: Series[str] = code(
        codes.PARTIES, "Party that acted; empty means all parties.", nullable=True
    )
    place: Series[str] = short_text("Where it happened.", nullable=True)
    description: Series[str] = text("What happened.", nullable=True)

    @pa.dataframe_check(name="date_end_not_before_start")
    def date_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """date_end must not be before date_start."""
        return date_order_holds(frame, "date")


class Projects(Table):
    """One row per cooperation project."""

    project_id: Series[str] = record_id("Project identifier.")
    name: Series[str] = short_text("Name of the project or line of cooperation.")
    cooperation_area: Series[str] = code(
        codes.COOPERATION_AREAS,
        "Area of the 2016 Eight-Point Cooperation Plan it falls under.",
        nullable=True,
    )
    status: Series[str] = code(codes.PROJECT_STATUSES, "Stage as of the latest source.")
    description: Series[str] = text("What the project does.", nullable=True)
    region: Series[str] = short_text("Where it takes place.", nullable=True)


class Figures(Table):
    """One row per quantitative claim made in a source."""

    figure_id: Series[str] = record_id("Figure identifier.")
    article_id: Series[str] = reference("Article that quotes the figure.", derived=True)
    subject: Series[str] = code(codes.FIGURE_SUBJECTS, "What is counted.")
    value: Series[float] = number("The number as stated.")
    qualifier: Series[str] = code(codes.FIGURE_QUALIFIERS, "exact, about, over or under.")
    unit: Series[str] = short_text("Unit of the value.")
    as_of: Series[str] = edtf("When the figure holds (EDTF).")
    as_of_start: Series[Date] = edtf_start("as_of")
    as_of_end: Series[Date] = edtf_end("as_of")
    as_of_precision: Series[str] = edtf_precision("as_of")
    description: Series[str] = text("What the figure counts, in the source's terms.")

    @pa.dataframe_check(name="as_of_end_not_before_start")
    def as_of_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """as_of_end must not be before as_of_start."""
        return date_order_holds(frame, "as_of")


class Evidence(Table):
    """One row per verbatim quote backing a record."""

    evidence_id: Series[str] = record_id(
        "Identifier of the quote: a hash of the record, the article and the quote as annotated, "
        "so it survives edits that only move the quote's offsets."
    )
    record_table: Series[str] = code(codes.RECORD_TABLES, "Table of the record it backs.")
    record_id: Series[str] = reference("Identifier of the record it backs.")
    article_id: Series[str] = reference("Article quoted.")
    char_start: Series[int] = pa.Field(ge=0, description="Offset of the first character.")
    char_end: Series[int] = pa.Field(ge=1, description="Offset after the last character.")
    quote: Series[str] = text("The article's own characters from char_start to char_end.")

    @pa.dataframe_check(name="quote_length_matches_offsets")
    def quote_fits_offsets(cls, frame: pd.DataFrame) -> pd.Series:
        """The quote is exactly char_end - char_start characters long."""
        return frame["quote"].str.len() == frame["char_end"] - frame["char_start"]
