"""Nightly runs: what is due, one run at a time, resumable, and what changed.

A run scans its sources, decides for every cited tweet whether it is due (and says why in
the log), probes what is due over HTTP, captures in the browser what is new, changed or whose
last full capture is old, and records everything in the state database, one tweet per
transaction. The decisions (``Policy``):

* never captured → capture now;
* ``live``/``altered`` → HTTP re-check every ``recheck_live_hours``; browser re-capture when the
  HTTP evidence changed (fingerprint or status) or the last capture is ``recapture_days`` old;
* dead (``deleted``, ``suspended``, …) → re-checked every ``recheck_dead_days`` (accounts and
  tweets come back), captured again if they did;
* ``unknown`` → retried next run, with a backoff that doubles with each unknown in a row.

Only one run holds an output folder at a time (an ``flock``: a dead run holds nothing).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

import httpx

from archiver.api import scan
from archiver.archive import ArchiveResult, archive_refs
from archiver.check import CheckedRef, link_to_resolve
from archiver.compare import changed_since_last_capture
from archiver.config import Settings, read_toml
from archiver.errors import ConfigError, LockHeld
from archiver.lock import FolderLock, lock_for
from archiver.models import EmbedRef, Status
from archiver.net.exchange import Exchange
from archiver.safetext import json_safe, plain
from archiver.sources import Sources, expand_sources
from archiver.store import Store, ref_key

__all__ = [
    "DEAD",
    "Decision",
    "EventLog",
    "JobConfig",
    "JobResult",
    "LockHeld",
    "Policy",
    "RunLock",
    "due",
    "load_job",
    "run_job",
]

DEAD = frozenset(
    {
        Status.DELETED,
        Status.SUSPENDED,
        Status.PROTECTED,
        Status.WITHHELD,
        Status.RESTRICTED,
        Status.UNAVAILABLE,
    }
)

WEBHOOK_DEADLINE = 30.0  # seconds the change notification may take, whatever the server does


class Decision(StrEnum):
    CAPTURE = "capture"
    PROBE = "probe"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Policy:
    recheck_live_hours: float = 24.0
    recapture_days: float = 7.0
    recheck_dead_days: float = 7.0
    unknown_retry_minutes: float = 30.0


@dataclass(frozen=True, slots=True)
class JobConfig:
    sources: Sources = field(default_factory=Sources)
    policy: Policy = field(default_factory=Policy)
    webhook: str | None = None
    base: Path = Path(".")


def _tuple(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[sources] {key}: a list of strings")
    return tuple(value)


def load_job(path: Path | None) -> JobConfig:
    """The run's sources, schedule and notification from the TOML file (see ``archiver init``)."""
    if path is None:
        return JobConfig()
    data = read_toml(path)
    sources = data.get("sources", {})
    schedule = data.get("schedule", {})
    try:
        policy = Policy(**{k: float(v) for k, v in schedule.items()})
    except TypeError as exc:
        raise ConfigError(f"{path}: [schedule]: {exc}") from exc
    return JobConfig(
        sources=Sources(
            paths=_tuple(sources, "paths"),
            urls=_tuple(sources, "urls"),
            url_lists=_tuple(sources, "url_lists"),
            feeds=_tuple(sources, "feeds"),
        ),
        policy=policy,
        webhook=data.get("notify", {}).get("webhook"),
        base=path.parent,
    )


def due(state: Mapping[str, Any] | None, policy: Policy, now: datetime) -> tuple[Decision, str]:
    """What to do with a tweet in this run, and why (see the module docstring)."""
    if state is None or not state.get("last_capture_at"):
        return Decision.CAPTURE, "never captured"
    status = Status(state["last_status"])
    checked = _time(state["last_checked"])
    age = now - checked
    if status is Status.UNKNOWN:
        streak = max(1, int(state.get("unknown_streak") or 1))
        wait = timedelta(minutes=policy.unknown_retry_minutes * 2 ** (streak - 1))
        wait = min(wait, timedelta(hours=24))
        if age >= wait:
            return Decision.PROBE, f"unknown {streak} time(s) in a row: retry"
        return Decision.SKIP, f"unknown: next retry after {wait} (backoff)"
    if status in DEAD:
        if age >= timedelta(days=policy.recheck_dead_days):
            return Decision.PROBE, f"{status}: weekly re-check (things come back)"
        return Decision.SKIP, f"{status}, checked {_ago(age)} ago"
    captured_age = now - _time(state["last_capture_at"])
    if captured_age >= timedelta(days=policy.recapture_days):
        return Decision.CAPTURE, f"last full capture {_ago(captured_age)} old"
    if age >= timedelta(hours=policy.recheck_live_hours):
        return Decision.PROBE, f"{status}: due for its HTTP re-check"
    return Decision.SKIP, f"{status}, checked {_ago(age)} ago"


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _ago(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


RunLock = FolderLock  # the name nightly runs knew it by


class EventLog:
    """One JSON line per event (for cron and systemd), or short lines for a person."""

    def __init__(self, stream: TextIO | None = None, json_lines: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.json_lines = (not self.stream.isatty()) if json_lines is None else json_lines
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: str, **fields: Any) -> None:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "event": event,
        }
        entry |= fields
        self.events.append(entry)
        if self.json_lines:
            self.stream.write(json_safe(json.dumps(entry, ensure_ascii=False, default=str)) + "\n")
        else:  # articles and servers name things here: shown as data, never as controls
            detail = " ".join(f"{k}={plain(v)}" for k, v in fields.items())
            self.stream.write(f"archiver: {event} {detail}\n")
        self.stream.flush()


