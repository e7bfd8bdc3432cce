from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.models import EmbedRef, Evidence, Outcome, RefKind, Status, TweetFacts, Verdict
from archiver.store import MIGRATIONS, CheckRecord, Store


def record(
    status: Status, text: str = "hello", when: str = "2026-01-01T00:00:00Z", article: str = "a.html"
) -> CheckRecord:
    facts = TweetFacts(tweet_id="20", text=text, handle="jack")
    evidence = (
        (Evidence("syndication", "u", Outcome.FOUND, 200, facts=facts),) if status is Status.LIVE else ()
    )
    verdict = Verdict(status, ("because",), evidence, fingerprint="sha256:x" if evidence else None)
    ref = EmbedRef(
        article=article,
        kind=RefKind.STATUS_LINK,
        tweet_id="20",
        url="https://twitter.com/jack/status/20",
        handle="jack",
    )
    return CheckRecord(ref, "20", verdict, when)


def test_schema_is_migrated_once_and_tracked_in_user_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
    with Store(path) as store:  # opening again migrates nothing
        assert store.schema_version == len(MIGRATIONS)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_history_status_changes_and_last_seen_live(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        for status, when in [
            (Status.LIVE, "2026-01-01T00:00:00Z"),
            (Status.LIVE, "2026-01-02T00:00:00Z"),
            (Status.DELETED, "2026-01-03T00:00:00Z"),
            (Status.LIVE, "2026-01-04T00:00:00Z"),
        ]:
            run = store.start_run("check")
            store.record_tweet(run, [record(status, when=when)])
            store.finish_run(run)
        history = store.tweet_history("20")
        assert [h["status"] for h in history] == ["live", "live", "deleted", "live"]
        assert [h["status"] for h in store.status_changes("20")] == ["live", "deleted", "live"]
        tweet = store.tweet("20")
        assert tweet is not None and tweet["last_live_at"] == "2026-01-04T00:00:00Z"
        assert store.previous_facts("20") == {
            "text": "hello",
            "handle": "jack",
            "media": [],
            "media_phash": [],
            "quoted_id": None,
            "edit_ids": [],
        }
        [latest] = store.article_status("a.html")
        assert latest["status"] == "live"
        [changed] = store.changed_since("2026-01-04T00:00:00Z")
        assert changed["previous_status"] == "deleted"


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        good = record(Status.LIVE)
        bad = CheckRecord(good.ref, "20", good.verdict, None)  # type: ignore[arg-type]  # NOT NULL fails
        with pytest.raises(StoreError):
            store.record_tweet(None, [good, bad])
        assert store.tweet_history("20") == []
        assert store.article_status("a.html") == []


def test_unreadable_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match=r"s\.db"):
        Store(path)
