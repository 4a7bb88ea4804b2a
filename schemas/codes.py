"""Code lists the tables draw on: slugs, free text, ISO codes and enumerations."""

from __future__ import annotations

import pycountry

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Free text must not start with a character a spreadsheet would run as a formula.
FREE_TEXT = r"^[^=+\-@][\s\S]*$"
SHA256_HEX = r"^[0-9a-f]{64}$"
URL = r"^https?://\S+$"
EDTF_TEXT = r"^[0-9X./?~%\-]+$"

COUNTRIES = sorted(country.alpha_2 for country in pycountry.countries)
# Treaty parties also include states that no longer exist; SU is the USSR (ISO 3166-3 SUHH).
PARTIES = sorted([*COUNTRIES, "SU"])
_PARTY = "(?:" + "|".join(PARTIES) + ")"
PARTIES_PATTERN = f"^{_PARTY}(?:;{_PARTY})*$"
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
