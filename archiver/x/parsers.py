"""X's responses to :class:`~archiver.models.Evidence`. Pure: bytes in, evidence out.

Shapes follow the samples in ``../shared/x-samples`` (and their quirks: 2026 ``entities`` as
``{}`` objects, ``{}`` for a missing tweet, tombstones with localised texts, oEmbed's escaped
HTML). A response we do not understand is an ``error``, never absence.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import lxml.etree
import lxml.html

from archiver.models import Evidence, Outcome, Status, TweetFacts
from archiver.scan.attribution import parse_attribution, parse_date
from archiver.scan.urls import LinkKind, classify
from archiver.x.tombstones import status_for_text

__all__ = ["facts_from_tweet", "links_of", "parse_oembed", "parse_syndication"]

SYNDICATION = "syndication"
OEMBED = "oembed"


class _Answer:
    """One response being turned into evidence: holds what every outcome shares."""

    def __init__(self, source: str, url: str, http_status: int, body: bytes, fetched_at: str):
        self.source, self.url, self.http_status = source, url, http_status
        self.body, self.fetched_at = body, fetched_at

    def __call__(
        self,
        outcome: Outcome,
        *,
        facts: TweetFacts | None = None,
        status_hint: Status | None = None,
        detail: str | None = None,
    ) -> Evidence:
        return Evidence(
            source=self.source,
            url=self.url,
            outcome=outcome,
            http_status=self.http_status,
            facts=facts,
            status_hint=status_hint,
            detail=detail,
            fetched_at=self.fetched_at,
            body=self.body,
        )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def parse_syndication(url: str, http_status: int, body: bytes, fetched_at: str) -> Evidence:
    """``cdn.syndication.twimg.com/tweet-result``: a Tweet, a tombstone, 404 or ``{}``."""
    answer = _Answer(SYNDICATION, url, http_status, body, fetched_at)
    if http_status == 404:
        return answer(Outcome.NOT_FOUND, detail="HTTP 404")
    if http_status != 200:
        return answer(Outcome.ERROR, detail=f"HTTP {http_status}")
    data = _json(body)
    if not isinstance(data, dict):
        return answer(Outcome.ERROR, detail="not a JSON object")
    if not data:
        return answer(Outcome.NOT_FOUND, detail="empty object {}")
    typename = data.get("__typename")
    if typename == "TweetTombstone":
        text = _tombstone_text(data)
        status, _ = status_for_text(text)
        return answer(Outcome.TOMBSTONE, status_hint=status, detail=text)
    if typename == "Tweet" or "id_str" in data:
        facts = facts_from_tweet(data)
        if not isinstance(data.get("user"), dict):
            detail = "tweet returned without its author (suspended account)"
            return answer(Outcome.REFUSED, status_hint=Status.SUSPENDED, facts=facts, detail=detail)
        return answer(Outcome.FOUND, facts=facts)
    return answer(Outcome.ERROR, detail=f"unexpected shape {typename!r}")


def _tombstone_text(data: dict[str, Any]) -> str:
    tombstone = data.get("tombstone") or {}
    text = tombstone.get("text") if isinstance(tombstone, dict) else None
    if isinstance(text, dict):
        return str(text.get("text") or "")
    return str(text or "")


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def facts_from_tweet(data: dict[str, Any]) -> TweetFacts:
    """The facts of a syndication Tweet object (its counters are left out on purpose)."""
    user = _object(data, "user")
    edit = _object(data, "edit_control")
    quoted = _object(data, "quoted_tweet")
    media: list[str] = []
    for item in data.get("mediaDetails") or ():
        if not isinstance(item, dict):
            continue
        variants = (item.get("video_info") or {}).get("variants") or ()
        mp4 = [v for v in variants if isinstance(v, dict) and v.get("content_type") == "video/mp4"]
        if mp4:
            best = max(mp4, key=lambda v: int(v.get("bitrate") or 0))
            media.append(str(best.get("url")))
        elif item.get("media_url_https"):
            media.append(str(item["media_url_https"]))
    return TweetFacts(
        tweet_id=str(data.get("id_str") or ""),
        text=data.get("text"),
        handle=user.get("screen_name"),
        author_name=user.get("name"),
        created_at=data.get("created_at"),
        media=tuple(media),
        quoted_id=quoted.get("id_str"),
        edit_ids=tuple(str(i) for i in edit.get("edit_tweet_ids") or ()),
        is_edited=bool(data.get("isEdited")),
        is_stale_edit=bool(data.get("isStaleEdit")),
        lang=data.get("lang"),
        links=links_of(data),
    )


def links_of(data: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """Each t.co link of a Tweet as (t.co, display, expanded), from ``entities.urls``,
    ``entities.media`` and ``mediaDetails`` (samples: ``syndication-tweet-photo-2023.json``;
    2026 answers send an empty list as ``{}``)."""
    entities = _object(data, "entities")
    items: list[Any] = []
    for group in (entities.get("urls"), entities.get("media"), data.get("mediaDetails")):
        if isinstance(group, list):
            items += group
    links: dict[str, tuple[str, str, str]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        display, expanded = item.get("display_url"), item.get("expanded_url")
        links.setdefault(
            item["url"],
            (
                item["url"],
                display if isinstance(display, str) else "",
                expanded if isinstance(expanded, str) else "",
            ),
        )
    return tuple(links.values())


def parse_oembed(url: str, http_status: int, body: bytes, fetched_at: str, tweet_id: str) -> Evidence:
    """``publish.twitter.com/oembed``: 200 with the embed's HTML, 404, or 403 with a reason."""
    answer = _Answer(OEMBED, url, http_status, body, fetched_at)
    data = _json(body)
    message = _error_message(data)
    if http_status == 404:
        return answer(Outcome.NOT_FOUND, detail=message or "HTTP 404")
    if http_status == 403 or (http_status == 200 and message and not _has_html(data)):
        status, _ = status_for_text(message or "")
        hint = status if message else Status.PROTECTED
        return answer(Outcome.REFUSED, status_hint=hint, detail=message)
    if http_status != 200:
        return answer(Outcome.ERROR, detail=message or f"HTTP {http_status}")
    if not _has_html(data):
        return answer(Outcome.ERROR, detail="no html in the oEmbed answer")
    assert isinstance(data, dict)
    facts = _embed_facts(str(data["html"]), tweet_id)
    if facts.author_name is None and isinstance(data.get("author_name"), str):
        facts = replace(facts, author_name=data["author_name"])
    return answer(Outcome.FOUND, facts=facts)


def _embed_facts(markup: str, tweet_id: str) -> TweetFacts:
    """Text, author and date of the one blockquote oEmbed returns.

    Parsed with lxml directly: this runs once per tweet per run, and the scanner's full pass
    (BeautifulSoup, site-chrome detection) costs ten times as much for the same answer.
    """
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return TweetFacts(tweet_id=tweet_id)
    quote = next(iter(root.iter("blockquote")), None)
    if quote is None:
        return TweetFacts(tweet_id=tweet_id)
    for br in quote.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = [p.text_content().strip() for p in quote.iter("p")]
    handle = date = None
    for anchor in quote.iter("a"):
        link = classify(anchor.get("href") or "")
        if link is not None and link.kind is LinkKind.STATUS and link.tweet_id == tweet_id:
            handle, date = link.handle, parse_date(anchor.text_content())
    attribution = parse_attribution(quote.text_content())
    return TweetFacts(
        tweet_id=tweet_id,
        text="\n".join(p for p in paragraphs if p) or None,
        handle=handle or (attribution.handle if attribution else None),
        author_name=attribution.name if attribution else None,
        created_at=date,
    )


def _has_html(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("html"), str)


def _error_message(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("error"), str):
        return str(data["error"])
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "") or None
    return None
