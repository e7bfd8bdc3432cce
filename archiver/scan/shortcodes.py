"""Publishing-system shortcodes that embed a tweet.

Hugo ``{{< tweet user="jack" id="20" >}}`` (and the old positional ``{{< tweet 20 >}}``),
WordPress ``[tweet https://…]``, ``[tweet id="20"]`` and ``[embed]https://…[/embed]``, and
Jekyll ``{% twitter https://… %}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archiver.models import EmbedRef, Location, RefKind
from archiver.scan.urls import LinkKind, canonical_status_url, classify

__all__ = ["find_shortcodes"]

_SHORTCODE = re.compile(
    r"\{\{[<%]\s*tweet\s+(?P<hugo>[^{}\n]{1,300}?)\s*[>%]\}\}"
    r"|\[tweet\s+(?P<wp>[^\[\]\n]{1,300})\]"
    r"|\[embed[^\[\]\n]{0,100}\]\s*(?P<embed>[^\[\]\s]{1,500})\s*\[/embed\]"
    r"|\{%\s*twitter\s+(?P<jekyll>[^%\n]{1,300}?)\s*%\}",
    re.IGNORECASE,
)
_BRACKET_OPENING = re.compile(r"\[(?i:tweet|embed)")
_PARAM = re.compile(r"(?P<key>\w+)\s*=\s*[\"']?(?P<value>[^\"'\s]+)[\"']?")
_DIGITS = re.compile(r"\d{1,19}")
_HANDLE = re.compile(r"@?[A-Za-z0-9_]{1,15}")


def find_shortcodes(
    text: str, article: str, location: Location
) -> Iterator[tuple[EmbedRef, tuple[int, int]]]:
    """Yield each tweet shortcode as a reference with the span it occupies."""
    if "{" not in text and "[" not in text:
        return
    if "{{" not in text and "{%" not in text and _BRACKET_OPENING.search(text) is None:
        return  # every shortcode opens so: cheaper than lower-casing the whole text
    for match in _SHORTCODE.finditer(text):
        body = next(group for group in match.groups() if group is not None)
        tweet_id, handle = _parse(body)
        if tweet_id is None:
            continue
        ref = EmbedRef(
            article=article,
            kind=RefKind.SHORTCODE,
            location=location,
            tweet_id=tweet_id,
            url=canonical_status_url(tweet_id, handle),
            handle=handle,
            offset=match.start(),
        )
        yield ref, match.span()


def _parse(body: str) -> tuple[str | None, str | None]:
    """The tweet id and handle in a shortcode's arguments, from a URL, key=value or position."""
    params = {m["key"].lower(): m["value"] for m in _PARAM.finditer(body)}
    for value in [*params.values(), *body.split()]:
        link = classify(value.strip("\"'"))
        if link is not None and link.kind in (LinkKind.STATUS, LinkKind.EMBED):
            return link.tweet_id, link.handle
    tweet_id = params.get("id")
    handle = params.get("user") or params.get("username")
    if tweet_id is None:
        positional = [word for word in body.split() if "=" not in word]
        tweet_id = next((w for w in positional if _DIGITS.fullmatch(w)), None)
        if handle is None:
            handle = next((w for w in positional if not _DIGITS.fullmatch(w)), None)
    if tweet_id is None or _DIGITS.fullmatch(tweet_id) is None:
        return None, None
    if handle is not None and _HANDLE.fullmatch(handle) is None:
        handle = None
    return tweet_id.lstrip("0") or None, handle.lstrip("@") if handle else None
