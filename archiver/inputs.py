"""Where articles come from: files, folders (recursively), stdin (``-``) and article URLs.

Each input becomes an :class:`Article` (its name and decoded text) or a :class:`ScanError`
with a one-line message naming it, so one bad input never stops the others. Inputs over the
size cap and binary files are refused before they are decoded.
"""

from __future__ import annotations

import asyncio
import stat
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.config import Settings
from archiver.errors import FetchError, InputTooLarge, ResponseTooLarge, ScanError
from archiver.scan.decode import decode

if TYPE_CHECKING:
    from archiver.net.exchange import Exchange
    from archiver.net.fetch import FetchResult

__all__ = ["DEFAULT_MAX_BYTES", "Article", "fetch_article", "fetch_page", "iter_articles", "read_path"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ARTICLE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".txt", ".md", ".markdown", ".mdx", ""})
_USER_AGENT = "embed-archiver/0.1 (+https://github.com/embed-archiver)"
_HEADERS = {"User-Agent": _USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}


@dataclass(frozen=True, slots=True)
class Article:
    name: str  # the path or URL, as the user gave it; names the article in every output
    text: str
    exchanges: tuple[Exchange, ...] = ()  # a fetched article's hops, for the WARC


def iter_articles(
    sources: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    settings: Settings | None = None,
    chosen: Collection[str] = (),
) -> Iterator[Article | ScanError]:
    """Yield each article of ``sources`` in order, or the error that stopped it.

    URLs in ``chosen`` were picked by a feed, not the operator: no hop of theirs may reach a
    private address (see :func:`fetch_article`).
    """
    for source in sources:
        name = str(source)
        path = Path(source)
        if name != "-" and not name.startswith(("http://", "https://")) and path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in ARTICLE_SUFFIXES and not child.name.startswith("."):
                    yield _load(str(child), max_bytes, settings, True)
        else:
            yield _load(name, max_bytes, settings, name not in chosen)


def _load(name: str, max_bytes: int, settings: Settings | None, trusted: bool) -> Article | ScanError:
    """One input, read and decoded, or the one-line error that stopped it."""
    try:
        if name == "-":
            text = _decode_limited(sys.stdin.buffer.read(max_bytes + 1), "-", max_bytes)
        elif name.startswith(("http://", "https://")):
            text, exchanges = fetch_page(name, max_bytes, settings, trusted=trusted)
            return Article(name, text, exchanges)
        else:
            text = read_path(Path(name), max_bytes)
    except ScanError as exc:
        return exc
    return Article(name, text)


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode one file, refusing what is too large or not text."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ScanError(f"{path}: is a folder")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise ScanError(f"{path}: not a regular file (a pipe, socket or device); refused")
        size = info.st_size
        if size > max_bytes:
            raise InputTooLarge(f"{path}: {size} bytes is over the {max_bytes}-byte limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ScanError(f"{path}: no such file or folder") from None
    except IsADirectoryError:
        raise ScanError(f"{path}: is a folder") from None
    except OSError as exc:
        raise ScanError(f"{path}: cannot read ({exc.strerror})") from exc
    return _decode_limited(data, str(path), max_bytes)


def _decode_limited(data: bytes, name: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise InputTooLarge(f"{name}: over the {max_bytes}-byte limit")
    return decode(data, name)


def fetch_article(
    url: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    settings: Settings | None = None,
    *,
    trusted: bool = True,
) -> str:
    """GET an article page or a feed through :mod:`archiver.net` (every hop guarded).

    A URL the operator named (``trusted``) may be on any address, and so may redirects that
    stay on its origin; any other hop, and every hop of a URL a feed chose, must reach a
    public address. The whole fetch has the settings' deadline and ``max_bytes`` cap.
    """
    return fetch_page(url, max_bytes, settings, trusted=trusted)[0]


def fetch_page(
    url: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    settings: Settings | None = None,
    *,
    trusted: bool = True,
) -> tuple[str, tuple[Exchange, ...]]:
    """:func:`fetch_article`, with the exchanges (every hop) that a WARC records."""
    base = settings or Settings()
    limited = replace(base, max_response_bytes=max_bytes)
    try:
        result = asyncio.run(_fetch(url, limited, trusted))
    except ResponseTooLarge:
        raise InputTooLarge(f"{url}: over the {max_bytes}-byte limit") from None
    except FetchError as exc:
        raise ScanError(f"{url}: cannot fetch ({exc})") from exc
    if result.status >= 400:
        raise ScanError(f"{url}: HTTP {result.status}")
    if result.status in (301, 302, 303, 307, 308):
        raise ScanError(f"{url}: redirect without a usable Location")
    return decode(result.body, url), result.exchanges


async def _fetch(url: str, settings: Settings, trusted: bool) -> FetchResult:
    from archiver.net.fetch import Fetcher  # httpx and the transport load only when fetching

    origins = (url,) if trusted else ()
    async with Fetcher(settings, allowed_hosts=None, trusted_origins=origins) as fetcher:
        return await fetcher.get(url, headers=_HEADERS)
