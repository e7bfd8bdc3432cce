"""A capture run: scan → resolve → probe → browser capture → verdict → WARC → WACZ.

Each distinct tweet is probed once and captured once, in a fresh browser context, with a
bounded number of captures at a time. Its probes, its page's traffic, the screenshot, the
visible text and the verdict's metadata record share one ``WARC-Page-ID``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver import __version__
from archiver.capture.browser import Browser, BrowserOptions
from archiver.capture.fence import DeadProxy, fence_article
from archiver.capture.page import PageCapture, capture_page
from archiver.capture.warc import WarcRoller, recover_open_files, warc_date
from archiver.check import CheckedRef, check_refs
from archiver.compare import media_key
from archiver.config import Settings
from archiver.errors import CaptureError
from archiver.evidence.package import evidence_options, package_wacz
from archiver.media import digest_image
from archiver.models import EmbedRef, Evidence, Verdict
from archiver.net.exchange import Exchange
from archiver.net.fetch import Fetcher
from archiver.store import CheckRecord, Store
from archiver.verify import judge
from archiver.x.endpoints import ALLOWED_HOSTS, embed_page_url, status_page_url

__all__ = ["ArchiveResult", "ArchivedTweet", "archive_refs"]

MEDIA_PREFIX = "https://pbs.twimg.com/media/"
PAGE_NAMESPACE = uuid.UUID("6f1c3a52-2f0e-4d1e-9a57-0d1b7a4c8e11")


@dataclass(frozen=True, slots=True)
class ArchivedTweet:
    """One tweet's capture: where its records are and what they show."""

    tweet_id: str
    page_id: str
    embed_url: str
    verdict: Verdict
    rendered: str
    seconds: float
    metadata_record: str | None
    warc: str | None
    captured_at: str = ""
    screenshot_record: str | None = None


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    rows: tuple[CheckedRef, ...]
    tweets: tuple[ArchivedTweet, ...]
    warcs: tuple[Path, ...]
    wacz: Path | None
    recovered: tuple[tuple[Path, str], ...] = ()
    revisits: int = 0


