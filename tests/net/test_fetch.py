"""The fetcher against the simulator: host map, guards, retries, caps, recording."""

from __future__ import annotations

import time

import pytest

from archiver.config import Settings
from archiver.errors import FetchError, HostNotAllowed, LoginWall, RateLimited, ResponseTooLarge
from archiver.net import Exchange, Fetcher
from archiver.testing.simx import ScenarioBuilder, SimX
from archiver.x.endpoints import syndication_url

TWEET = "1885659360262999349"
QUICK = Settings(retries=2, backoff=0.01, timeout=5)


def sim_with(*faults: dict[str, object]) -> SimX:
    builder = ScenarioBuilder("net").tweet(TWEET, handle="live_one", photos=[{"code": "AbCdEf1234"}])
    builder.link("Out1234567", "https://example.org/elsewhere")
    for fault in faults:
        builder.fault(**fault)  # type: ignore[arg-type]
    return SimX(builder.build())


async def test_host_map_keeps_real_url_host_header_and_tls_name() -> None:
    recorded: list[Exchange] = []
    with sim_with() as sim:
        async with Fetcher(sim.settings(QUICK), recorded.append) as fetcher:
            result = await fetcher.get(syndication_url(TWEET))
        hosts = [r.host for r in sim.requests]
    assert result.status == 200
    assert recorded[0].url.startswith("https://cdn.syndication.twimg.com/tweet-result?id=")
    assert hosts == ["cdn.syndication.twimg.com"]  # the Host header the server saw
    assert recorded[0].remote_ip == "127.0.0.1"  # where the connection really went
    assert ("accept-encoding", "gzip, deflate, br") in [
        (k.lower(), v) for k, v in recorded[0].request_headers
    ]


async def test_redirect_out_of_x_is_refused_at_the_hop() -> None:
    with sim_with() as sim:
        async with Fetcher(sim.settings(QUICK)) as fetcher:
            with pytest.raises(HostNotAllowed, match=r"example\.org"):
                await fetcher.get("https://t.co/Out1234567")


async def test_an_address_the_operator_names_is_connected_to() -> None:
    """--resolve HOST=127.0.0.1:PORT is the operator's decision: no private-address refusal."""
    with sim_with() as sim:
        settings = QUICK.with_changes(
            resolve=(("cdn.syndication.twimg.com", sim.address, sim.port),), ca_bundle=sim.certificates.ca_pem
        )
        async with Fetcher(settings) as fetcher:
            result = await fetcher.get(syndication_url(TWEET))
    assert result.status == 200


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"], ids=["dns-answer", "ip-literal"])
async def test_private_address_not_named_by_the_operator_is_refused(host: str) -> None:
    with sim_with() as sim:
        settings = sim.settings(QUICK)  # every X host mapped, but not this one
        async with Fetcher(settings, allowed_hosts=frozenset({host})) as fetcher:
            with pytest.raises(FetchError, match=r"non-public address 127\.0\.0\.1"):
                await fetcher.get(f"https://{host}:{sim.port}/tweet-result")
        assert sim.requests == []


async def test_retry_after_is_honoured_then_succeeds() -> None:
    recorded: list[Exchange] = []
    fault = {"kind": "status429", "host": "cdn.syndication.twimg.com", "times": 1, "retry_after": 1}
    with sim_with(fault) as sim:
        async with Fetcher(sim.settings(QUICK), recorded.append) as fetcher:
            started = time.monotonic()
            result = await fetcher.get(syndication_url(TWEET))
            waited = time.monotonic() - started
    assert result.status == 200
    assert [e.status for e in recorded] == [429, 200]  # the 429 is evidence too: recorded
    assert waited >= 0.9


@pytest.mark.parametrize("kind", ["status5xx", "reset", "truncate"])
async def test_transient_faults_are_retried(kind: str) -> None:
    with sim_with({"kind": kind, "host": "cdn.syndication.twimg.com", "times": 1}) as sim:
        async with Fetcher(sim.settings(QUICK)) as fetcher:
            result = await fetcher.get(syndication_url(TWEET))
    assert result.status == 200


async def test_persistent_rate_limit_raises_after_retries() -> None:
    with sim_with({"kind": "status429", "retry_after": 0}) as sim:
        async with Fetcher(sim.settings(QUICK)) as fetcher:
            with pytest.raises(RateLimited):
                await fetcher.get(syndication_url(TWEET))
        assert len(sim.requests) == QUICK.retries + 1


async def test_login_wall_is_its_own_error() -> None:
    with sim_with({"kind": "login_wall", "host": "x.com"}) as sim:
        async with Fetcher(sim.settings(QUICK)) as fetcher:
            with pytest.raises(LoginWall):
                await fetcher.get(f"https://x.com/live_one/status/{TWEET}")


async def test_response_size_cap() -> None:
    with sim_with() as sim:
        settings = sim.settings(QUICK).with_changes(max_response_bytes=100)
        async with Fetcher(settings) as fetcher:
            with pytest.raises(ResponseTooLarge):
                await fetcher.get("https://pbs.twimg.com/media/SimAbCdEf1234.png")
