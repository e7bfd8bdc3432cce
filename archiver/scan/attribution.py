"""The attribution line of an embed: ``— Name (@handle) Month D, YYYY``, and its date.

Embeds carry it in every language and layout (``&mdash;`` or ``&#x2014;`` or a literal dash,
German ``25. September 2018``, the API's ``Fri Sep 30 15:13:45 +0000 2016``). English forms are
parsed with ``strptime`` (fast, exact); anything else goes to ``dateparser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

__all__ = ["Attribution", "parse_attribution", "parse_date"]

_ATTRIBUTION = re.compile(
    r"(?:^|[\s>])(?:[—–]|&mdash;|--)\s*(?P<name>[^\n]{0,100}?)\s*\(\s*@(?P<handle>[A-Za-z0-9_]{1,15})\s*\)"
    r"[ \t]*(?P<date>[^\n]{0,80})"
)
_ENGLISH_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%a %b %d %H:%M:%S %z %Y",
    "%B %d %Y",
)
_SPACE = re.compile(r"\s+")
_UTC_OFFSET = re.compile(r"UTC(?=[+-]\d{4})")
_MAX_DATE_TEXT = 60


@dataclass(frozen=True, slots=True)
class Attribution:
    name: str | None
    handle: str
    date_text: str
    start: int  # offset of the dash in the text searched
    end: int


def parse_attribution(text: str) -> Attribution | None:
    """The last ``— Name (@handle) date`` in ``text``, or None."""
    found = None
    for match in _ATTRIBUTION.finditer(text):
        found = match
    if found is None:
        return None
    name = _SPACE.sub(" ", found["name"]).strip() or None
    return Attribution(
        name=name,
        handle=found["handle"],
        date_text=found["date"].strip(),
        start=found.start(),
        end=found.end(),
    )


def parse_date(text: str | None) -> str | None:
    """``YYYY-MM-DD`` for a date as articles write it, or None when it is not a date."""
    if not text:
        return None
    cleaned = _UTC_OFFSET.sub("", _SPACE.sub(" ", text).strip(" .,·"))
    if not cleaned or len(cleaned) > _MAX_DATE_TEXT or not any(c.isdigit() for c in cleaned):
        return None
    return _parse_date_cached(cleaned)


@lru_cache(maxsize=4096)
def _parse_date_cached(cleaned: str) -> str | None:
    for fmt in _ENGLISH_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    import dateparser  # imported late: it is slow to load and rarely needed

    parsed = dateparser.parse(
        cleaned,
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    if parsed is None or not (date(2006, 3, 1) <= parsed.date() <= date(2100, 1, 1)):
        return None
    return parsed.date().isoformat()
