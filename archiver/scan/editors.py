"""What rich editors leave of a tweet: Substack's tweet card and WordPress's embed block.

* Substack renders a tweet as ``<div class="tweet" data-attrs="{…}"
  data-component-name="Twitter2ToDOM">``: the JSON holds ``url``, ``full_text``,
  ``username``, ``name`` and ``date``; inside, a header link, the text and a date link
  (``3:24 PM ∙ Feb 27, 2023``). Converted to Markdown, what survives is the inner links
  (``[Name@handle](status)``, text, ``[3:24 PM ∙ Feb 27, 2023](status)``), often after the
  tail of the JSON, cut anywhere. Each form is one reference with handle, date and text.
* WordPress's block editor writes ``<!-- wp:embed {"url": …, "providerNameSlug": "x"} -->``
  and the URL again in ``<figure class="wp-block-embed is-provider-x">``: one reference
  (kind ``shortcode``, like ``[embed]``); the figure's caption is the editor's, not the tweet's.

Pure and linear: bounded expressions around literal markers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from archiver.models import EmbedRef, Location, RefKind
from archiver.scan.attribution import parse_date
from archiver.scan.urls import LinkKind, XLink, classify, find_links

__all__ = [
    "SUBSTACK_MARKER",
    "find_substack_remnants",
    "substack_card_ref",
    "wordpress_embed_link",
]

SUBSTACK_MARKER = "Twitter2ToDOM"
_WP_PROVIDERS = frozenset({"twitter", "x"})
_JSON_FIELD = re.compile(r'"(?P<key>url|full_text|username|name|date)":"(?P<value>(?:[^"\\\n]|\\.){0,5000})"')
_TAG = re.compile(r"<[^<>]{0,1000}>")
_HREF = re.compile(r"href=\\?[\"'](?P<url>https?://t\.co/[A-Za-z0-9]{1,40})")
_CARD_DATE = re.compile(
    r"\[(?P<time>\d{1,2}:\d{2}\s?[AP]M)\s?[∙·•]\s?(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\]"
    r"\((?P<url>https?://[^()\s]{1,500})\)"
)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\[\]\n]{0,300}\]\([^()\s]{1,1000}\)")
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]{0,300})\]\([^()\s]{1,1000}\)")
_MAX_CARD = 4000  # characters from a card's header link to its date link
_MAX_REMNANT = 20_000  # characters of JSON before the marker


@dataclass(frozen=True, slots=True)
class _Card:
    tweet_id: str | None = None
    url: str | None = None
    handle: str | None = None
    name: str | None = None
    date: str | None = None
    text: str | None = None
    pics: tuple[str, ...] = ()
    tcos: tuple[str, ...] = ()


def substack_card_ref(
    attrs: str | None,
    inner_text: str,
    fallback: XLink | None,
    article: str,
    location: Location,
    offset: int,
) -> EmbedRef | None:
    """The reference of a rendered Substack card: its JSON attributes, else what it shows
    (``inner_text``, and ``fallback``, its first status link)."""
    fields: dict[str, Any] = {}
    if attrs:
        try:
            decoded = json.loads(attrs)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            fields = {k: v for k, v in decoded.items() if isinstance(v, str)}
    card = _card_from_fields(fields, _photo_links(attrs or ""))
    if card.tweet_id is None and fallback is not None and fallback.kind is LinkKind.STATUS:
        card = _with_status(card, fallback)
    if card.tweet_id is None:
        return None
    if card.text is None and inner_text.strip():
        card = _with_text(card, inner_text.strip())
    return _ref(card, article, location, offset)


def find_substack_remnants(
    text: str, article: str, location: Location
) -> Iterator[tuple[EmbedRef, tuple[int, int]]]:
    """Substack cards left in converted text: JSON tails and the Markdown of their links."""
    if SUBSTACK_MARKER in text:
        yield from _json_remnants(text, article, location)
    if "∙" in text or "·" in text or "•" in text:
        yield from _converted_cards(text, article, location)


def wordpress_embed_link(comment: str) -> XLink | None:
    """The tweet a ``wp:embed`` block comment names, or None for other blocks and providers."""
    body = comment.strip()
    if not body.startswith("wp:embed"):
        return None
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(body[start : end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    link = classify(data["url"])
    provider = str(data.get("providerNameSlug", "")).lower()
    if link is None or link.kind is not LinkKind.STATUS or provider not in _WP_PROVIDERS:
        return None
    return link


def _json_remnants(text: str, article: str, location: Location) -> Iterator[tuple[EmbedRef, tuple[int, int]]]:
    pos = 0
    while True:
        marker = text.find(SUBSTACK_MARKER, pos)
        if marker < 0:
            return
        lo = max(pos, marker - _MAX_REMNANT)  # never back into the previous card's JSON
        pos = marker + len(SUBSTACK_MARKER)
        line_start = text.rfind("\n", lo, marker) + 1 or lo
        window = text[line_start:marker]
        fields: dict[str, str] = {}
        for match in _JSON_FIELD.finditer(window):
            fields.setdefault(match["key"], _unescape_json(match["value"]))
        card = _card_from_fields(fields, _photo_links(window))
        if card.tweet_id is None:
            card = _with_id_from_next_link(card, text, pos)
        if card.tweet_id is not None:
            yield _ref(card, article, location, line_start), (line_start, pos)


def _converted_cards(
    text: str, article: str, location: Location
) -> Iterator[tuple[EmbedRef, tuple[int, int]]]:
    floor = 0
    for dated in _CARD_DATE.finditer(text):
        link = classify(dated["url"])
        if link is None or link.kind is not LinkKind.STATUS or dated.start() < floor:
            continue
        lo = max(floor, dated.start() - _MAX_CARD)
        header = _header_link(text, lo, dated.start(), link.tweet_id)
        floor = dated.end()  # a card's header never stands before the previous date link
        if header is None:
            continue
        header_start, header_end, name = header
        body = text[header_end : dated.start()]
        card = _Card(
            tweet_id=link.tweet_id,
            url=link.canonical,
            handle=link.handle,
            name=name,
            date=parse_date(dated["date"]),
        )
        card = _with_text(card, body)
        yield _ref(card, article, location, header_start), (header_start, dated.end())


def _header_link(text: str, lo: int, hi: int, tweet_id: str | None) -> tuple[int, int, str | None] | None:
    """The card's header link (``[…Name@handle…](status)``) before its date link."""
    for found in find_links(text[lo:hi]):
        start, end = lo + found.start, lo + found.end
        if found.link.tweet_id != tweet_id or text[start - 2 : start] != "](":
            continue
        close = text.find(")", end, end + 200)
        opening = text.rfind("[", lo, start - 2)
        if close < 0 or opening < 0:
            continue
        label = _MARKDOWN_IMAGE.sub("", text[opening + 1 : start - 2]).strip()
        handle = found.link.handle
        before = label[: -len(handle) - 1].strip() if handle and label.endswith("@" + handle) else ""
        name = before.splitlines()[-1].strip() if before else None
        return opening, close + 1, name
    return None


