"""Where articles come from: files, folders (recursively), stdin (``-``) and article URLs.

Each input becomes an :class:`Article` (its name and decoded text) or a :class:`ScanError`
with a one-line message naming it, so one bad input never stops the others. Inputs over the
size cap and binary files are refused before they are decoded.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from archiver.errors import InputTooLarge, ScanError
from archiver.scan.decode import decode

__all__ = ["DEFAULT_MAX_BYTES", "Article", "iter_articles", "read_path"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ARTICLE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".txt", ".md", ".markdown", ".mdx", ""})
_FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_USER_AGENT = "embed-archiver/0.1 (+https://github.com/embed-archiver)"


@dataclass(frozen=True, slots=True)
class Article:
    name: str  # the path or URL, as the user gave it; names the article in every output
    text: str


def iter_articles(
    sources: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | ScanError]:
    """Yield each article of ``sources`` in order, or the error that stopped it."""
    for source in sources:
        name = str(source)
        path = Path(source)
        if name != "-" and not name.startswith(("http://", "https://")) and path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in ARTICLE_SUFFIXES and not child.name.startswith("."):
                    yield _load(str(child), max_bytes)
        else:
            yield _load(name, max_bytes)


def _load(name: str, max_bytes: int) -> Article | ScanError:
    """One input, read and decoded, or the one-line error that stopped it."""
    try:
        if name == "-":
            text = _decode_limited(sys.stdin.buffer.read(max_bytes + 1), "-", max_bytes)
        elif name.startswith(("http://", "https://")):
            text = fetch_article(name, max_bytes)
        else:
            text = read_path(Path(name), max_bytes)
    except ScanError as exc:
        return exc
    return Article(name, text)


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode one file, refusing what is too large or not text."""
    try:
        size = path.stat().st_size
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


def fetch_article(url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """GET an article page the user named (the host guard is for what the article links)."""
    headers = {"User-Agent": _USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=_FETCH_TIMEOUT, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise ScanError(f"{url}: HTTP {response.status_code}")
            chunks = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputTooLarge(f"{url}: over the {max_bytes}-byte limit")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise ScanError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from exc
    return decode(b"".join(chunks), url)
