"""Where a nightly run's articles come from: paths and globs, URL lists, RSS/Atom feeds.

Feeds are read with ``feedparser``; each entry's link is an article URL. A source that cannot
be read is reported and skipped, never fatal to the run. The feed's URL is the operator's;
its entries' links are the feed's choice: unless they stay on the feed's own origin, they are
fetched with the private-address guard on every hop (``chosen``).
"""

from __future__ import annotations

import glob
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import feedparser

from archiver.config import Settings
from archiver.errors import ScanError
from archiver.inputs import fetch_article
from archiver.net.fetch import origin

__all__ = ["Expanded", "Sources", "expand_sources"]


@dataclass(frozen=True, slots=True)
class Sources:
    paths: tuple[str, ...] = ()  # files, folders, globs (** allowed)
    urls: tuple[str, ...] = ()  # article URLs
    url_lists: tuple[str, ...] = ()  # text files: one article URL per line, # comments
    feeds: tuple[str, ...] = ()  # RSS/Atom feed URLs or files
    max_feed_entries: int = 500
    errors: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Expanded:
    """A run's article inputs (deduplicated, in order), the errors met, and the URLs that a
    feed chose off its own origin (guarded as untrusted)."""

    inputs: list[str]
    errors: list[str]
    chosen: frozenset[str]


def expand_sources(sources: Sources, base: Path, settings: Settings | None = None) -> Expanded:
    """Every source expanded (see :class:`Expanded`); feeds are fetched with ``settings``."""
    found: dict[str, None] = {}
    errors: list[str] = []
    named = set(sources.urls)
    for pattern in sources.paths:
        target = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(glob.glob(target, recursive=True)) if glob.has_magic(target) else [target]
        if not matches:
            errors.append(f"{pattern}: matches nothing")
        found.update(dict.fromkeys(matches))
    found.update(dict.fromkeys(sources.urls))
    for listing in sources.url_lists:
        try:
            lines = _read_text(base / listing, listing).splitlines()
        except ScanError as exc:
            errors.append(str(exc))
            continue
        found.update(
            dict.fromkeys(line.strip() for line in lines if line.strip() and not line.startswith("#"))
        )
    named.update(found)
    chosen: set[str] = set()
    for feed in sources.feeds:
        try:
            links = list(_feed_links(feed, base, sources.max_feed_entries, settings))
        except ScanError as exc:
            errors.append(str(exc))
            continue
        home = origin(feed) if feed.startswith(("http://", "https://")) else None
        chosen.update(link for link in links if origin(link) != home and link not in named)
        found.update(dict.fromkeys(links))
    return Expanded(list(found), errors, frozenset(chosen))


def _feed_links(feed: str, base: Path, limit: int, settings: Settings | None) -> Iterator[str]:
    if feed.startswith(("http://", "https://")):
        document = fetch_article(feed, settings=settings)
    else:
        document = _read_text(base / feed, feed)
    parsed = feedparser.parse(document)
    if parsed.bozo and not parsed.entries:
        raise ScanError(f"{feed}: not a feed ({parsed.bozo_exception})")
    for entry in parsed.entries[:limit]:
        link = entry.get("link")
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            yield link


def _read_text(path: Path, name: str) -> str:
    """A UTF-8 text file the config names, or a one-line ScanError (a FIFO is never opened)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ScanError(f"{name}: not a regular file")
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScanError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError:
        raise ScanError(f"{name}: not UTF-8 text") from None
