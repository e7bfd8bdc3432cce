#!/usr/bin/env python3
"""Nightly runs at scale, against the simulated X in its own process.

    python scripts/bench_nightly.py [--articles 300] [--tweets 1000] [--changed 0.05]

A feed of N articles (served locally) citing T distinct tweets. Three runs: the first
captures everything; the second, a day later with nothing changed, re-checks over HTTP and
captures nothing (its bytes as a share of the first's, target <= 25%); the third, a day after
that, with a share of the tweets edited, captures only those. Prints wall time, bytes written
and what each run did. The first run takes minutes at the default size: it is a real browser
capture of every tweet.
"""

from __future__ import annotations

import argparse
import http.server
import io
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from archiver.config import Settings
from archiver.jobs import EventLog, JobConfig, run_job
from archiver.sources import Sources
from archiver.testing.simx import settings_for, start_in_process

FIRST_ID = 1885659360262999349


def write_scenario(directory: Path, ids: list[str], changed: set[str]) -> Path:
    tweets = []
    for number, tweet_id in enumerate(ids):
        tweet = {
            "id": tweet_id,
            "created_at": "2025-02-01T12:00:00.000Z",
            "handle": f"desk{number % 40}",
            "name": f"Desk {number % 40}",
            "text": f"Update number {number} from the desk",
            "photos": [{"code": f"N{number:07d}"}],
        }
        if tweet_id in changed:
            tweet["then"] = [{"phase": 1, "text": f"Update number {number} from the desk (corrected)"}]
        tweets.append(tweet)
    path = directory / "nightly.yaml"
    path.write_text(yaml.safe_dump({"name": "nightly", "tweets": tweets}), encoding="utf-8")
    return path


def write_site(root: Path, ids: list[str], articles: int, rng: random.Random) -> None:
    per_article = [[] for _ in range(articles)]  # type: list[list[str]]
    for index, tweet_id in enumerate(ids):  # every tweet cited at least once
        per_article[index % articles].append(tweet_id)
    for cited in per_article:  # and some twice, in another article
        cited.append(rng.choice(ids))
    handle = {tweet_id: f"desk{number % 40}" for number, tweet_id in enumerate(ids)}
    text = {tweet_id: f"Update number {number} from the desk" for number, tweet_id in enumerate(ids)}
    items = []
    for number, cited in enumerate(per_article):
        body = "".join(
            f'<blockquote class="twitter-tweet"><p>{text[t]}</p>&mdash; Desk (@{handle[t]}) '
            f'<a href="https://twitter.com/{handle[t]}/status/{t}">February 1, 2025</a></blockquote>'
            for t in cited
        )
        paragraphs = "<p>" + "Storm coverage continues. " * 80 + "</p>"
        (root / f"a{number}.html").write_text(
            f"<html><body><article>{paragraphs}{body}</article></body></html>"
        )
        items.append(f"<item><title>Article {number}</title><link>BASE/a{number}.html</link></item>")
    (root / "feed.template").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        + "".join(items)
        + "</channel></rss>"
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(root: Path) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Quiet(*a, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (root / "feed.xml").write_text((root / "feed.template").read_text().replace("BASE", base))
    return base


def one_run(
    out: Path, base: str, scenario: Path, workdir: Path, phase: int, when: datetime
) -> dict[str, object]:
    process, described = start_in_process(scenario, workdir, phase)
    try:
        defaults = Settings(out_dir=out, retries=2, backoff=0.05, capture_concurrency=2)
        settings = settings_for(described, defaults)
        job = JobConfig(sources=Sources(feeds=(f"{base}/feed.xml",)))
        started = time.perf_counter()
        outcome = run_job(
            job,
            settings,
            log=EventLog(io.StringIO(), json_lines=True),
            now=when,
        )
        summary = dict(outcome.summary)
        summary["seconds"] = time.perf_counter() - started
        return summary
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--tweets", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.05)
    args = parser.parse_args(argv)
    rng = random.Random(5)
    ids = [str(FIRST_ID + i * 4194304) for i in range(args.tweets)]
    changed = set(rng.sample(ids, int(len(ids) * args.changed)))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = work / "site"
        site.mkdir()
        write_site(site, ids, args.articles, rng)
        base = serve(site)
        scenario = write_scenario(work, ids, changed)
        now = datetime.now(UTC)
        runs = [
            ("first (everything new)", 0, now),
            ("second (a day later, nothing changed)", 0, now + timedelta(hours=25)),
            (f"third ({len(changed)} tweets edited)", 1, now + timedelta(hours=50)),
        ]
        first_bytes = None
        print(f"{args.articles} articles in a feed, {args.tweets} distinct tweets")
        for label, phase, when in runs:
            summary = one_run(work / "out", base, scenario, work, phase, when)
            size = int(str(summary["bytes_written"]))
            first_bytes = first_bytes or size
            print(
                f"{label}: {float(str(summary['seconds'])):.1f} s, {size / 1e6:.2f} MB "
                f"({100 * size / first_bytes:.1f}% of the first), captured {summary['captured']}, "
                f"decisions {summary['decisions']}, revisits {summary['revisits']}, "
                f"newly changed {summary['newly_changed']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
