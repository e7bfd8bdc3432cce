#!/usr/bin/env python3
"""Browser capture against the simulated X (in its own process): time, throughput, memory.

    python scripts/bench_capture.py [--tweets 50] [--dead 25] [--concurrency 1 2 4]

For N live tweets: the median seconds per capture (ours: fresh context, CDP recording, the
"done" rule of archiver/x/embed.py, screenshot, text, WARC records written) against a bare
Playwright load-and-screenshot of the same embed page in the same run (the overhead ratio);
captures per second at each concurrency; and the peak PSS of all Chromium processes. Then a mix
of dead tweets (deleted as 404, as ``{}`` and as a tombstone, suspended, protected), captured
interleaved with the live ones: the median of dead captures against live ones (target ≤ 1.2:
a dead tweet must not wait for a marker that never comes), and which rule ended each capture.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from archiver.capture.browser import Browser, BrowserOptions
from archiver.capture.page import capture_page
from archiver.capture.warc import WarcFile
from archiver.testing.simx import start_in_process
from archiver.x.endpoints import ALLOWED_HOSTS, embed_page_url

FIRST_ID = 1885659360262999349
# The bare baseline knows what the page will show (it peeks at the simulator's DOM): the tweet's
# article with its pictures decoded. Ours must find out from the traffic alone.
BARE_READY = """() => {
  const article = document.querySelector('#app article');
  return !!article && article.innerText.trim().length > 0
    && Array.from(article.querySelectorAll('img')).every((img) => img.complete);
}"""


DEAD_STATES = ("deleted_404", "deleted_empty", "deleted_tombstone", "suspended", "protected")


def write_scenario(directory: Path, count: int, dead: int) -> tuple[Path, list[str], list[str]]:
    ids = [str(FIRST_ID + i * 4194304) for i in range(count)]
    dead_ids = [str(FIRST_ID + (count + i) * 4194304) for i in range(dead)]
    tweets = [
        {
            "id": tweet_id,
            "created_at": "2025-02-01T12:00:00.000Z",
            "handle": f"user{i % 10}",
            "name": f"User {i % 10}",
            "text": f"Post number {i} with a photo",
            "photos": [{"code": f"Bench{i:05d}"}],
        }
        for i, tweet_id in enumerate(ids)
    ]
    tweets += [
        {
            "id": tweet_id,
            "created_at": "2025-02-01T12:00:00.000Z",
            "handle": f"gone{i % 10}",
            "name": f"Gone {i % 10}",
            "text": f"Dead post number {i}",
            "state": DEAD_STATES[i % len(DEAD_STATES)],
        }
        for i, tweet_id in enumerate(dead_ids)
    ]
    path = directory / "bench.yaml"
    path.write_text(yaml.safe_dump({"name": "bench", "tweets": tweets}), encoding="utf-8")
    return path, ids, dead_ids


def chromium_pss_mib() -> float:
    """PSS of every Chromium process descended from this one, in MiB."""
    me = os.getpid()
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                commands[int(entry)] = handle.read().decode(errors="replace")
        except OSError:
            continue
    total_kib = 0
    for pid, command in commands.items():
        if "chromium" not in command:
            continue
        ancestor = pid
        while ancestor > 1 and ancestor != me:
            ancestor = parents.get(ancestor, 1)
        if ancestor != me:
            continue
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total_kib += int(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024


class PeakSampler:
    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, chromium_pss_mib())
            time.sleep(1.0)  # smaps_rollup walks page tables: sampling costs CPU too

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def bare_load(browser: Browser, url: str) -> float:
    """Playwright alone: new context, load, wait for the tweet, screenshot."""
    started = time.perf_counter()
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url, wait_until="commit")
    await page.wait_for_function(BARE_READY, polling=50)
    await page.screenshot(type="png")
    await context.close()
    return time.perf_counter() - started


async def ours(
    browser: Browser, url: str, warc: WarcFile, expect: str = "tweet", rules: list[str] | None = None
) -> float:
    started = time.perf_counter()
    capture = await capture_page(browser, url, allowed_hosts=ALLOWED_HOSTS, timeout=30)
    for exchange in capture.exchanges:
        warc.write_exchange(exchange)
    if capture.screenshot:
        warc.write_resource(f"urn:view:{url}", "image/png", capture.screenshot, page_id=capture.page_id)
    if capture.text:
        warc.write_resource(f"urn:text:{url}", "text/plain", capture.text.encode(), page_id=capture.page_id)
    assert capture.rendered == expect, (url, capture.rendered, capture.done_rule, capture.error)
    if rules is not None:
        rules.append(capture.done_rule)
    return time.perf_counter() - started


async def main_async(
    args: argparse.Namespace, described: dict[str, object], ids: list[str], dead_ids: list[str], out: Path
) -> None:
    port = int(str(described["port"]))
    options = BrowserOptions(
        executable=args.chromium,
        host_map=tuple((str(rule).split("=")[0], "127.0.0.1", port) for rule in described["resolve"]),  # type: ignore[attr-defined]
        allowed_hosts=ALLOWED_HOSTS,
        ca_bundle=Path(str(described["ca_bundle"])),
    )
    urls = [embed_page_url(t) for t in ids]
    async with Browser(options) as browser:
        await browser.start()
        print(f"Chromium {browser.version}, {len(urls)} tweets")
        await bare_load(browser, urls[0])  # warm up
        warc = WarcFile(out / "bench.warc.gz", {})
        ours_times, bare_times = [], []
        with PeakSampler() as sampler:
            for url in urls:  # interleaved, so both see the same machine load
                bare_times.append(await bare_load(browser, url))
                ours_times.append(await ours(browser, url, warc))
            ratio = statistics.median(ours_times) / statistics.median(bare_times)
            print(
                f"sequential: ours median {statistics.median(ours_times):.3f} s, bare Playwright "
                f"load+screenshot median {statistics.median(bare_times):.3f} s: ratio {ratio:.2f}"
            )
            for concurrency in args.concurrency:
                limit = asyncio.Semaphore(concurrency)

                async def one(url: str, limit: asyncio.Semaphore = limit) -> float:
                    async with limit:
                        return await ours(browser, url, warc)

                started = time.perf_counter()
                await asyncio.gather(*(one(u) for u in urls))
                seconds = time.perf_counter() - started
                rate = len(urls) / seconds
                print(f"concurrency {concurrency}: {rate:.2f} captures/s ({seconds:.1f} s for {len(urls)})")
            if dead_ids:
                live_times: list[float] = []
                dead_times: list[float] = []
                rules: list[str] = []
                dead_urls = [embed_page_url(t) for t in dead_ids]
                for index, url in enumerate(dead_urls):  # interleaved with live ones, one at a time
                    live_times.append(await ours(browser, urls[index % len(urls)], warc, "tweet", rules))
                    dead_times.append(await ours(browser, url, warc, "empty", rules))
                dead_median, live_median = statistics.median(dead_times), statistics.median(live_times)
                print(
                    f"dead vs live ({len(dead_urls)} dead: {', '.join(DEAD_STATES)}): dead median "
                    f"{dead_median:.3f} s, live median {live_median:.3f} s: "
                    f"ratio {dead_median / live_median:.2f} (target <= 1.2); "
                    f"slowest dead {max(dead_times):.3f} s"
                )
                print(
                    "rules that ended the captures: "
                    + ", ".join(f"{r} {rules.count(r)}" for r in sorted(set(rules)))
                )
        warc.seal()
        print(f"peak Chromium PSS: {sampler.peak:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=50)
    parser.add_argument("--dead", type=int, default=25, help="dead tweets in the mix (0: none)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        scenario, ids, dead_ids = write_scenario(Path(tmp), args.tweets, args.dead)
        process, described = start_in_process(scenario, Path(tmp))
        try:
            asyncio.run(main_async(args, described, ids, dead_ids, Path(tmp)))
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