@dataclass(frozen=True, slots=True)
class JobResult:
    run_id: int
    decisions: dict[str, str]
    result: ArchiveResult | None
    summary: dict[str, Any]
    newly: tuple[dict[str, Any], ...]  # references whose tweet newly died, changed or came back


def run_job(
    job: JobConfig,
    settings: Settings,
    *,
    log: EventLog,
    now: datetime | None = None,
) -> JobResult:
    """One nightly run (see the module docstring). Raises :class:`LockHeld` at once if busy."""
    now = now or datetime.now(UTC)
    with lock_for(settings, "run", writes_out=True):
        expanded = expand_sources(job.sources, job.base, settings)
        inputs = expanded.inputs
        for error in expanded.errors:
            log("source_error", error=error)
        scanned = scan(inputs, settings, chosen=expanded.chosen)
        for scan_error in scanned.errors:
            log("input_error", error=str(scan_error))
        with Store(settings.db_path) as store:
            for stale in store.mark_interrupted():
                log("interrupted", run=stale, reason="its process died while it was running")
            run_id = store.start_run("run", {"inputs": len(inputs), "policy": asdict(job.policy)})
            try:
                return _run(job, settings, store, run_id, scanned.refs, log, now, scanned.exchanges)
            except BaseException:
                store.finish_run(run_id, "failed")
                raise


def _run(
    job: JobConfig,
    settings: Settings,
    store: Store,
    run_id: int,
    refs: Sequence[EmbedRef],
    log: EventLog,
    now: datetime,
    article_exchanges: Sequence[Exchange] = (),
) -> JobResult:
    states = store.tweets_state()
    known = store.known_tweet_ids()
    decisions: dict[str, tuple[Decision, str]] = {}
    due_refs: list[EmbedRef] = []
    for ref in refs:
        tweet_id = ref.tweet_id or known.get((ref.article, ref_key(ref)))
        if tweet_id is None:
            if link_to_resolve(ref) is None and (ref.article, ref_key(ref)) in known:
                continue
            due_refs.append(ref)  # identified by resolving its short link
            log("decision", article=ref.article, tweet=ref.url, decision="probe", reason="not identified yet")
            continue
        if tweet_id not in decisions:
            decisions[tweet_id] = due(states.get(tweet_id), job.policy, now)
            decision, reason = decisions[tweet_id]
            log("decision", tweet=tweet_id, decision=str(decision), reason=reason)
        if decisions[tweet_id][0] is not Decision.SKIP:
            due_refs.append(ref)
    before = {tweet_id: state.get("last_status") for tweet_id, state in states.items()}

    def capture_if(tweet_id: str, checked: list[CheckedRef]) -> bool:
        decision, _ = decisions.get(tweet_id, (Decision.CAPTURE, "new"))
        state = states.get(tweet_id)
        if decision is Decision.CAPTURE or state is None:
            return True
        fingerprint = next((r.verdict.fingerprint for r in checked if r.verdict.fingerprint), None)
        status = checked[0].verdict.status
        came_back = state["last_status"] in DEAD and status in (Status.LIVE, Status.ALTERED)
        changed = fingerprint is not None and fingerprint != state.get("last_capture_fingerprint")
        if came_back or changed:
            log(
                "decision",
                tweet=tweet_id,
                decision="capture",
                reason="came back" if came_back else "HTTP evidence changed",
            )
        return came_back or changed

    earlier = (
        sorted(p.name for p in (settings.out_dir / "wacz").glob("*.wacz"))
        if (settings.out_dir / "wacz").exists()
        else []
    )
    result = None
    if due_refs:
        result = asyncio.run(
            archive_refs(
                due_refs,
                settings,
                settings.out_dir,
                store=store,
                run_number=run_id,
                capture_if=capture_if,
                depends_on=earlier,
                article_exchanges=article_exchanges,
                on_captured=lambda t: log(
                    "captured",
                    tweet=t.tweet_id,
                    status=str(t.verdict.status),
                    rendered=t.rendered,
                    seconds=round(t.seconds, 2),
                ),
            )
        )
    store.finish_run(run_id)
    newly = tuple(_newly(result, before))
    for item in newly:
        log("changed", **item)
    summary = _summary(run_id, decisions, result, newly)
    log("summary", **summary)
    if job.webhook:
        _notify(job.webhook, summary, log)
    return JobResult(run_id, {k: str(v[0]) for k, v in decisions.items()}, result, summary, newly)


