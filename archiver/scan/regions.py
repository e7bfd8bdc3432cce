"""Where the article itself is in a text or Markdown document: front matter, body, footer.

* Front matter (YAML between ``---`` lines, TOML between ``+++`` lines) opens static-site
  sources; its links and the oEmbed caches kept there are ``metadata``, not the article.
  Only a closed block whose first line is a key counts: an unclosed one is body.
* The article ends at a thematic break (``---``, ``* * *``, ``___``, ``<hr>``) followed by
  a site's own furniture ("Advertisement", "Related", "More from", share blocks, a promo
  post repeated on every page): what follows is ``footer``.

Both are found with line-anchored expressions whose repetitions cannot overlap, so the
search is linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.models import Location

__all__ = ["CHROME_OPENINGS", "Region", "front_matter_end", "opens_chrome", "split_regions"]

_YAML_OPEN = re.compile(r"\A\ufeff?(?:[ \t]*\n)*---[ \t]*\n")
_TOML_OPEN = re.compile(r"\A\ufeff?(?:[ \t]*\n)*\+\+\+[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.M)
_YAML_KEY = re.compile(r"[ \t]*[A-Za-z_][\w.-]{0,80}[ \t]*:(?:[ \t]|$)")
_TOML_KEY = re.compile(r"[ \t]*(?:[A-Za-z_][\w.-]{0,80}[ \t]*=|\[{1,2}[\w. -]{1,80}\]{1,2}[ \t]*$)")
# Searched from a line break: a literal the engine scans for quickly (``^`` with ``re.M`` is
# tried at every position, several times slower).
_BREAK = re.compile(
    r"\n[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|<hr\b[^>\n]{0,200}>[ \t]*)(?=\n|\Z)"
)
_DECORATION = re.compile(r"(?:[ \t#>*_\[]|<[A-Za-z/][^<>\n]{0,200}>|<!--[^\n]{0,500}?-->)*")
_MAX_LINES_TO_CHROME = 3
CHROME_OPENINGS = (
    "advertisement",
    "related",
    "more from",
    "more stories",
    "read more",
    "read next",
    "recommended",
    "sponsored",
    "share this",
    "share on",
    "share:",
    "enjoyed this",
    "subscribe",
    "sign up",
    "follow us",
    "you may also like",
    "you might also like",
    "most read",
    "most popular",
    "popular posts",
    "latest posts",
    "leave a comment",
    "filed under",
    "about the author",
    "thanks for reading",
)


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    end: int
    location: Location


def split_regions(text: str, *, footer: bool = True) -> list[Region]:
    """The document's regions in order: [metadata,] body[, footer] (see the module docstring).

    ``footer`` false looks for front matter only (HTML finds its footer from elements).
    """
    body_start = front_matter_end(text)
    regions = [Region(0, body_start, Location.METADATA)] if body_start else []
    footer_start = _footer_start(text, body_start) if footer else None
    end = len(text) if footer_start is None else footer_start
    regions.append(Region(body_start, end, Location.BODY))
    if footer_start is not None:
        regions.append(Region(footer_start, len(text), Location.FOOTER))
    return regions


def front_matter_end(text: str) -> int:
    """Where the body starts after the front matter; 0 when there is none."""
    for opener, closer, key in ((_YAML_OPEN, _YAML_CLOSE, _YAML_KEY), (_TOML_OPEN, _TOML_CLOSE, _TOML_KEY)):
        opened = opener.match(text)
        if opened is None:
            continue
        first_line_end = text.find("\n", opened.end())
        first_line = text[opened.end() : first_line_end if first_line_end >= 0 else len(text)]
        if not key.match(first_line):
            return 0  # a thematic break at the top, not front matter
        closed = closer.search(text, opened.end())
        if closed is None:
            return 0  # never closed: the whole text is the article
        line_end = text.find("\n", closed.end())
        return len(text) if line_end < 0 else line_end + 1
    return 0


def _footer_start(text: str, body_start: int) -> int | None:
    for found in _BREAK.finditer(text, max(0, body_start - 1)):
        if _chrome_follows(text, found.end()):
            return found.start() + 1
    return None


def _chrome_follows(text: str, pos: int) -> bool:
    """Whether the first line with words after ``pos`` opens the site's furniture."""
    for _ in range(_MAX_LINES_TO_CHROME + 1):
        line_end = text.find("\n", pos + 1)
        line = text[pos : line_end if line_end >= 0 else len(text)].strip()
        if line:
            decoration = _DECORATION.match(line)
            words = line[decoration.end() :] if decoration else line
            if words:
                return opens_chrome(words)
        if line_end < 0:
            return False
        pos = line_end + 1
    return False


def opens_chrome(words: str) -> bool:
    """Whether a line of text (its markup removed) opens a site's furniture, not prose."""
    return words.lower().startswith(CHROME_OPENINGS)
