"""X's embed page as a capture sees it, and the rule that says its capture is done.

The embed iframe ``platform.twitter.com/embed/Tweet.html?id=…`` is a script-rendered page: it
asks ``cdn.syndication.twimg.com/tweet-result`` for the tweet (the real page adds ``features``
and other query parameters, so the request is matched by host and path), then renders the
tweet as an ``article`` under ``#app`` with the pictures the JSON names, or, for a tweet that
cannot load (404, ``{}``, a tombstone), leaves an empty box with no marker at all (X since
2022; ``../shared/x-samples/README.md``, "deleted or protected tweets render as an empty box").
So "done" is decided from what the recorder sees, not from anything the page writes for us:

* nothing is decided before the first ``tweet-result`` request finished or failed;
* a ``Tweet``: an ``article`` with text under ``#app``, every picture the JSON names (avatar,
  photos, video poster, the quoted tweet's) loaded or failed, matched by host and path since
  sizes vary (``?name=small``, ``_normal``/``_bigger``), then a short quiet network (telemetry
  and video streams do not count) and a short quiet DOM;
* anything else (404, ``{}``, a tombstone, an author-less tweet, a failed request): a short
  quiet network and DOM, capped at a few seconds after the answer;
* a message in widgets.js's ``twttr.embed`` protocol (``twttr.private.rendered``,
  ``no_results``; the JSON-RPC-like messages the iframe posts to its parent, see twitter's
  ``widgets.js``) may end the wait early. It is never required: the mirror and simx need not
  send one.

:func:`done_rule` is pure; ``capture/page.py`` feeds it an :class:`EmbedState` while it polls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "BACKGROUND_TRAFFIC",
    "DEAD_CAP_SECONDS",
    "EMBED_MESSAGES",
    "IMAGE_WAIT_SECONDS",
    "INIT_SCRIPT",
    "OBSERVE_SCRIPT",
    "QUIET_DEAD_SECONDS",
    "QUIET_TWEET_SECONDS",
    "SCREENSHOT_SELECTOR",
    "SYNDICATION_HOST",
    "SYNDICATION_PATH",
    "TWEET_SELECTOR",
    "Answer",
    "EmbedState",
    "answer_of",
    "done_rule",
    "image_key",
    "images_named",
    "is_background",
    "is_embed_page",
    "is_syndication",
]

EMBED_HOSTS = frozenset({"platform.twitter.com", "platform.x.com"})
EMBED_PATH = "/embed/Tweet.html"
SYNDICATION_HOST = "cdn.syndication.twimg.com"
SYNDICATION_PATH = "/tweet-result"
# The tweet as the embed renders it (the mirror and X's React page: an article in #app).
TWEET_SELECTOR = "#app article"
# What the screenshot is cropped to; with no tweet there, the whole viewport (the empty box).
SCREENSHOT_SELECTOR = TWEET_SELECTOR
# Requests that never end a quiet period: X's telemetry beacon (syndication.twitter.com/i/jot,
# sent by widgets.js) and video streams (video.twimg.com serves HLS segments for as long as a
# video plays). (host, path prefix); "" matches any path.
BACKGROUND_TRAFFIC = (("syndication.twitter.com", "/i/jot"), ("video.twimg.com", ""))
# widgets.js's twttr.embed methods that mean the iframe has finished (rendered or nothing).
EMBED_MESSAGES = frozenset({"twttr.private.rendered", "no_results"})

QUIET_TWEET_SECONDS = 0.1  # quiet network and DOM once a tweet's article and pictures are in
QUIET_DEAD_SECONDS = 0.2  # quiet network and DOM after an answer that is not a tweet
DEAD_CAP_SECONDS = 3.0  # after such an answer, never wait longer than this
IMAGE_WAIT_SECONDS = 5.0  # a named picture the page never asks for stops being waited for

_SIZE_SUFFIX = re.compile(r"_(?:normal|bigger|mini|reasonably_small|x96|\d+x\d+)$")


def _host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path


def is_embed_page(url: str) -> bool:
    host, path = _host_path(url)
    return host in EMBED_HOSTS and path == EMBED_PATH


def is_syndication(url: str) -> bool:
    """The embed's request for the tweet, whatever its query parameters."""
    return _host_path(url) == (SYNDICATION_HOST, SYNDICATION_PATH)


def is_background(url: str) -> bool:
    """Telemetry and streams: traffic that says nothing about the page being rendered."""
    host, path = _host_path(url)
    return any(host == h and path.startswith(p) for h, p in BACKGROUND_TRAFFIC)


