"""Code lists the tables draw on: slugs, free text, ISO codes and enumerations."""

from __future__ import annotations

import pycountry

# Every pattern is anchored `^…\Z` and so matches the whole value: `$` would also match
# before a trailing newline, letting "an-id\n" through. tests/test_schemas_hostile.py checks it.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*\Z"
# C0 and C1 control characters and DEL, except tab and newline, as a character-class range.
CONTROL_CHARACTERS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
# Free text has no control characters and does not start like a spreadsheet formula.
FREE_TEXT = rf"^[^=+\-@{CONTROL_CHARACTERS}][^{CONTROL_CHARACTERS}]*\Z"
SHA256_HEX = r"^[0-9a-f]{64}\Z"
URL = rf"^https?://[^\s{CONTROL_CHARACTERS}]+\Z"
EDTF_TEXT = r"^[0-9X./?~%\-]+\Z"


def unanchored(pattern: str) -> str:
    """A pattern without its `^` and `\\Z` (or `$`): how Table Schema writes it."""
    return pattern.removeprefix("^").removesuffix("\\Z").removesuffix("$")


# Longest free text, in characters: names, titles, places and units; summaries and quotes.
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 2000
# The largest magnitude a float64 holds exactly; also keeps NaN and infinity out.
LARGEST_NUMBER = 2**53

COUNTRIES = sorted(country.alpha_2 for country in pycountry.countries)
# Treaty parties also include states that no longer exist; SU is the USSR (ISO 3166-3 SUHH).
PARTIES = sorted([*COUNTRIES, "SU"])
_PARTY = "(?:" + "|".join(PARTIES) + ")"
PARTIES_PATTERN = f"^{_PARTY}(?:;{_PARTY})*\\Z"
LANGUAGES = sorted(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)
PRECISIONS = ["day", "month", "year", "range"]
MEETING_STATUSES = ["held", "planned", "cancelled"]
TREATY_STATUSES = ["under_negotiation", "signed", "in_force", "terminated"]
TREATY_EVENT_TYPES = [
    "negotiation",
    "signed",
    "ratified",
    "in_force",
    "repudiated",
    "withdrawn",
    "terminated",
]
PROJECT_STATUSES = ["proposed", "developed", "active", "completed"]
PROJECT_KINDS = ["plan", "area", "project"]
# The eight areas of the 2016 Eight-Point Cooperation Plan.
COOPERATION_AREAS = [
    "health",
    "urban",
    "sme",
    "energy",
    "industry",
    "far_east",
    "technology",
    "people",
]
FIGURE_QUALIFIERS = ["exact", "about", "over", "under"]
RECORD_TABLES = ["meetings", "treaties", "treaty_events", "projects", "figures"]
# Tables whose rows have claims: the records, and the articles (whose metadata may be inferred).
CLAIM_TABLES = ["articles", *RECORD_TABLES]
# Tables whose records several articles can report on.
SOURCED_TABLES = ["meetings", "treaties", "treaty_events", "projects"]
CLAIM_BASES = ["stated", "inferred"]
# Fields a `ref` from another article may restate, as events unfold.
UPDATABLE_FIELDS = {
    "meetings": ["status", "date", "city", "country", "occasion"],
    "treaties": ["status"],
    "treaty_events": ["date", "place"],
    "projects": ["status", "region"],
    "figures": [],
}
FIELD_NAME = r"^[a-z][a-z0-9_]*\Z"
INFERRED_FIELDS = r"^[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*\Z"
FIGURE_SUBJECTS = ["meetings", "treaties", "treaty_events", "projects", "other"]
# Subjects whose figures count records of that kind, so their value cannot be negative.
COUNT_SUBJECTS = ["meetings", "treaties", "treaty_events", "projects"]
