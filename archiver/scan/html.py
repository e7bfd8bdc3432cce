"""HTML articles: embeds, widget iframes, links, and links hidden in scripts.

One pass over the parsed document in order. An embed container (a tweet blockquote, an
``amp-twitter``, a rendered widget iframe, a third-party embed box) becomes one reference
carrying the article's baseline (quoted text, author, date, pic and t.co links); its inner
links are not references of their own. Everything else that links to a tweet is a
``status_link``. Links inside ``<script>`` strings are reported with location ``script``;
``<meta>`` tags are ignored (they copy the body). Where an element stands in site chrome
(``aside``, ``footer``, sidebar and widget areas) its references are marked so.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from dataclasses import replace
from html import unescape
from itertools import islice

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import Comment, NavigableString, Tag

from archiver.models import EmbedRef, Location, RefKind
from archiver.scan.attribution import parse_attribution, parse_date
from archiver.scan.editors import SUBSTACK_MARKER, substack_card_ref, wordpress_embed_link
from archiver.scan.flattened import find_flattened
from archiver.scan.regions import opens_chrome
from archiver.scan.text import flattened_ref, link_ref, pic_url, scan_text
from archiver.scan.urls import LinkKind, XLink, classify, find_links, might_mention_x

__all__ = ["scan_html"]

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "article",
        "section",
        "tr",
        "td",
        "header",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "pre",
        "dd",
        "dt",
        "main",
        "body",
    }
)
_SKIPPED_TAGS = frozenset({"style", "meta", "link", "title", "svg", "template"})
_URL_ATTRIBUTES = ("data-embedded-url", "data-url", "data-href")
_IFRAME_SOURCES = ("src", "data-src", "data-lazy-src")
_TWEET_ID_ATTRIBUTES = ("data-tweet-id", "data-tweetid", "data-id")
_EMBED_CLASSES = re.compile(r"(?:^|[\s_-])(?:twitter-tweet|twitter-video|tweet)(?:$|[\s_-])")
_SIDEBAR_TOKENS = frozenset(
    {"sidebar", "side-bar", "site-sidebar", "widget-area", "secondary", "widget", "related"}
)
_FOOTER_TOKENS = frozenset({"footer", "site-footer", "page-footer", "colophon"})
_JSON_ESCAPES = (
    ("\\/", "/"),
    ("\\u002F", "/"),
    ("\\u002f", "/"),
    ("\\u003c", "<"),
    ("\\u003e", ">"),
)
_DASH_START = ("—", "–", "--", "&mdash;")
_OFFSET_SCALE = 100_000  # refs found inside one text node keep their order within it
_MAX_DEPTH = 256  # ancestors looked at; deeper nesting is hostile input, not an article
_MAX_BREAK_TEXT = 20
# What only the parsed page can tell apart: attribution marks, id attributes, editor cards,
# links escaped inside script strings.
_PARSE_MARKERS = ("(@", "data-tweet", "amp-twitter", SUBSTACK_MARKER, "\\/", "\\u00")
_MAX_ELEMENTS_TO_CHROME = 40
_WP_EMBED_CLASSES = frozenset({"wp-block-embed"})
_WP_TWEET_CLASSES = frozenset(
    {"is-provider-twitter", "is-provider-x", "wp-block-embed-twitter", "wp-block-embed-x"}
)


def scan_html(html: str, article: str, *, markdown: bool = False) -> list[EmbedRef]:
    """Every reference in an HTML document, unmerged, with offsets in document order.

    ``markdown`` true is for the HTML inside a Markdown document: its elements only, since
    the text scanner reads the text itself.
    """
    if not might_mention_x(html) and "(@" not in html:
        return []
    if not _might_cite(html):
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    embed_links = _status_links_by_blockquote(soup)
    refs: list[EmbedRef] = []
    rendition = _Rendition()
    skip = 0
    footer_at: int | None = None
    for index, node in enumerate(soup.descendants):
        if skip:
            skip -= 1
            continue
        offset = index * _OFFSET_SCALE
        if isinstance(node, Comment):
            link = wordpress_embed_link(str(node)) if "wp:embed" in node else None
            if link is not None:
                refs.append(
                    _id_ref(link.tweet_id or "", RefKind.SHORTCODE, node, article, offset, link.handle)
                )
            continue
        if isinstance(node, Tag):
            if footer_at is None and _ends_article(node):
                footer_at = offset
            found, consumed = _scan_tag(node, article, offset, embed_links)
            refs.extend(found)
            if node.name == "br":
                rendition.add("\n", node, offset)
            elif node.name in _BLOCK_TAGS or (consumed and node.name != "a"):
                rendition.add("\n\n", node, offset)  # a paragraph ends a flattened tweet's text
            if consumed:
                skip = sum(1 for _ in node.descendants)
                if node.name == "a":  # a link's text stays part of the visible text
                    rendition.add(node.get_text(), node, offset, _classify_attribute(node, "href"))
        elif isinstance(node, NavigableString) and not markdown:
            text = str(node)
            rendition.add(text, node, offset)
            if might_mention_x(text):
                location = _location(node)
                for ref in scan_text(text, article, location, flattened=False):
                    refs.append(replace(ref, offset=offset + min(ref.offset, _OFFSET_SCALE - 1)))
    if not markdown:
        refs.extend(rendition.flattened_embeds(article))
    if footer_at is not None:
        refs = [_after_the_end(ref, footer_at) for ref in refs]
    return refs


def _might_cite(html: str) -> bool:
    """False when no reading of the page can yield a reference: no tweet link anywhere in its
    text or attributes (share and follow links only), no attribution, no id attribute, no
    editor card, no JSON-escaped link. Most pages are like that; parsing them is the cost."""
    if any(marker in html for marker in _PARSE_MARKERS):
        return True
    text = unescape(html) if "&" in html else html
    return "(@" in text or next(find_links(text), None) is not None


def _after_the_end(ref: EmbedRef, footer_at: int) -> EmbedRef:
    if ref.location is Location.BODY and ref.offset > footer_at:
        return replace(ref, location=Location.FOOTER)
    return ref


def _ends_article(tag: Tag) -> bool:
    """A thematic break (``<hr>``, a ``* * *`` paragraph) followed by the site's furniture."""
    if tag.name == "p":
        text = tag.get_text().strip()
        if not 3 <= len(text) <= _MAX_BREAK_TEXT or text.strip("*-_—· "):
            return False
    elif tag.name != "hr":
        return False
    for following in islice(tag.next_elements, _MAX_ELEMENTS_TO_CHROME):
        if isinstance(following, NavigableString) and not isinstance(following, Comment):
            words = following.strip()
            if words and not _is_break_text(words, following):
                return opens_chrome(words)
    return False


