"""Code lists the tables draw on: slugs, free text, ISO codes and enumerations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _countries() -> list[str]:
    """ISO 3166-1 alpha-2 codes."""
    import pycountry

    return sorted(country.alpha_2 for country in pycountry.countries)


def _parties() -> list[str]:
    """Treaty parties: countries, and states that no longer exist (SU is the USSR, ISO 3166-3
    SUHH)."""
    return sorted([*_countries(), "SU"])


def _parties_pattern() -> str:
    """';'-joined party codes."""
    party = "(?:" + "|".join(_parties()) + ")"
    return f"^{party}(?:;{party})*\\Z"


def _languages() -> list[str]:
    """ISO 639-1 codes."""
    import pycountry

    return sorted(
        language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
    )


_ISO_LISTS: dict[str, Callable[[], Any]] = {
    "COUNTRIES": _countries,
    "PARTIES": _parties,
    "PARTIES_PATTERN": _parties_pattern,
    "LANGUAGES": _languages,
}


def __getattr__(name: str) -> Any:
    """The ISO code lists, read from pycountry on first use: loading its databases takes about
    50 ms, which `jrr validate FILE` does not need."""
    if name in _ISO_LISTS:
        value = globals()[name] = _ISO_LISTS[name]()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
