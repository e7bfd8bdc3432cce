"""Hostile servers against the fetcher: DNS failures, slow drips, redirects and feeds that
aim at private addresses (issue 10, findings 3, 5 and 9). Canaries log any connection."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from archiver.api import scan
from archiver.config import Settings
from archiver.errors import FetchError, FetchTimeout, ScanError
from archiver.inputs import fetch_article
from archiver.net.fetch import Fetcher
from archiver.sources import Sources, expand_sources
from tests.hostile.servers import Canary, Site, address_forms, hostile_site

QUICK = Settings(retries=0, backoff=0.01, timeout=2)
STORY = b"<html><body><p>See https://twitter.com/jack/status/20 today.</p></body></html>"


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture
def site(canary: Canary) -> Iterator[Site]:
    with hostile_site(canary) as served:
        served.page("/story.html", STORY)
        yield served


async def test_dns_failure_is_a_fetch_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_such_name(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(anyio, "getaddrinfo", no_such_name)
    async with Fetcher(QUICK) as fetcher:
        with pytest.raises(FetchError, match="cannot resolve"):
            await fetcher.get("https://cdn.syndication.twimg.com/tweet-result?id=20")


async def test_slow_drip_server_is_cut_by_the_per_attempt_deadline(site: Site) -> None:
    settings = QUICK.with_changes(timeout=1.0)  # each byte comes sooner than any read timeout
    started = time.monotonic()
    async with Fetcher(settings, allowed_hosts=None, trusted_origins=(site.base,)) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.get(site.url("/drip"))
    assert time.monotonic() - started < 4


async def test_slow_drip_server_is_cut_by_the_overall_fetch_deadline(site: Site) -> None:
    settings = QUICK.with_changes(timeout=10.0, retries=3, fetch_deadline=1.0)
    started = time.monotonic()
    async with Fetcher(settings, allowed_hosts=None, trusted_origins=(site.base,)) as fetcher:
        with pytest.raises(FetchTimeout, match=r"within|fetch_deadline"):
            await fetcher.get(site.url("/drip"))
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("path", ["/to-canary", "/to-canary-int"], ids=["dotted", "integer-form"])
def test_redirect_from_the_operators_url_to_another_local_address_is_refused(
    site: Site, canary: Canary, path: str
) -> None:
    with pytest.raises(ScanError, match="non-public address"):
        fetch_article(site.url(path), settings=QUICK)
    assert canary.hits == []


def test_redirect_on_the_operators_own_origin_is_followed(site: Site) -> None:
    site.routes["/to-self"] = lambda h: (
        h.send_response(302),
        h.send_header("Location", "/story.html"),
        h.send_header("Content-Length", "0"),
        h.end_headers(),
    )
    assert "jack/status/20" in fetch_article(site.url("/to-self"), settings=QUICK)


def test_article_url_a_feed_chose_on_a_private_address_is_refused(
    site: Site, canary: Canary, tmp_path: Path
) -> None:
    bad = [f"{form}/item" for form in address_forms(canary.port)]
    items = "".join(f"<item><title>x</title><link>{url}</link></item>" for url in bad)
    items += f"<item><title>ok</title><link>{site.url('/story.html')}</link></item>"
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>"
    site.page("/feed.xml", feed.encode(), "application/rss+xml")
    expanded = expand_sources(Sources(feeds=(site.url("/feed.xml"),)), tmp_path, QUICK)
    assert expanded.errors == []
    assert site.url("/story.html") in expanded.inputs  # on the feed's own origin: the operator's
    assert site.url("/story.html") not in expanded.chosen
    result = scan(expanded.inputs, QUICK, chosen=expanded.chosen)
    assert result.articles == (site.url("/story.html"),)
    assert len(result.errors) == len(bad)
    assert canary.hits == []


def test_dns_failure_makes_the_tweet_unknown_and_the_check_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from archiver.api import check
    from archiver.testing.simx import SimX, load_scenario
    from tests.conftest import SEEDS

    real = anyio.getaddrinfo

    async def oembed_has_no_name(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host.startswith("publish."):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return await real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(anyio, "getaddrinfo", oembed_has_no_name)
    with SimX(load_scenario("seed")) as sim:
        settings = sim.settings(QUICK).with_changes(use_db=False)
        # oEmbed's hosts left out of --resolve: they go to DNS, which has no answer for them
        broken = tuple(entry for entry in settings.resolve if not entry[0].startswith("publish."))
        result = check([SEEDS / "storm-liveblog-embed-forms.html"], settings.with_changes(resolve=broken))
    assert result.rows  # every reference got a verdict: the run went on
    reasons = [reason for row in result.rows for reason in row.verdict.reasons]
    assert any("cannot resolve" in reason for reason in reasons), reasons


def test_article_fetches_are_recorded_hop_by_hop_in_the_checks_warc(site: Site, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    from archiver.api import check

    site.page("/plain.html", b"<html><body><p>No tweets here.</p></body></html>")
    site.routes["/moved"] = lambda h: (
        h.send_response(301),
        h.send_header("Location", "/plain.html"),
        h.send_header("Content-Length", "0"),
        h.end_headers(),
    )
    result = check([site.url("/moved")], QUICK.with_changes(use_db=False), record=tmp_path / "c.warc.gz")
    assert result.warc is not None
    with result.warc.open("rb") as stream:
        responses = [
            (r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode())
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert responses == [(site.url("/moved"), "301"), (site.url("/plain.html"), "200")]
