"""HTTP probes: resolve short links to tweets, and ask X's public endpoints about a tweet.

Each answer becomes :class:`~archiver.models.Evidence`; a fetch that fails becomes ``error``
evidence with the reason (never absence). The raw bytes of every exchange go to the
fetcher's recorder, that is, into the WARC.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

from archiver.errors import FetchError
from archiver.models import Evidence, Outcome
from archiver.net.exchange import CURRENT_PAGE_ID
from archiver.net.fetch import Fetcher, FetchResult
from archiver.scan.urls import LinkKind, canonical_status_url, classify
from archiver.verify import RESOLVE
from archiver.x.endpoints import oembed_url, syndication_url
from archiver.x.parsers import parse_oembed, parse_syndication

__all__ = ["Prober", "Resolution"]

MAX_SHORT_HOPS = 5
_META_REFRESH = re.compile(rb"URL=([^\"'>\s]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a short link led: a tweet (id, handle), or nowhere we may follow."""

    link: str
    tweet_id: str | None
    handle: str | None
    evidence: tuple[Evidence, ...]
    reason: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Prober:
    """Probes through one :class:`~archiver.net.fetch.Fetcher`; caches per run."""

    def __init__(self, fetcher: Fetcher, page_id_for: Callable[[str], str] | None = None) -> None:
        self._fetcher = fetcher
        self._page_id_for = page_id_for
        self._resolved: dict[str, asyncio.Task[Resolution]] = {}

    async def resolve(self, link: str) -> Resolution:
        """Follow ``t.co`` / ``pic.twitter.com`` / ``pic.x.com`` hops to a status URL, once per run."""
        task = self._resolved.get(link)
        if task is None:
            task = asyncio.ensure_future(self._resolve(link))
            self._resolved[link] = task
        return await task

    async def _resolve(self, link: str) -> Resolution:
        evidence: list[Evidence] = []
        current = link
        for _ in range(MAX_SHORT_HOPS):
            try:
                result = await self._fetcher.get(current, follow_redirects=False)
            except FetchError as exc:
                evidence.append(_error(RESOLVE, current, exc))
                return Resolution(link, None, None, tuple(evidence), f"could not resolve: {exc}")
            target = _redirect_target(current, result)
            if target is None:
                outcome = Outcome.NOT_FOUND if result.status == 404 else Outcome.ERROR
                evidence.append(_evidence(RESOLVE, current, result, outcome, f"HTTP {result.status}"))
                reason = f"{current} answered {result.status} without leading to a tweet"
                return Resolution(link, None, None, tuple(evidence), reason)
            evidence.append(_evidence(RESOLVE, current, result, Outcome.REDIRECT, target))
            found = classify(target)
            if found is not None and found.kind is LinkKind.STATUS and found.tweet_id:
                return Resolution(link, found.tweet_id, found.handle, tuple(evidence), "resolved")
            if found is None or found.kind not in (LinkKind.SHORT, LinkKind.PIC):
                reason = f"{link} leads outside X ({target}): not a tweet"
                return Resolution(link, None, None, tuple(evidence), reason)
            current = found.canonical
        return Resolution(link, None, None, tuple(evidence), "too many short-link hops")

    async def probe(self, tweet_id: str, handle: str | None = None) -> tuple[Evidence, ...]:
        """Ask syndication and oEmbed about ``tweet_id`` (concurrently)."""
        if self._page_id_for is not None:
            CURRENT_PAGE_ID.set(self._page_id_for(tweet_id))  # this task's context only
        syndication, oembed = await asyncio.gather(
            self._syndication(tweet_id), self._oembed(tweet_id, handle)
        )
        return (syndication, oembed)

    async def _syndication(self, tweet_id: str) -> Evidence:
        url = syndication_url(tweet_id)
        try:
            result = await self._fetcher.get(url)
        except FetchError as exc:
            return _error("syndication", url, exc)
        return parse_syndication(url, result.status, result.body, result.fetched_at)

    async def _oembed(self, tweet_id: str, handle: str | None) -> Evidence:
        url = oembed_url(canonical_status_url(tweet_id, handle))
        try:
            result = await self._fetcher.get(url)
        except FetchError as exc:
            return _error("oembed", url, exc)
        return parse_oembed(url, result.status, result.body, result.fetched_at, tweet_id)


def _redirect_target(url: str, result: FetchResult) -> str | None:
    location = next((v for k, v in result.headers if k.lower() == "location"), None)
    if result.status in (301, 302, 303, 307, 308) and location:
        return urljoin(url, location)
    if result.status == 200:  # the page t.co sends browsers: a meta refresh
        match = _META_REFRESH.search(result.body[:4096])
        if match:
            return match.group(1).decode("utf-8", "replace")
    return None


def _evidence(source: str, url: str, result: FetchResult, outcome: Outcome, detail: str) -> Evidence:
    return Evidence(
        source=source,
        url=url,
        outcome=outcome,
        http_status=result.status,
        detail=detail,
        fetched_at=result.fetched_at,
        body=result.body,
    )


def _error(source: str, url: str, exc: FetchError) -> Evidence:
    return Evidence(source=source, url=url, outcome=Outcome.ERROR, detail=str(exc), fetched_at=_now())
