"""GET with every guard a hostile article calls for, and a record of every hop.

:class:`Fetcher` follows redirects itself so that each hop is checked against the allow-list
and handed to the recorder as its own exchange. Timeouts, resets, 429 (honouring
``Retry-After``) and 5xx are retried with backoff; what still fails raises a
:class:`~archiver.errors.FetchError`, which callers turn into ``unknown`` evidence.
"""

from __future__ import annotations

import asyncio
import random
import ssl
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from archiver.config import Settings
from archiver.errors import (
    ConfigError,
    FetchError,
    FetchTimeout,
    HostNotAllowed,
    LoginWall,
    RateLimited,
    ResponseTooLarge,
    ServerError,
)
from archiver.net.exchange import CURRENT_PAGE_ID, Exchange
from archiver.net.guard import check_host
from archiver.net.transport import make_transport
from archiver.x.endpoints import ALLOWED_HOSTS

__all__ = ["CURL_USER_AGENT", "FetchResult", "Fetcher", "Recorder", "origin"]

Recorder = Callable[[Exchange], None]
CURL_USER_AGENT = "curl/8.5.0 (embed-archiver)"  # t.co answers curl-like clients with a 301
DEFAULT_HEADERS = {
    "User-Agent": CURL_USER_AGENT,
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate, br",  # never zstd: replay tools cannot read it
}
MAX_HOPS = 10
MAX_RETRY_AFTER = 60.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_LOGIN_PATHS = ("/login", "/i/flow/login", "/account/access")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The final response and every exchange (redirect hops first) that led to it."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    exchanges: tuple[Exchange, ...]
    fetched_at: str

    @property
    def hops(self) -> tuple[str, ...]:
        return tuple(e.url for e in self.exchanges)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _DeadlinePassed(FetchTimeout):
    """The fetch as a whole ran out of time: retrying would only overrun it further."""


def _worth_retrying(exc: BaseException) -> bool:
    return isinstance(exc, FetchError) and not isinstance(
        exc, HostNotAllowed | ResponseTooLarge | LoginWall | _DeadlinePassed
    )


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (default ports spelt out), for same-origin tests."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{parts.scheme.lower()}://{(parts.hostname or '').rstrip('.')}:{port or default}"


def _client(transport: httpx.AsyncHTTPTransport, settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout),
        headers=DEFAULT_HEADERS,
        follow_redirects=False,
    )


def _transport(
    settings: Settings, host_map: Mapping[str, tuple[str, int]], *, operator_named: bool
) -> httpx.AsyncHTTPTransport:
    """The guarded transport, or a one-line ConfigError for a CA file that is not one."""
    bundle = settings.ca_bundle
    try:
        if bundle is not None and not bundle.is_file():
            raise ConfigError(f"--ca-bundle {bundle}: no such file (or not a regular file)")
        return make_transport(host_map, bundle, settings.concurrency, operator_named=operator_named)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"--ca-bundle {bundle}: not a PEM certificate file ({exc})") from exc


