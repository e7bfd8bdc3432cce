"""The capture ends from what it sees: dead tweets never wait for the cap, and the rule is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archiver.capture.browser import Browser
from archiver.capture.page import capture_page
from archiver.testing.simx import SimX, load_scenario
from archiver.x.embed import INIT_SCRIPT, OBSERVE_SCRIPT, TWEET_SELECTOR
from archiver.x.endpoints import ALLOWED_HOSTS, embed_page_url

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]
CAP = 20.0
LIVE = "1885659360262999349"
DEAD = {
    "deleted-404": "1886021748128541394",
    "deleted-empty-object": "1886384135994376312",
    "deleted-tombstone": "1886746523861432593",
    "suspended": "1887108911725909942",
    "protected": "1887471299589842778",
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimX]:
    with SimX(load_scenario("every-state")) as server:
        yield server


async def test_live_tweet_ends_once_rendered_with_its_pictures(browser: Browser) -> None:
    capture = await capture_page(browser, embed_page_url(LIVE), allowed_hosts=ALLOWED_HOSTS, timeout=CAP)
    assert (capture.rendered, capture.done_rule) == ("tweet", "tweet-rendered")
    assert any("/profile_images/" in e.url and e.status == 200 for e in capture.exchanges)


@pytest.mark.parametrize("tweet_id", list(DEAD.values()), ids=list(DEAD))
async def test_a_tweet_that_cannot_load_ends_on_quiet_not_at_the_cap(browser: Browser, tweet_id: str) -> None:
    capture = await capture_page(browser, embed_page_url(tweet_id), allowed_hosts=ALLOWED_HOSTS, timeout=CAP)
    assert capture.rendered == "empty"
    assert capture.done_rule in ("not-a-tweet-quiet", "not-a-tweet-cap"), capture.done_rule
    assert capture.screenshot is not None and capture.error is None
    assert capture.evidence(tweet_id).outcome == "refused"  # derived from syndication: never "gone"


async def test_the_page_is_watched_for_twttr_embed_messages(browser: Browser) -> None:
    context = await browser.new_context()
    try:
        await context.add_init_script(INIT_SCRIPT)
        page = await context.new_page()
        await page.goto(embed_page_url(LIVE), wait_until="commit")
        message = '{"twttr.embed": {"id": "0", "method": "twttr.private.rendered", "params": []}}'
        await page.evaluate("(m) => window.postMessage(m, '*')", message)
        await page.wait_for_function("() => window.__archiverSeen.messages.length > 0")
        _, _, messages = await page.evaluate(OBSERVE_SCRIPT, TWEET_SELECTOR)
    finally:
        await context.close()
    assert messages == ["twttr.private.rendered"]
