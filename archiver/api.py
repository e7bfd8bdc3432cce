"""The entry points that the command line and Python users share.

Each builds what it needs from :class:`~archiver.config.Settings` and returns plain data;
printing is :mod:`archiver.report`'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import report
from archiver.archive import ArchivedTweet, ArchiveResult, archive_refs
from archiver.capture.wacz import pages_from_warcs
from archiver.capture.warc import WarcFile, read_records
from archiver.check import CheckedRef, check_refs
from archiver.config import Settings
from archiver.errors import ScanError, StoreError
from archiver.evidence.package import evidence_options, package_wacz
from archiver.evidence.privacy import omit_rows
from archiver.html_report import render_report
from archiver.inputs import Article, iter_articles
from archiver.lock import lock_for
from archiver.models import EmbedRef
from archiver.net.exchange import Exchange
from archiver.net.fetch import Fetcher
from archiver.safetext import json_safe
from archiver.scan import scan_document
from archiver.store import CheckRecord, Store

__all__ = [
    "ArchiveRun",
    "CheckResult",
    "ScanResult",
    "archive",
    "check",
    "export_wacz",
    "scan",
    "write_report",
]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """References found, in input order, and the inputs that could not be scanned."""

    refs: tuple[EmbedRef, ...]
    errors: tuple[ScanError, ...]
    articles: tuple[str, ...]
    exchanges: tuple[Exchange, ...] = ()  # what fetching article URLs took, hop by hop


def scan(
    sources: Iterable[str | Path], settings: Settings | None = None, *, chosen: Collection[str] = ()
) -> ScanResult:
    """Scan files, folders, ``-`` (stdin) and article URLs for the tweets they cite.

    ``chosen``: article URLs a feed picked (fetched without access to private addresses).
    """
    settings = settings or Settings()
    refs: list[EmbedRef] = []
    errors: list[ScanError] = []
    articles: list[str] = []
    exchanges: list[Exchange] = []
    items = iter_articles(sources, max_bytes=settings.max_input_bytes, settings=settings, chosen=chosen)
    for item in items:
        if isinstance(item, Article):
            articles.append(item.name)
            exchanges.extend(item.exchanges)
            refs.extend(scan_document(item.text, item.name))
        else:
            errors.append(item)
    return ScanResult(tuple(refs), tuple(errors), tuple(articles), tuple(exchanges))


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
    with lock_for(settings, "check", writes_out=False):
        return _locked_check(sources, settings, record)


def _locked_check(sources: Iterable[str | Path], settings: Settings, record: Path | None) -> CheckResult:
    scanned = scan(sources, settings)
    warc = WarcFile(record, {"operation": "archiver check"}) if record else None
    if warc is not None:  # the articles as they were fetched, hop by hop
        for exchange in scanned.exchanges:
            warc.write_exchange(exchange)
    store = _open_store(settings)
    run_id = store.start_run("check") if store else None
    try:
        rows = asyncio.run(_check(scanned.refs, settings, warc, store))
        if store is not None:
            for group in _by_tweet(rows):
                records = [CheckRecord(r.ref, r.tweet_id, r.verdict, r.checked_at) for r in group]
                store.record_tweet(run_id, records)
            store.finish_run(run_id or 0)
    except BaseException as exc:
        _finish_failed(store, run_id, exc)
        raise
    finally:
        sealed = warc.seal() if warc else None
        if store is not None:
            store.close()
    return CheckResult(tuple(rows), scanned.errors, sealed)


def _finish_failed(store: Store | None, run_id: int | None, exc: BaseException) -> None:
    """Leave no run ``running`` behind a failure (a damaged database may refuse even this)."""
    if store is None or run_id is None:
        return
    with contextlib.suppress(StoreError):
        store.finish_run(run_id, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed")


def _open_store(settings: Settings) -> Store | None:
    """The state database, with the runs a dead process left ``running`` marked interrupted
    (the caller holds the folder lock, so no live process owns them)."""
    if not settings.use_db:
        return None
    store = Store(settings.db_path)
    store.mark_interrupted()
    return store


def _by_tweet(rows: Iterable[CheckedRef]) -> list[list[CheckedRef]]:
    groups: dict[str, list[CheckedRef]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.tweet_id or f"ref:{index}", []).append(row)
    return list(groups.values())


async def _check(
    refs: tuple[EmbedRef, ...], settings: Settings, warc: WarcFile | None, store: Store | None
) -> list[CheckedRef]:
    def record(exchange: Exchange) -> None:
        if warc is not None:
            warc.write_exchange(exchange)

    async with Fetcher(settings, record if warc else None) as fetcher:
        return await check_refs(refs, fetcher, None, store.previous_facts if store else None)


@dataclass(frozen=True, slots=True)
class ArchiveRun:
    """What ``archive`` did: the capture run's result and the inputs that could not be scanned."""

    result: ArchiveResult
    errors: tuple[ScanError, ...]


