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


# -- issue 10: runs killed with kill -9, damaged and newer databases ---------------------------


def test_runs_left_running_by_a_killed_process_are_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    db = tmp_path / "archiver.db"
    with Store(db) as store:
        killed = store.start_run("archive")  # the process died here (kill -9): never finished
        done = store.start_run("check")
        store.finish_run(done)
    with Store(db) as store:
        assert store.mark_interrupted() == [killed]
        statuses = dict(store._db.execute("SELECT id, status FROM runs").fetchall())
    assert statuses == {killed: "interrupted", done: "done"}


def test_the_next_check_marks_a_killed_run_interrupted(tmp_path: Path) -> None:
    from archiver.api import check
    from archiver.config import Settings

    db = tmp_path / "archiver.db"
    with Store(db) as store:
        killed = store.start_run("run")
    article = tmp_path / "a.txt"
    article.write_text("nothing cited", encoding="utf-8")
    check([article], Settings(out_dir=tmp_path))
    with Store(db) as store:
        runs = store._db.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
    assert [tuple(r) for r in runs] == [(killed, "interrupted"), (killed + 1, "done")]


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "archiver.db"
    Store(db).close()
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    with pytest.raises(StoreError, match="newer embed-archiver"):
        Store(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 999  # left as it was
    raw.close()


def test_a_damaged_database_is_refused_at_open_not_half_read(tmp_path: Path) -> None:
    db = tmp_path / "archiver.db"
    with Store(db) as store:
        for n in range(50):
            store.record_tweet(store.start_run("check"), [record(Status.LIVE, text=f"t{n}" * 50)])
    data = bytearray(db.read_bytes())
    data[4096 * 3 : 4096 * 4] = b"\x5a" * 4096
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"damaged|malformed|not a database"):
        Store(db)
