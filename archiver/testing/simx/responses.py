"""The bodies the simulated X sends, in the shapes of ``../shared/x-samples``.

Quirks kept on purpose: 2026 ``entities`` with ``{}`` for empty lists, ``pic.twitter.com``
display URLs wrapping a ``t.co`` code, tombstones whose text ends in "Learn more" with an
entity pointing at help.twitter.com, oEmbed JSON with ``\\/`` and ``\\u003C`` escapes and an
``html`` ending in a blank line, t.co's meta-refresh page for browsers.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import re
import time
from datetime import datetime, timedelta
from typing import Any

from archiver.testing.simx.scenario import Scenario, TweetView

__all__ = [
    "EMBED_SCRIPT",
    "TCO_HEADERS",
    "display_url",
    "embed_page",
    "oembed_body",
    "oembed_headers",
    "oembed_status",
    "short_link_page",
    "status_page",
    "syndication_body",
    "syndication_json",
    "tombstone_text",
]

HELP_URL = "https://help.twitter.com/rules-and-policies/notices-on-twitter"
TOMBSTONES = {
    "deleted_tombstone": "This Post was deleted by the Post author. Learn more",
    "suspended": "This Post is from a suspended account. Learn more",
    "protected": (
        "You’re unable to view this Post because this account owner limits who can view "
        "their Posts. Learn more"
    ),
    "age_restricted": (
        "Age-restricted adult content. This content might not be appropriate for people under "
        "18 years old. To view this media, you’ll need to log in to X. Learn more"
    ),
    "withheld": "This Post from @{handle} has been withheld in {country} based on local law(s). Learn more",
    "unavailable": "This Post is unavailable. Learn more",
    "violated": "This Post violated the X Rules. Learn more",
    "account_gone": "This Post is from an account that no longer exists. Learn more",
}


def _created(view: TweetView) -> datetime:
    return datetime.fromisoformat(view.created_at.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tombstone_text(view: TweetView) -> str:
    return TOMBSTONES[view.state].format(handle=view.handle, country=view.withheld_in)


EDITABLE_FOR = timedelta(hours=1)  # editable_until_msecs - created_at in the 2026 text sample
DISPLAY_CHARS = 25  # syndication-tweet-photo-2023.json: "github.com/reactwg/react-…"


def display_url(expanded: str) -> str:
    """How X shows a link: no scheme, cut after 25 characters with "…" (the photo sample)."""
    bare = expanded.split("://", 1)[-1]
    return bare[:DISPLAY_CHARS] + ("…" if len(bare) > DISPLAY_CHARS else "")


def _entities_list(items: list[dict[str, Any]]) -> list[dict[str, Any]] | dict[str, Any]:
    return items if items else {}  # the 2026 quirk: an empty list is sent as {}


def tweet_json(view: TweetView, scenario: Scenario, phase: int, depth: int = 0) -> dict[str, Any]:
    """A syndication ``Tweet`` object (counters vary with the phase; they are volatile)."""
    visible = view.text
    text = visible
    urls = []
    for code, expanded in view.links:
        short = f"https://t.co/{code}"
        start = text.find(short)
        if start < 0:
            text = f"{text} {short}"
            start = text.find(short)
        urls.append(
            {
                "display_url": display_url(expanded),
                "expanded_url": expanded,
                "indices": [start, start + len(short)],
                "url": short,
            }
        )
    media_entities = []
    media_details = []
    photos = []
    status_url = f"https://twitter.com/{view.handle}/status/{view.id}"
    for number, photo in enumerate(view.photos, start=1):
        short = f"https://t.co/{photo.code}"
        if number == 1:
            text = f"{text} {short}"
        start = text.find(short)
        entity = {
            "display_url": f"pic.twitter.com/{photo.code}",
            "expanded_url": f"{status_url}/photo/{number}",
            "indices": [start, start + len(short)],
            "url": short,
        }
        media_entities.append(entity)
        media_url = f"https://pbs.twimg.com/media/{photo.media_key}.png"
        media_details.append(
            entity
            | {
                "ext_media_availability": {"status": "Available"},
                "media_url_https": media_url,
                "original_info": {"height": 135, "width": 240, "focus_rects": []},
                "sizes": {"small": {"h": 135, "resize": "fit", "w": 240}},
                "type": "photo",
            }
        )
        photos.append(
            {
                "backgroundColor": {"red": 204, "green": 214, "blue": 221},
                "cropCandidates": [],
                "expandedUrl": entity["expanded_url"],
                "url": media_url,
                "width": 240,
                "height": 135,
            }
        )
    created = _created(view)
    edit_ids = list(view.edit_ids or (view.id,))
    data: dict[str, Any] = {
        "__typename": "Tweet",
        "lang": view.lang,
        "favorite_count": 10 + 7 * phase,
        "created_at": _iso(created),
        "display_text_range": [0, len(visible)],
        "entities": {
            "hashtags": {},
            "urls": _entities_list(urls),
            "user_mentions": {},
            "symbols": {},
            **({"media": media_entities} if media_entities else {}),
        },
        "id_str": view.id,
        "text": text,
        "user": {
            "id_str": view.user_id,
            "name": view.name,
            "screen_name": view.handle,
            "is_blue_verified": False,
            "profile_image_shape": "Circle",
            "verified": False,
            "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{view.user_id}/sim_normal.png",
        },
        "edit_control": {
            "edit_tweet_ids": edit_ids,
            "editable_until_msecs": str(int((created + EDITABLE_FOR).timestamp() * 1000)),
            "is_edit_eligible": True,
            "edits_remaining": str(max(0, 6 - len(edit_ids))),
        },
        "conversation_count": 1 + phase,
        "news_action_type": "conversation",
        "isEdited": len(edit_ids) > 1 and edit_ids[-1] == view.id,
        "isStaleEdit": view.stale_edit,
    }
    if media_details:
        data["mediaDetails"] = media_details
        data["photos"] = photos
    if view.quoted_id and depth == 0:
        quoted = scenario.view(view.quoted_id, phase)
        if quoted is not None and quoted.state == "live":
            data["quoted_tweet"] = tweet_json(quoted, scenario, phase, depth + 1)
    return data


def syndication_json(data: Any) -> bytes:
    """The body bytes: compact JSON, UTF-8 (the samples' key order; their indentation is the
    documentation's, not the wire's)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def syndication_body(view: TweetView | None, scenario: Scenario, phase: int) -> tuple[int, Any]:
    """Status and JSON for ``tweet-result``; None as body means an empty 404."""
    if view is None or view.state == "deleted_404":
        return 404, None
    if view.state == "deleted_empty":
        return 200, {}
    if view.state == "live":
        return 200, tweet_json(view, scenario, phase)
    text = tombstone_text(view)
    start = text.rfind("Learn more")
    return 200, {
        "__typename": "TweetTombstone",
        "tombstone": {
            "text": {
                "text": text,
                "entities": [
                    {
                        "from_index": start,
                        "to_index": start + len("Learn more"),
                        "ref": {
                            "__typename": "TimelineUrl",
                            "url": HELP_URL,
                            "url_type": "ExternalUrl",
                        },
                    }
                ],
                "rtl": False,
            }
        },
    }


