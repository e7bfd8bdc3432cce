"""Recognise X links in running text and canonicalise them.

Two jobs, kept apart so each is testable on its own:

* :func:`find_links` cuts candidate URLs out of text (with or without a scheme), the way
  twitter-text does: trailing punctuation and unbalanced parentheses are not part of a URL,
  and a URL cut short by an ellipsis (display text such as ``twitter.com/i/web/status/1…``)
  is dropped, since its id is not the tweet's.
* :func:`classify` turns one URL into a :class:`XLink` (status, short link, pic link or embed
  page) or None for everything else: profiles, intents, search, hashtags, widgets, ad pixels.

Both run in linear time: the only regular expressions are literal anchors and bounded
character runs; the expansion around an anchor is done by hand with hard limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

__all__ = ["LinkKind", "XLink", "classify", "find_links", "might_mention_x"]

# Searched in an ASCII-folded, lower-cased bytes copy of the text (same length, same offsets),
# which is several times faster than a case-insensitive search of the str.
_ANCHOR = re.compile(rb"twitter\.com|x\.com|t\.co/|nitter|xcancel\.com")
_QUICK_MARKERS = (b"twitter", b"x.com", b"t.co", b"nitter", b"xcancel")

_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
_MAX_HOST = 253
_MAX_URL = 4096
# Path characters: printable ASCII except delimiters that never occur inside a link in prose,
# plus Latin and Cyrillic letters; CJK text right after a URL ends it (as twitter-text does).
_PATH = re.compile(
    r"(?::\d{1,5})?(?:[/?#][^\s<>\"'`{}\\^\[\]…\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]"
    rf"{{0,{_MAX_URL}}})?"
)
# t.co codes are alphanumeric: "t.co/abc-" ends before the dash (as twitter-text cuts it).
_TCO_PATH = re.compile(r"/[A-Za-z0-9]{1,40}(?:\?[A-Za-z0-9=&_.%-]{0,200})?(?:#[A-Za-z0-9_-]{0,100})?")
_TRAILING = ".,;:!?*'\"»”’"
_ELLIPSES = ("…", "...")

STATUS_HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "fxtwitter.com",
        "vxtwitter.com",
        "fixupx.com",
        "fixvx.com",
        "twittpr.com",
        "xcancel.com",
        "nitter.net",
    }
)
_STATUS_SUBDOMAINS = ("www.", "mobile.", "m.", "d.", "api.")  # d.fxtwitter.com serves media
SHORT_HOSTS = frozenset({"t.co"})
PIC_HOSTS = frozenset({"pic.twitter.com", "pic.x.com"})
EMBED_HOSTS = frozenset({"platform.twitter.com", "platform.x.com", "syndication.twitter.com"})

# First path segments that are X's own pages, never a user name.
_RESERVED = frozenset(
    {
        "i",
        "intent",
        "share",
        "search",
        "hashtag",
        "home",
        "explore",
        "settings",
        "messages",
        "notifications",
        "login",
        "signup",
        "tos",
        "privacy",
        "widgets",
        "compose",
    }
)
_STATUS_PATH = re.compile(
    r"/(?:i/web/status|i/status|statuses|(?P<user>[A-Za-z0-9_]{1,15})/status(?:es)?)"
    r"/(?P<id>\d{1,19})(?:[/?#.]|$)"
)
_SHORT_CODE = re.compile(r"/(?P<code>[A-Za-z0-9]{4,16})(?:[/?#]|$)")
_EMBED_PATH = re.compile(r"/embed/(?:Tweet|index)\.html$", re.IGNORECASE)
_ID = re.compile(r"\d{1,19}")


class LinkKind(StrEnum):
    """What an X link points at."""

    STATUS = "status"  # a tweet's page: /USER/status/ID and every variant
    SHORT = "short"  # t.co/CODE: resolves to anything, a tweet included
    PIC = "pic"  # pic.twitter.com/CODE, pic.x.com/CODE: a tweet's media
    EMBED = "embed"  # platform.twitter.com/embed/Tweet.html?id=ID


@dataclass(frozen=True, slots=True)
class XLink:
    """One recognised X link: ``canonical`` is the stable form used for dedupe and output."""

    kind: LinkKind
    canonical: str
    tweet_id: str | None = None
    handle: str | None = None
    display: str | None = None  # pic links as articles show them: pic.twitter.com/CODE


@dataclass(frozen=True, slots=True)
class FoundLink:
    """A link cut out of text: the span it occupies and what it is."""

    start: int
    end: int
    raw: str
    link: XLink


def might_mention_x(text: str) -> bool:
    """Cheap pre-check: False means ``text`` cannot hold any X link (most of a feed)."""
    folded = _fold(text)
    return any(marker in folded for marker in _QUICK_MARKERS)


def _fold(text: str) -> bytes:
    """ASCII lower-case bytes, one byte per character, so offsets match ``text``."""
    return text.encode("ascii", "replace").lower()


def find_links(text: str) -> Iterator[FoundLink]:
    """Yield every X link in ``text`` in order, with its span (see the module docstring)."""
    pos = 0
    n = len(text)
    folded = _fold(text)
    while True:
        anchor = _ANCHOR.search(folded, pos)
        if anchor is None:
            return
        host_start = anchor.start()
        floor = max(0, host_start - _MAX_HOST)
        while host_start > floor and text[host_start - 1] in _HOST_CHARS:
            host_start -= 1
        host_end = anchor.end()
        if folded[host_end - 1] == ord("/"):  # the t.co/ anchor takes the slash
            host_end -= 1
        ceiling = min(n, host_end + _MAX_HOST)
        while host_end < ceiling and text[host_end] in _HOST_CHARS:
            host_end += 1
        pos = max(host_end, anchor.end())
        while host_end > host_start and text[host_end - 1] in ".-_":
            host_end -= 1
        start = host_start
        for scheme in ("https://", "http://", "//"):
            if text.startswith(scheme, max(0, host_start - len(scheme))) and (host_start - len(scheme) >= 0):
                start = host_start - len(scheme)
                break
        if start == host_start and start > 0 and text[start - 1] in "@/":
            continue  # an e-mail address, or a host inside another URL's path
        is_tco = text[host_start:host_end].lower() == "t.co"
        path = (_TCO_PATH if is_tco else _PATH).match(text, host_end)
        end = path.end() if path else host_end
        end = _trim(text, start, end)
        pos = max(pos, end)
        if text.startswith(_ELLIPSES, end):
            continue  # display text cut short: the id in it is not the tweet's
        raw = text[start:end]
        link = classify(raw)
        if link is not None:
            yield FoundLink(start, end, raw, link)


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation and unbalanced closing brackets from text[start:end]."""
    while end > start:
        last = text[end - 1]
        unbalanced = last == ")" and text.count("(", start, end) < text.count(")", start, end)
        if last in _TRAILING or unbalanced:
            end -= 1
        else:
            break
    return end


