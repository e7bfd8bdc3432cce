"""`archive --with-article`: the article page reaches its own origin and public addresses,
never another local port, whatever form the address takes (issue 10, finding 4)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from archiver.capture.browser import Browser, BrowserOptions
from archiver.capture.fence import DeadProxy, fence_article, literal_address, public_or_same_origin
from archiver.capture.page import capture_page
from archiver.x.endpoints import ALLOWED_HOSTS
from tests.capture.conftest import chromium_or_skip
from tests.hostile.servers import Canary, address_forms, hostile_site


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.org", None),
        ("cafe", None),
    ],
)
def test_literal_address_reads_every_form_a_url_parser_accepts(host: str, expected: str | None) -> None:
    found = literal_address(host)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/style.css", True),  # the article's own origin
        ("http://127.0.0.1:8001/style.css", False),  # the same host on another port
        ("http://2130706433:8001/x", False),
        ("http://[::ffff:127.0.0.1]:8001/x", False),
        ("http://169.254.169.254/latest/meta-data/", False),  # cloud metadata, link-local
        ("http://10.0.0.1/", False),
        ("http://8.8.8.8/x.png", True),  # a public address
        ("ws://127.0.0.1:8001/socket", False),
        ("ws://127.0.0.1:8000/socket", True),
        ("data:image/png;base64,AAAA", True),
    ],
)
async def test_article_may_load_its_origin_and_public_addresses_only(url: str, allowed: bool) -> None:
    assert await public_or_same_origin(url, "http://127.0.0.1:8000/story.html") is allowed


async def test_article_subresources_on_private_addresses_are_blocked_in_every_form(tmp_path: Path) -> None:
    canary = Canary()
    forms = address_forms(canary.port)
    page = "".join(
        [f'<link rel="preconnect" href="{forms[0]}"><link rel="dns-prefetch" href="{forms[1]}">']
        + [
            f'<link rel="stylesheet" href="{forms[0]}/css">',
            f"<style>body{{background:url({forms[0]}/bg)}}</style>",
        ]
        + [f'<img src="{form}/img">' for form in forms]
        + [
            f'<iframe src="{forms[1]}/iframe"></iframe>',
            "<script>",
            f"fetch('{forms[2]}/fetch').catch(() => 0);",
            f"navigator.sendBeacon('{forms[3]}/beacon', 'x');",
            f"try {{ new WebSocket('ws://127.0.0.1:{canary.port}/ws'); }} catch (e) {{}}",
            "</script><p>the story</p>",
        ]
    )
    blocked: list[str] = []
    try:
        with hostile_site(canary) as site:
            site.page("/story.html", page.encode())
            site.page("/own.css", b"p{color:red}", "text/css")
            url = site.url("/story.html")
            dead = DeadProxy()
            options = BrowserOptions(
                executable=chromium_or_skip(),
                allowed_hosts=ALLOWED_HOSTS | {"127.0.0.1"},
                extra_args=dead.launch_args(ALLOWED_HOSTS, [url]),
            )
            async with Browser(options) as browser:
                capture = await capture_page(
                    browser,
                    url,
                    allowed_hosts=(*ALLOWED_HOSTS, "127.0.0.1"),
                    timeout=10,
                    wait_for_tweet=False,
                    prepare=partial(fence_article, article=url, blocked=blocked),
                )
            dead.close()
    finally:
        canary.close()
    assert canary.hits == []
    recorded = [e.url for e in capture.exchanges]
    assert url in recorded
    assert not [u for u in recorded if f":{canary.port}" in u]
    assert any("/fetch" in u for u in blocked) and any(u.startswith("ws://") for u in blocked)
