"""Chrome DevTools Protocol ``Network`` events to exchanges, as the wire had them.

One ``on_<event>`` method per CDP event, all subscribed in :meth:`Recorder.start`; each fills
the :class:`RequestInfo` of its request id. Records are built at the end by plain functions
(:func:`exchanges_for`) that read only that object, because events arrive in no fixed order:
``…ExtraInfo`` events may come before or after the event they complete, and a redirect chain
shares one request id, so a chain is held until the capture ends and raw headers are matched
to hops by order and status code.

What this gets right, each with a regression test: the headers actually sent and received
(two ``Set-Cookie`` stay two), every redirect hop as its own pair (a 301's headers never land
on its target), the remote IP address and protocol, bodies fetched as soon as a request
finishes (``Network.getResponseBody``), no cache (``Network.setCacheDisabled``), large buffers.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import CDPSession
from playwright.async_api import Error as PlaywrightError

from archiver.net.exchange import Exchange

__all__ = ["Hop", "Recorder", "RequestInfo", "exchanges_for", "parse_headers_text"]

BUFFER_TOTAL = 200 * 1024 * 1024
BUFFER_PER_RESOURCE = 50 * 1024 * 1024
ACCEPTED_ENCODINGS = ("gzip", "deflate", "br")
_SKIPPED_SCHEMES = ("data:", "blob:", "about:", "chrome", "devtools:")


@dataclass
class Hop:
    """One request of a chain: its own request and (once known) its own response."""

    url: str
    method: str
    headers: dict[str, str]
    post_data: bytes = b""
    wall_time: float = 0.0
    status: int | None = None
    status_text: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    protocol: str = "http/1.1"
    remote_ip: str | None = None
    mime_type: str = ""


@dataclass
class RequestInfo:
    """All that the CDP events say about one request id (a redirect chain shares one)."""

    request_id: str
    hops: list[Hop] = field(default_factory=list)
    sent_headers: list[list[tuple[str, str]]] = field(default_factory=list)  # ExtraInfo, in order
    raw_responses: list[tuple[int, list[tuple[str, str]]]] = field(default_factory=list)
    body: bytes | None = None
    finished: bool = False
    failed: str | None = None
    blocked: bool = False
    background: bool = False  # telemetry or a stream: never keeps the network busy


def parse_headers_text(text: str) -> list[tuple[str, str]]:
    """``HTTP/1.1 200 OK\\r\\nName: value…`` to ordered (name, value) pairs, duplicates kept."""
    pairs = []
    for line in text.split("\r\n")[1:]:
        if not line or ":" not in line:
            continue
        name, value = line.split(":", 1)
        pairs.append((name.strip(), value.strip()))
    return pairs


def _split_header_dict(headers: dict[str, str]) -> list[tuple[str, str]]:
    """CDP joins repeated headers with newlines; split them back into separate lines."""
    pairs = []
    for name, value in headers.items():
        for part in str(value).split("\n"):
            pairs.append((name, part))
    return pairs


def _iso(wall_time: float) -> str:
    moment = datetime.fromtimestamp(wall_time, tz=UTC) if wall_time else datetime.now(UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def exchanges_for(info: RequestInfo, page_id: str | None) -> list[Exchange]:
    """The request/response pairs of one request id, one per hop that got a response."""
    exchanges = []
    raw = list(info.raw_responses)
    for index, hop in enumerate(info.hops):
        if hop.status is None:
            continue
        sent = info.sent_headers[index] if index < len(info.sent_headers) else None
        if sent is None:
            sent = list(hop.headers.items())
        match = next((r for r in raw if r[0] == hop.status), None)
        if match is not None:
            raw.remove(match)
            response_headers = match[1]
        else:
            response_headers = _split_header_dict(hop.response_headers)
        last = index == len(info.hops) - 1
        exchanges.append(
            Exchange(
                method=hop.method,
                url=hop.url,
                request_headers=tuple(sent),
                status=hop.status,
                reason=hop.status_text,
                response_headers=tuple(response_headers),
                body=(info.body or b"") if last else b"",
                http_version=hop.protocol,
                remote_ip=hop.remote_ip,
                started_at=_iso(hop.wall_time),
                request_body=hop.post_data,
                page_id=page_id,
            )
        )
    return exchanges


class Recorder:
    """Collects one page's network traffic through its CDP session."""

    def __init__(
        self,
        cdp: CDPSession,
        allowed_hosts: Collection[str],
        background: Callable[[str], bool] = lambda url: False,
    ) -> None:
        self._cdp = cdp
        self._allowed = allowed_hosts
        self._background = background
        self.requests: dict[str, RequestInfo] = {}
        self._body_tasks: set[asyncio.Task[None]] = set()
        self.in_flight: set[str] = set()
        self.last_activity = asyncio.get_event_loop().time()

    async def start(self) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "Network.requestWillBeSent": self.on_request_will_be_sent,
            "Network.requestWillBeSentExtraInfo": self.on_request_will_be_sent_extra_info,
            "Network.responseReceived": self.on_response_received,
            "Network.responseReceivedExtraInfo": self.on_response_received_extra_info,
            "Network.loadingFinished": self.on_loading_finished,
            "Network.loadingFailed": self.on_loading_failed,
        }
        for event, handler in handlers.items():
            self._cdp.on(event, handler)
        await self._cdp.send(
            "Network.enable",
            {"maxTotalBufferSize": BUFFER_TOTAL, "maxResourceBufferSize": BUFFER_PER_RESOURCE},
        )
        await self._cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # Replay tools cannot read zstd bodies: offer only what they can.
        headers = {"Accept-Encoding": ", ".join(ACCEPTED_ENCODINGS)}
        await self._cdp.send("Network.setExtraHTTPHeaders", {"headers": headers})

    def _info(self, request_id: str) -> RequestInfo:
        info = self.requests.get(request_id)
        if info is None:
            info = self.requests[request_id] = RequestInfo(request_id)
        return info

    def _touch(self, info: RequestInfo | None = None) -> None:
        if info is None or not info.background:
            self.last_activity = asyncio.get_event_loop().time()

    def on_request_will_be_sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        url = str(request["url"])
        if url.startswith(_SKIPPED_SCHEMES):
            return
        info = self._info(event["requestId"])
        info.background = self._background(url)
        self._touch(info)
        redirect = event.get("redirectResponse")
        if redirect is not None and info.hops:
            self._fill_response(info.hops[-1], redirect)
        post = request.get("postData")
        info.hops.append(
            Hop(
                url=url,
                method=str(request.get("method", "GET")),
                headers=dict(request.get("headers", {})),
                post_data=post.encode("utf-8") if isinstance(post, str) else b"",
                wall_time=float(event.get("wallTime") or 0.0),
            )
        )
        host = urlsplit(url).hostname or ""
        if host not in self._allowed:
            info.blocked = True
        if not info.background:
            self.in_flight.add(event["requestId"])

    def on_request_will_be_sent_extra_info(self, event: dict[str, Any]) -> None:
        info = self._info(event["requestId"])
        info.sent_headers.append(_split_header_dict(event.get("headers", {})))

    def on_response_received(self, event: dict[str, Any]) -> None:
        info = self.requests.get(event["requestId"])
        self._touch(info)
        if info is not None and info.hops:
            self._fill_response(info.hops[-1], event["response"])

    def on_response_received_extra_info(self, event: dict[str, Any]) -> None:
        info = self._info(event["requestId"])
        text = event.get("headersText")
        headers = parse_headers_text(text) if text else _split_header_dict(event.get("headers", {}))
        info.raw_responses.append((int(event.get("statusCode", 0)), headers))

    def on_loading_finished(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        info = self.requests.get(request_id)
        self._touch(info)
        if info is None:
            return
        info.finished = True
        task = asyncio.ensure_future(self._fetch_body(info))
        self._body_tasks.add(task)
        task.add_done_callback(self._body_tasks.discard)

    def on_loading_failed(self, event: dict[str, Any]) -> None:
        info = self.requests.get(event["requestId"])
        self._touch(info)
        if info is not None:
            info.failed = str(event.get("errorText") or "failed")
            if event.get("blockedReason"):
                info.blocked = True
        self.in_flight.discard(event["requestId"])

    @staticmethod
    def _fill_response(hop: Hop, response: dict[str, Any]) -> None:
        hop.status = int(response.get("status", 0))
        hop.status_text = str(response.get("statusText") or "")
        hop.response_headers = dict(response.get("headers", {}))
        hop.protocol = str(response.get("protocol") or "http/1.1")
        hop.remote_ip = response.get("remoteIPAddress")
        hop.mime_type = str(response.get("mimeType") or "")

    async def _fetch_body(self, info: RequestInfo) -> None:
        try:
            result = await self._cdp.send("Network.getResponseBody", {"requestId": info.request_id})
        except PlaywrightError as exc:
            info.failed = f"body not available: {exc.message.splitlines()[0]}"
            info.body = b""
        else:
            body = result.get("body", "")
            info.body = base64.b64decode(body) if result.get("base64Encoded") else body.encode("utf-8")
        finally:
            self.in_flight.discard(info.request_id)
            self._touch(info)

    def quiet_for(self) -> float:
        """Seconds since the last network event, 0 while a request (not background) is in flight
        or its body is being fetched."""
        return 0.0 if self.in_flight else max(0.0, asyncio.get_event_loop().time() - self.last_activity)

    async def quiet(self, quiet_for: float, deadline: float) -> bool:
        """Wait until nothing has been in flight for ``quiet_for`` seconds; False at the deadline."""
        loop = asyncio.get_event_loop()
        while loop.time() < deadline:
            if self.quiet_for() >= quiet_for:
                return True
            await asyncio.sleep(0.02)
        return False

    async def drain(self) -> None:
        """Let pending body fetches finish (each is bounded by the page's lifetime)."""
        if self._body_tasks:
            await asyncio.gather(*self._body_tasks, return_exceptions=True)

    def exchanges(self, page_id: str | None) -> list[Exchange]:
        out = []
        for info in self.requests.values():
            if not info.blocked:
                out.extend(exchanges_for(info, page_id))
        return out

    def blocked(self) -> list[str]:
        return [hop.url for info in self.requests.values() if info.blocked for hop in info.hops]

    def failed(self) -> list[tuple[str, str]]:
        return [
            (info.hops[-1].url, info.failed)
            for info in self.requests.values()
            if info.failed and not info.blocked and info.hops
        ]
