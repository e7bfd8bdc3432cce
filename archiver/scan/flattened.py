"""Flattened embeds: a tweet copied as text, then ``— Name (@handle) Date``.

Where the tweet's text starts is decided by layout, never by what the words say:

* the attribution opens its line (after any ``>`` quote prefix): the text is the block of
  lines just above it, back to a blank line and no longer than a tweet (280 characters,
  links counted as 23, as X counts them);
* in a ``>`` quote the block is the quote: a tweet of several paragraphs (separated by empty
  quote lines) is gathered while it fits in a tweet, stopping at the quote's edge, at a
  different quote depth, or at an introducing paragraph that ends with ``:``;
* where paragraphs are single lines with no blank line between them (scraped text), only
  the line right above is the tweet, so the prose before it (which often repeats its words)
  is not taken for it;
* in one-line text, the site's chrome marks the embed: ``Skip Twitter post by @handle``
  (or ``Skip X post by Name``, ``Skip twitter post, 2``…) opens it, the attribution closes
  it, and ``Report`` / ``End of Twitter post`` follow; consent prompts are cut off.

Everything is found from bounded searches around the ``(@handle)`` anchors and one pass over
the line breaks, so the time is linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from archiver.scan.attribution import Attribution, find_attributions

__all__ = ["TWEET_WEIGHT_LIMIT", "FlattenedEmbed", "find_flattened", "tweet_weight"]

TWEET_WEIGHT_LIMIT = 280
_URL_WEIGHT = 23
_MAX_BLANK_LINES_SKIPPED = 2
_LAYOUT_LOOKBACK = 3000  # characters above an attribution where a blank line shows the layout
_LINKISH = re.compile(r"(?:https?://|pic\.)\S{1,2000}")
_QUOTE_PREFIX = re.compile(r"[ \t]{0,3}(?:>[ \t]?)+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_OPENING_JUNK = " \t>*_\\"
_MAX_OPENING = 40  # quote prefixes and emphasis before the dash; longer is prose
# The chrome a site leaves around an embed it did not render (BBC and others).
_SKIP = re.compile(
    r"[Ss]kip (?i:(?:past )?(?:the )?(?:[A-Za-z]{1,12} ){0,2}?(?:post|content|tweet|embed)s?)\b"
)
_END = re.compile(r"\bEnd of (?:the )?(?:[A-Za-z]{1,12} ){0,2}?(?:post|content|tweet|embed)s?\b", re.I)
_BY_HANDLE = re.compile(r"[ \t]*(?:by[ \t]+@[A-Za-z0-9_]{1,15}|,?[ \t]*\d{1,3})\b")
_CONSENT_END = ("Accept and continue", "Accept and Continue", "accept and continue")


@dataclass(frozen=True, slots=True)
class FlattenedEmbed:
    start: int  # first character of the tweet's text (or of the attribution, if no text)
    end: int  # end of the attribution
    text: str
    name: str | None
    handle: str
    date_text: str
    link: str | None = None  # the status URL the date links to, if it does


def find_flattened(text: str) -> Iterator[FlattenedEmbed]:
    """Yield the flattened embeds of ``text`` in order (see the module docstring)."""
    if "@" not in text:
        return
    blanks = _BlankLines(text)
    markers = _SkipMarkers(text)
    lines = _LineStarts(text)
    floor = 0  # an embed's text never reaches back into the one before
    for attribution in find_attributions(text):
        if attribution.start < floor:
            continue
        line_start = lines.start_of(attribution.start)
        opening = (
            text[line_start : attribution.start] if attribution.start - line_start <= _MAX_OPENING else "x"
        )
        if not opening.strip(_OPENING_JUNK):
            start, body = _text_above(text, line_start, floor, _depth(opening), blanks)
            line_end = text.find("\n", attribution.end)
            floor = len(text) if line_end < 0 else line_end
        else:
            skip = _skip_marker(text, max(floor, line_start), attribution, markers)
            if skip is None:
                continue  # a dash in running prose: "— Name (@h)" must open the line or the embed
            start, body = skip, text[skip : attribution.start].strip()
            floor = attribution.end
        yield FlattenedEmbed(
            start=start,
            end=attribution.end,
            text=body,
            name=attribution.name,
            handle=attribution.handle,
            date_text=attribution.date_text,
            link=attribution.link,
        )


class _LineStarts:
    """The start of the line holding a position, for positions asked in increasing order:
    one pass over the text however long its lines are."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scanned = 0
        self.line_start = 0

    def start_of(self, pos: int) -> int:
        if pos > self.scanned:
            newline = self.text.rfind("\n", self.scanned, pos)
            if newline >= 0:
                self.line_start = newline + 1
            self.scanned = pos
        return self.line_start


def _depth(prefix: str) -> int:
    match = _QUOTE_PREFIX.match(prefix)
    return match.group().count(">") if match else 0


