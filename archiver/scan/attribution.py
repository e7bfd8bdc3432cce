"""The attribution line of an embed: ``— Name (@handle) Month D, YYYY``, and its date.

Embeds carry it in every language and layout (``&mdash;`` or ``&#x2014;`` or a literal dash,
German ``25. September 2018``, the API's ``Fri Sep 30 15:13:45 +0000 2016``). English forms are
parsed with ``strptime`` (fast, exact); anything else goes to ``dateparser``.

Copies change the dash (``—``, ``–``, ``--``, Markdown's escaped ``\\-`` or a bare ``-``), link the
date to the status (``[March 3, 2024](https://twitter.com/…)``) or run the attribution into the
next sentence on one line. It is found from its ``(@handle)``, looking back a bounded stretch
for the dash, so the search stays linear on any input; a hyphen only counts when a date follows.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from archiver.scan.urls import LinkKind, find_links, might_mention_x

__all__ = ["Attribution", "find_attributions", "parse_attribution", "parse_date"]

_HANDLE = re.compile(r"\(\s{0,3}@(?P<handle>(?:[A-Za-z0-9_]|\\_){1,15})\s{0,3}\)")
_MAX_NAME = 100
_STRONG_DASHES = ("—", "–", "&mdash;", "--")
_AFTER_HYPHEN = frozenset(" \t\u00a0")
_BEFORE_HYPHEN = frozenset(" \t\u00a0>\\*_")
_MAX_DATE = 80  # characters after the handle where the date may stand
_MAX_TAIL = 1200  # ... and where a link starting there may end
_DATE_LINK = re.compile(r"[ \t]*\[(?P<text>[^\]\n]{1,80})\]\((?P<url>[^()\s]{1,1000})\)")
_QUOTE = re.compile(r"[ \t]{0,3}(?:>[ \t]?)*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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
    end: int  # end of the date (or of the handle, when no date follows)
    link: str | None = None  # the URL the date links to, in Markdown copies


def parse_attribution(text: str) -> Attribution | None:
    """The last ``— Name (@handle) date`` in ``text``, or None."""
    last = deque(find_attributions(text), maxlen=1)
    return last[0] if last else None


def find_attributions(text: str) -> Iterator[Attribution]:
    """Every ``— Name (@handle) date`` in ``text``, in order (see the module docstring)."""
    pos = 0
    while True:  # driven by str.find on "@", which prose seldom holds
        at = text.find("@", pos)
        if at < 0:
            return
        pos = at + 1
        paren = text.rfind("(", max(0, at - 4), at)
        if paren < 0 or text[paren + 1 : at].strip():
            continue
        match = _HANDLE.match(text, paren)
        if match is None:
            continue
        pos = match.end()
        attribution = _attribution_at(text, match)
        if attribution is not None:
            yield attribution


def _attribution_at(text: str, match: re.Match[str]) -> Attribution | None:
    lo = max(0, match.start() - _MAX_NAME - 8)
    newline = text.rfind("\n", lo, match.start())
    if newline >= 0:
        lo = newline + 1
    window = text[lo : match.start()]
    dash, width, strong = _last_dash(window)
    if dash < 0:
        return None
    name = _SPACE.sub(" ", window[dash + width :]).strip(" \t*_") or None
    if name is not None and len(name) > _MAX_NAME:
        return None
    date_text, link, date_end = _date_after(text, match.end())
    if not strong and parse_date(date_text) is None:
        return None  # "- Jane (@jane), reporter" in a list is not an attribution
    return Attribution(
        name=name,
        handle=match["handle"].replace("\\", ""),
        date_text=date_text,
        start=lo + dash,
        end=date_end,
        link=link,
    )


def _last_dash(window: str) -> tuple[int, int, bool]:
    """Offset and width of the dash that opens the attribution in ``window``, and whether it
    is a real dash (not a hyphen); (-1, 0, False) when there is none."""
    best, width = -1, 0
    for dash in _STRONG_DASHES:
        at = window.rfind(dash)
        run = len(dash)
        if dash == "--":  # "--" or Pandoc's "---", after a space or the line's start
            while at > 0 and window[at - 1] == "-":
                at, run = at - 1, run + 1
            while at > 0 and window[at - 1] not in _BEFORE_HYPHEN:
                at, run = window.rfind(dash, 0, at), len(dash)
                while at > 0 and window[at - 1] == "-":
                    at, run = at - 1, run + 1
        if at > best:
            best, width = at, run
    if best >= 0:
        return best, width, True
    at = window.rfind("-")
    while at >= 0:
        before_ok = at == 0 or window[at - 1] in _BEFORE_HYPHEN
        if before_ok and at + 1 < len(window) and window[at + 1] in _AFTER_HYPHEN:
            return at, 1, False
        at = window.rfind("-", 0, at)
    return -1, 0, False


def _date_after(text: str, start: int) -> tuple[str, str | None, int]:
    """The date text after the handle, the URL it links to, and where it ends."""
    line_end = text.find("\n", start, start + _MAX_DATE + 40)
    head = text[start : line_end if line_end >= 0 else start + _MAX_DATE + 40]
    if head.lstrip(" \t").startswith("["):
        linked = _DATE_LINK.match(_tail(text, start))
        if linked is not None:
            return linked["text"].strip(), linked["url"], start + linked.end()
        wrapped = _wrapped_date_link(text, start, line_end)
        if wrapped is not None:
            return wrapped
    stripped = head[:_MAX_DATE].lstrip(" \t")
    offset = len(head[:_MAX_DATE]) - len(stripped)
    iso = _ISO_DATE.match(stripped)
    year = None if iso else _YEAR.search(stripped)
    if iso is not None:
        stripped = stripped[: iso.end()]
    elif year is not None:
        stripped = stripped[: year.end()]
    link = None
    if might_mention_x(head):
        for found in find_links(_tail(text, start)):
            if found.start < _MAX_DATE and found.link.kind is LinkKind.STATUS:
                link = found.raw
                break
    return stripped.strip(), link, start + offset + len(stripped.rstrip())


def _wrapped_date_link(text: str, start: int, line_end: int) -> tuple[str, str, int] | None:
    """A date link that hard-wrapping split over two lines (``[May 20,`` / ``> 2024](…)``)."""
    if line_end < 0 or "]" in text[start:line_end]:
        return None
    following = _QUOTE.match(text, line_end + 1)
    if following is None:
        return None
    joined = text[start:line_end] + " " + _tail(text, following.end())
    linked = _DATE_LINK.match(joined)
    if linked is None or linked.end() <= line_end - start:
        return None
    end = following.end() + linked.end() - (line_end - start + 1)
    return _SPACE.sub(" ", linked["text"]).strip(), linked["url"], end


def _tail(text: str, start: int) -> str:
    """The rest of the line after ``start``, up to where a link starting there may end."""
    line_end = text.find("\n", start, start + _MAX_TAIL)
    return text[start : line_end if line_end >= 0 else start + _MAX_TAIL]


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