class _Records:
    """The WARC writer plus an index of what went where (for WARC-Refers-To and evidence).

    With a store, unchanged static bytes (pictures, video, scripts, styles) whose URL and
    digest match a sealed earlier record are written as ``revisit`` records; evidence (JSON,
    HTML, screenshots, metadata) is always written whole.
    """

    def __init__(self, roller: WarcRoller, store: Store | None = None) -> None:
        self.roller = roller
        self.store = store
        self.responses: dict[tuple[str | None, str], tuple[str, str]] = {}  # -> (record id, file)
        self.new_static: list[tuple[str, str, str, str, str]] = []
        self.revisits = 0

    def exchange(self, exchange: Exchange) -> None:
        warc = self.roller.current
        digest = _static_digest(exchange)
        if digest is not None and self.store is not None:
            earlier = self.store.sealed_copy(exchange.url, digest)
            if earlier is not None:
                record_id = warc.write_revisit(
                    exchange, digest, exchange.url, earlier["date"], earlier["record_id"]
                )
                self.responses[(exchange.page_id, exchange.url)] = (record_id, warc.path.name)
                self.revisits += 1
                return
        _, response_id = warc.write_exchange(exchange)
        self.responses[(exchange.page_id, exchange.url)] = (response_id, warc.path.name)
        if digest is not None:
            date = warc_date(exchange.started_at)
            self.new_static.append((exchange.url, digest, warc.path.name, response_id, date))

    def with_record_ids(self, page_id: str, evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
        out = []
        for item in evidence:
            found = self.responses.get((page_id, item.url)) or self.responses.get((None, item.url))
            out.append(replace(item, record_id=found[0]) if found else item)
        return tuple(out)


_STATIC_TYPES = (
    "image/",
    "video/",
    "audio/",
    "font/",
    "text/css",
    "application/javascript",
    "text/javascript",
)


def _static_digest(exchange: Exchange) -> str | None:
    """The payload digest (as warcio writes it) of a static 200 response, else None."""
    if exchange.status != 200 or not exchange.body or exchange.method != "GET":
        return None
    content_type = next((v for k, v in exchange.response_headers if k.lower() == "content-type"), "")
    if not content_type.lower().startswith(_STATIC_TYPES):
        return None
    return "sha1:" + base64.b32encode(hashlib.sha1(exchange.body).digest()).decode("ascii")


def _page_id_for(run_id: str) -> Any:
    def page_id(tweet_id: str) -> str:
        return f"<urn:uuid:{uuid.uuid5(PAGE_NAMESPACE, f'{run_id}:{tweet_id}')}>"

    return page_id


async def archive_refs(
    refs: Sequence[EmbedRef],
    settings: Settings,
    out_dir: Path,
    *,
    make_wacz: bool = True,
    on_captured: Any = None,
    store: Store | None = None,
    run_number: int | None = None,
    capture_if: Callable[[str, list[CheckedRef]], bool] | None = None,
    depends_on: Sequence[str] = (),
    article_exchanges: Sequence[Exchange] = (),
) -> ArchiveResult:
    """Archive every tweet ``refs`` cite into ``out_dir`` (see the module docstring).

    ``capture_if(tweet_id, checked)`` decides, after the probes, whether a tweet is captured in
    the browser this time (nightly runs re-capture only what changed or is due); a tweet that
    is not captured keeps its HTTP verdict. ``article_exchanges`` (the article URLs as
    they were fetched for scanning) are written first.
    """
    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    page_id_for = _page_id_for(run_id)
    warc_dir = out_dir / "warc"
    recovered = tuple(recover_open_files(warc_dir)) if warc_dir.exists() else ()
    info = {
        "software": f"embed-archiver {__version__}",
        "operator": "embed-archiver",
        "run": run_id,
        "settings": f"capture_timeout={settings.capture_timeout} concurrency={settings.capture_concurrency}",
    }
    roller = WarcRoller(warc_dir, info, prefix=settings.warc_prefix, rollover=settings.warc_rollover)
    records = _Records(roller, store)
    article_hosts = (
        {urlsplit(r.article).hostname or "" for r in refs} - {""} if settings.with_article else set()
    )
    articles = {r.article for r in refs if urlsplit(r.article).hostname} if settings.with_article else set()
    dead_proxy = DeadProxy() if articles else None  # the article fence below the request layer
    mapped = {host for host, _, _ in settings.resolve}
    options = BrowserOptions(
        executable=settings.chromium,
        host_map=settings.resolve,
        allowed_hosts=ALLOWED_HOSTS | article_hosts,
        ca_bundle=settings.ca_bundle,
        extra_args=dead_proxy.launch_args(ALLOWED_HOSTS | mapped, articles) if dead_proxy else (),
    )
    tweets: list[ArchivedTweet] = []
    failed = False
    try:
        for exchange in article_exchanges:
            records.exchange(exchange)
        async with Fetcher(settings, records.exchange) as fetcher, Browser(options) as browser:
            previous_for = store.previous_facts if store is not None else None
            rows = await check_refs(refs, fetcher, page_id_for, previous_for)
            by_tweet: dict[str, list[CheckedRef]] = {}
            for row in rows:
                if row.tweet_id is not None:
                    by_tweet.setdefault(row.tweet_id, []).append(row)
            limit = asyncio.Semaphore(settings.capture_concurrency)
            final_rows: dict[int, CheckedRef] = {}

            async def one(tweet_id: str, cited: list[CheckedRef]) -> ArchivedTweet:
                async with limit:
                    capture = await _capture(browser, tweet_id, page_id_for(tweet_id), settings)
                    if settings.with_status_page:
                        url = status_page_url(tweet_id, cited[0].handle)
                        extra = await _capture_other(browser, url, page_id_for(tweet_id), settings, True)
                        _write_page(records, extra)
                previous = store.previous_facts(tweet_id) if store is not None else None
                archived, judged = _write_capture(
                    records, browser.version, tweet_id, cited, capture, previous
                )
                if store is not None:
                    store.record_tweet(run_number, [_record(row, archived) for row in judged])
                final_rows.update({id(row.ref): row for row in judged})
                if on_captured is not None:
                    on_captured(archived)
                return archived

            wanted = {t: c for t, c in by_tweet.items() if capture_if is None or capture_if(t, c)}
            if store is not None:  # recorded before the captures: a killed run loses none of it
                for tweet_id, cited in by_tweet.items():
                    if tweet_id not in wanted:  # probed only: the HTTP verdict is the record
                        store.record_tweet(run_number, [_record(row, None) for row in cited])
                for row in rows:
                    if row.tweet_id is None:
                        store.record_tweet(run_number, [_record(row, None)])
            tweets = list(await asyncio.gather(*(one(t, c) for t, c in wanted.items())))
            if settings.with_article:
                for article in dict.fromkeys(r.ref.article for r in rows):
                    if article.startswith(("http://", "https://")):
                        page = await _capture_other(browser, article, page_id_for(article), settings, False)
                        _write_page(records, page)
            rows = [final_rows.get(id(row.ref), row) for row in rows]
    except BaseException:
        failed = True
        raise
    finally:
        # A failed write (a full disk) leaves the current file .open: the next run cuts it at
        # its last complete record and seals it. Everything sealed before stays as it is.
        warcs = tuple(roller.abandon() if failed else roller.close())
        if dead_proxy is not None:
            dead_proxy.close()
    if store is not None and records.new_static:
        store.index_sealed(records.new_static)
    wacz = None
    if make_wacz and warcs and tweets:
        description = "depends on: " + ", ".join(depends_on) if depends_on else ""
        wacz = package_wacz(
            list(warcs),
            _pages(tweets, rows),
            out_dir / "wacz" / f"embeds-{run_id}.wacz",
            evidence_options(settings, store),
            description=description,
        )
    return ArchiveResult(tuple(rows), tuple(tweets), warcs, wacz, recovered, records.revisits)


async def _capture(browser: Browser, tweet_id: str, page_id: str, settings: Settings) -> PageCapture:
    url = embed_page_url(tweet_id)
    try:
        return await capture_page(
            browser, url, allowed_hosts=ALLOWED_HOSTS, timeout=settings.capture_timeout, page_id=page_id
        )
    except CaptureError as exc:  # the browser died mid-page: a partial capture, the run goes on
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return PageCapture(url, page_id, now, 0.0, "partial", (), None, None, error=str(exc))


async def _capture_other(
    browser: Browser, url: str, page_id: str, settings: Settings, tweet_page: bool
) -> PageCapture:
    """A status page or an article page, recorded like the embed (never fatal to the run)."""
    hosts = ALLOWED_HOSTS if tweet_page else (*ALLOWED_HOSTS, urlsplit(url).hostname or "")
    named = {host for host, _, _ in settings.resolve}
    try:
        return await capture_page(
            browser,
            url,
            allowed_hosts=hosts,
            timeout=settings.capture_timeout,
            page_id=page_id,
            wait_for_tweet=tweet_page,
            prepare=None if tweet_page else partial(fence_article, article=url, named_hosts=named),
        )
    except CaptureError as exc:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return PageCapture(url, page_id, now, 0.0, "partial", (), None, None, error=str(exc))


def _write_page(records: _Records, capture: PageCapture) -> None:
    for exchange in capture.exchanges:
        records.exchange(exchange)
    warc = records.roller.current
    if capture.screenshot is not None:
        warc.write_resource(
            f"urn:view:{capture.url}", "image/png", capture.screenshot, page_id=capture.page_id
        )
    if capture.text is not None:
        warc.write_resource(
            f"urn:text:{capture.url}",
            "text/plain; charset=utf-8",
            capture.text.encode(),
            page_id=capture.page_id,
        )


def _record(row: CheckedRef, archived: ArchivedTweet | None) -> CheckRecord:
    return CheckRecord(
        ref=row.ref,
        tweet_id=row.tweet_id,
        verdict=row.verdict,
        checked_at=row.checked_at,
        warc_file=archived.warc if archived else None,
        screenshot_record=archived.screenshot_record if archived else None,
        metadata_record=archived.metadata_record if archived else None,
        page_id=archived.page_id if archived else None,
    )


def _with_media(evidence: Sequence[Evidence], capture: PageCapture) -> tuple[Evidence, ...]:
    """Attach the perceptual hashes of the pictures the page loaded to the tweet's facts."""
    digests = {}
    for exchange in capture.exchanges:
        if exchange.url.startswith(MEDIA_PREFIX) and exchange.status == 200 and exchange.body:
            digests[media_key(exchange.url)] = digest_image(exchange.body).phash
    out = []
    for item in evidence:
        facts = item.facts
        if item.source == "syndication" and facts is not None and facts.media:
            hashes = [digests.get(media_key(url)) for url in facts.media]
            if all(hashes):
                item = replace(item, facts=replace(facts, media_phash=tuple(h for h in hashes if h)))
        out.append(item)
    return tuple(out)


def _write_capture(
    records: _Records,
    browser_version: str,
    tweet_id: str,
    cited: list[CheckedRef],
    capture: PageCapture,
    previous: Mapping[str, Any] | None,
) -> tuple[ArchivedTweet, list[CheckedRef]]:
    for exchange in capture.exchanges:
        records.exchange(exchange)
    warc = records.roller.current
    screenshot_id = None
    if capture.screenshot is not None:
        screenshot_id = warc.write_resource(
            f"urn:view:{capture.url}", "image/png", capture.screenshot, page_id=capture.page_id
        )
    if capture.text is not None:
        warc.write_resource(
            f"urn:text:{capture.url}",
            "text/plain; charset=utf-8",
            capture.text.encode("utf-8"),
            page_id=capture.page_id,
            concurrent_to=screenshot_id,
        )
    probes = _with_media(cited[0].verdict.evidence, capture)
    evidence = records.with_record_ids(capture.page_id, (*probes, capture.evidence(tweet_id)))
    verdict = judge(evidence, None, previous)
    judged = [replace(row, verdict=judge(evidence, row.ref, previous)) for row in cited]
    syndication = next((e.record_id for e in evidence if e.source == "syndication" and e.record_id), None)
    metadata = {
        "schema": 1,
        "tool": f"embed-archiver {__version__}",
        "browser": f"Chromium {browser_version}",
        "tweet_id": tweet_id,
        "page_id": capture.page_id,
        "embed_url": capture.url,
        "captured_at": capture.started_at,
        "rendered": capture.rendered,
        "done_rule": capture.done_rule,
        "verdict": verdict.to_json(),
        "references": [row.ref.to_json() | {"verdict": row.verdict.to_json()} for row in judged],
        "timings": {k: round(v, 3) for k, v in capture.timings.items()}
        | {"total": round(capture.seconds, 3)},
        "blocked_requests": list(capture.blocked),
        "failed_requests": [{"url": u, "error": e} for u, e in capture.failed],
        "error": capture.error,
    }
    metadata_id = warc.write_metadata(
        f"urn:embed-check:{tweet_id}",
        metadata,
        page_id=capture.page_id,
        refers_to=syndication,
        concurrent_to=screenshot_id,
    )
    archived = ArchivedTweet(
        tweet_id=tweet_id,
        page_id=capture.page_id,
        embed_url=capture.url,
        verdict=verdict,
        rendered=capture.rendered,
        seconds=capture.seconds,
        metadata_record=metadata_id,
        warc=warc.path.name,
        captured_at=capture.started_at,
        screenshot_record=screenshot_id,
    )
    return archived, judged


def _pages(tweets: Sequence[ArchivedTweet], rows: Sequence[CheckedRef]) -> list[dict[str, Any]]:
    handles = {row.tweet_id: row.handle for row in rows if row.tweet_id}
    pages = []
    for tweet in tweets:
        handle = handles.get(tweet.tweet_id)
        pages.append(
            {
                "id": tweet.page_id.strip("<>").removeprefix("urn:uuid:"),
                "url": tweet.embed_url,
                "ts": tweet.captured_at,
                "title": f"@{handle} {tweet.tweet_id}" if handle else tweet.tweet_id,
                "tweet_id": tweet.tweet_id,
                "status": str(tweet.verdict.status),
            }
        )
    return pages