class _BlankLines:
    """Where the text has blank lines, found once and only if asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def any_between(self, lo: int, hi: int) -> bool:
        if self.starts is None:
            self.starts = [m.start() for m in _BLANK_LINE.finditer(self.text)]
        index = bisect_left(self.starts, max(0, lo))
        return index < len(self.starts) and self.starts[index] < hi


class _SkipMarkers:
    """The last ``Skip … post`` marker before a position, found in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scanned = 0
        self.last: re.Match[str] | None = None

    def last_before(self, pos: int) -> re.Match[str] | None:
        text = self.text
        while self.scanned < pos:  # driven by str.find: prose seldom says "skip"
            at = text.find("kip ", self.scanned, pos)
            if at < 0:
                self.scanned = pos
                break
            self.scanned = at + 1
            start = at - 1
            if start >= 0 and (start == 0 or not text[start - 1].isalnum()):
                marker = _SKIP.match(text, start, pos)
                if marker is not None:
                    self.last = marker
        return self.last


def _skip_marker(text: str, lo: int, attribution: Attribution, markers: _SkipMarkers) -> int | None:
    """Where the tweet's text starts after a ``Skip … post`` marker on the attribution's line."""
    marker = markers.last_before(attribution.start)
    if marker is None or marker.start() < lo:
        return None
    pos = marker.end()
    rest = text[pos : attribution.start]
    for label in (f"by @{attribution.handle}", f"by {attribution.name}" if attribution.name else None):
        if label and rest.lstrip().startswith(label):
            pos += len(rest) - len(rest.lstrip()) + len(label)
            break
    else:
        by = _BY_HANDLE.match(text, pos)
        if by is not None:
            pos = by.end()
    for consent in _CONSENT_END:
        at = text.find(consent, pos, attribution.start)
        if at >= 0:
            pos = at + len(consent)
            break
    while pos < attribution.start and text[pos] in " \t":
        pos += 1
    return pos


def _text_above(text: str, line_start: int, floor: int, depth: int, blanks: _BlankLines) -> tuple[int, str]:
    """The tweet's text: the lines above ``line_start`` (see the module docstring)."""
    paragraphs: list[list[str]] = [[]]
    weight = 0
    blank_run = 0
    cursor = start = kept_start = line_start
    single_lines = depth == 0 and not blanks.any_between(line_start - _LAYOUT_LOOKBACK, line_start)
    while cursor > floor:
        line_begin = max(floor, text.rfind("\n", floor, cursor - 1) + 1)
        raw = text[line_begin : cursor - 1] if text[cursor - 1] == "\n" else text[line_begin:cursor]
        prefix = _QUOTE_PREFIX.match(raw)
        prefix_end = prefix.end() if prefix else 0
        line_depth = prefix.group().count(">") if prefix else 0
        line = raw[prefix_end:]
        if line_depth != depth and (line.strip() or depth):
            break  # the quote ends, or another one begins
        current = paragraphs[-1]
        if not line.strip():
            if not current and len(paragraphs) == 1:
                if blank_run >= _MAX_BLANK_LINES_SKIPPED:
                    break
                blank_run += 1
            elif depth == 0:
                break  # outside quotes, a blank line ends the tweet's paragraph
            elif current:
                paragraphs.append([])
                kept_start = start
            cursor = line_begin
            continue
        if _has_marker(line):
            after = _after_skip_marker(line)
            if after is not None and line[after:].strip():
                current.append(line[after:].strip())
                start = line_begin + prefix_end + after
            break
        line_weight = tweet_weight(line)
        if weight + line_weight > TWEET_WEIGHT_LIMIT and (current or len(paragraphs) > 1):
            if len(paragraphs) > 1:  # a paragraph above the tweet's own: all of it or none
                paragraphs[-1] = []
                start = kept_start
            break  # more than one tweet holds
        if not current and len(paragraphs) > 1 and line.rstrip().endswith(":"):
            break  # the paragraph that introduces the quote
        current.append(line.strip())
        weight += line_weight + 1
        cursor = start = line_begin
        if weight > TWEET_WEIGHT_LIMIT or single_lines:
            break
    kept = ["\n".join(reversed(p)) for p in reversed(paragraphs) if p]
    return start, "\n\n".join(kept)


def _has_marker(line: str) -> bool:
    """A line of embed chrome (``Skip … post``, ``End of … post``) or another attribution."""
    return bool(_SKIP.search(line) or _END.search(line) or _has_attribution(line))


def _after_skip_marker(line: str) -> int | None:
    """Where the tweet's text starts in a line that opens with ``Skip … post by @h``."""
    markers = deque(_SKIP.finditer(line), maxlen=1)
    if not markers:
        return None
    by = _BY_HANDLE.match(line, markers[0].end())
    return by.end() if by else None


def _has_attribution(line: str) -> bool:
    return "(@" in line and next(find_attributions(line), None) is not None


def tweet_weight(line: str) -> int:
    """A line's length as X counts it: each link as 23 characters."""
    weight = len(line.strip())
    for match in _LINKISH.finditer(line):
        weight -= max(0, len(match.group()) - _URL_WEIGHT)
    return weight
