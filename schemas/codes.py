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
FIELD_NAME = r"^[a-z][a-z0-9_]*$"
INFERRED_FIELDS = r"^[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*$"
FIGURE_SUBJECTS = ["meetings", "treaties", "treaty_events", "projects", "other"]
