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
PRECISIONS = ["day", "month", "year"]
MEETING_STATUSES = ["held", "planned", "cancelled"]
TREATY_STATUSES = ["under_negotiation", "signed", "in_force", "terminated"]
TREATY_EVENT_TYPES = ["negotiation", "signed", "ratified", "in_force", "withdrawn", "terminated"]
PROJECT_STATUSES = ["proposed", "developed", "active", "completed"]
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
FIGURE_SUBJECTS = ["meetings", "treaties", "treaty_events", "projects", "other"]
# Subjects whose figures count records of that kind, so their value cannot be negative.
COUNT_SUBJECTS = ["meetings", "treaties", "treaty_events", "projects"]
