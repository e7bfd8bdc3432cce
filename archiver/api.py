"""The entry points that the command line and Python users share.

Each builds what it needs from :class:`~archiver.config.Settings` and returns plain data;
printing is :mod:`archiver.report`'s job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver.capture.warc import WarcFile
from archiver.check import CheckedRef, check_refs
from archiver.config import Settings
from archiver.errors import ScanError
from archiver.inputs import Article, iter_articles
from archiver.models import EmbedRef
from archiver.net.exchange import Exchange
from archiver.net.fetch import Fetcher
from archiver.scan import scan_document

__all__ = ["CheckResult", "ScanResult", "check", "scan"]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """References found, in input order, and the inputs that could not be scanned."""

    refs: tuple[EmbedRef, ...]
    errors: tuple[ScanError, ...]
    articles: tuple[str, ...]


def scan(sources: Iterable[str | Path], settings: Settings | None = None) -> ScanResult:
    """Scan files, folders, ``-`` (stdin) and article URLs for the tweets they cite."""
    settings = settings or Settings()
    refs: list[EmbedRef] = []
    errors: list[ScanError] = []
    articles: list[str] = []
    for item in iter_articles(sources, max_bytes=settings.max_input_bytes):
        if isinstance(item, Article):
            articles.append(item.name)
            refs.extend(scan_document(item.text, item.name))
        else:
            errors.append(item)
    return ScanResult(tuple(refs), tuple(errors), tuple(articles))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A verdict per reference, the inputs that could not be scanned, the WARC written."""

    rows: tuple[CheckedRef, ...]
    errors: tuple[ScanError, ...]
    warc: Path | None = None


def check(
    sources: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    record: Path | None = None,
) -> CheckResult:
    """Scan, resolve, probe and decide: is each tweet these articles cite still there?

    With ``record``, every probe's request and response is written to that WARC file.
    """
    settings = settings or Settings()
    scanned = scan(sources, settings)
    warc = WarcFile(record, {"operation": "archiver check"}) if record else None
    try:
        rows = asyncio.run(_check(scanned.refs, settings, warc))
    finally:
        sealed = warc.seal() if warc else None
    return CheckResult(tuple(rows), scanned.errors, sealed)


async def _check(refs: tuple[EmbedRef, ...], settings: Settings, warc: WarcFile | None) -> list[CheckedRef]:
    def record(exchange: Exchange) -> None:
        if warc is not None:
            warc.write_exchange(exchange)

    async with Fetcher(settings, record if warc else None) as fetcher:
        return await check_refs(refs, fetcher)
