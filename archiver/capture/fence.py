"""What an article page may load in the browser: its own origin and public addresses.

The article's URL is the operator's (it may be on a private address); what the page then asks
for is the article's choice. Chromium's resolver rules already give no address to hosts
outside the allow-list, but IP literals need no resolving, and the article's own host on
another port is not its origin: a stylesheet, ``<img>``, ``<iframe>``, ``fetch()``,
``sendBeacon``, WebSocket or CSS ``url()`` aimed at ``127.0.0.1:OTHER`` (or ``2130706433``,
``0x7f.0.0.1``, ``127.1``, ``[::1]``…) reached local services. Two layers stop it:

* :func:`fence_article` aborts, in the article's context, every request and WebSocket whose
  origin is not the article's and whose address is not public: nothing fetched or recorded;
* :class:`DeadProxy` sends every connection not on the allow-list or the article's own
  origin to a local port that refuses, so nothing below the request layer (a
  ``<link rel=preconnect>``, Chromium's speculative connections for an ``<iframe>``) opens
  a socket to another local port either. It costs public IP literals too: safe side.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Route, WebSocketRoute
from playwright.async_api import Error as PlaywrightError

__all__ = ["DeadProxy", "fence_article", "literal_address", "public_or_same_origin"]

_LOCAL_SCHEMES = ("data", "blob", "about")


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address an IP literal names, in every form a URL parser accepts (``127.1``,
    ``0x7f.0.0.1``, ``2130706433``, ``[::ffff:127.0.0.1]``), or None for a host name."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if bare and all(part and all(c in "0123456789abcdefxABCDEFX" for c in part) for part in bare.split(".")):
        try:  # inet_aton reads the classic shorthand forms, as WHATWG URL parsing does
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"http": 80, "ws": 80, "https": 443, "wss": 443}.get(scheme)
    web = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    return web, (parts.hostname or "").rstrip("."), port or default


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_global)


async def public_or_same_origin(url: str, article: str, named_hosts: Collection[str] = ()) -> bool:
    """May the article page at ``article`` load ``url``? Its own origin, hosts the operator
    mapped (``--resolve``), and hosts whose every address is public: yes."""
    if urlsplit(url).scheme.lower() in _LOCAL_SCHEMES:
        return True
    wanted = _origin(url)
    if wanted == _origin(article):
        return True
    host = wanted[1]
    if not host:
        return False
    address = literal_address(host)
    if address is not None:
        return _is_public(address)
    if host.lower() in named_hosts:
        return True
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, wanted[2] or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False  # Chromium will not reach it either; refusing costs nothing
    found = [literal_address(str(info[4][0])) for info in infos]
    return bool(found) and all(a is not None and _is_public(a) for a in found)


async def fence_article(
    context: BrowserContext, article: str, named_hosts: Collection[str] = (), blocked: list[str] | None = None
) -> None:
    """Abort, in ``context``, every request and WebSocket the article page may not make
    (see :func:`public_or_same_origin`); their URLs are appended to ``blocked``."""
    named = {h.lower() for h in named_hosts}
    refused = blocked if blocked is not None else []

    async def on_request(route: Route) -> None:
        url = route.request.url
        try:
            if await public_or_same_origin(url, article, named):
                await route.fallback()
            else:
                refused.append(url)
                await route.abort("blockedbyclient")
        except PlaywrightError:
            pass  # the page or context closed while we decided

    async def on_websocket(ws: WebSocketRoute) -> None:
        try:
            if await public_or_same_origin(ws.url, article, named):
                ws.connect_to_server()
            else:
                refused.append(ws.url)
                await ws.close(code=1008, reason="blocked")
        except PlaywrightError:
            pass

    await context.route("**/*", on_request)
    await context.route_web_socket("**/*", on_websocket)


class DeadProxy:
    """A local port bound but never listening (connections to it are refused at once), as
    Chromium's proxy for every host but the ones that must be reached directly."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))  # held, never listening: no one else can serve it
        self.port = int(self._socket.getsockname()[1])

    def launch_args(self, direct_hosts: Collection[str], article_urls: Collection[str]) -> tuple[str, ...]:
        """Chromium flags: ``direct_hosts`` (any port) and the articles' own ``host:port``
        connect directly; everything else, loopback included, goes to the dead port."""
        direct = set(direct_hosts)
        for url in article_urls:
            _, host, port = _origin(url)
            if host:
                direct.add(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
        bypass = ";".join(["<-loopback>", *sorted(direct)])
        return (f"--proxy-server=http://127.0.0.1:{self.port}", f"--proxy-bypass-list={bypass}")

    def close(self) -> None:
        self._socket.close()