def _display_date(view: TweetView) -> str:
    created = _created(view)
    return f"{created:%B} {created.day}, {created.year}"


_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_BARE_TCO = re.compile(r"(?<![\">])(https?://t\.co/\w+)")


def _text_html(view: TweetView) -> str:
    """The tweet's text as oEmbed writes it (blockquote-from-oembed-*.html): mentions linked
    with ``ref_src``, each link's t.co as href and its display URL as text; a t.co URL with no
    entity (2014 sample) is shown as itself."""
    text = html.escape(view.text, quote=False).replace("\n", "<br>")
    text = _MENTION.sub(
        lambda m: f'<a href="https://twitter.com/{m[1]}?ref_src=twsrc%5Etfw">@{m[1]}</a>', text
    )
    known = {f"https://t.co/{code}" for code, _ in view.links}
    text = _BARE_TCO.sub(lambda m: m[1] if m[1] in known else f'<a href="{m[1]}">{m[1]}</a>', text)
    parts = [text]
    for code, expanded in view.links:
        short = f"https://t.co/{code}"
        link = f'<a href="{short}">{html.escape(display_url(expanded), quote=False)}</a>'
        if short in parts[0]:
            parts[0] = parts[0].replace(short, link)
        else:
            parts.append(link)
    if view.photos:
        code = view.photos[0].code
        parts.append(f'<a href="https://t.co/{code}">pic.twitter.com/{code}</a>')
    return " ".join(parts)


def oembed_status(view: TweetView | None) -> tuple[int, dict[str, Any]]:
    """oEmbed answers by state: 200 for visible tweets, 403 with a reason, else 404."""
    if view is None or view.state in ("deleted_404", "deleted_empty", "deleted_tombstone"):
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
    if view.state == "protected":
        return 403, {"error": "Sorry, you are not authorized to see this status."}
    if view.state == "suspended":
        return 403, {"error": "User has been suspended."}
    if view.state in ("unavailable", "violated", "account_gone"):
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
    return 200, {}


