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
    inferred,
    n_sources,
    number,
    quote,
    record_id,
    reference,
    reported,
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
    author: Series[str] = short_text(
        "Author named by the source; for an interview, the interviewer.", nullable=True
    )
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
    inferred: Series[str] = inferred()


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
    inferred: Series[str] = inferred()
    n_sources: Series[int] = n_sources()
    first_reported: Series[Date] = reported("earliest")
    last_reported: Series[Date] = reported("latest")

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
    signed_date: Series[str] = edtf(
        "Date of its earliest `signed` event (EDTF), if any.", nullable=True, derived=True
    )
    signed_date_start: Series[Date] = edtf_start("signed_date", nullable=True)
    signed_date_end: Series[Date] = edtf_end("signed_date", nullable=True)
    signed_date_precision: Series[str] = edtf_precision("signed_date", nullable=True)
    in_force_date: Series[str] = edtf(
        "Date of its earliest `in_force` event (EDTF), if any.", nullable=True, derived=True
    )
    in_force_date_start: Series[Date] = edtf_start("in_force_date", nullable=True)
    in_force_date_end: Series[Date] = edtf_end("in_force_date", nullable=True)
    in_force_date_precision: Series[str] = edtf_precision("in_force_date", nullable=True)
    inferred: Series[str] = inferred()
    n_sources: Series[int] = n_sources()
    first_reported: Series[Date] = reported("earliest")
    last_reported: Series[Date] = reported("latest")

    @pa.dataframe_check(name="signed_date_end_not_before_start")
    def signed_date_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """signed_date_end must not be before signed_date_start."""
        return date_order_holds(frame, "signed_date")

    @pa.dataframe_check(name="in_force_date_end_not_before_start")
    def in_force_date_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """in_force_date_end must not be before in_force_date_start."""
        return date_order_holds(frame, "in_force_date")


class TreatyEvents(Table):
    """One row per dated milestone of a treaty."""

    event_id: Series[str] = record_id(
        "Event identifier; `<treaty_id>-<type>-<date>` (the EDTF text as written, as a slug) "
        "unless the annotator gave one."
    )
    treaty_id: Series[str] = reference("Treaty the event belongs to.", derived=True)
    date: Series[str] = edtf("When it happened (EDTF).")
    date_start: Series[Date] = edtf_start("date")
    date_end: Series[Date] = edtf_end("date")
    date_precision: Series[str] = edtf_precision("date")
    type: Series[str] = code(
        codes.TREATY_EVENT_TYPES,
        "Kind of milestone; `withdrawn` is a party leaving the whole treaty, `repudiated` a party "
        "disowning the part named in `scope`.",
    )
    scope: Series[str] = short_text(
        "The part of the treaty concerned, e.g. `Article 9`; empty means the whole treaty.",
        nullable=True,
    )
    party: Series[str] = code(
        codes.PARTIES, "Party that acted; empty means all parties.", nullable=True
    )
    place: Series[str] = short_text("Where it happened.", nullable=True)
    description: Series[str] = text("What happened.", nullable=True)
    inferred: Series[str] = inferred()
    n_sources: Series[int] = n_sources()
    first_reported: Series[Date] = reported("earliest")
    last_reported: Series[Date] = reported("latest")

    @pa.dataframe_check(name="date_end_not_before_start")
    def date_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """date_end must not be before date_start."""
        return date_order_holds(frame, "date")


