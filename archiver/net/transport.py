"""An httpx transport whose connections go where ``--resolve`` says, guarded by address.

A host the operator mapped with ``--resolve`` is connected to at the address given, unchecked
(the operator's decision); every other host is resolved by DNS and its answer must be a
global address (:func:`~archiver.net.guard.check_address`).

Only the TCP connection is redirected: httpx still sends the URL's host in the Host header and
httpcore still uses it for TLS SNI and certificate checks, so a mapped run writes the same
URLs into evidence and WARCs as a real one.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable, Mapping
from pathlib import Path

import anyio
import certifi
import httpcore
import httpx

from archiver.net.guard import check_address

__all__ = ["MappedBackend", "make_ssl_context", "make_transport"]

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class MappedBackend(httpcore.AsyncNetworkBackend):
    """Connect where the host map says, else resolve by DNS and check the answer."""

    def __init__(self, host_map: Mapping[str, tuple[str, int]], *, operator_named: bool = False) -> None:
        self._host_map = {host.lower(): target for host, target in host_map.items()}
        self._operator_named = operator_named  # a URL the operator typed: any address it names
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        mapped = self._host_map.get(host.lower().rstrip("."))
        if mapped is not None:  # named by the operator: connect to it as given
            address, port = mapped
            return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:  # httpx maps ConnectError: unknown, not a crash
            raise httpcore.ConnectError(f"{host}: cannot resolve ({exc})") from exc
        if not infos:
            raise httpcore.ConnectError(f"{host}: no address")
        ip = str(infos[0][4][0])
        if not self._operator_named:
            check_address(ip, host)
        return await self._inner.connect_tcp(ip, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def make_ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The public CAs, plus an extra one (a mirror, a proxy, the simulator) when given."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    context.set_alpn_protocols(["h2", "http/1.1"])
    return context


def make_transport(
    host_map: Mapping[str, tuple[str, int]],
    ca_bundle: Path | None,
    max_connections: int,
    *,
    operator_named: bool = False,
) -> httpx.AsyncHTTPTransport:
    """An HTTP/1.1 + HTTP/2 transport over :class:`MappedBackend`."""
    context = make_ssl_context(ca_bundle)
    transport = httpx.AsyncHTTPTransport(verify=context, http2=True)
    # httpx has no public way to pass a network backend; the pool is the documented seam of
    # httpcore, so replace the one httpx built with the same settings and our backend.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=30.0,
        http1=True,
        http2=True,
        network_backend=MappedBackend(host_map, operator_named=operator_named),
    )
    return transport