def oembed_body(view: TweetView, omit_script: bool) -> dict[str, Any]:
    status_url = f"https://twitter.com/{view.handle}/status/{view.id}"
    blockquote = (
        f'<blockquote class="twitter-tweet"><p lang="{view.lang}" dir="ltr">{_text_html(view)}</p>'
        f"&mdash; {html.escape(view.name)} (@{view.handle}) "
        f'<a href="{status_url}?ref_src=twsrc%5Etfw">{_display_date(view)}</a></blockquote>\n'
    )
    if not omit_script:
        blockquote += (
            '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
        )
    return {
        "url": status_url,
        "author_name": view.name,
        "author_url": f"https://twitter.com/{view.handle}",
        "html": blockquote + "\n",
        "width": 550,
        "height": None,
        "type": "rich",
        "cache_age": "3153600000",
        "provider_name": "Twitter",
        "provider_url": "https://twitter.com",
        "version": "1.0",
    }


def twitter_json(data: Any) -> bytes:
    """JSON escaped as X's endpoints escape it (``\\/``, ``\\u003C``, ``\\u003E``)."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("/", "\\/").replace("<", "\\u003C").replace(">", "\\u003E").encode()


# t.co's answer to a browser (tco-redirect-page-2020-05-25.response.json), per-response values left out.
TCO_HEADERS = [
    ("Cache-Control", "private,max-age=300"),
    ("Strict-Transport-Security", "max-age=0"),
    ("Vary", "Origin"),
    ("X-XSS-Protection", "0"),
]


def oembed_headers() -> list[tuple[str, str]]:
    """oEmbed's headers (oembed-publish.x.com-2024-06-10.response.json): its four cookies too."""
    expires = email.utils.formatdate(time.time() + 63072000, usegmt=True)
    cookie = "; Max-Age=63072000; Expires=" + expires + "; Path=/; Domain=.twitter.com; Secure; SameSite=None"
    return [
        ("Cache-Control", "must-revalidate, max-age=3153600000"),
        ("Set-Cookie", "guest_id_marketing=v1%3A171803517034874503" + cookie),
        ("Set-Cookie", "guest_id_ads=v1%3A171803517034874503" + cookie),
        ("Set-Cookie", 'personalization_id="v1_c2ltdWxhdGVkIFggc2Vzc2lvbg=="' + cookie),
        ("Set-Cookie", "guest_id=v1%3A171803517034874503" + cookie),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-XSS-Protection", "0"),
        ("Content-Disposition", "attachment; filename=json.json"),
        ("X-Content-Type-Options", "nosniff"),
        ("Strict-Transport-Security", "max-age=631138519"),
    ]


def short_link_page(target: str) -> bytes:
    """The page t.co sends a browser, byte for byte as in the sample (target put in)."""
    escaped = target.replace("/", "\\/")
    return (
        f'<head><noscript><META http-equiv="refresh" content="0;URL={html.escape(target)}"></noscript>'
        f"<title>{html.escape(target)}</title></head><script>window.opener = null; "
        f'location.replace("{escaped}")</script>'
    ).encode()


def status_page(view: TweetView | None, path: str, now: float | None = None) -> tuple[int, bytes]:
    """A logged-out x.com status page as in June 2024 (status-page-…-migrate sample, abridged to
    what it does): 200, a shell that meta-refreshes to ``twitter.com/x/migrate?tok=…``, where the
    token is the hex of ``{"e":PATH,"t":UNIX_TIME}`` and a 16-byte signature. The page does not
    depend on the post's state (the server answers before the app knows it)."""
    payload = json.dumps({"e": path, "t": int(time.time() if now is None else now)}, separators=(",", ":"))
    signature = hashlib.sha256(b"simx:" + payload.encode()).hexdigest()[:32]
    target = f"https://twitter.com/x/migrate?tok={payload.encode().hex()}{signature}"
    body = (
        "\n    <!DOCTYPE html>\n    <head>\n      <title>x.com</title>\n"
        f'      <meta http-equiv="refresh" content="0; url = {target}" />\n'
        '      <meta charset="utf-8">\n'
        f'      <script type="text/javascript" charset="utf-8">document.location = "{target}"</script>\n'
        '      </head>\n    <body style="background: #000">\n\n    </body>\n    </html>\n    '
    )
    return 200, body.encode()


