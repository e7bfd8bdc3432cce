#!/usr/bin/env python3
"""Tweets checked per second by `archiver check`'s pipeline, against the simulator in its own process.

    python scripts/bench_check.py [--tweets 2000] [--small 200] [--concurrency 16] [--per-host 8]

Writes a scenario of N live tweets, starts `archiver simx` on it in a subprocess, and times
resolve-free checks (syndication + oEmbed per tweet) for the small and the full set, so the
figures show how time grows with the number of tweets.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import yaml

from archiver.check import check_refs
from archiver.config import Settings
from archiver.models import Status
from archiver.net import Fetcher
from archiver.scan import scan_document
from archiver.testing.simx import settings_for, start_in_process

FIRST_ID = 1885659360262999349


def write_scenario(directory: Path, count: int) -> Path:
    tweets = [
        {
            "id": str(FIRST_ID + i * 4194304),
            "created_at": "2025-02-01T12:00:00.000Z",
            "handle": f"user{i % 50}",
            "name": f"User {i % 50}",
            "text": f"Post number {i}",
        }
        for i in range(count)
    ]
    path = directory / "bench.yaml"
    path.write_text(yaml.safe_dump({"name": "bench", "tweets": tweets}), encoding="utf-8")
    return path


async def run(count: int, settings: Settings) -> tuple[float, dict[str, int]]:
    html = "".join(
        f'<p><a href="https://twitter.com/user{i % 50}/status/{FIRST_ID + i * 4194304}">t</a></p>'
        for i in range(count)
    )
    refs = scan_document(html, "bench.html")
    started = time.perf_counter()
    async with Fetcher(settings) as fetcher:
        rows = await check_refs(refs, fetcher)
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.verdict.status] = counts.get(row.verdict.status, 0) + 1
    return seconds, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--per-host", type=int, default=8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = write_scenario(Path(tmp), args.tweets)
        process, described = start_in_process(scenario, Path(tmp))
        try:
            base = Settings(concurrency=args.concurrency, per_host=args.per_host, retries=1, backoff=0.05)
            settings = settings_for(described, base)
            print(f"simulator in its own process (pid {process.pid})", end="; ")
            print(f"concurrency {args.concurrency}, per host {args.per_host}")
            results = {}
            for count in (args.small, args.tweets):
                seconds, counts = asyncio.run(run(count, settings))
                results[count] = seconds
                live = counts.get(Status.LIVE, 0)
                rate = count / seconds
                print(f"{count:>6} tweets: {seconds:6.2f} s  {rate:7.1f} tweets/s", end="  ")
                print(f"(live {live}, other {count - live})")
            ratio = results[args.tweets] / results[args.small]
            print(f"time ratio {ratio:.1f} for {args.tweets / args.small:.0f}x the tweets")
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