def _card_from_fields(fields: dict[str, str], photo_links: set[str]) -> _Card:
    link = classify(fields["url"]) if fields.get("url") else None
    tweet_id = link.tweet_id if link is not None and link.kind is LinkKind.STATUS else None
    handle = fields.get("username") or (link.handle if link else None)
    card = _Card(
        tweet_id=tweet_id,
        url=link.canonical if tweet_id and link else None,
        handle=handle if handle and re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle) else None,
        name=html.unescape(fields["name"]).strip() or None if fields.get("name") else None,
        date=_card_date(fields.get("date")),
    )
    full_text = fields.get("full_text")
    if full_text:
        tcos = [m["url"] for m in _HREF.finditer(full_text)]
        card = _with_text(card, html.unescape(_TAG.sub("", full_text)), tcos, photo_links)
    return card


def _with_text(
    card: _Card, raw: str, tcos: list[str] | None = None, photo_links: set[str] | None = None
) -> _Card:
    """The card with its text, pic links and t.co links (not the ones that only wrap a pic)."""
    pics: list[str] = []
    links = list(tcos or [])
    previous = None
    for found in find_links(raw):
        wraps_pic = (
            previous is not None
            and previous.link.kind is LinkKind.PIC
            and raw[previous.end : found.start] == "]("
        )
        if found.link.kind is LinkKind.PIC and found.link.display and found.link.display not in pics:
            pics.append(found.link.display)
        elif found.link.kind is LinkKind.SHORT and not wraps_pic and found.link.canonical not in links:
            links.append(found.link.canonical)
        previous = found
    wrapping = photo_links or set()
    kept = tuple(t for t in links if t not in wrapping)
    text = _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_IMAGE.sub("", raw)) if "](" in raw else raw
    text = "\n".join(line.strip() for line in text.strip().splitlines()).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return _Card(
        tweet_id=card.tweet_id,
        url=card.url,
        handle=card.handle,
        name=card.name,
        date=card.date,
        text=text or None,
        pics=tuple(pics),
        tcos=kept,
    )


def _with_id_from_next_link(card: _Card, text: str, pos: int) -> _Card:
    """A JSON tail cut before its ``url``: the card's header link follows the marker."""
    for found in find_links(text[pos : pos + _MAX_CARD // 4]):
        if found.link.kind is LinkKind.STATUS:
            return _with_status(card, found.link)
    return card


def _photo_links(source: str) -> set[str]:
    """t.co links of the card's photos (``link_url``): they wrap pic links, not links of their own."""
    return set(
        re.findall(
            r"link_url(?:&quot;|\\?\")\s?:\s?(?:&quot;|\\?\")(https?://t\.co/[A-Za-z0-9]{1,40})", source
        )
    )


def _card_date(value: str | None) -> str | None:
    if not value:
        return None
    if re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return value[:10]
    return parse_date(value)


def _unescape_json(value: str) -> str:
    try:
        decoded = json.loads(f'"{value}"')
    except ValueError:
        return value
    return decoded if isinstance(decoded, str) else value


def _with_status(card: _Card, link: XLink) -> _Card:
    """The card with the id and URL of the status link found beside it."""
    return replace(card, tweet_id=link.tweet_id, url=link.canonical, handle=card.handle or link.handle)


def _ref(card: _Card, article: str, location: Location, offset: int) -> EmbedRef:
    return EmbedRef(
        article=article,
        kind=RefKind.BLOCKQUOTE,
        location=location,
        tweet_id=card.tweet_id,
        url=card.url,
        handle=card.handle,
        author_name=card.name,
        date=card.date,
        quoted_text=card.text,
        pic_links=card.pics,
        tco_links=card.tcos,
        offset=offset,
    )
