from __future__ import annotations

import pytest

from archiver.models import Evidence, Outcome, Status, TweetFacts
from archiver.verify import decide
from archiver.x.tombstones import status_for_text


def ev(
    source: str, outcome: Outcome, hint: Status | None = None, detail: str = "", **facts: object
) -> Evidence:
    tweet = TweetFacts(tweet_id="20", **facts) if outcome is Outcome.FOUND or facts else None  # type: ignore[arg-type]
    return Evidence(
        source=source, url=f"https://{source}/", outcome=outcome, status_hint=hint, detail=detail, facts=tweet
    )


FOUND_S = ev("syndication", Outcome.FOUND)
FOUND_O = ev("oembed", Outcome.FOUND)
GONE_S = ev("syndication", Outcome.NOT_FOUND, detail="HTTP 404")
EMPTY_S = ev("syndication", Outcome.NOT_FOUND, detail="empty object {}")
GONE_O = ev("oembed", Outcome.NOT_FOUND, detail="HTTP 404")
TIMEOUT_O = ev("oembed", Outcome.ERROR, detail="timed out")
RATE_S = ev("syndication", Outcome.ERROR, detail="rate limited (429)")
LOGIN_O = ev("oembed", Outcome.ERROR, detail="redirected to a login page")


@pytest.mark.parametrize(
    ("evidence", "status"),
    [
        pytest.param([FOUND_S, FOUND_O], Status.LIVE, id="both-find-it-live"),
        pytest.param([FOUND_S, TIMEOUT_O], Status.LIVE, id="one-finds-it-other-times-out-live"),
        pytest.param([GONE_S, GONE_O], Status.DELETED, id="404-and-404-deleted"),
        pytest.param([EMPTY_S, GONE_O], Status.DELETED, id="empty-object-and-404-deleted"),
        pytest.param([GONE_S, TIMEOUT_O], Status.UNKNOWN, id="one-404-other-timeout-unknown"),
        pytest.param([GONE_S], Status.UNKNOWN, id="single-404-unknown"),
        pytest.param([RATE_S, GONE_O], Status.UNKNOWN, id="429-and-404-unknown"),
        pytest.param([RATE_S, LOGIN_O], Status.UNKNOWN, id="429-and-login-wall-unknown"),
        pytest.param([GONE_S, FOUND_O], Status.UNKNOWN, id="disagreeing-sources-unknown"),
        pytest.param([], Status.UNKNOWN, id="no-evidence-unknown"),
    ],
)
def test_verdict_table(evidence: list[Evidence], status: Status) -> None:
    verdict = decide(evidence)
    assert verdict.status is status
    assert verdict.reasons


def test_deleted_needs_two_independent_sources() -> None:
    assert decide([GONE_S, GONE_S]).status is Status.UNKNOWN  # the same source twice is one source
    assert decide([GONE_S, GONE_O]).status is Status.DELETED


def test_timeout_is_never_evidence_of_absence() -> None:
    for errors in ([TIMEOUT_O], [RATE_S, TIMEOUT_O], [LOGIN_O, RATE_S]):
        assert decide(errors).status is Status.UNKNOWN


def test_explicit_deleted_tombstone_is_enough() -> None:
    tomb = ev(
        "syndication",
        Outcome.TOMBSTONE,
        Status.DELETED,
        "This Post was deleted by the Post author. Learn more",
    )
    verdict = decide([tomb, TIMEOUT_O])
    assert verdict.status is Status.DELETED
    assert "deleted by the Post author" in verdict.reasons[0]


def test_named_reason_wins_over_a_finding_source() -> None:
    tomb = ev("syndication", Outcome.TOMBSTONE, Status.RESTRICTED, "Age-restricted adult content. Learn more")
    assert decide([tomb, FOUND_O]).status is Status.RESTRICTED


def test_stale_edit_is_altered_with_the_newer_version() -> None:
    stale = ev("syndication", Outcome.FOUND, edit_ids=("20", "21"), is_stale_edit=True)
    verdict = decide([stale, FOUND_O])
    assert verdict.status is Status.ALTERED
    assert verdict.changes == ("edited",)
    assert "21" in verdict.reasons[0]


TOMBSTONES = [
    ("This Post was deleted by the Post author. Learn more", Status.DELETED),
    ("This Tweet was deleted by the Tweet author. Learn more", Status.DELETED),
    ("This Post is from a suspended account. Learn more", Status.SUSPENDED),
    ("User has been suspended.", Status.SUSPENDED),
    (
        "You’re unable to view this Post because this account owner limits who can view their Posts. Learn more",
        Status.PROTECTED,
    ),
    (
        "You’re unable to view this Tweet because this account owner limits who can view their Tweets. Learn more",
        Status.PROTECTED,
    ),
    ("Sorry, you are not authorized to see this status.", Status.PROTECTED),
    ("This Post from @x has been withheld in Germany based on local law(s). Learn more", Status.WITHHELD),
    (
        "Age-restricted adult content. This content might not be appropriate for people under 18 years old. To view this media, you’ll need to log in to X. Learn more",
        Status.RESTRICTED,
    ),
    ("This Post is unavailable. Learn more", Status.UNAVAILABLE),
    ("This Post violated the X Rules. Learn more", Status.UNAVAILABLE),
    ("This Post is from an account that no longer exists. Learn more", Status.UNAVAILABLE),
    ("Something we have never seen", Status.UNAVAILABLE),
]


@pytest.mark.parametrize(("text", "status"), TOMBSTONES, ids=[t[:40] for t, _ in TOMBSTONES])
def test_tombstone_texts_map_in_one_table(text: str, status: Status) -> None:
    assert status_for_text(text)[0] is status
