"""The state database: every check of every reference, what changed and when. SQLite (WAL).

One write path: :meth:`Store.record_tweet` writes one tweet's checks (all the references that
cite it) in one transaction, so a killed run leaves the database consistent and the next run
goes on from there. The schema is created by numbered migrations tracked in
``PRAGMA user_version``. Queries are named after the questions users ask: a tweet's history,
an article's embeds, what changed since a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.compare import complete_facts, normalised_facts
from archiver.errors import StoreError
from archiver.models import EmbedRef, Status, Verdict

__all__ = ["MIGRATIONS", "CheckRecord", "Store"]

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        settings TEXT
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE refs (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        ref_key TEXT NOT NULL,
        tweet_id TEXT,
        data TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        UNIQUE (article_id, ref_key)
    );
    CREATE TABLE tweets (
        tweet_id TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL,
        last_checked TEXT,
        last_status TEXT,
        last_live_at TEXT,
        facts TEXT,
        fingerprint TEXT,
        last_capture_at TEXT
    );
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        ref_id INTEGER NOT NULL REFERENCES refs(id),
        tweet_id TEXT,
        checked_at TEXT NOT NULL,
        status TEXT NOT NULL,
        reasons TEXT NOT NULL,
        changes TEXT NOT NULL,
        diff TEXT,
        fingerprint TEXT,
        verdict TEXT NOT NULL,
        warc_file TEXT,
        screenshot_record TEXT,
        metadata_record TEXT,
        page_id TEXT
    );
    CREATE INDEX checks_by_tweet ON checks (tweet_id, checked_at);
    CREATE INDEX checks_by_run ON checks (run_id);
    CREATE INDEX checks_by_ref ON checks (ref_id, checked_at);
    """,
    """
    CREATE TABLE digests (
        url TEXT NOT NULL,
        digest TEXT NOT NULL,
        warc_file TEXT NOT NULL,
        record_id TEXT NOT NULL,
        date TEXT NOT NULL,
        PRIMARY KEY (url, digest)
    );
    ALTER TABLE tweets ADD COLUMN unknown_streak INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tweets ADD COLUMN last_capture_fingerprint TEXT;
    """,
    # 3: privacy and takedown, one dated entry per change (archiver private/public/takedown/purge)
    """
    CREATE TABLE post_privacy (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        post_id TEXT NOT NULL,
        action TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        files TEXT
    );
    CREATE INDEX post_privacy_by_post ON post_privacy (platform, post_id, id);
    """,
)

PRIVACY_ACTIONS = ("private", "public", "takedown", "purged")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ref_key(ref: EmbedRef) -> str:
    """How a reference is known across runs: its tweet, else its link, else its place."""
    if ref.tweet_id:
        return f"id:{ref.tweet_id}"
    if ref.url:
        return f"url:{ref.url}"
    return f"at:{ref.handle}:{ref.date}:{(ref.quoted_text or '')[:40]}"


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One reference's verdict in one run, and where its evidence is archived."""

    ref: EmbedRef
    tweet_id: str | None
    verdict: Verdict
    checked_at: str
    warc_file: str | None = None
    screenshot_record: str | None = None
    metadata_record: str | None = None
    page_id: str | None = None


