"""Plain text and Markdown: flattened embeds, shortcodes and bare links.

When an embed is copied as text, what stays is the tweet's text (often ending in a
``pic.twitter.com/…`` or ``t.co`` link), then a line ``— Name (@handle) Month D, YYYY``. The
tweet's text is the block of lines just above that line: back to a blank line, and no longer
than a tweet (280 characters, links counted as 23, as X counts them), so that in articles
whose paragraphs are single lines the prose above is not taken for the tweet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archiver.models import EmbedRef, Location, RefKind
from archiver.scan.attribution import parse_attribution, parse_date
from archiver.scan.shortcodes import find_shortcodes
from archiver.scan.urls import FoundLink, LinkKind, XLink, find_links, might_mention_x

__all__ = ["FlattenedEmbed", "find_flattened", "flattened_ref", "link_ref", "scan_text"]

TWEET_WEIGHT_LIMIT = 280
_URL_WEIGHT = 23
_MAX_BLANK_LINES_SKIPPED = 2
_LINKISH = re.compile(r"(?:https?://|pic\.)\S{1,2000}")
_ATTRIBUTION_MARK = "(@"


@dataclass(frozen=True, slots=True)
class FlattenedEmbed:
    start: int  # first character of the tweet's text (or of the attribution, if no text)
    end: int  # end of the attribution line
    text: str
    name: str | None
    handle: str
    date_text: str


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


def find_flattened(text: str) -> Iterator[FlattenedEmbed]:
    """Yield the flattened embeds of ``text`` in order (see the module docstring)."""
    pos = 0
    floor = 0  # an embed's text never reaches back into the one before
    while True:
        mark = text.find(_ATTRIBUTION_MARK, pos)
        if mark < 0:
            return
        line_start = text.rfind("\n", 0, mark) + 1
        line_end = text.find("\n", mark)
        if line_end < 0:
            line_end = len(text)
        pos = line_end + 1
        line = text[line_start:line_end]
        attribution = parse_attribution(line)
        if attribution is None or line[: attribution.start].strip(" \t>*_"):
            continue  # the dash must open the line: "— Name (@h) date"
        start, body = _text_above(text, line_start, floor)
        floor = line_end
        yield FlattenedEmbed(
            start=start,
            end=line_end,
            text=body,
            name=attribution.name,
            handle=attribution.handle,
            date_text=attribution.date_text,
        )


def _text_above(text: str, line_start: int, floor: int) -> tuple[int, str]:
    """The tweet's text: lines above ``line_start`` (see the module docstring)."""
    lines: list[str] = []
    weight = 0
    blanks = 0
    cursor = line_start
    start = line_start
    while cursor > floor:
        prev_start = text.rfind("\n", floor, cursor - 1) + 1
        if prev_start <= floor:
            prev_start = floor
        line = text[prev_start : cursor - 1] if text[cursor - 1] == "\n" else text[prev_start:cursor]
        if not line.strip():
            if lines or blanks >= _MAX_BLANK_LINES_SKIPPED:
                break
            blanks += 1
            cursor = prev_start
            continue
        line_weight = _tweet_weight(line)
        if lines and weight + line_weight > TWEET_WEIGHT_LIMIT:
            break
        if parse_attribution(line) is not None:
            break
        lines.append(line.strip())
        weight += line_weight + 1
        cursor = start = prev_start
        if weight > TWEET_WEIGHT_LIMIT:
            break
    return start, "\n".join(reversed(lines))


def _tweet_weight(line: str) -> int:
    weight = len(line.strip())
    for match in _LINKISH.finditer(line):
        weight -= max(0, len(match.group()) - _URL_WEIGHT)
    return weight


def flattened_ref(embed: FlattenedEmbed, article: str, location: Location) -> EmbedRef:
    pics: list[str] = []
    tcos: list[str] = []
    tweet_id = handle_from_link = url = None
    for found in find_links(embed.text):
        _collect_media(found, pics, tcos)
    for found in find_links(embed.date_text):  # a date linked to the status (Markdown copies)
        if found.link.kind is LinkKind.STATUS:
            tweet_id, url, handle_from_link = (
                found.link.tweet_id,
                found.link.canonical,
                found.link.handle,
            )
    if url is None:
        url = _pic_url(pics[0]) if pics else (tcos[0] if tcos else None)
    date_text = embed.date_text.split("http", 1)[0].strip(" [](")
    return EmbedRef(
        article=article,
        kind=RefKind.PLAINTEXT_ATTRIBUTION,
        location=location,
        tweet_id=tweet_id,
        url=url,
        handle=handle_from_link or embed.handle,
        author_name=embed.name,
        date=parse_date(date_text),
        quoted_text=embed.text or None,
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


def _pic_url(display: str) -> str:
    return "https://" + display