def embed_page(tweet_id: str, lang: str) -> bytes:
    """``platform.twitter.com/embed/Tweet.html``: a shell whose script loads and renders.

    A tweet that cannot load leaves ``#app`` empty: nothing in the page names the state (X's
    page shows an empty box; docs/simx.md)."""
    return (
        '<!DOCTYPE html><html lang="' + html.escape(lang) + '"><head><meta charset="utf-8">'
        "<title>X Post</title><style>"
        "body{margin:0;font:15px/1.4 sans-serif;background:#fff;color:#0f1419}"
        "article{border:1px solid #cfd9de;border-radius:12px;padding:12px 16px;max-width:520px}"
        ".avatar{width:48px;height:48px;border-radius:50%;vertical-align:middle}.name{font-weight:700}.handle,.time{color:#536471}.photo{width:100%;border-radius:12px}"
        ".quoted{border:1px solid #cfd9de;border-radius:12px;padding:8px;margin-top:8px}"
        '</style></head><body><div id="app"></div>'
        '<script src="https://platform.twitter.com/embed/embed.simx.js"></script></body></html>'
    ).encode()


# The ``features`` list react-tweet sends (vercel/react-tweet, packages/react-tweet/src/api/
# fetch-tweet.ts): the real page adds such parameters, so clients must match by path.
FEATURES = ";".join(
    [
        "tfw_timeline_list:",
        "tfw_follower_count_sunset:true",
        "tfw_tweet_edit_backend:on",
        "tfw_refsrc_session:on",
        "tfw_fosnr_soft_interventions_enabled:on",
        "tfw_show_birdwatch_pivots_enabled:on",
        "tfw_show_business_verified_badge:on",
        "tfw_duplicate_scribes_to_settings:on",
        "tfw_use_profile_image_shape_enabled:on",
        "tfw_show_blue_verified_badge:on",
        "tfw_legacy_timeline_sunset:true",
        "tfw_show_gov_verified_badge:on",
        "tfw_show_business_affiliate_badge:on",
        "tfw_tweet_edit_frontend:on",
    ]
)
EMBED_SCRIPT = r"""(function () {
  var FEATURES = '__FEATURES__';
  var params = new URLSearchParams(location.search);
  var id = params.get('id') || '';
  var lang = params.get('lang') || 'en';
  var root = document.getElementById('app');
  function token(value) {
    return ((Number(value) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '');
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function empty() { root.textContent = ''; }
  function visibleText(t) {
    var range = t.display_text_range || [0, (t.text || '').length];
    var text = Array.from(t.text || '').slice(range[0], range[1]).join('');
    var urls = (t.entities && Array.isArray(t.entities.urls)) ? t.entities.urls : [];
    urls.forEach(function (u) { text = text.split(u.url).join(u.display_url); });
    return text;
  }
  function tweetBox(t, cls) {
    var box = el('article', cls);
    var head = el('div', 'author');
    var avatar = el('img', 'avatar');
    avatar.src = t.user.profile_image_url_https;
    avatar.alt = '';
    head.appendChild(avatar);
    head.appendChild(el('span', 'name', t.user.name));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(el('span', 'handle', '@' + t.user.screen_name));
    box.appendChild(head);
    var text = el('p', 'text', visibleText(t));
    box.appendChild(text);
    (t.mediaDetails || []).forEach(function (m) {
      if (m.type !== 'photo') return;
      var img = el('img', 'photo');
      img.src = m.media_url_https + '?name=small';
      img.alt = 'Image';
      box.appendChild(img);
    });
    return box;
  }
  function render(t) {
    root.textContent = '';
    var box = tweetBox(t, 'tweet');
    if (t.quoted_tweet && t.quoted_tweet.user) box.appendChild(tweetBox(t.quoted_tweet, 'quoted'));
    var when = new Date(t.created_at);
    var link = el('a', 'time', when.toUTCString());
    link.href = 'https://twitter.com/' + t.user.screen_name + '/status/' + t.id_str;
    box.appendChild(link);
    root.appendChild(box);
  }
  var query = new URLSearchParams({id: id, lang: lang, features: FEATURES, token: token(id)});
  fetch('https://cdn.syndication.twimg.com/tweet-result?' + query)
    .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
    .then(function (t) {
      if (!t || t.__typename !== 'Tweet' || !t.user) { empty(); return; }
      render(t);
    })
    .catch(empty);
})();
""".replace("__FEATURES__", FEATURES)
