"""Hostile servers on 127.0.0.1 (random ports) and canaries that log every connection.

A canary is a listener no command may ever reach: articles, feeds and redirects point at it
(in every address form), and a test fails if its log is not empty. The hostile site serves
articles and feeds, redirects to a canary, and drips bytes slower or faster than any read
timeout.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DRIP_SECONDS = 0.2  # faster than any read timeout: only an overall deadline ends it


@dataclass
class Canary:
    """A TCP listener that accepts, logs and closes: any hit is a leak."""

    hits: list[str] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        first = socket.create_server(("127.0.0.1", 0))
        self.port = first.getsockname()[1]
        self._sockets = [first]
        for address, family in (("127.0.0.2", socket.AF_INET), ("::1", socket.AF_INET6)):
            with contextlib.suppress(OSError):  # the same port on the other loopback addresses
                self._sockets.append(socket.create_server((address, self.port), family=family))
        for listener in self._sockets:
            threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def _serve(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(0.5)
            try:
                first = conn.recv(200).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                first = "(no request line)"
            self.hits.append(first)
            conn.close()

    def close(self) -> None:
        for listener in self._sockets:
            listener.close()


def _handler(routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]]) -> type:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def send(handler: http.server.BaseHTTPRequestHandler, body: bytes, content_type: str = "text/html") -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect(handler: http.server.BaseHTTPRequestHandler, location: str) -> None:
    handler.send_response(302)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def drip(handler: http.server.BaseHTTPRequestHandler) -> None:
    """One byte every DRIP_SECONDS of a body that claims 100 kB: never done, never idle."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100000):
        handler.wfile.write(b"<")
        handler.wfile.flush()
        time.sleep(DRIP_SECONDS)


@dataclass
class Site:
    """An HTTP server on 127.0.0.1 serving ``pages`` (path → body) and the hostile routes."""

    base: str
    routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]]

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes, content_type: str = "text/html") -> None:
        self.routes[path] = lambda h: send(h, body, content_type)


@contextmanager
def hostile_site(canary: Canary) -> Iterator[Site]:
    """The site, with ``/to-canary`` (302 to the canary), ``/to-self`` (302 on its own origin)
    and ``/drip`` ready; add pages with :meth:`Site.page`."""
    routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]] = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
    server.daemon_threads = True
    site = Site(f"http://127.0.0.1:{server.server_address[1]}", routes)
    routes["/to-canary"] = lambda h: redirect(h, f"http://127.0.0.1:{canary.port}/redirected")
    routes["/to-canary-int"] = lambda h: redirect(h, f"http://2130706433:{canary.port}/redirected-int")
    routes["/drip"] = drip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def address_forms(port: int) -> list[str]:
    """The canary's origin spelt every way a URL parser reads as loopback."""
    hosts = [
        "127.0.0.1",
        "2130706433",
        "0x7f.0.0.1",
        "127.1",
        "0177.0.0.1",
        "[::1]",
        "localhost",
        "127.0.0.2",
    ]
    return [f"http://{host}:{port}" for host in hosts]