def classify(url: str) -> XLink | None:
    """Recognise ``url`` (scheme optional) as an X link, or return None."""
    if len(url) > _MAX_URL:
        return None
    url = url.strip().replace("\\", "")  # markdown-escaped underscores: ESA\_Rosetta
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url[:10]:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    path, query, fragment = parts.path, parts.query, parts.fragment
    if host in SHORT_HOSTS:
        return _short_link(path)
    if host in PIC_HOSTS:
        return _pic_link(host, path)
    if host in EMBED_HOSTS:
        return _embed_link(path, query)
    if not _is_status_host(host):
        return None
    if fragment.startswith("!/") and path in ("", "/"):
        path = fragment[1:]  # old hash-bang URLs: twitter.com/#!/user/status/ID
    return status_link(path)


def _is_status_host(host: str) -> bool:
    if host in STATUS_HOSTS:
        return True
    for prefix in _STATUS_SUBDOMAINS:
        if host.startswith(prefix) and host[len(prefix) :] in STATUS_HOSTS:
            return True
    return "nitter" in host.split(".")[0]


def status_link(path: str) -> XLink | None:
    """Recognise the path of a status page; the handle is kept as the URL spells it."""
    match = _STATUS_PATH.match(path)
    if match is None:
        return None
    tweet_id = match["id"].lstrip("0")
    if not tweet_id or int(tweet_id) > 2**63 - 1:
        return None
    user = match["user"]
    if user is not None and user.lower() in _RESERVED:
        return None
    return XLink(LinkKind.STATUS, canonical_status_url(tweet_id, user), tweet_id, user)


def canonical_status_url(tweet_id: str, handle: str | None) -> str:
    """``https://twitter.com/USER/status/ID``, or ``/i/web/status/ID`` with no handle."""
    if handle:
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def _short_link(path: str) -> XLink | None:
    match = _SHORT_CODE.match(path)
    if match is None or path.startswith("/i/"):  # t.co/i/adsct is an ad pixel
        return None
    code = match["code"]
    return XLink(LinkKind.SHORT, f"https://t.co/{code}", display=f"https://t.co/{code}")


def _pic_link(host: str, path: str) -> XLink | None:
    match = _SHORT_CODE.match(path)
    if match is None:
        return None
    code = match["code"]  # pic.x.com and pic.twitter.com name the same media: one canonical form
    return XLink(LinkKind.PIC, f"https://pic.twitter.com/{code}", display=f"{host}/{code}")


def _embed_link(path: str, query: str) -> XLink | None:
    if _EMBED_PATH.search(path) is None:
        return None
    ids = parse_qs(query).get("id", [])
    if not ids or _ID.fullmatch(ids[0]) is None:
        return None
    tweet_id = ids[0].lstrip("0")
    if not tweet_id:
        return None
    return XLink(LinkKind.EMBED, canonical_status_url(tweet_id, None), tweet_id)
