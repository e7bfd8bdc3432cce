"""``--ca-bundle`` reaches Chromium: leaf + CA and leaf + intermediate chains are trusted."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from playwright.async_api import Error as PlaywrightError

from archiver.capture.browser import Browser, BrowserOptions
from tests.capture.conftest import chromium_or_skip

HOST = "platform.twitter.com"


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>trusted</title><p>hello</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(chain: bytes, key: bytes, tmp_path: Path) -> Iterator[int]:
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(tmp_path / "chain.pem"), str(tmp_path / "key.pem"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["leaf+ca", "leaf+intermediate"])
def chain_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    """A server for HOST sending the chain named by the parameter; the bundle holds the root."""
    root = trustme.CA()
    if request.param == "leaf+ca":
        leaf = root.issue_cert(HOST)
        chain = b"".join(b.bytes() for b in leaf.cert_chain_pems) + root.cert_pem.bytes()
    else:
        intermediate = root.create_child_ca()
        leaf = intermediate.issue_cert(HOST)
        chain = b"".join(b.bytes() for b in leaf.cert_chain_pems)  # leaf, intermediate: no root
    bundle = tmp_path / "bundle.pem"
    root.cert_pem.write_to_path(str(bundle))
    for port in _serve(chain, leaf.private_key_pem.bytes(), tmp_path):
        yield str(request.param), port, bundle


async def _title(options: BrowserOptions, port: int) -> str:
    async with Browser(options) as browser:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(f"https://{HOST}/", timeout=10000)
        return await page.title()


async def test_ca_bundle_is_trusted_by_the_browser(chain_server: tuple[str, int, Path]) -> None:
    _, port, bundle = chain_server
    options = BrowserOptions(
        executable=chromium_or_skip(),
        host_map=((HOST, "127.0.0.1", port),),
        allowed_hosts=(HOST,),
        ca_bundle=bundle,
    )
    assert await _title(options, port) == "trusted"


async def test_without_certutil_only_a_chain_that_carries_the_ca_is_trusted(
    chain_server: tuple[str, int, Path],
) -> None:
    """The documented limit of the SPKI list: it matches only certificates the server sends."""
    kind, port, bundle = chain_server
    options = BrowserOptions(
        executable=chromium_or_skip(),
        host_map=((HOST, "127.0.0.1", port),),
        allowed_hosts=(HOST,),
        ca_bundle=bundle,
        certutil="no-such-certutil",
    )
    if kind == "leaf+ca":
        assert await _title(options, port) == "trusted"
    else:
        with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
            await _title(options, port)


@pytest.mark.parametrize("chain_server", ["leaf+ca"], indirect=True)
async def test_without_a_bundle_a_private_ca_is_refused(chain_server: tuple[str, int, Path]) -> None:
    _, port, _ = chain_server
    options = BrowserOptions(
        executable=chromium_or_skip(), host_map=((HOST, "127.0.0.1", port),), allowed_hosts=(HOST,)
    )
    with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
        await _title(options, port)