def _is_break_text(words: str, node: NavigableString) -> bool:
    return not words.strip("*-_—· ") and node.parent is not None and node.parent.name == "p"


class _Rendition:
    """The page's visible text, line by line, outside embed containers: where flattened
    embeds (``text`` then ``— Name (@handle) Date`` in paragraphs) are found, with the links
    (a linked date gives the tweet's id) and the elements each piece came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.pieces: list[tuple[int, Tag | NavigableString, int]] = []  # (start, node, offset)
        self.links: list[tuple[int, int, XLink]] = []

    def add(self, text: str, node: Tag | NavigableString, offset: int, link: XLink | None = None) -> None:
        if text == "\n\n" and self.parts:  # nested blocks make one paragraph break, not several
            tail = self.parts[-1][-2:]
            text = "" if tail == "\n\n" else "\n" if tail.endswith("\n") else text
        if not text:
            return
        self.pieces.append((self.size, node, offset))
        if link is not None:
            self.links.append((self.size, self.size + len(text), link))
        self.parts.append(text)
        self.size += len(text)

    def flattened_embeds(self, article: str) -> list[EmbedRef]:
        text = "".join(self.parts)
        if "(@" not in text:
            return []
        refs = []
        for embed in find_flattened(text):
            line_start = text.rfind("\n", 0, embed.end) + 1
            piece = self._piece_at(line_start)
            ref = flattened_ref(embed, article, _location(piece[1]))
            dated = next(
                (
                    link
                    for start, end, link in self.links
                    if line_start <= start and end <= embed.end + 1 and link.kind is LinkKind.STATUS
                ),
                None,
            )
            if dated is not None and ref.tweet_id is None:
                ref = replace(
                    ref, tweet_id=dated.tweet_id, url=dated.canonical, handle=dated.handle or ref.handle
                )
            refs.append(replace(ref, offset=self._piece_at(embed.start)[2]))
        return refs

    def _piece_at(self, position: int) -> tuple[int, Tag | NavigableString, int]:
        index = bisect_right([start for start, _, _ in self.pieces], position) - 1
        return self.pieces[max(0, index)]


_EmbedLinks = dict[int, list[tuple[Tag, XLink]]]


def _status_links_by_blockquote(soup: BeautifulSoup) -> _EmbedLinks:
    """Status links grouped under their nearest embed blockquote, in one pass over the links.

    Deciding embed-ness from this map (not from each blockquote's subtree) keeps the scan
    linear even for thousands of nested blockquotes.
    """
    grouped: _EmbedLinks = {}
    for anchor in soup.find_all("a", href=True):
        link = _classify_attribute(anchor, "href")
        if link is None or link.kind not in (LinkKind.STATUS, LinkKind.EMBED):
            continue
        for parent in islice(anchor.parents, _MAX_DEPTH):
            if parent.name == "blockquote" and _is_embed_blockquote(parent):
                grouped.setdefault(id(parent), []).append((anchor, link))
                break
    return grouped


def _scan_tag(tag: Tag, article: str, offset: int, embed_links: _EmbedLinks) -> tuple[list[EmbedRef], bool]:
    """References made by one element, and whether its subtree is done with."""
    name = tag.name
    if name in _SKIPPED_TAGS:
        return [], True
    if name == "script":
        return _script_refs(tag, article, offset), True
    if tag.get("data-component-name") == SUBSTACK_MARKER:
        card = _substack_ref(tag, article, offset)
        if card is not None:
            return [card], True
    if name == "figure" and _is_wordpress_tweet(tag):
        return _wordpress_figure_refs(tag, article, offset, embed_links), True
    if name == "blockquote" and _is_embed_blockquote(tag):
        links = embed_links.get(id(tag), [])
        if links or _tweet_id_attribute(tag) is not None:
            return [_blockquote_ref(tag, links, article, offset)], True
    tweet_id = _tweet_id_attribute(tag)
    if tweet_id is not None:
        kind = RefKind.AMP if name == "amp-twitter" else RefKind.IFRAME
        return [_id_ref(tweet_id, kind, tag, article, offset)], True
    if name == "iframe":
        for attribute in _IFRAME_SOURCES:
            link = _classify_attribute(tag, attribute)
            if link is not None and link.tweet_id:
                return [_id_ref(link.tweet_id, RefKind.IFRAME, tag, article, offset)], True
        return [], True
    for attribute in _URL_ATTRIBUTES:
        link = _classify_attribute(tag, attribute)
        if link is not None and link.kind is LinkKind.STATUS and link.tweet_id:
            ref = _id_ref(link.tweet_id, RefKind.IFRAME, tag, article, offset, link.handle)
            return [ref], True
    if name == "a":
        return _anchor_refs(tag, article, offset)
    return [], False


def _substack_ref(tag: Tag, article: str, offset: int) -> EmbedRef | None:
    attrs = tag.get("data-attrs")
    shown = tag.find(class_="tweet-text")
    fallback = next(
        (
            link
            for anchor in tag.find_all("a", href=True)
            if (link := _classify_attribute(anchor, "href")) is not None and link.kind is LinkKind.STATUS
        ),
        None,
    )
    return substack_card_ref(
        attrs if isinstance(attrs, str) else None,
        shown.get_text() if isinstance(shown, Tag) else "",
        fallback,
        article,
        _location(tag),
        offset,
    )


def _is_wordpress_tweet(tag: Tag) -> bool:
    classes = set(tag.get_attribute_list("class") or ())
    return bool(classes & _WP_EMBED_CLASSES) and bool(classes & _WP_TWEET_CLASSES)


def _wordpress_figure_refs(tag: Tag, article: str, offset: int, embed_links: _EmbedLinks) -> list[EmbedRef]:
    """A block-editor tweet figure: its rendered blockquote, else the URL in its wrapper (the
    caption is the editor's, not the tweet's)."""
    for quote in tag.find_all("blockquote"):
        links = embed_links.get(id(quote), [])
        if _is_embed_blockquote(quote) and (links or _tweet_id_attribute(quote) is not None):
            return [_blockquote_ref(quote, links, article, offset)]
    refs = []
    for part in tag.children:
        if isinstance(part, Tag) and part.name == "figcaption":
            continue
        text = part.get_text() if isinstance(part, Tag) else str(part)
        for anchor in part.find_all("a", href=True) if isinstance(part, Tag) else ():
            text += " " + str(anchor["href"])
        for found in find_links(text) if might_mention_x(text) else ():
            tweet_id = found.link.tweet_id
            if found.link.kind is LinkKind.STATUS and tweet_id:
                refs.append(_id_ref(tweet_id, RefKind.SHORTCODE, tag, article, offset, found.link.handle))
    return refs


def _anchor_refs(tag: Tag, article: str, offset: int) -> tuple[list[EmbedRef], bool]:
    link = _classify_attribute(tag, "href")
    if link is None:
        return [], False
    text = tag.get_text()
    if link.kind is LinkKind.SHORT:
        shown = next(iter(find_links(text)), None) if might_mention_x(text) else None
        if shown is not None and shown.link.kind is LinkKind.PIC:
            link = shown.link  # t.co wrapping a pic link: the pic is what the article shows
    return [link_ref(link, article, _location(tag), offset)], True


def _script_refs(tag: Tag, article: str, offset: int) -> list[EmbedRef]:
    text = tag.get_text()
    if not might_mention_x(text):
        return []
    for escaped, plain in _JSON_ESCAPES:
        text = text.replace(escaped, plain)
    refs = []
    for found in find_links(text):
        if found.link.kind in (LinkKind.STATUS, LinkKind.EMBED):
            ref = link_ref(found.link, article, Location.SCRIPT, offset + min(found.start, 99_999))
            refs.append(ref)
    return refs


def _is_embed_blockquote(tag: Tag) -> bool:
    if any(tag.get(attribute) for attribute in _TWEET_ID_ATTRIBUTES):
        return True
    classes = " ".join(tag.get_attribute_list("class") or ())
    return bool(classes) and _EMBED_CLASSES.search(classes) is not None


def _blockquote_ref(tag: Tag, status_links: list[tuple[Tag, XLink]], article: str, offset: int) -> EmbedRef:
    """An embed blockquote: the tweet's id from its attributes or its date link, plus baseline."""
    tweet_id = _tweet_id_attribute(tag)
    date_anchor: Tag | None = None
    handle = None
    chosen = next((pair for pair in status_links if pair[1].tweet_id == tweet_id), None)
    if chosen is None and status_links:
        chosen = status_links[-1]  # the date link closes the embed; earlier ones are quoted
    if chosen is not None:
        date_anchor, link = chosen
        tweet_id, handle = link.tweet_id, link.handle
    attribution = parse_attribution(tag.get_text(" "))
    quoted, pics, tcos = _tweet_text(tag)
    date = parse_date(date_anchor.get_text(" ")) if date_anchor is not None else None
    if date is None and attribution is not None:
        date = parse_date(attribution.date_text)
    handle = handle or (attribution.handle if attribution else None)
    url = None
    if tweet_id is not None:
        url = classify(f"https://twitter.com/{handle or 'i/web'}/status/{tweet_id}")
    return EmbedRef(
        article=article,
        kind=RefKind.BLOCKQUOTE,
        location=_location(tag),
        tweet_id=tweet_id,
        url=url.canonical if url else (pic_url(pics[0]) if pics else None),
        handle=handle,
        author_name=attribution.name if attribution else None,
        date=date,
        quoted_text=quoted,
        pic_links=tuple(pics),
        tco_links=tuple(tcos),
        offset=offset,
    )


def _tweet_text(tag: Tag) -> tuple[str | None, list[str], list[str]]:
    """The tweet's text as the embed quotes it, with its pic links and t.co links."""
    paragraphs = [p for p in tag.find_all("p") if not _is_attribution(p)]
    pics: list[str] = []
    tcos: list[str] = []
    texts = []
    for paragraph in paragraphs:
        for br in paragraph.find_all("br"):
            br.replace_with("\n")
        for anchor in paragraph.find_all("a", href=True):
            shown = classify(anchor.get_text().strip())
            href = classify(str(anchor["href"]))
            if shown is not None and shown.kind is LinkKind.PIC:
                _add(pics, shown.display)
            elif href is not None and href.kind is LinkKind.SHORT:
                _add(tcos, href.canonical)
        text = paragraph.get_text()
        for found in find_links(text):
            if found.link.kind is LinkKind.PIC:
                _add(pics, found.link.display)
            elif found.link.kind is LinkKind.SHORT:
                _add(tcos, found.link.canonical)
        if text.strip():
            texts.append(text.strip())
    return ("\n".join(texts) or None), pics, tcos


def _add(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


def _is_attribution(paragraph: Tag) -> bool:
    return paragraph.get_text().lstrip().startswith(_DASH_START)


def _tweet_id_attribute(tag: Tag) -> str | None:
    for attribute in _TWEET_ID_ATTRIBUTES:
        value = tag.get(attribute)
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
            if attribute == "data-id" and tag.name != "amp-twitter":
                continue  # too generic a name outside amp-twitter
            return value.strip().lstrip("0") or None
    return None


def _classify_attribute(tag: Tag, attribute: str) -> XLink | None:
    value = tag.get(attribute)
    if not isinstance(value, str) or not might_mention_x(value):
        return None
    return classify(value)


def _id_ref(
    tweet_id: str,
    kind: RefKind,
    tag: Tag | NavigableString,
    article: str,
    offset: int,
    handle: str | None = None,
) -> EmbedRef:
    link = classify(f"https://twitter.com/{handle or 'i/web'}/status/{tweet_id}")
    return EmbedRef(
        article=article,
        kind=kind,
        location=_location(tag),
        tweet_id=tweet_id,
        url=link.canonical if link else None,
        handle=handle,
        offset=offset,
    )


def _location(node: Tag | NavigableString) -> Location:
    """Where ``node`` stands: site chrome by tag, class or id; the article's own container wins.

    Class and id names are compared as whole tokens (``sidebar``, ``widget_twitter``), since
    layout classes such as ``l-sidebar-fixed`` or ``figure-footer`` wrap article bodies too.
    """
    for parent in islice(node.parents, _MAX_DEPTH):
        name = parent.name
        if name in ("article", "main") or parent.get("role") == "main":
            return Location.BODY
        if name in ("aside", "nav"):
            return Location.SIDEBAR
        if name == "footer":
            return Location.FOOTER
        tokens = {*(parent.get_attribute_list("class") or ()), str(parent.get("id") or "")}
        tokens.discard("")
        tokens.discard("None")
        for token in tokens:
            lowered = token.lower()
            if lowered in _SIDEBAR_TOKENS or lowered.startswith("widget_"):
                return Location.SIDEBAR
            if lowered in _FOOTER_TOKENS:
                return Location.FOOTER
    return Location.BODY