def archive(
    sources: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    make_wacz: bool = True,
    on_captured: Callable[[ArchivedTweet], None] | None = None,
) -> ArchiveRun:
    """Scan, probe and capture every cited tweet in a real browser into WARC (and WACZ).

    Output goes under ``settings.out_dir``: ``warc/``, ``wacz/``. Chromium trusts what
    ``settings.ca_bundle`` names, as the probes do.
    """
    settings = settings or Settings()
    with lock_for(settings, "archive", writes_out=True):
        return _locked_archive(sources, settings, make_wacz, on_captured)


def _locked_archive(
    sources: Iterable[str | Path],
    settings: Settings,
    make_wacz: bool,
    on_captured: Callable[[ArchivedTweet], None] | None,
) -> ArchiveRun:
    scanned = scan(sources, settings)
    store = _open_store(settings)
    run_id = store.start_run("archive") if store else None
    try:
        result = asyncio.run(
            archive_refs(
                scanned.refs,
                settings,
                settings.out_dir,
                make_wacz=make_wacz,
                on_captured=on_captured,
                store=store,
                run_number=run_id,
                article_exchanges=scanned.exchanges,
            )
        )
        if store is not None:
            store.finish_run(run_id or 0)
    except BaseException as exc:
        _finish_failed(store, run_id, exc)
        raise
    finally:
        if store is not None:
            store.close()
    return ArchiveRun(result, scanned.errors)


def export_wacz(
    output: Path,
    inputs: Iterable[Path],
    since: str | None = None,
    *,
    settings: Settings | None = None,
    include_private: bool = False,
) -> Path:
    """Package WARC files (or folders of them) into one WACZ, a page per captured tweet.

    ``since`` (``YYYY-MM-DD`` or a longer ISO time) keeps only the files written from then on,
    by the timestamp in their names (a month of archives for researchers). Private and taken
    down posts (in the state database) are left out; ``include_private`` keeps the private
    ones, flagged, and says so in the package. Signed and timestamped as configured.
    """
    warcs: list[Path] = []
    for item in inputs:
        if item.is_dir():
            warcs.extend(sorted(item.rglob("*.warc.gz")))
        else:
            warcs.append(item)
    if since is not None:
        floor = "".join(c for c in since if c.isdigit())
        warcs = [w for w in warcs if _name_stamp(w) >= floor[: len(_name_stamp(w))]]
    settings = settings or Settings()
    store = Store(settings.db_path) if settings.use_db and settings.db_path.exists() else None
    try:
        options = evidence_options(settings, store, include_private=include_private)
    finally:
        if store is not None:
            store.close()
    return package_wacz(warcs, pages_from_warcs(warcs), output, options)


def _name_stamp(warc: Path) -> str:
    """The YYYYMMDDhhmmssfff of ``{prefix}-{stamp}-{serial}-{host}.warc.gz``."""
    parts = warc.name.split("-")
    return next((p for p in parts if p.isdigit() and len(p) == 17), "")


def write_report(
    store: Store,
    out_dir: Path,
    fmt: str,
    output: Path | None = None,
    *,
    since: str | None = None,
    run_id: int | None = None,
    article: str | None = None,
    include_private: bool = False,
) -> Path | None:
    """Write the report (``html``, ``json`` or ``csv``) of the latest verdict per reference.

    JSON and CSV go to ``output`` or stdout; HTML to ``output`` or ``out_dir/reports/``.
    Returns the file written, None for stdout. Private and taken-down posts are left out
    (counted in the summary); ``include_private`` keeps the private ones, flagged.
    """
    rows = [report.flat_check(r) for r in store.latest_checks(run_id=run_id, since=since, article=article)]
    rows, withheld = omit_rows(rows, store.withheld_posts(), include_private=include_private)
    summary = report.summarise(rows) | {"withheld": withheld, "include_private": include_private}
    generated = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if fmt == "html":
        path = output or out_dir / "reports" / f"report-{generated.replace(':', '')}.html"
        screenshots = _screenshots(store, out_dir, rows)
        histories = {
            str(r["tweet_id"]): store.status_changes(str(r["tweet_id"])) for r in rows if r["tweet_id"]
        }
        page = render_report(
            rows, summary, screenshots, histories, title="Embedded tweets: report", generated_at=generated
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".open")  # never a half-written report
        partial.write_text(page, encoding="utf-8")
        partial.replace(path)
        return path
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "json":
            document = {"generated_at": generated, "summary": summary, "references": rows}
            stream.write(json_safe(json.dumps(document, ensure_ascii=False, indent=1)) + "\n")
        else:
            report.write_csv(rows, report.REPORT_COLUMNS, stream)
    finally:
        if output:
            stream.close()
    return output


def _screenshots(store: Store, out_dir: Path, rows: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """Screenshots of the rows' captures, read back from their WARC files, by page id."""
    wanted: dict[str, dict[str, str]] = {}
    for row in rows:
        check = store.capture_of(str(row.get("page_id") or ""))
        if check and check["warc_file"] and check["screenshot_record"]:
            wanted.setdefault(check["warc_file"], {})[check["screenshot_record"]] = str(row["page_id"])
    shots: dict[str, bytes] = {}
    for warc_file, ids in wanted.items():
        for record_id, payload in read_records(out_dir / "warc" / warc_file, ids).items():
            shots[ids[record_id]] = payload
    return shots
