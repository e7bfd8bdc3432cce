"""Where a nightly run's articles come from: paths and globs, URL lists, RSS/Atom feeds.

Feeds are read with ``feedparser``; each entry's link is an article URL. A source that cannot
be read is reported and skipped, never fatal to the run.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import feedparser

from archiver.errors import ScanError
from archiver.inputs import fetch_article

__all__ = ["Sources", "expand_sources"]


@dataclass(frozen=True, slots=True)
class Sources:
    paths: tuple[str, ...] = ()  # files, folders, globs (** allowed)
    urls: tuple[str, ...] = ()  # article URLs
    url_lists: tuple[str, ...] = ()  # text files: one article URL per line, # comments
    feeds: tuple[str, ...] = ()  # RSS/Atom feed URLs or files
    max_feed_entries: int = 500
    errors: tuple[str, ...] = field(default=(), compare=False)


def expand_sources(sources: Sources, base: Path) -> tuple[list[str], list[str]]:
    """The article inputs (paths and URLs, deduplicated, in order) and the errors met."""
    found: dict[str, None] = {}
    errors: list[str] = []
    for pattern in sources.paths:
        target = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(glob.glob(target, recursive=True)) if glob.has_magic(target) else [target]
        if not matches:
            errors.append(f"{pattern}: matches nothing")
        found.update(dict.fromkeys(matches))
    found.update(dict.fromkeys(sources.urls))
    for listing in sources.url_lists:
        try:
            lines = (base / listing).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            errors.append(f"{listing}: cannot read ({exc.strerror})")
            continue
        found.update(
            dict.fromkeys(line.strip() for line in lines if line.strip() and not line.startswith("#"))
        )
    for feed in sources.feeds:
        try:
            found.update(dict.fromkeys(_feed_links(feed, base, sources.max_feed_entries)))
        except ScanError as exc:
            errors.append(str(exc))
    return list(found), errors


def _feed_links(feed: str, base: Path, limit: int) -> Iterator[str]:
    if feed.startswith(("http://", "https://")):
        document = fetch_article(feed)
    else:
        try:
            document = (base / feed).read_text(encoding="utf-8")
        except OSError as exc:
            raise ScanError(f"{feed}: cannot read ({exc.strerror})") from exc
    parsed = feedparser.parse(document)
    if parsed.bozo and not parsed.entries:
        raise ScanError(f"{feed}: not a feed ({parsed.bozo_exception})")
    for entry in parsed.entries[:limit]:
        link = entry.get("link")
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            yield link
