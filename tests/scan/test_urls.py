from __future__ import annotations

import pytest

from archiver.scan.urls import LinkKind, classify, find_links

STATUS_FORMS = [
    ("https://twitter.com/jack/status/20", "jack", "20"),
    ("http://www.twitter.com/jack/status/20", "jack", "20"),
    ("https://mobile.twitter.com/jack/status/20?s=20&t=abc", "jack", "20"),
    ("https://m.twitter.com/jack/status/20", "jack", "20"),
    ("https://x.com/jack/status/20", "jack", "20"),
    ("https://fxtwitter.com/jack/status/20", "jack", "20"),
    ("https://vxtwitter.com/jack/status/20", "jack", "20"),
    ("https://fixupx.com/jack/status/20", "jack", "20"),
    ("https://nitter.net/jack/status/20#m", "jack", "20"),
    ("https://nitter.poast.org/jack/status/20", "jack", "20"),
    ("https://twitter.com/jack/statuses/20", "jack", "20"),
    ("https://twitter.com/jack/status/20/photo/1?tfw_site=x", "jack", "20"),
    ("https://twitter.com/jack/status/20/video/1", "jack", "20"),
    ("https://twitter.com/#!/jack/status/20", "jack", "20"),
    ("twitter.com/jack/status/20", "jack", "20"),
    ("//twitter.com/jack/status/20", "jack", "20"),
    (
        "https://twitter.com/ESA\\_Rosetta/status/532496644231942144",
        "ESA_Rosetta",
        "532496644231942144",
    ),
]


@pytest.mark.parametrize(("url", "handle", "tweet_id"), STATUS_FORMS, ids=[u for u, _, _ in STATUS_FORMS])
def test_status_forms_canonicalise_to_twitter_status_url(url: str, handle: str, tweet_id: str) -> None:
    link = classify(url)
    assert link is not None and link.kind is LinkKind.STATUS
    assert (link.handle, link.tweet_id) == (handle, tweet_id)
    assert link.canonical == f"https://twitter.com/{handle}/status/{tweet_id}"


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/i/web/status/1227210443825041413",
        "https://x.com/i/status/1227210443825041413",
    ],
)
def test_status_without_handle_uses_i_web_status(url: str) -> None:
    link = classify(url)
    assert link is not None
    assert link.canonical == "https://twitter.com/i/web/status/1227210443825041413"
    assert link.handle is None


def test_tracking_parameters_are_dropped() -> None:
    link = classify("https://twitter.com/a/status/1252026273007677441?ref_src=twsrc%5Etfw&s=20&t=x&ctx=y")
    assert link is not None and "?" not in link.canonical


NEGATIVES = [
    "https://twitter.com/jack",
    "https://twitter.com/intent/tweet?in_reply_to=781874683289411588",
    "https://twitter.com/intent/retweet?tweet_id=781874683289411588",
    "https://twitter.com/share?url=https://example.org",
    "https://twitter.com/hashtag/GoogleIO?src=hash",
    "https://twitter.com/search?q=%23Kardinal",
    "https://platform.twitter.com/widgets.js",
    "https://t.co/i/adsct?bci=3&eci=2",
    "https://analytics.twitter.com/i/adsct?bci=3",
    "https://support.twitter.com/articles/18311",
    "https://blog.twitter.com/2016/progress",
    "https://twitter.com/https://twitter.com/meikyworldwide?lang=en",
    "https://twitter.com/i/lists/123456",
    "https://example.com/jack/status/20",
    "mailto:jack@twitter.com",
]


@pytest.mark.parametrize("url", NEGATIVES)
def test_non_tweet_urls_are_not_links(url: str) -> None:
    link = classify(url)
    assert link is None or link.kind is not LinkKind.STATUS


def test_short_pic_and_embed_links() -> None:
    short = classify("https://t.co/NlyEv9U3rD?amp=1")
    pic = classify("pic.x.com/Eq8Bdpx95l")
    embed = classify("https://platform.twitter.com/embed/Tweet.html?id=1521523341391282176&theme=dark")
    assert short is not None and short.kind is LinkKind.SHORT and short.canonical == "https://t.co/NlyEv9U3rD"
    assert pic is not None and pic.kind is LinkKind.PIC and pic.display == "pic.x.com/Eq8Bdpx95l"
    assert pic.canonical == "https://pic.twitter.com/Eq8Bdpx95l"  # one form for the same media
    assert embed is not None and embed.tweet_id == "1521523341391282176"


def test_truncated_display_text_yields_no_link() -> None:
    text = "see twitter.com/i/web/status/1… and twitter.com/ekir_de/status… for more"
    assert list(find_links(text)) == []


def test_trailing_punctuation_and_parentheses_are_not_part_of_the_url() -> None:
    text = "(see https://twitter.com/jack/status/20). Also x.com/jack/status/21, twitter.com/a/status/22!"
    found = [f.raw for f in find_links(text)]
    assert found == [
        "https://twitter.com/jack/status/20",
        "x.com/jack/status/21",
        "twitter.com/a/status/22",
    ]


def test_email_address_is_not_a_link() -> None:
    assert list(find_links("write to press@twitter.com/jack/status/20")) == []


def test_lookalike_hosts_are_not_x() -> None:
    assert list(find_links("https://nottwitter.com/jack/status/20 https://linux.com/a/status/1")) == []


def _twitter_text_cases(shared: object) -> list[tuple[str, list[str]]]:
    import yaml

    from tests.conftest import SHARED

    suite = yaml.safe_load((SHARED / "corpus" / "twitter-text-extract.yml").read_text(encoding="utf-8"))
    cases = []
    for section in ("urls", "tco_urls_with_params"):
        for case in suite["tests"][section]:
            cases.append((case["text"], list(case["expected"])))
    return cases


def _is_x(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host in {"twitter.com", "x.com", "t.co", "www.twitter.com", "mobile.twitter.com"}


def test_twitter_text_conformance_for_x_urls(shared_dir: object) -> None:
    """twitter-text's URL suite, on the URLs whose host is X's: same span cut out of the text."""
    checked = 0
    for text, expected in _twitter_text_cases(shared_dir):
        expected_x = [u for u in expected if _is_x(u)]
        found = [f.raw for f in find_links(text)]
        for url in expected_x:
            link = classify(url)
            if link is None:
                continue  # e.g. bare twitter.com: an X host but no tweet link
            checked += 1
            assert url in found, (text, url, found)
        assert all(_is_x(f) or "nitter" in f for f in found), (text, found)
    assert checked >= 4
