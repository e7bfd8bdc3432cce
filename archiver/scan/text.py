"""Plain text and Markdown: flattened embeds, shortcodes and bare links.

When an embed is copied as text, what stays is the tweet's text (often ending in a
``pic.twitter.com/…`` or ``t.co`` link), then a line ``— Name (@handle) Month D, YYYY``
(found by ``archiver.scan.flattened``). Its pic and t.co links belong to it, a t.co link that
only wraps a pic link (``[pic.twitter.com/X](https://t.co/X)``) included, and a date linked to
the status gives its id.
"""

from __future__ import annotations

import re

from archiver.models import EmbedRef, Location, RefKind
from archiver.scan.attribution import parse_date
from archiver.scan.editors import find_substack_remnants
from archiver.scan.flattened import FlattenedEmbed, find_flattened
from archiver.scan.shortcodes import find_shortcodes
from archiver.scan.urls import FoundLink, LinkKind, XLink, classify, find_links, might_mention_x

__all__ = ["flattened_ref", "link_ref", "pic_url", "scan_text"]

_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]{0,300})\]\([^()\s]{1,1000}\)")


def scan_text(
    text: str, article: str, location: Location = Location.BODY, *, flattened: bool = True
) -> list[EmbedRef]:
    """Every reference in plain text or Markdown, unmerged, with offsets.

    ``flattened`` false leaves flattened embeds out (the HTML scanner finds them across
    elements itself).
    """
    refs: list[EmbedRef] = []
    claimed: list[tuple[int, int]] = []
    for embed in find_flattened(text) if flattened else ():
        refs.append(flattened_ref(embed, article, location))
        claimed.append((embed.start, embed.end))
    for ref, span in find_shortcodes(text, article, location):
        refs.append(ref)
        claimed.append(span)
    for ref, span in find_substack_remnants(text, article, location):
        refs.append(ref)
        claimed.append(span)
    if might_mention_x(text):
        for found in find_links(text):
            if not any(start <= found.start < end for start, end in claimed):
                refs.append(link_ref(found.link, article, location, found.start))
    return refs


def link_ref(link: XLink, article: str, location: Location, offset: int) -> EmbedRef:
    """A reference made by a lone link, outside any embed."""
    if link.kind in (LinkKind.STATUS, LinkKind.EMBED):
        kind = RefKind.STATUS_LINK if link.kind is LinkKind.STATUS else RefKind.IFRAME
        return EmbedRef(
            article=article,
            kind=kind,
            location=location,
            tweet_id=link.tweet_id,
            url=link.canonical,
            handle=link.handle,
            offset=offset,
        )
    if link.kind is LinkKind.PIC:
        return EmbedRef(
            article=article,
            kind=RefKind.PIC_LINK,
            location=location,
            url=link.canonical,
            pic_links=(link.display or link.canonical,),
            offset=offset,
        )
    return EmbedRef(
        article=article,
        kind=RefKind.SHORT_LINK,
        location=location,
        url=link.canonical,
        tco_links=(link.canonical,),
        offset=offset,
    )


def flattened_ref(embed: FlattenedEmbed, article: str, location: Location) -> EmbedRef:
    pics: list[str] = []
    tcos: list[str] = []
    tweet_id = handle_from_link = url = None
    previous: FoundLink | None = None
    for found in find_links(embed.text):
        wraps_pic = (
            previous is not None
            and previous.link.kind is LinkKind.PIC
            and embed.text[previous.end : found.start] == "]("
        )
        if not wraps_pic:
            _collect_media(found, pics, tcos)
        previous = found
    linked = classify(embed.link) if embed.link else None
    if linked is not None and linked.kind is LinkKind.STATUS:
        tweet_id, url, handle_from_link = linked.tweet_id, linked.canonical, linked.handle
    if url is None:
        url = pic_url(pics[0]) if pics else (tcos[0] if tcos else None)
    date_text = embed.date_text.split("http", 1)[0].strip(" [](")
    quoted = _MARKDOWN_LINK.sub(r"\1", embed.text) if "](" in embed.text else embed.text
    return EmbedRef(
        article=article,
        kind=RefKind.PLAINTEXT_ATTRIBUTION,
        location=location,
        tweet_id=tweet_id,
        url=url,
        handle=handle_from_link or embed.handle,
        author_name=embed.name,
        date=parse_date(date_text),
        quoted_text=quoted or None,
        pic_links=tuple(pics),
        tco_links=tuple(tcos),
        offset=embed.start,
    )


def _collect_media(found: FoundLink, pics: list[str], tcos: list[str]) -> None:
    link = found.link
    if link.kind is LinkKind.PIC and link.display and link.display not in pics:
        pics.append(link.display)
    elif link.kind is LinkKind.SHORT and link.canonical not in tcos:
        tcos.append(link.canonical)


def pic_url(display: str) -> str:
    """The canonical URL of a pic link as an article shows it (``pic.x.com/X`` too)."""
    link = classify(display)
    return link.canonical if link is not None else "https://" + display