class Store:
    """The SQLite state at ``path`` (``:memory:`` for tests)."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
                if path.exists() and not path.is_file():
                    raise StoreError(f"{path}: not a regular file; not a state database")
        except OSError as exc:
            raise StoreError(
                f"{Path(path).parent}: cannot create the folder ({exc.strerror or exc})"
            ) from exc
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the state database ({exc})") from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_integrity()
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(
                f"{path}: cannot open the state database ({exc}); restore it from a backup, "
                "or move it away to start afresh"
            ) from exc
        except StoreError:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _check_integrity(self) -> None:
        """Refuse a damaged file at once (a report from half a database would look complete)."""
        problem = str(self._db.execute("PRAGMA quick_check(1)").fetchone()[0])
        if problem != "ok":
            raise StoreError(
                f"{self.path}: the state database is damaged ({problem}); restore it from a backup, "
                "or move it away to start afresh"
            )

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: made by a newer embed-archiver (schema {version}; this one knows "
                f"up to {len(MIGRATIONS)}); upgrade embed-archiver to use it"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- runs -----------------------------------------------------------------------------------
    def start_run(self, command: str, settings: Mapping[str, Any] | None = None) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (command, started_at, settings) VALUES (?, ?, ?)",
                (command, _now(), json.dumps(dict(settings or {}), default=str)),
            )
            return int(cursor.lastrowid or 0)

    def mark_interrupted(self) -> list[int]:
        """Mark runs still ``running`` as ``interrupted`` and return their ids.

        Only call this holding the folder lock (:mod:`archiver.lock`): then no live process
        owns them, so their process died (``kill -9``, a power cut) before it could finish.
        """
        with self._transaction() as db:
            stale = [int(r[0]) for r in db.execute("SELECT id FROM runs WHERE status = 'running'")]
            db.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = COALESCE(finished_at, ?) "
                "WHERE status = 'running'",
                (_now(),),
            )
        return stale

    def finish_run(self, run_id: int, status: str = "done") -> None:
        with self._transaction() as db:
            db.execute("UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", (_now(), status, run_id))

    # -- the one write path -----------------------------------------------------------------------
    def record_tweet(self, run_id: int | None, records: Sequence[CheckRecord]) -> None:
        """The checks of one tweet (every reference citing it), in one transaction."""
        if not records:
            return
        with self._transaction() as db:
            for record in records:
                ref_id = self._upsert_ref(db, record.ref, record.tweet_id, record.checked_at)
                verdict = record.verdict
                db.execute(
                    """INSERT INTO checks (run_id, ref_id, tweet_id, checked_at, status, reasons, changes,
                       diff, fingerprint, verdict, warc_file, screenshot_record, metadata_record, page_id)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        run_id,
                        ref_id,
                        record.tweet_id,
                        record.checked_at,
                        str(verdict.status),
                        json.dumps(list(verdict.reasons), ensure_ascii=False),
                        json.dumps(list(verdict.changes)),
                        verdict.diff,
                        verdict.fingerprint,
                        json.dumps(verdict.to_json(), ensure_ascii=False),
                        record.warc_file,
                        record.screenshot_record,
                        record.metadata_record,
                        record.page_id,
                    ),
                )
            first = records[0]
            if first.tweet_id is not None:
                self._update_tweet(db, first)

    def _upsert_ref(self, db: sqlite3.Connection, ref: EmbedRef, tweet_id: str | None, when: str) -> int:
        db.execute(
            "INSERT INTO articles (name, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen",
            (ref.article, when, when),
        )
        article_id = int(db.execute("SELECT id FROM articles WHERE name = ?", (ref.article,)).fetchone()[0])
        data = json.dumps(ref.to_json(), ensure_ascii=False)
        db.execute(
            "INSERT INTO refs (article_id, ref_key, tweet_id, data, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id, ref_key) DO UPDATE SET "
            "last_seen = excluded.last_seen, data = excluded.data, "
            "tweet_id = COALESCE(excluded.tweet_id, refs.tweet_id)",
            (article_id, ref_key(ref), tweet_id, data, when, when),
        )
        row = db.execute(
            "SELECT id FROM refs WHERE article_id = ? AND ref_key = ?", (article_id, ref_key(ref))
        ).fetchone()
        return int(row[0])

    def _update_tweet(self, db: sqlite3.Connection, record: CheckRecord) -> None:
        verdict = record.verdict
        facts = complete_facts(verdict.evidence)  # only complete facts become the baseline
        exists = verdict.status in (Status.LIVE, Status.ALTERED)
        db.execute(
            "INSERT INTO tweets (tweet_id, first_seen) VALUES (?, ?) ON CONFLICT(tweet_id) DO NOTHING",
            (record.tweet_id, record.checked_at),
        )
        db.execute(
            """UPDATE tweets SET last_checked = ?, last_status = ?,
               last_live_at = CASE WHEN ? THEN ? ELSE last_live_at END,
               facts = COALESCE(?, facts), fingerprint = COALESCE(?, fingerprint),
               last_capture_at = COALESCE(?, last_capture_at),
               last_capture_fingerprint = COALESCE(?, last_capture_fingerprint),
               unknown_streak = CASE WHEN ? THEN unknown_streak + 1 ELSE 0 END
               WHERE tweet_id = ?""",
            (
                record.checked_at,
                str(verdict.status),
                exists,
                record.checked_at,
                json.dumps(normalised_facts(facts), ensure_ascii=False) if facts and exists else None,
                verdict.fingerprint if exists else None,
                record.checked_at if record.page_id else None,
                verdict.fingerprint if record.page_id and exists else None,
                verdict.status is Status.UNKNOWN,
                record.tweet_id,
            ),
        )

    # -- reads: a damaged database is a one-line StoreError, never a traceback or a blank report
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the state database ({exc})") from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    # -- questions --------------------------------------------------------------------------------
    def previous_facts(self, tweet_id: str) -> dict[str, Any] | None:
        """The normalised facts of the last check that found the tweet (for change detection)."""
        row = self._one("SELECT facts FROM tweets WHERE tweet_id = ?", (tweet_id,))
        return json.loads(row[0]) if row and row[0] else None

    def tweet(self, tweet_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM tweets WHERE tweet_id = ?", (tweet_id,))
        return dict(row) if row else None

    def tweet_history(self, tweet_id: str) -> list[dict[str, Any]]:
        """Every check of a tweet, oldest first, one row per run (the references agree on it)."""
        rows = self._rows(
            """SELECT c.run_id, MIN(c.checked_at) AS checked_at, c.status, c.reasons, c.changes, c.diff,
                      c.fingerprint, c.warc_file, c.page_id
               FROM checks c WHERE c.tweet_id = ? GROUP BY c.run_id, c.status ORDER BY MIN(c.id)""",
            (tweet_id,),
        )
        return [_row(r) for r in rows]

    def status_changes(self, tweet_id: str) -> list[dict[str, Any]]:
        """The history reduced to the moments the status changed."""
        changes, last = [], None
        for entry in self.tweet_history(tweet_id):
            if entry["status"] != last:
                changes.append(entry)
                last = entry["status"]
        return changes

    def article_status(self, article: str) -> list[dict[str, Any]]:
        """An article's references with their latest verdicts."""
        rows = self._rows(
            """SELECT r.data, c.* FROM refs r JOIN articles a ON a.id = r.article_id
               JOIN checks c ON c.id = (SELECT id FROM checks WHERE ref_id = r.id ORDER BY id DESC LIMIT 1)
               WHERE a.name = ? ORDER BY r.id""",
            (article,),
        )
        return [_row(r) for r in rows]

    def latest_checks(
        self, *, run_id: int | None = None, since: str | None = None, article: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per reference (its latest check in the selection), for reports."""
        where, params = ["1 = 1"], []  # type: list[str], list[Any]
        if run_id is not None:
            where.append("c.run_id = ?")
            params.append(run_id)
        if since is not None:
            where.append("c.checked_at >= ?")
            params.append(since)
        if article is not None:
            where.append("a.name = ?")
            params.append(article)
        rows = self._rows(
            f"""SELECT a.name AS article, r.data, r.id AS ref_id, c.*,
                       (SELECT p.status FROM checks p WHERE p.ref_id = c.ref_id AND p.id < c.id
                        ORDER BY p.id DESC LIMIT 1) AS previous_status
                FROM checks c JOIN refs r ON r.id = c.ref_id JOIN articles a ON a.id = r.article_id
                WHERE c.id IN (SELECT MAX(c.id) FROM checks c JOIN refs r ON r.id = c.ref_id
                               JOIN articles a ON a.id = r.article_id WHERE {" AND ".join(where)}
                               GROUP BY c.ref_id)
                ORDER BY a.name, r.id""",
            params,
        )
        return [_row(r) for r in rows]

    def changed_since(self, since: str) -> list[dict[str, Any]]:
        """Checks since ``since`` whose status differs from the one before, or that are altered."""
        return [
            row
            for row in self.latest_checks(since=since)
            if row["status"] == "altered"
            or (row["previous_status"] and row["previous_status"] != row["status"])
        ]

    def sealed_copy(self, url: str, digest: str) -> dict[str, Any] | None:
        """An earlier, sealed record of the same bytes at the same URL (for a revisit record)."""
        row = self._one(
            "SELECT warc_file, record_id, date FROM digests WHERE url = ? AND digest = ?", (url, digest)
        )
        return dict(row) if row else None

    def index_sealed(self, entries: Sequence[tuple[str, str, str, str, str]]) -> None:
        """Remember (url, digest, warc file, record id, date) of records now sealed."""
        with self._transaction() as db:
            db.executemany("INSERT OR IGNORE INTO digests VALUES (?, ?, ?, ?, ?)", entries)

    def tweets_state(self) -> dict[str, dict[str, Any]]:
        """Every known tweet's last state, for deciding what is due."""
        rows = self._rows("SELECT * FROM tweets")
        return {row["tweet_id"]: dict(row) for row in rows}

    def known_tweet_ids(self) -> dict[tuple[str, str], str]:
        """(article, reference key) → the tweet id a past run resolved it to."""
        rows = self._rows(
            "SELECT a.name, r.ref_key, r.tweet_id FROM refs r JOIN articles a ON a.id = r.article_id "
            "WHERE r.tweet_id IS NOT NULL"
        )
        return {(row[0], row[1]): row[2] for row in rows}

    def capture_of(self, page_id: str) -> dict[str, Any] | None:
        """Where a capture's records are (WARC file, screenshot and metadata record ids)."""
        row = self._one(
            "SELECT warc_file, screenshot_record, metadata_record FROM checks WHERE page_id = ? LIMIT 1",
            (page_id,),
        )
        return dict(row) if row else None

    def last_run(self) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        return dict(row) if row else None

    # -- privacy and takedown ----------------------------------------------------------------------
    def record_privacy(
        self,
        post_id: str,
        action: str,
        reason: str,
        *,
        platform: str = "x",
        files: Sequence[str] = (),
        at: str | None = None,
    ) -> dict[str, Any]:
        """Add one dated entry (``private``, ``public``, ``takedown``, ``purged``) with its reason."""
        if action not in PRIVACY_ACTIONS:
            raise StoreError(f"unknown privacy action {action!r}")
        when = at or _now()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO post_privacy (platform, post_id, action, reason, at, files) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (platform, post_id, action, reason, when, json.dumps(list(files))),
            )
        return {"platform": platform, "post_id": post_id, "action": action, "reason": reason, "at": when}

    def privacy_history(self, post_id: str | None = None) -> list[dict[str, Any]]:
        """Every privacy entry (of one post, or all), oldest first."""
        query = "SELECT platform, post_id, action, reason, at, files FROM post_privacy"
        rows = self._db.execute(
            query + (" WHERE post_id = ? ORDER BY id" if post_id else " ORDER BY id"),
            (post_id,) if post_id else (),
        ).fetchall()
        return [dict(r) | {"files": json.loads(r["files"] or "[]")} for r in rows]

    def forget_sealed(self, record_ids: Sequence[str]) -> None:
        """Records purged from the sealed WARCs: no later revisit may point at them."""
        with self._transaction() as db:
            db.executemany("DELETE FROM digests WHERE record_id = ?", [(r,) for r in record_ids])

    def withheld_posts(self) -> dict[str, dict[str, Any]]:
        """Posts kept out of what is handed out: post id → ``state`` (``private`` or
        ``takedown``), ``reason`` and ``since``. A takedown stays; ``public`` undoes ``private``."""
        out: dict[str, dict[str, Any]] = {}
        for entry in self.privacy_history():
            post, action = entry["post_id"], entry["action"]
            if out.get(post, {}).get("state") == "takedown" or action == "purged":
                continue
            if action == "public":
                out.pop(post, None)
            else:
                out[post] = {"state": action, "reason": entry["reason"], "since": entry["at"]}
        return out


def _row(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    for key in ("reasons", "changes", "verdict", "data"):
        if isinstance(data.get(key), str):
            data[key] = json.loads(data[key])
    return data
