"""What X's embed page looks like once it has rendered, as the browser capture sees it.

The embed iframe (``platform.twitter.com/embed/Tweet.html?id=…``) loads the syndication JSON
and renders the tweet, or an empty box when the tweet cannot load. The capture waits for one
of these, not for the load event (rendering happens after it).
"""

from __future__ import annotations

__all__ = ["READY_SCRIPT", "SCREENSHOT_SELECTOR", "TWEET_SELECTOR"]

TWEET_SELECTOR = 'article, [data-testid="tweet"]'
# What the screenshot is cropped to: the tweet, or the empty box shown in its place.
SCREENSHOT_SELECTOR = 'article, [data-testid="tweet"], [data-testid="tweet-empty"]'
# Returns "tweet", "empty", or null while neither has appeared yet.
READY_SCRIPT = """() => {
  const body = document.body;
  if (!body) return null;
  const marked = body.getAttribute('data-rendered');
  if (marked) return marked;
  if (document.querySelector('[data-testid="tweet-empty"], .tweet-empty')) return 'empty';
  const tweet = document.querySelector('article, [data-testid="tweet"]');
  if (tweet && tweet.innerText.trim()) {
    const images = Array.from(tweet.querySelectorAll('img'));
    return images.every((img) => img.complete) ? 'tweet' : null;
  }
  return null;
}"""