class Projects(Table):
    """One row per cooperation plan, plan area or project."""

    project_id: Series[str] = record_id("Project identifier.")
    kind: Series[str] = code(
        codes.PROJECT_KINDS,
        "plan (a cooperation plan), area (one of a plan's areas) or project (a collaboration).",
    )
    parent_id: Series[str] = pa.Field(
        str_matches=codes.SLUG,
        nullable=True,
        description="The plan an area belongs to, or the plan or area a project belongs to.",
    )
    name: Series[str] = short_text("Name of the plan, area or project.")
    cooperation_area: Series[str] = code(
        codes.COOPERATION_AREAS,
        "Area of the 2016 Eight-Point Cooperation Plan it falls under.",
        nullable=True,
    )
    status: Series[str] = code(codes.PROJECT_STATUSES, "Stage as of the latest source.")
    description: Series[str] = text("What it is or does.", nullable=True)
    region: Series[str] = short_text("Where it takes place.", nullable=True)
    inferred: Series[str] = inferred()
    n_sources: Series[int] = n_sources()
    first_reported: Series[Date] = reported("earliest")
    last_reported: Series[Date] = reported("latest")


class Figures(Table):
    """One row per quantitative claim made in a source."""

    figure_id: Series[str] = record_id("Figure identifier.")
    article_id: Series[str] = reference("Article that quotes the figure.", derived=True)
    subject: Series[str] = code(codes.FIGURE_SUBJECTS, "What is counted.")
    value: Series[float] = number("The number as stated.")
    qualifier: Series[str] = code(codes.FIGURE_QUALIFIERS, "exact, about, over or under.")
    unit: Series[str] = short_text("Unit of the value.")
    claimant: Series[str] = short_text(
        "Who states the figure; empty means the article itself.", nullable=True
    )
    as_of: Series[str] = edtf("The date the figure describes (EDTF).")
    as_of_start: Series[Date] = edtf_start("as_of")
    as_of_end: Series[Date] = edtf_end("as_of")
    as_of_precision: Series[str] = edtf_precision("as_of")
    period: Series[str] = edtf("The span the figure counts over (EDTF), if given.", nullable=True)
    period_start: Series[Date] = edtf_start("period", nullable=True)
    period_end: Series[Date] = edtf_end("period", nullable=True)
    period_precision: Series[str] = edtf_precision("period", nullable=True)
    description: Series[str] = text("What the figure counts, in the source's terms.")
    inferred: Series[str] = inferred()

    @pa.dataframe_check(name="as_of_end_not_before_start")
    def as_of_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """as_of_end must not be before as_of_start."""
        return date_order_holds(frame, "as_of")

    @pa.dataframe_check(name="period_end_not_before_start")
    def period_in_order(cls, frame: pd.DataFrame) -> pd.Series:
        """period_end must not be before period_start."""
        return date_order_holds(frame, "period")


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
    quote: Series[str] = quote(
        "The article's own characters from char_start to char_end (verbatim, so it may start "
        "with any character)."
    )

    @pa.dataframe_check(name="quote_length_matches_offsets")
    def quote_fits_offsets(cls, frame: pd.DataFrame) -> pd.Series:
        """The quote is exactly char_end - char_start characters long."""
        return frame["quote"].str.len() == frame["char_end"] - frame["char_start"]


class Claims(Table):
    """One row per statement of one field of one record by one article."""

    claim_id: Series[str] = record_id(
        "Identifier of the claim: a hash of the record, the field and the article."
    )
    record_table: Series[str] = code(codes.CLAIM_TABLES, "Table of the record.")
    record_id: Series[str] = reference("Identifier of the record.")
    field: Series[str] = pa.Field(
        str_matches=codes.FIELD_NAME, description="Column of the record the claim states."
    )
    value: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="The value this article gives, as text (lists ';'-joined, numbers plain).",
    )
    article_id: Series[str] = reference("Article that makes the claim.")
    basis: Series[str] = code(
        codes.CLAIM_BASES, "stated by the article's text, or inferred by the annotators."
    )
    reason: Series[str] = text("Why the value was inferred, and from what.", nullable=True)
    current: Series[bool] = pa.Field(
        description="True where this claim is the record's published value.",
    )

    @pa.dataframe_check(name="reason_given_exactly_when_inferred")
    def reason_when_inferred(cls, frame: pd.DataFrame) -> pd.Series:
        """An inferred claim has a reason; a stated claim has none."""
        return (frame["basis"] == "inferred") == frame["reason"].notna()
