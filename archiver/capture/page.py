"""Capture one page in a fresh context: every byte, a screenshot, the visible text.

The embed page renders after the load event and writes no "done" marker, so the capture
decides from what it sees: the recorder's requests (the tweet's JSON, the pictures it names,
requests in flight) and the page's DOM (the tweet's article, the time since it last changed),
polled and handed to the platform's rule (:func:`archiver.x.embed.done_rule`). The rule that
ended the wait is kept (``PageCapture.done_rule``). Other pages (a status page, an article)
wait for the load event and a quiet network (counting requests in flight, which is faster than
Playwright's ``networkidle`` fixed 500 ms). All under one time cap: a capture that runs out of
time is *partial*, never a hung run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from archiver.capture.browser import Browser
from archiver.capture.recorder import Recorder
from archiver.errors import CaptureError
from archiver.models import Evidence, Outcome, TweetFacts
from archiver.net.exchange import Exchange
from archiver.x.embed import (
    INIT_SCRIPT,
    OBSERVE_SCRIPT,
    SCREENSHOT_SELECTOR,
    TWEET_SELECTOR,
    Answer,
    EmbedState,
    answer_of,
    done_rule,
    image_key,
    is_background,
    is_embed_page,
    is_syndication,
)

__all__ = ["EMBED_PAGE", "PageCapture", "capture_page"]

EMBED_PAGE = "embed_page"
QUIET_SECONDS = 0.05  # nothing in flight for this long after the page is done: settled
POLL_SECONDS = 0.03
SCREENSHOT_TIMEOUT_MS = 5000
CAP_RULE = "cap"


@dataclass(frozen=True, slots=True)
class PageCapture:
    """What one page gave: its exchanges and the picture and text of what it showed."""

    url: str
    page_id: str
    started_at: str
    seconds: float
    rendered: str  # "tweet", "empty", or "partial" (ran out of time or failed)
    exchanges: tuple[Exchange, ...]
    screenshot: bytes | None
    text: str | None
    blocked: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    done_rule: str = ""  # which rule ended the wait ("cap": the time cap did)

    def evidence(self, tweet_id: str) -> Evidence:
        """What the rendered embed says. It derives from the syndication JSON, so it is never
        a second independent source of absence: an empty box is only ``refused``."""
        if self.rendered == "tweet":
            facts = TweetFacts(tweet_id=tweet_id, text=self.text)
            return Evidence(EMBED_PAGE, self.url, Outcome.FOUND, 200, facts=facts, fetched_at=self.started_at)
        if self.rendered == "empty":
            detail = "the embed rendered an empty box"
            return Evidence(
                EMBED_PAGE, self.url, Outcome.REFUSED, 200, detail=detail, fetched_at=self.started_at
            )
        detail = f"partial capture: {self.error or 'the embed did not render in time'}"
        return Evidence(EMBED_PAGE, self.url, Outcome.ERROR, None, detail=detail, fetched_at=self.started_at)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def capture_page(
    browser: Browser,
    url: str,
    *,
    allowed_hosts: Collection[str],
    timeout: float,
    page_id: str | None = None,
    wait_for_tweet: bool = True,
    prepare: Callable[[BrowserContext], Awaitable[None]] | None = None,
) -> PageCapture:
    """Load ``url`` in a new context and record it (see the module docstring).

    With ``wait_for_tweet`` false (an article page), the capture waits for the load event
    instead of a rendered tweet, then for the quiet network.
    """
    page_id = page_id or str(uuid.uuid4())
    started_at = _now()
    clock = time.perf_counter()
    loop = asyncio.get_event_loop()
    deadline = loop.time() + timeout
    timings: dict[str, float] = {}
    context = await browser.new_context()
    if prepare is not None:  # e.g. the article fence (capture/fence.py), before any request
        await prepare(context)
    rendered, error, rule = "partial", None, CAP_RULE
    screenshot = text = None
    embed = wait_for_tweet and is_embed_page(url)
    try:
        if embed:
            await context.add_init_script(INIT_SCRIPT)
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        recorder = Recorder(cdp, allowed_hosts, background=is_background)
        await recorder.start()
        watch = _EmbedWatch(recorder, page)
        try:
            async with asyncio.timeout(timeout):
                await page.goto(url, wait_until="commit")
                timings["commit"] = time.perf_counter() - clock
                if embed:
                    rule = await watch.until_done()
                    rendered = watch.rendered(rule)
                    if watch.answer is not None and watch.answer.kind == "failed":
                        error = "the tweet-result request failed in the page"
                else:
                    await page.wait_for_load_state("load")
                    rendered, rule = "page", "load"
                timings["rendered"] = time.perf_counter() - clock
        except TimeoutError:
            error = f"no tweet rendered within {timeout:g} s"
        except PlaywrightError as exc:
            error = exc.message.splitlines()[0]
        # The picture is taken while the last requests settle: both are needed, neither waits.
        quiet = recorder.quiet(QUIET_SECONDS, max(deadline, loop.time() + QUIET_SECONDS * 4))
        (screenshot, text), _ = await asyncio.gather(_picture_and_text(page), quiet)
        timings["settled"] = time.perf_counter() - clock
        await recorder.drain()
        exchanges = tuple(recorder.exchanges(page_id))
        blocked, failed = tuple(recorder.blocked()), tuple(recorder.failed())
    except PlaywrightError as exc:
        raise CaptureError(f"{url}: the browser failed ({exc.message.splitlines()[0]})") from exc
    finally:
        with contextlib.suppress(PlaywrightError):  # a dead browser is relaunched next time
            await context.close()
    return PageCapture(
        url=url,
        page_id=page_id,
        started_at=started_at,
        seconds=time.perf_counter() - clock,
        rendered=rendered,
        exchanges=exchanges,
        screenshot=screenshot,
        text=text,
        blocked=blocked,
        failed=failed,
        error=error,
        timings=timings,
        done_rule=rule,
    )


class _EmbedWatch:
    """Polls the recorder and the DOM into :class:`~archiver.x.embed.EmbedState`s."""

    def __init__(self, recorder: Recorder, page: Page) -> None:
        self._recorder = recorder
        self._page = page
        self.answer: Answer | None = None
        self._answered_at = 0.0
        self._article = False

    async def until_done(self) -> str:
        loop = asyncio.get_event_loop()
        while True:
            state = await self._look(loop.time())
            rule = done_rule(state)
            if rule is not None:
                return rule
            await asyncio.sleep(POLL_SECONDS)

    def rendered(self, rule: str) -> str:
        """ "tweet" (an article with text), "empty" (an answer, but no tweet), else "partial"."""
        if self._article:
            return "tweet"
        if (self.answer is not None and self.answer.kind == "not_tweet") or rule.startswith("message:"):
            return "empty"
        return "partial"

    async def _look(self, now: float) -> EmbedState:
        if self.answer is None:
            self.answer = self._syndication_answer()
            self._answered_at = now
        try:
            article, dom_ms, messages = await self._page.evaluate(OBSERVE_SCRIPT, TWEET_SELECTOR)
        except PlaywrightError:
            if self._page.is_closed():
                raise
            article, dom_ms, messages = False, 0.0, []  # the document is being replaced
        self._article = bool(article)
        return EmbedState(
            answer=self.answer,
            since_answer=now - self._answered_at,
            article_text=self._article,
            images_pending=self._images_pending(),
            network_quiet=self._recorder.quiet_for(),
            dom_quiet=float(dom_ms) / 1000,
            messages=tuple(str(m) for m in messages),
        )

    def _syndication_answer(self) -> Answer | None:
        """The first tweet-result request's answer, once it finished (body fetched) or failed."""
        for info in self._recorder.requests.values():
            if not info.hops or not is_syndication(info.hops[0].url):
                continue
            if info.finished:  # loaded: wait for its body (b"" when Chromium kept none)
                return None if info.body is None else answer_of(info.hops[-1].status, info.body, None)
            if info.failed is not None:  # a status received (a 404 the page then aborted) counts
                status = info.hops[-1].status
                return answer_of(status, None, info.failed if status in (None, 200) else None)
            return None
        return None

    def _images_pending(self) -> int:
        if self.answer is None or not self.answer.images:
            return 0
        settled = {
            image_key(info.hops[-1].url)
            for info in self._recorder.requests.values()
            if info.hops and (info.finished or info.failed is not None)
        }
        return len(self.answer.images - settled)


_BOX_AND_TEXT = """(selector) => {
  const tweet = document.querySelector(selector);
  const text = document.body ? document.body.innerText : '';
  if (!tweet) return [null, text];
  const r = tweet.getBoundingClientRect();
  const box = {x: Math.max(0, r.x), y: Math.max(0, r.y)};
  return [{...box, width: Math.ceil(r.width), height: Math.ceil(r.height)}, text];
}"""


async def _picture_and_text(page: Page) -> tuple[bytes | None, str | None]:
    """A PNG of the tweet (the whole viewport when no tweet is there) and the visible text."""
    try:
        box, text = await page.evaluate(_BOX_AND_TEXT, SCREENSHOT_SELECTOR)
        if box and box["width"] > 0 and box["height"] > 0:
            picture = await page.screenshot(type="png", clip=box, timeout=SCREENSHOT_TIMEOUT_MS)
        else:
            picture = await page.screenshot(type="png", timeout=SCREENSHOT_TIMEOUT_MS)
    except PlaywrightError:
        return None, None
    return picture, str(text)
