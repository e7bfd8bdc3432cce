"""The entry points that the command line and Python users share.

Each builds what it needs from :class:`~archiver.config.Settings` and returns plain data;
printing is :mod:`archiver.report`'s job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver.archive import ArchivedTweet, ArchiveResult, archive_refs
from archiver.capture.wacz import pages_from_warcs, write_wacz
from archiver.capture.warc import WarcFile
from archiver.check import CheckedRef, check_refs
from archiver.config import Settings
from archiver.errors import ScanError
from archiver.inputs import Article, iter_articles
from archiver.models import EmbedRef
from archiver.net.exchange import Exchange
from archiver.net.fetch import Fetcher
from archiver.scan import scan_document

__all__ = ["ArchiveRun", "CheckResult", "ScanResult", "archive", "check", "export_wacz", "scan"]


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


@dataclass(frozen=True, slots=True)
class ArchiveRun:
    """What ``archive`` did: the capture run's result and the inputs that could not be scanned."""

    result: ArchiveResult
    errors: tuple[ScanError, ...]


def archive(
    sources: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    trusted_spki: tuple[str, ...] = (),
    make_wacz: bool = True,
    on_captured: Callable[[ArchivedTweet], None] | None = None,
) -> ArchiveRun:
    """Scan, probe and capture every cited tweet in a real browser into WARC (and WACZ).

    Output goes under ``settings.out_dir``: ``warc/``, ``wacz/``. ``trusted_spki`` names extra
    CAs Chromium may trust (the simulator's), by the SHA-256 of their public key.
    """
    settings = settings or Settings()
    scanned = scan(sources, settings)
    result = asyncio.run(
        archive_refs(
            scanned.refs,
            settings,
            settings.out_dir,
            trusted_spki=trusted_spki,
            make_wacz=make_wacz,
            on_captured=on_captured,
        )
    )
    return ArchiveRun(result, scanned.errors)


def export_wacz(output: Path, inputs: Iterable[Path]) -> Path:
    """Package WARC files (or folders of them) into one WACZ, a page per captured tweet."""
    warcs: list[Path] = []
    for item in inputs:
        if item.is_dir():
            warcs.extend(sorted(item.rglob("*.warc.gz")))
        else:
            warcs.append(item)
    return write_wacz(warcs, pages_from_warcs(warcs), output)