class Fetcher:
    """An async client for X's hosts, built from :class:`~archiver.config.Settings`.

    With ``allowed_hosts=None`` (articles and feeds) any web host may be fetched, but never a
    private, loopback or link-local address on any hop (unless mapped with ``--resolve``),
    except on ``trusted_origins``: what the operator named (the article URL typed, the feed
    in the config) is theirs to point anywhere; what a page or a redirect chooses is not.
    """

    def __init__(
        self,
        settings: Settings,
        recorder: Recorder | None = None,
        *,
        allowed_hosts: frozenset[str] | None = ALLOWED_HOSTS,
        trusted_origins: Collection[str] = (),
    ) -> None:
        self._settings = settings
        self._recorder = recorder
        self._allowed = allowed_hosts
        self._backoff = settings.backoff
        host_map = {host: (addr, port) for host, addr, port in settings.resolve}
        self._client = _client(_transport(settings, host_map, operator_named=False), settings)
        self._trusted = frozenset(origin(o) for o in trusted_origins)
        self._trusted_client = (
            _client(_transport(settings, host_map, operator_named=True), settings) if self._trusted else None
        )
        self._overall = asyncio.Semaphore(settings.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._next_slot: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._trusted_client is not None:
            await self._trusted_client.aclose()

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> FetchResult:
        """GET ``url``; any status is returned except 429 and 5xx, which raise after retries.

        The whole fetch (every hop and retry) must end within ``settings.fetch_deadline``
        seconds, and each attempt within ``settings.timeout``: a server that drips bytes
        slower or faster than the read timeout cannot hold it longer.
        """
        deadline = asyncio.get_running_loop().time() + self._settings.fetch_deadline
        try:
            return await self._get(url, headers, follow_redirects, deadline)
        except _DeadlinePassed as exc:
            raise FetchTimeout(str(exc), url=url) from exc

    async def _get(
        self, url: str, headers: Mapping[str, str] | None, follow_redirects: bool, deadline: float
    ) -> FetchResult:
        exchanges: list[Exchange] = []
        current = url
        for _ in range(MAX_HOPS):
            exchange = await self._with_retries(current, headers, deadline)
            exchanges.append(exchange)
            location = dict((k.lower(), v) for k, v in exchange.response_headers).get("location")
            if exchange.status in _REDIRECTS and location:
                target = urljoin(current, location)
                if self._allowed is not None and urlsplit(target).path.startswith(_LOGIN_PATHS):
                    raise LoginWall(f"{url}: redirected to a login page ({target})", url=url)
                if follow_redirects:
                    current = target
                    continue
            return FetchResult(
                url=current,
                status=exchange.status,
                headers=exchange.response_headers,
                body=exchange.body,
                exchanges=tuple(exchanges),
                fetched_at=exchanges[0].started_at,
            )
        raise FetchError(f"{url}: more than {MAX_HOPS} redirects", url=url)

    async def _with_retries(self, url: str, headers: Mapping[str, str] | None, deadline: float) -> Exchange:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._settings.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_worth_retrying),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._once(url, headers, deadline)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER)
        base = self._backoff * 2 ** (state.attempt_number - 1)
        return float(min(base + random.uniform(0, base / 2), MAX_RETRY_AFTER))

    async def _once(self, url: str, headers: Mapping[str, str] | None, deadline: float) -> Exchange:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if self._allowed is not None:
            check_host(host, self._allowed, url)
        elif parts.scheme.lower() not in ("http", "https"):
            raise HostNotAllowed(f"{url}: only http and https are fetched", url=url)
        per_host = self._per_host.setdefault(host, asyncio.Semaphore(self._settings.per_host))
        async with self._overall, per_host:
            await self._pace(host)
            loop = asyncio.get_running_loop()
            left = deadline - loop.time()
            if left <= 0:
                raise _DeadlinePassed(
                    f"{url}: gave up after {self._settings.fetch_deadline:g} s (fetch_deadline)", url=url
                )
            budget = min(self._settings.timeout, left)
            try:
                async with asyncio.timeout(budget):
                    exchange = await self._send(url, headers)
            except TimeoutError:
                error = _DeadlinePassed if budget < self._settings.timeout else FetchTimeout
                raise error(f"{url}: no complete response within {budget:g} s", url=url) from None
        if self._recorder is not None:
            self._recorder(exchange)
        if exchange.status == 429:
            retry_after = _retry_after(
                dict((k.lower(), v) for k, v in exchange.response_headers).get("retry-after")
            )
            raise RateLimited(f"{url}: rate limited (429)", url=url, retry_after=retry_after)
        if exchange.status >= 500:
            raise ServerError(f"{url}: server error {exchange.status}", url=url)
        return exchange

    async def _pace(self, host: str) -> None:
        """Politeness: at most ``settings.rate`` requests per second to one host."""
        if self._settings.rate <= 0:
            return
        loop = asyncio.get_running_loop()
        slot = max(loop.time(), self._next_slot.get(host, 0.0))
        self._next_slot[host] = slot + 1.0 / self._settings.rate
        await asyncio.sleep(max(0.0, slot - loop.time()))

    async def _send(self, url: str, headers: Mapping[str, str] | None) -> Exchange:
        started = _now()
        trusted = self._trusted_client is not None and origin(url) in self._trusted
        client = self._trusted_client if trusted and self._trusted_client else self._client
        limit = self._settings.max_response_bytes
        try:
            request = client.build_request("GET", url, headers=headers)
        except httpx.InvalidURL as exc:  # not an httpx.HTTPError: a page's link may be anything
            raise FetchError(f"{url}: not a URL we can fetch ({exc})", url=url) from exc
        try:
            response = await client.send(request, stream=True)
            try:
                remote_ip = _peer_ip(response)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise ResponseTooLarge(f"{url}: response over {limit} bytes", url=url)
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"{url}: timed out ({type(exc).__name__})", url=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url=url) from exc
        return Exchange(
            method="GET",
            url=url,
            request_headers=tuple(request.headers.multi_items()),
            status=response.status_code,
            reason=response.reason_phrase,
            response_headers=tuple(response.headers.multi_items()),
            body=b"".join(chunks),
            http_version=response.http_version,
            remote_ip=remote_ip,
            started_at=started,
            page_id=CURRENT_PAGE_ID.get(),
        )


def _peer_ip(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    address = stream.get_extra_info("server_addr")
    return str(address[0]) if address else None
