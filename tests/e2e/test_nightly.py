"""`archiver run`: incremental, resumable, locked, deduplicated, against a changing simulated X."""

from __future__ import annotations

import http.server
import io
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver import Settings
from archiver.capture.warc import OPEN_SUFFIX, WarcFile, recover_open_files
from archiver.errors import ArchiveError
from archiver.jobs import EventLog, JobConfig, LockHeld, RunLock, load_job, run_job
from archiver.sources import Sources
from archiver.store import Store
from archiver.testing.simx import SimX, load_scenario
from tests.capture.conftest import chromium_or_skip
from tests.conftest import DATA, ROOT, warcio_check

pytestmark = pytest.mark.browser
QUICK = Settings(retries=1, backoff=0.01, timeout=5, capture_timeout=15)
T0 = datetime.now(UTC)  # checks are stamped with the real time; later runs pretend to be later


class _Site(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A local web server for the newsroom's feed and articles."""
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Site(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def write_feed(root: Path, base: str, articles: dict[str, str]) -> None:
    items = ""
    for name, html in articles.items():
        (root / name).write_text(html, encoding="utf-8")
        items += f"<item><title>{name}</title><link>{base}/{name}</link></item>"
    (root / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>',
        encoding="utf-8",
    )


def links(*tweets: tuple[str, str]) -> str:
    return (
        "<article>"
        + "".join(f'<p><a href="https://twitter.com/{h}/status/{i}">t</a></p>' for h, i in tweets)
        + "</article>"
    )


ARTICLE_A = links(
    ("live_one", "1885659360262999349"),
    ("comeback", "1886021748128541395"),
    ("editor1", "1889645626785221401"),
    ("gone_tomb", "1886746523861432593"),
)
ARTICLE_B = links(("photo_desk", "1890008014651572258"), ("locked_acct", "1887471299589842778"))


def run_at(out: Path, job: JobConfig, phase: int, when: datetime, log: EventLog | None = None):  # type: ignore[no-untyped-def]
    chromium_or_skip()
    with SimX(load_scenario("every-state"), phase=phase) as sim:
        settings = sim.settings(QUICK).with_changes(out_dir=out)
        return run_job(
            job,
            settings,
            log=log or EventLog(io.StringIO(), json_lines=True),
            now=when,
        )


def test_second_run_checks_only_what_is_due_and_records_each_change(
    tmp_path: Path, site: tuple[Path, str]
) -> None:
    root, base = site
    out = tmp_path / "out"
    job = JobConfig(sources=Sources(feeds=(f"{base}/feed.xml",)))
    write_feed(root, base, {"a.html": ARTICLE_A})
    first = run_at(out, job, 0, T0)
    assert set(first.decisions.values()) == {"capture"}
    assert first.summary["captured"] == 4
    write_feed(root, base, {"a.html": ARTICLE_A, "b.html": ARTICLE_B})  # a new article in the feed
    stream = io.StringIO()
    second = run_at(out, job, 1, T0 + timedelta(hours=25), EventLog(stream, json_lines=True))
    assert second.decisions == {
        "1885659360262999349": "probe",
        "1886021748128541395": "probe",
        "1889645626785221401": "probe",
        "1886746523861432593": "skip",  # dead: re-checked weekly
        "1890008014651572258": "capture",  # new article, new tweets
        "1887471299589842778": "capture",
    }
    captured = {t.tweet_id for t in second.result.tweets}
    # new ones, and the edited one (its HTTP evidence changed); unchanged live ones are not
    # re-captured, the newly deleted one has nothing to capture beyond its probes
    assert captured == {"1890008014651572258", "1887471299589842778", "1889645626785221401"}
    assert {(n["tweet"], n["to"]) for n in second.newly} == {
        ("1886021748128541395", "deleted"),
        ("1889645626785221401", "altered"),
        ("1887471299589842778", "protected"),
    }
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {e["event"] for e in events} >= {"decision", "captured", "changed", "summary"}
    assert all("reason" in e for e in events if e["event"] == "decision")
    third = run_at(out, job, 2, T0 + timedelta(days=8))  # restored; a week on: dead ones re-checked
    assert third.decisions["1886746523861432593"] == "probe"
    assert ("1886021748128541395", "live") in {(n["tweet"], n["to"]) for n in third.newly}
    assert "1886021748128541395" in {t.tweet_id for t in third.result.tweets}  # came back: captured
    with Store(out / "archiver.db") as store:
        assert [h["status"] for h in store.status_changes("1886021748128541395")] == [
            "live",
            "deleted",
            "live",
        ]
    for warc in (out / "warc").glob("*.warc.gz"):
        warcio_check(warc)


def test_unchanged_static_bytes_become_revisits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    article = tmp_path / "a.html"
    article.write_text(links(("photo_desk", "1890008014651572258")))
    job = JobConfig(sources=Sources(paths=(str(article),)))
    run_at(out, job, 0, T0)
    second = run_at(out, job, 0, T0 + timedelta(days=8))  # a full re-capture is due
    assert second.summary["captured"] == 1 and second.summary["revisits"] >= 2  # the photo and the script
    [warc] = [Path(w) for w in second.summary["warcs"]]
    warcio_check(warc)
    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as stream:
        kinds = {
            (r.rec_type, (r.rec_headers.get_header("WARC-Target-URI") or "").split("?")[0])
            for r in ArchiveIterator(stream)
        }
    assert ("revisit", "https://pbs.twimg.com/media/BridgeDawnA.png") in kinds  # the same photo
    assert ("revisit", "https://platform.twitter.com/embed/embed.simx.js") in kinds  # the same script
    assert ("response", "https://cdn.syndication.twimg.com/tweet-result") in kinds  # evidence: always whole
    assert second.summary["wacz"] is not None


def test_a_second_run_exits_at_once_while_one_holds_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with RunLock(out), pytest.raises(LockHeld, match="already in progress"):
        run_job(JobConfig(), QUICK.with_changes(out_dir=out), log=EventLog(io.StringIO()))


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import time; from archiver.jobs import RunLock; from pathlib import Path\n"
            f"with RunLock(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(LockHeld):
        RunLock(out).__enter__()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with RunLock(out):  # the kernel dropped the dead run's lock
        assert "pid" in (out / "archiver.lock").read_text()


def test_disk_full_stops_the_run_with_a_clear_error_and_loses_nothing_sealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    article = tmp_path / "a.html"
    article.write_text(ARTICLE_A)
    job = JobConfig(sources=Sources(paths=(str(article),)))
    run_at(out, job, 0, T0)
    sealed_before = {p: p.read_bytes() for p in (out / "warc").glob("*.warc.gz")}
    real_write = WarcFile._write
    writes = {"n": 0}

    def full_disk(self: WarcFile, record: object) -> str:
        writes["n"] += 1
        if writes["n"] > 6:
            raise ArchiveError(f"{self.open_path}: write failed (No space left on device)")
        return real_write(self, record)

    monkeypatch.setattr(WarcFile, "_write", full_disk)
    with pytest.raises(ArchiveError, match="No space left on device"):
        run_at(out, job, 1, T0 + timedelta(days=8))
    monkeypatch.undo()
    for path, data in sealed_before.items():
        assert path.read_bytes() == data
    assert list((out / "warc").glob(f"*{OPEN_SUFFIX}"))  # the broken file waits for recovery
    with Store(out / "archiver.db") as store:
        assert store.last_run()["status"] == "failed"  # type: ignore[index]
    recover_open_files(out / "warc")
    for warc in (out / "warc").glob("*.warc.gz"):
        warcio_check(warc)


def test_kill_9_then_run_again_checks_every_due_tweet_once(tmp_path: Path) -> None:
    chromium_or_skip()
    out = tmp_path / "out"
    config = tmp_path / "archiver.toml"
    config.write_text(f'[sources]\npaths = ["{DATA / "every-state-article.html"}"]\n', encoding="utf-8")
    scenario = tmp_path / "slow.yaml"
    scenario.write_text(
        (ROOT / "archiver" / "testing" / "simx" / "scenarios" / "every-state.yaml").read_text()
        + "faults:\n  - {kind: latency, host: platform.twitter.com, seconds: 0.7}\n",
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "archiver",
        "--config",
        str(config),
        "run",
        "--simx",
        str(scenario),
        "--out",
        str(out),
        "--log",
        "json",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    captured = 0
    deadline = time.monotonic() + 120
    while captured < 4 and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        if '"event": "captured"' in line:
            captured += 1
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert captured >= 4
    db = sqlite3.connect(out / "archiver.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    checked_first = {row[0] for row in db.execute("SELECT DISTINCT tweet_id FROM checks")}
    db.close()
    assert 4 <= len(checked_first) < 15
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    db = sqlite3.connect(out / "archiver.db")
    counts = dict(db.execute("SELECT tweet_id, COUNT(*) FROM checks GROUP BY tweet_id"))
    db.close()
    assert len(counts) == 15 and set(counts.values()) == {1}  # everything checked, nothing twice
    assert not list((out / "warc").glob(f"*{OPEN_SUFFIX}"))  # the killed run's file was dealt with
    for warc in (out / "warc").glob("*.warc.gz"):
        warcio_check(warc)


def test_webhook_receives_the_summary_and_fail_on_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archiver.cli import main

    received: list[dict[str, object]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = tmp_path / "archiver.toml"
    config.write_text(f'[sources]\npaths = ["{DATA / "every-state-article.html"}"]\n', encoding="utf-8")
    try:
        code = main(
            [
                "--config",
                str(config),
                "run",
                "--simx",
                "every-state",
                "--out",
                str(tmp_path / "out"),
                "--notify-webhook",
                f"http://127.0.0.1:{server.server_address[1]}/hook",
                "--fail-on",
                "deleted",
                "--log",
                "json",
            ]
        )
    finally:
        server.shutdown()
    assert code == 3  # the article cites deleted tweets, newly seen as such
    assert received and received[0]["embed_archiver"]["captured"] == 15  # type: ignore[index]
    assert load_job(config).sources.paths == (str(DATA / "every-state-article.html"),)


def test_init_writes_a_commented_example_that_loads(tmp_path: Path) -> None:
    from archiver.cli import main

    path = tmp_path / "archiver.toml"
    assert main(["init", str(path)]) == 0
    job = load_job(path)
    assert job.policy.recheck_live_hours == 24 and job.sources.paths == ("articles/",)
    assert main(["init", str(path)]) == 2  # never overwrites