def _newly(result: ArchiveResult | None, before: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    if result is None:
        return
    seen = set()
    for row in result.rows:
        if row.tweet_id is None or row.tweet_id in seen:
            continue
        seen.add(row.tweet_id)
        was = before.get(row.tweet_id)
        status = str(row.verdict.status)
        if status == "unknown":
            continue
        if was == status and not (status == "altered" and changed_since_last_capture(row.verdict)):
            continue
        if was is None and status == "live":
            continue  # new and fine: nothing to tell
        yield {
            "tweet": row.tweet_id,
            "article": row.ref.article,
            "from": was,
            "to": status,
            "changes": list(row.verdict.changes),
        }


def _summary(
    run_id: int,
    decisions: Mapping[str, tuple[Decision, str]],
    result: ArchiveResult | None,
    newly: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for decision, _ in decisions.values():
        counts[str(decision)] = counts.get(str(decision), 0) + 1
    statuses: dict[str, int] = {}
    if result is not None:
        for row in result.rows:
            statuses[str(row.verdict.status)] = statuses.get(str(row.verdict.status), 0) + 1
    warcs = list(result.warcs) if result else []
    return {
        "run": run_id,
        "tweets": len(decisions),
        "decisions": counts,
        "captured": len(result.tweets) if result else 0,
        "statuses": statuses,
        "newly_changed": len(newly),
        "warcs": [str(w) for w in warcs],
        "bytes_written": sum(w.stat().st_size for w in warcs if w.exists()),
        "revisits": result.revisits if result else 0,
        "wacz": str(result.wacz) if result and result.wacz else None,
        "evidence": _evidence_line(result.wacz) if result and result.wacz else None,
    }


def _evidence_line(wacz: Path) -> str:
    """How the run's package is sealed: signed or not, timestamped or not (said once)."""
    from archiver.evidence.package import summary_line

    return summary_line(wacz)


def _notify(url: str, summary: Mapping[str, Any], log: EventLog) -> None:
    """POST the summary to the user's webhook (their URL: not an X host, no allow-list),
    within an overall deadline: a webhook that drips its answer cannot hold the run."""

    async def post() -> httpx.Response:
        async with asyncio.timeout(WEBHOOK_DEADLINE), httpx.AsyncClient(timeout=10) as client:
            return await client.post(url, json={"embed_archiver": summary})

    try:
        response = asyncio.run(post())
        log("notified", url=url, status=response.status_code)
    except (httpx.HTTPError, TimeoutError) as exc:
        log("notify_failed", url=url, error=str(exc) or type(exc).__name__)


EXAMPLE_CONFIG = """\
# embed-archiver: settings for `archiver run --config archiver.toml`.
# Every setting is also an environment variable (ARCHIVER_<NAME>) and a flag; flags win.

[archiver]
out_dir = "archives"            # WARC, WACZ, reports and archiver.db go here
# concurrency = 16              # HTTP requests in flight at once
# per_host = 8                  # ... per host
# rate = 0                      # requests per second per host (0: no limit); Retry-After is honoured
# timeout = 20                  # seconds per HTTP attempt, first byte to last
# fetch_deadline = 120          # seconds per fetch, all redirects and retries included
# capture_concurrency = 2       # browser captures at once
# capture_timeout = 30          # seconds one capture may take
# max_input_bytes = 20971520    # articles larger than this are refused
# chromium = "/usr/bin/chromium"
# signing_key = "~/.config/embed-archiver/signing-key.pem"   # used when it exists (archiver keys init)
# signing_url = "https://signer.example.org/sign"   # or an authsign-compatible server (domain mode)
# tsa = ["https://freetsa.org/tsr"]          # RFC 3161 timestamp authorities
# tsa_certs = ["freetsa-cacert.pem"]         # their root (and intermediate) certificates

[sources]
paths = ["articles/"]           # files, folders, globs ("site/**/*.html")
# urls = ["https://example.org/2026/11/story"]
# url_lists = ["urls.txt"]      # one article URL per line
# feeds = ["https://example.org/feed.xml"]   # RSS or Atom

[schedule]
recheck_live_hours = 24         # live tweets: HTTP re-check
recapture_days = 7              # live tweets: full browser capture at least this often
recheck_dead_days = 7           # deleted, suspended, ...: re-check (they come back)
unknown_retry_minutes = 30      # unknown: retry, doubling with each unknown in a row

[notify]
# webhook = "https://hooks.example.org/archiver"   # POSTed a JSON summary after each run
"""
