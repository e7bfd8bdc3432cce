"""X's public endpoints, built in one place. The defaults are the real hosts.

A run against a mirror or the simulator keeps these URLs and maps host names to other
addresses (``--resolve``), so the URLs in evidence and WARCs are the real ones.
"""

from __future__ import annotations

from urllib.parse import urlencode

from archiver.x.token import syndication_token

__all__ = [
    "ALLOWED_HOSTS",
    "embed_page_url",
    "oembed_url",
    "status_page_url",
    "syndication_url",
]

SYNDICATION_HOST = "cdn.syndication.twimg.com"
OEMBED_HOST = "publish.twitter.com"
EMBED_HOST = "platform.twitter.com"
STATUS_HOST = "x.com"

# Every host a probe or a capture may reach. Anything else is refused (HostNotAllowed).
ALLOWED_HOSTS = frozenset(
    {
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
        "x.com",
        "www.x.com",
        "mobile.x.com",
        "t.co",
        "pic.twitter.com",
        "pic.x.com",
        "platform.twitter.com",
        "platform.x.com",
        "cdn.syndication.twimg.com",
        "syndication.twitter.com",
        "publish.twitter.com",
        "publish.x.com",
        "pbs.twimg.com",
        "video.twimg.com",
        "abs.twimg.com",
        "abs-0.twimg.com",
        "ton.twimg.com",
    }
)


def syndication_url(tweet_id: str, lang: str = "en") -> str:
    query = urlencode({"id": tweet_id, "lang": lang, "token": syndication_token(tweet_id)})
    return f"https://{SYNDICATION_HOST}/tweet-result?{query}"


def oembed_url(status_url: str) -> str:
    query = urlencode({"url": status_url, "omit_script": "1", "dnt": "true"})
    return f"https://{OEMBED_HOST}/oembed?{query}"


def embed_page_url(tweet_id: str, lang: str = "en") -> str:
    return f"https://{EMBED_HOST}/embed/Tweet.html?{urlencode({'id': tweet_id, 'lang': lang})}"


def status_page_url(tweet_id: str, handle: str | None = None) -> str:
    return f"https://{STATUS_HOST}/{handle or 'i/web'}/status/{tweet_id}"
