"""The simulated X: one local HTTPS server answering for X's real host names.

Clients reach it by mapping names to its address (``--resolve HOST=127.0.0.1:PORT`` for the
probes, ``--host-resolver-rules`` for Chromium), so URLs, Host headers and TLS SNI stay the
real ones. The scenario decides what each tweet looks like in the current phase; faults make
it slow, rate-limited, broken or walled.

    with SimX(load_scenario("seed")) as sim:
        settings = sim.settings(Settings())
        ...
        sim.phase = 1   # the next run sees the tweets' next states
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from archiver.config import Settings
from archiver.scan.urls import LinkKind, classify
from archiver.testing.simx import responses
from archiver.testing.simx.media import png_for
from archiver.testing.simx.scenario import Fault, Scenario
from archiver.testing.simx.tls import SimCertificates, make_certificates
from archiver.x.endpoints import ALLOWED_HOSTS

__all__ = ["SIM_HOSTS", "RequestLog", "SimX"]

# Every host the archiver may reach: the simulator answers for all of them (404 where X
# would have nothing to say).
SIM_HOSTS = tuple(sorted(ALLOWED_HOSTS))
_CURL_LIKE = ("curl", "wget", "python", "httpx", "embed-archiver")
_COMPRESSIBLE = ("application/json", "text/", "application/javascript")


@dataclass(frozen=True, slots=True)
class RequestLog:
    host: str
    path: str
    user_agent: str
    phase: int
    at: float


@dataclass
class _Response:
    status: int
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunked: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sim: SimX, context: ssl.SSLContext) -> None:
        self.sim = sim
        self.context = context
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # delayed ACKs add 40 ms to every response.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The handshake happens in the handler's thread, so a slow client blocks nobody.
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that reset or time out are part of the game


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tsa_f"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self.server.sim._handle(self)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.sim._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()


class SimX:
    """The server, its certificates and its scenario state (phase, request log, counters)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        phase: int = 0,
        workdir: Path | None = None,
    ) -> None:
        self.scenario = scenario
        self.phase = phase
        self.requests: list[RequestLog] = []
        self._lock = threading.Lock()
        self._fault_counts: dict[int, int] = {}
        self._rng = random.Random(scenario.seed)
        self._tempdir = None if workdir else tempfile.TemporaryDirectory(prefix="simx-")
        directory = workdir or Path(self._tempdir.name if self._tempdir else ".")
        self.certificates: SimCertificates = make_certificates(list(SIM_HOSTS), directory)
        self._server = _Server((host, port), self, self.certificates.server_context)
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> SimX:
        self._thread = threading.Thread(target=self._server.serve_forever, name="simx", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def __enter__(self) -> SimX:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- how clients reach it ------------------------------------------------------------------
    @property
    def address(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def resolve_rules(self) -> tuple[tuple[str, str, int], ...]:
        return tuple((host, self.address, self.port) for host in SIM_HOSTS)

    def settings(self, base: Settings) -> Settings:
        """``base`` pointed at the simulator as at any mirror: ``--resolve`` and ``--ca-bundle``."""
        return base.with_changes(resolve=self.resolve_rules(), ca_bundle=self.certificates.ca_pem)

    def chromium_host_rules(self) -> str:
        return ", ".join(f"MAP {host} {self.address}:{self.port}" for host in SIM_HOSTS)

    def describe(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "address": self.address,
            "port": self.port,
            "ca_bundle": str(self.certificates.ca_pem),
            "spki_sha256": self.certificates.spki_sha256,
            "resolve": [f"{h}={a}:{p}" for h, a, p in self.resolve_rules()],
        }

    def requests_for(self, host: str) -> Iterator[RequestLog]:
        return (r for r in list(self.requests) if r.host == host)

    # -- request handling ----------------------------------------------------------------------
    def _handle(self, handler: _Handler) -> None:
        host = (handler.headers.get("Host") or "").split(":")[0].lower()
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        user_agent = handler.headers.get("User-Agent") or ""
        phase = self.phase
        with self._lock:
            self.requests.append(RequestLog(host, handler.path, user_agent, phase, time.time()))
        tweet_id = _tweet_id_of(parts.path, query)
        fault = self._fault_for(host, tweet_id, phase)
        if fault is not None:
            if fault.kind == "latency":
                time.sleep(fault.seconds)
            elif self._apply_fault(handler, fault, host, parts.path):
                return
        response = self._route(host, parts.path, query, user_agent, phase)
        self._send(handler, response)

    def _fault_for(self, host: str, tweet_id: str | None, phase: int) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.scenario.faults):
                if fault.from_phase > phase:
                    continue
                if fault.host is not None and fault.host != host:
                    continue
                if fault.tweet_id is not None and fault.tweet_id != tweet_id:
                    continue
                count = self._fault_counts.get(index, 0)
                if fault.times is not None and count >= fault.times:
                    continue
                if fault.rate < 1.0 and self._rng.random() >= fault.rate:
                    continue
                self._fault_counts[index] = count + 1
                return fault
            if self.scenario.chaos and self._rng.random() < self.scenario.chaos:
                kind = self._rng.choice(["status429", "status5xx", "reset", "truncate"])
                return Fault(kind=kind, retry_after=0)
        return None

    def _apply_fault(self, handler: _Handler, fault: Fault, host: str, path: str) -> bool:
        """Answer with the fault; True when the request is done with."""
        if fault.kind == "status429":
            headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
            self._send(handler, _Response(429, body=b"Rate limit exceeded", headers=headers))
        elif fault.kind == "status5xx":
            self._send(handler, _Response(fault.status, body=b"Over capacity"))
        elif fault.kind == "login_wall":
            target = "https://x.com/i/flow/login?" + urlencode({"redirect_after_login": path})
            self._send(handler, _Response(302, headers=[("Location", target)]))
        elif fault.kind == "reset":
            _reset(handler)
        elif fault.kind == "truncate":
            body = b'{"__typename":"Tweet","text":"' + b"x" * 200 + b'"}'
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 3])
            handler.wfile.flush()
            _reset(handler)
        else:
            return False
        return True

    def _route(self, host: str, path: str, query: dict[str, str], user_agent: str, phase: int) -> _Response:
        if host == "cdn.syndication.twimg.com" and path == "/tweet-result":
            return self._syndication(query, phase)
        if host == "publish.x.com" and path == "/oembed":
            location = f"https://publish.twitter.com/oembed?{urlencode(query)}"
            return _Response(301, headers=[("Location", location)])
        if host == "publish.twitter.com" and path == "/oembed":
            return self._oembed(query, phase)
        if host in ("t.co", "pic.twitter.com", "pic.x.com"):
            return self._short_link(path.strip("/"), user_agent, phase)
        if host in ("twitter.com", "www.twitter.com", "mobile.twitter.com"):
            return _Response(301, headers=[("Location", f"https://x.com{path}")])
        if host in ("x.com", "www.x.com", "mobile.x.com"):
            return self._status_page(path, phase)
        if host == "platform.twitter.com":
            return self._platform(path, query)
        if host == "pbs.twimg.com" and (path.startswith("/media/") or path.startswith("/profile_images/")):
            key = path.rsplit("/", 1)[-1].split(".")[0]
            return _Response(200, "image/png", png_for(key, color=self._photo_color(key, phase)))
        return _Response(404, body=b"Not Found")

    def _photo_color(self, key: str, phase: int) -> str | None:
        for tweet in self.scenario.tweets.values():
            for photo in tweet.view(phase).photos:
                if photo.media_key == key:
                    return photo.color
        return None

    def _syndication(self, query: dict[str, str], phase: int) -> _Response:
        """The token is not checked: public clients send fixed or wrong ones and get answers."""
        tweet_id = query.get("id", "")
        view = self.scenario.view(tweet_id, phase) if tweet_id.isdigit() else None
        status, data = responses.syndication_body(view, self.scenario, phase)
        headers = [("Access-Control-Allow-Origin", "*")]  # the embed page fetches it cross-origin
        if data is None:
            return _Response(status, headers=headers)
        return _Response(status, "application/json; charset=utf-8", responses.syndication_json(data), headers)

    def _oembed(self, query: dict[str, str], phase: int) -> _Response:
        link = classify(query.get("url", ""))
        tweet_id = link.tweet_id if link is not None else None
        view = self.scenario.view(tweet_id, phase) if tweet_id else None
        status, error = responses.oembed_status(view)
        headers = responses.oembed_headers()
        if status != 200 or view is None:
            return _Response(
                status, "application/json; charset=utf-8", responses.twitter_json(error), headers
            )
        data = responses.oembed_body(view, omit_script=query.get("omit_script") in ("1", "true"))
        return _Response(200, "application/json; charset=utf-8", responses.twitter_json(data), headers)

    def _short_link(self, code: str, user_agent: str, phase: int) -> _Response:
        target = self.scenario.short_link(code, phase)
        if target is None:
            return _Response(404, body=b"Not Found")
        if not user_agent or any(tag in user_agent.lower() for tag in _CURL_LIKE):
            return _Response(301, headers=[("Location", target)])
        return _Response(
            200, "text/html; charset=utf-8", responses.short_link_page(target), responses.TCO_HEADERS
        )

    def _status_page(self, path: str, phase: int) -> _Response:
        if path.startswith("/i/flow/login"):
            body = b"<!doctype html><html><body><h1>Sign in to X</h1></body></html>"
            return _Response(200, "text/html; charset=utf-8", body)
        link = classify(f"https://x.com{path}")
        if link is None or link.kind is not LinkKind.STATUS or link.tweet_id is None:
            return _Response(404, "text/html; charset=utf-8", b"<html><body>Not found</body></html>")
        status, body = responses.status_page(self.scenario.view(link.tweet_id, phase), path)
        return _Response(status, "text/html; charset=utf-8", body, [("Cache-Control", "no-store, max-age=0")])

    def _platform(self, path: str, query: dict[str, str]) -> _Response:
        if path == "/embed/Tweet.html":
            body = responses.embed_page(query.get("id", ""), query.get("lang", "en"))
            return _Response(200, "text/html; charset=utf-8", body)
        if path == "/embed/embed.simx.js":
            script = responses.EMBED_SCRIPT.encode()
            return _Response(200, "application/javascript; charset=utf-8", script, chunked=True)
        if path == "/widgets.js":
            return _Response(200, "application/javascript; charset=utf-8", b"/* widgets */", [], chunked=True)
        return _Response(404, body=b"Not Found")

    def _send(self, handler: _Handler, response: _Response) -> None:
        body = response.body
        headers = list(response.headers)
        accepts_gzip = "gzip" in (handler.headers.get("Accept-Encoding") or "")
        if body and accepts_gzip and response.content_type.startswith(_COMPRESSIBLE):
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.content_type)
            for name, value in headers:
                handler.send_header(name, value)
            if response.chunked and handler.request_version == "HTTP/1.1":
                handler.send_header("Transfer-Encoding", "chunked")
                handler.end_headers()
                if handler.command != "HEAD":
                    for start in range(0, len(body), 4096):
                        piece = body[start : start + 4096]
                        handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    handler.wfile.write(b"0\r\n\r\n")
            else:
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                if handler.command != "HEAD":
                    handler.wfile.write(body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True


def _reset(handler: _Handler) -> None:
    """Close the connection with a TCP reset, as an overloaded edge does."""
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass
    handler.close_connection = True


def _tweet_id_of(path: str, query: dict[str, str]) -> str | None:
    if query.get("id", "").isdigit():
        return query["id"]
    if "url" in query:
        link = classify(query["url"])
        return link.tweet_id if link is not None else None
    link = classify(f"https://x.com{path}")
    return link.tweet_id if link is not None else None


def start_in_process(
    scenario: str | Path, workdir: Path, phase: int = 0
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """``archiver simx`` in its own process (benchmarks: no shared GIL); its description."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archiver",
            "simx",
            str(scenario),
            "--port",
            "0",
            "--workdir",
            str(workdir),
            "--phase",
            str(phase),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def settings_for(description: dict[str, Any], base: Settings) -> Settings:
    """``base`` pointed at a simulator started with :func:`start_in_process`."""
    port = int(description["port"])
    return base.with_changes(
        resolve=tuple(
            (str(rule).split("=")[0], str(description["address"]), port) for rule in description["resolve"]
        ),
        ca_bundle=Path(str(description["ca_bundle"])),
    )
