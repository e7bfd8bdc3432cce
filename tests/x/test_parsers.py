"""Parsers on the real samples in ../shared/x-samples (read in place) and on our own shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.models import Outcome, Status
from archiver.x.parsers import parse_oembed, parse_syndication

NOW = "2026-11-25T00:00:00Z"


def sample(shared: Path, name: str) -> bytes:
    return (shared / "x-samples" / name).read_bytes()


def test_syndication_photo_tweet_sample(shared_dir: Path) -> None:
    evidence = parse_syndication("u", 200, sample(shared_dir, "syndication-tweet-photo-2023.json"), NOW)
    assert evidence.outcome is Outcome.FOUND and evidence.facts is not None
    facts = evidence.facts
    assert (facts.tweet_id, facts.handle, facts.author_name) == (
        "1641086480675225601",
        "SamuelSusla",
        "sammy",
    )
    assert facts.media == ("https://pbs.twimg.com/media/FsZNOgcWAAEQtrd.jpg",)
    assert facts.edit_ids == ("1641086480675225601",) and not facts.is_stale_edit
    assert facts.links == (
        (
            "https://t.co/4G6RAMfrHy",
            "github.com/reactwg/react-…",
            "https://github.com/reactwg/react-native-new-architecture/discussions/110",
        ),
        (
            "https://t.co/rQd6FIwZ0U",
            "pic.twitter.com/rQd6FIwZ0U",
            "https://twitter.com/SamuelSusla/status/1641086480675225601/photo/1",
        ),
    )


def test_syndication_quote_tweet_sample(shared_dir: Path) -> None:
    evidence = parse_syndication("u", 200, sample(shared_dir, "syndication-tweet-quote-2023.json"), NOW)
    assert evidence.facts is not None and evidence.facts.quoted_id


def test_syndication_2026_text_sample_with_object_entities(shared_dir: Path) -> None:
    evidence = parse_syndication("u", 200, sample(shared_dir, "syndication-tweet-text-2026.json"), NOW)
    assert evidence.outcome is Outcome.FOUND and evidence.facts is not None
    assert evidence.facts.handle == "jarredsumner" and evidence.facts.media == ()


def test_syndication_deleted_tombstone_sample(shared_dir: Path) -> None:
    evidence = parse_syndication("u", 200, sample(shared_dir, "syndication-tombstone-deleted-2026.json"), NOW)
    assert evidence.outcome is Outcome.TOMBSTONE
    assert evidence.status_hint is Status.DELETED
    assert evidence.detail == "This Post was deleted by the Post author. Learn more"


def test_syndication_empty_object_sample_is_not_found(shared_dir: Path) -> None:
    evidence = parse_syndication("u", 200, sample(shared_dir, "syndication-empty-object-id0.json"), NOW)
    assert evidence.outcome is Outcome.NOT_FOUND


def test_oembed_sample_gives_text_author_and_date(shared_dir: Path) -> None:
    captured = json.loads(sample(shared_dir, "oembed-publish.x.com-2024-06-10.response.json"))
    evidence = parse_oembed("u", 200, captured["body"].encode(), NOW, "436461658601713664")
    assert evidence.outcome is Outcome.FOUND and evidence.facts is not None
    assert evidence.facts.handle == "pepephone"
    assert evidence.facts.author_name == "Pepephone"
    assert evidence.facts.created_at == "2014-02-20"
    assert evidence.facts.text is not None and evidence.facts.text.startswith("RT @PabloHerreros Pepephone")


@pytest.mark.parametrize(
    ("status", "body", "outcome", "hint"),
    [
        (404, b"", Outcome.NOT_FOUND, None),
        (
            403,
            b'{"error":"Sorry, you are not authorized to see this status."}',
            Outcome.REFUSED,
            Status.PROTECTED,
        ),
        (403, b'{"error":"User has been suspended."}', Outcome.REFUSED, Status.SUSPENDED),
        (500, b"", Outcome.ERROR, None),
        (200, b"<html>login</html>", Outcome.ERROR, None),
    ],
)
def test_oembed_outcomes(status: int, body: bytes, outcome: Outcome, hint: Status | None) -> None:
    evidence = parse_oembed("u", status, body, NOW, "20")
    assert evidence.outcome is outcome and evidence.status_hint is hint


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (404, b"", Outcome.NOT_FOUND),
        (200, b"{}", Outcome.NOT_FOUND),
        (200, b"<!doctype html><title>Log in</title>", Outcome.ERROR),
        (200, b'{"__typename":"Tweet","text":"trunc', Outcome.ERROR),
        (503, b"Over capacity", Outcome.ERROR),
        (200, b'{"__typename":"Mystery"}', Outcome.ERROR),
    ],
)
def test_syndication_outcomes(status: int, body: bytes, outcome: Outcome) -> None:
    assert parse_syndication("u", status, body, NOW).outcome is outcome


def test_tweet_without_user_means_suspended_author() -> None:
    body = b'{"__typename":"Tweet","id_str":"20","text":"hi"}'
    evidence = parse_syndication("u", 200, body, NOW)
    assert evidence.outcome is Outcome.REFUSED and evidence.status_hint is Status.SUSPENDED