def image_key(url: str) -> tuple[str, str]:
    """Host and path without extension and size suffix: ``media/X.jpg`` ~ ``media/X?format=jpg``."""
    host, path = _host_path(url)
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        path = stem
    return host, _SIZE_SUFFIX.sub("", path)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the first ``tweet-result`` response said: a tweet, something else, or a failure."""

    kind: str  # "tweet", "not_tweet" or "failed"
    images: frozenset[tuple[str, str]] = frozenset()  # image_key of each picture it names


def answer_of(status: int | None, body: bytes | None, failed: str | None) -> Answer:
    """Classify the syndication response the page got (shapes: ``archiver/x/parsers.py``)."""
    if failed is not None or status is None or status == 429 or status >= 500:
        return Answer("failed")
    if status != 200:
        return Answer("not_tweet")  # 404: the tweet does not load
    try:
        data = json.loads((body or b"").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Answer("failed")
    if not isinstance(data, dict) or data.get("__typename") != "Tweet":
        return Answer("not_tweet")  # {} or a TweetTombstone
    if not isinstance(data.get("user"), dict):
        return Answer("not_tweet")  # an author-less tweet (suspended account) does not render
    return Answer("tweet", images_named(data))


def images_named(data: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """The pictures a syndication ``Tweet`` names: avatar, photos, video posters, quoted tweet's."""
    urls: list[str] = []
    user = data.get("user")
    if isinstance(user, dict) and isinstance(user.get("profile_image_url_https"), str):
        urls.append(user["profile_image_url_https"])
    for item in data.get("mediaDetails") or ():
        if isinstance(item, dict) and isinstance(item.get("media_url_https"), str):
            urls.append(item["media_url_https"])  # a photo, or a video's poster
    quoted = data.get("quoted_tweet")
    keys = {image_key(url) for url in urls}
    if isinstance(quoted, dict):
        keys |= images_named(quoted)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class EmbedState:
    """One look at the page while it loads (seconds are since the event named)."""

    answer: Answer | None  # None until the first tweet-result request finished or failed
    since_answer: float = 0.0
    article_text: bool = False  # an article with text under #app
    images_pending: int = 0  # named pictures not yet loaded or failed
    network_quiet: float = 0.0  # nothing (but background traffic) in flight for this long
    dom_quiet: float = 0.0  # no DOM mutation for this long
    messages: tuple[str, ...] = ()  # twttr.embed methods the page posted


def done_rule(state: EmbedState) -> str | None:
    """The rule that ends the capture now (recorded in the metadata), or None to keep waiting."""
    early = next((m for m in state.messages if m in EMBED_MESSAGES), None)
    if early is not None:
        return f"message:{early}"
    answer = state.answer
    if answer is None:
        return None
    if answer.kind == "tweet":
        if not state.article_text:
            return None
        quiet = min(state.network_quiet, state.dom_quiet) >= QUIET_TWEET_SECONDS
        if quiet and state.images_pending == 0:
            return "tweet-rendered"
        if quiet and state.since_answer >= IMAGE_WAIT_SECONDS:
            return "tweet-rendered-pictures-missing"
        return None
    prefix = "not-a-tweet" if answer.kind == "not_tweet" else "answer-failed"
    if min(state.network_quiet, state.dom_quiet) >= QUIET_DEAD_SECONDS:
        return f"{prefix}-quiet"
    if state.since_answer >= DEAD_CAP_SECONDS:
        return f"{prefix}-cap"
    return None


# Installed before the page's own scripts: when the DOM last changed, and the twttr.embed
# messages posted (the embed posts to its parent; a top-level page is its own parent).
INIT_SCRIPT = """(() => {
  const seen = {mutated: performance.now(), messages: []};
  Object.defineProperty(window, '__archiverSeen', {value: seen, enumerable: false});
  new MutationObserver(() => { seen.mutated = performance.now(); }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  window.addEventListener('message', (event) => {
    try {
      const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
      const call = data && data['twttr.embed'];
      if (call && call.method) seen.messages.push(String(call.method));
    } catch (error) { /* not a twttr.embed message */ }
  });
})();"""
# [article with text?, ms since the last DOM mutation, twttr.embed methods seen]
OBSERVE_SCRIPT = """(selector) => {
  const seen = window.__archiverSeen || {mutated: 0, messages: []};
  const article = document.querySelector(selector);
  const text = article ? (article.innerText || '').trim() : '';
  return [text.length > 0, performance.now() - seen.mutated, seen.messages.slice()];
}"""
