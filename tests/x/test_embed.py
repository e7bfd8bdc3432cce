"""The embed's "done" rule decides from traffic and DOM only (archiver/x/embed.py)."""

from __future__ import annotations

import json

import pytest

from archiver.x.embed import (
    DEAD_CAP_SECONDS,
    Answer,
    EmbedState,
    answer_of,
    done_rule,
    image_key,
    images_named,
    is_background,
    is_syndication,
)

TWEET = Answer("tweet", frozenset({("pbs.twimg.com", "/media/A")}))
DEAD = Answer("not_tweet")


def test_syndication_request_is_matched_by_host_and_path_whatever_the_query() -> None:
    assert is_syndication(
        "https://cdn.syndication.twimg.com/tweet-result?id=1&lang=en&features=a%3Ab&token=x"
    )
    assert not is_syndication("https://cdn.syndication.twimg.com/timeline-profile?id=1")


def test_telemetry_and_video_streams_are_background() -> None:
    assert is_background("https://syndication.twitter.com/i/jot?l=%7B%7D")
    assert is_background("https://video.twimg.com/ext_tw_video/1/pu/vid/avc1/0/3000/x.m4s")
    assert not is_background("https://pbs.twimg.com/media/A.jpg")


def test_images_match_by_host_and_path_not_size_or_format() -> None:
    assert image_key("https://pbs.twimg.com/media/A.jpg") == image_key(
        "https://pbs.twimg.com/media/A?format=jpg&name=small"
    )
    assert image_key("https://pbs.twimg.com/profile_images/1/x_normal.jpg") == image_key(
        "https://pbs.twimg.com/profile_images/1/x_bigger.jpg"
    )


def test_images_named_are_avatar_photos_posters_and_the_quoted_tweets() -> None:
    data = {
        "user": {"profile_image_url_https": "https://pbs.twimg.com/profile_images/1/a_normal.jpg"},
        "mediaDetails": [{"media_url_https": "https://pbs.twimg.com/media/P.jpg"}],
        "quoted_tweet": {
            "mediaDetails": [{"media_url_https": "https://pbs.twimg.com/ext_tw_video_thumb/9/pu/img/Q.jpg"}]
        },
    }
    assert images_named(data) == {
        ("pbs.twimg.com", "/profile_images/1/a"),
        ("pbs.twimg.com", "/media/P"),
        ("pbs.twimg.com", "/ext_tw_video_thumb/9/pu/img/Q"),
    }


@pytest.mark.parametrize(
    ("status", "body", "failed", "kind"),
    [
        (200, json.dumps({"__typename": "Tweet", "user": {}, "id_str": "1"}), None, "tweet"),
        (404, "", None, "not_tweet"),
        (200, "{}", None, "not_tweet"),
        (200, json.dumps({"__typename": "TweetTombstone", "tombstone": {}}), None, "not_tweet"),
        (200, json.dumps({"__typename": "Tweet", "id_str": "1"}), None, "not_tweet"),  # author-less
        (None, None, "net::ERR_CONNECTION_RESET", "failed"),
        (503, "", None, "failed"),
        (429, "", None, "failed"),
        (200, "{not json", None, "failed"),
    ],
    ids=["tweet", "404", "empty-object", "tombstone", "no-author", "reset", "5xx", "429", "garbled"],
)
def test_answer_kinds(status: int | None, body: str | None, failed: str | None, kind: str) -> None:
    assert answer_of(status, body.encode() if body is not None else None, failed).kind == kind


def test_nothing_is_decided_before_the_answer() -> None:
    assert done_rule(EmbedState(None, network_quiet=9, dom_quiet=9)) is None


def test_a_tweet_waits_for_its_article_pictures_and_quiet() -> None:
    assert done_rule(EmbedState(TWEET, article_text=False, network_quiet=1, dom_quiet=1)) is None
    assert (
        done_rule(EmbedState(TWEET, article_text=True, images_pending=1, network_quiet=1, dom_quiet=1))
        is None
    )
    assert done_rule(EmbedState(TWEET, article_text=True, network_quiet=0.0, dom_quiet=1)) is None
    assert done_rule(EmbedState(TWEET, article_text=True, network_quiet=1, dom_quiet=0.01)) is None
    assert done_rule(EmbedState(TWEET, article_text=True, network_quiet=1, dom_quiet=1)) == "tweet-rendered"


def test_a_picture_never_asked_for_stops_being_waited_for() -> None:
    state = EmbedState(
        TWEET, since_answer=6, article_text=True, images_pending=1, network_quiet=1, dom_quiet=1
    )
    assert done_rule(state) == "tweet-rendered-pictures-missing"


def test_not_a_tweet_ends_on_quiet_or_at_its_short_cap() -> None:
    assert done_rule(EmbedState(DEAD, network_quiet=0.05, dom_quiet=1)) is None
    assert done_rule(EmbedState(DEAD, network_quiet=1, dom_quiet=1)) == "not-a-tweet-quiet"
    assert done_rule(EmbedState(DEAD, since_answer=DEAD_CAP_SECONDS, network_quiet=0)) == "not-a-tweet-cap"
    assert done_rule(EmbedState(Answer("failed"), network_quiet=1, dom_quiet=1)) == "answer-failed-quiet"


def test_an_embed_message_may_end_early_but_is_never_required() -> None:
    assert done_rule(EmbedState(None, messages=("twttr.private.resize", "twttr.private.rendered"))) == (
        "message:twttr.private.rendered"
    )
    assert done_rule(EmbedState(DEAD, messages=("no_results",))) == "message:no_results"
    assert done_rule(EmbedState(TWEET, article_text=True, network_quiet=1, dom_quiet=1)) == "tweet-rendered"
