"""The whole command line over hostile articles and servers (issue 10).

Articles carry Rich markup, terminal escape sequences, spreadsheet formulas, names that are
markup, and links and subresources aimed at canaries (listeners on other local ports, in
every address form); servers redirect to canaries and drip bytes. Every command must end
within its bound, exit 0/1/2/3 as documented, print no traceback and no escape sequence,
and no canary may ever be hit.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import main
from tests.capture.conftest import chromium_or_skip
from tests.hostile.servers import Canary, Site, address_forms, hostile_site

TWEET = "https://twitter.com/mtracey/status/1900552767535903689"  # in the seed scenario
MARKUP = "[/bold] [link=https://evil.example/]x[/link] [red]r[/red] \x1b]0;pwned\x07\x1b[31m\x9b1m\u202e"
EXIT_CODES = {0, 1, 2, 3}
ENV = {"ARCHIVER_TIMEOUT": "2", "ARCHIVER_FETCH_DEADLINE": "4", "ARCHIVER_RETRIES": "0"}


def embed(quote: str, author: str = "Evil") -> str:
    return (
        f'<blockquote class="twitter-tweet"><p lang="en">{quote}</p>&mdash; {author} (@mtracey) '
        f'<a href="{TWEET}">March 14, 2025</a></blockquote>'
    )


@dataclass
class World:
    canary: Canary
    site: Site
    folder: Path
    tmp: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("hostile")
    folder = tmp / "articles"
    folder.mkdir()
    (folder / "markup.html").write_text(embed(MARKUP, "[bold]Evil[/bold]"), encoding="utf-8")
    (folder / "formula.html").write_text(embed('=HYPERLINK("https://evil.example","x")'), encoding="utf-8")
    (folder / "[bold]named.html").write_text(embed("a name that is markup"), encoding="utf-8")
    (folder / "evil\x1b[31m.txt").write_text(f"{TWEET} a name with an escape", encoding="utf-8")
    (folder / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 10)
    os.mkfifo(folder / "pipe.html")
    canary = Canary()
    forms = address_forms(canary.port)
    subresources = "".join(
        [f'<link rel="preconnect" href="{forms[0]}"><link rel="stylesheet" href="{forms[1]}/css">']
        + [f'<img src="{form}/img">' for form in forms]
        + [
            f'<iframe src="{forms[2]}/frame"></iframe><style>p{{background:url({forms[3]}/bg)}}</style>',
            f"<script>fetch('{forms[0]}/fetch').catch(() => 0); navigator.sendBeacon('{forms[0]}/b', 'x');",
            f"try {{ new WebSocket('ws://127.0.0.1:{canary.port}/ws'); }} catch (e) {{}}</script>",
            f'<article><p>Story <a href="{TWEET}">the post</a></p></article>',
        ]
    )
    with hostile_site(canary) as site:
        site.page("/story.html", subresources.encode())
        site.page("/markup.html", embed(MARKUP).encode())
        yield World(canary, site, folder, tmp)
    canary.close()


def _checked(world: World, code: int, out: str, err: str, took: float, bound: float) -> None:
    output = out + err
    assert code in EXIT_CODES, output
    assert "Traceback" not in output, output
    assert not any(c in output for c in "\x1b\x07\x9b\u202e"), repr(output[-2000:])
    assert took < bound
    assert world.canary.hits == [], world.canary.hits


def run(world: World, *args: str, bound: float) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, as a user runs it; fails past ``bound`` seconds."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        cwd=world.tmp,
        env=os.environ | ENV,
        timeout=bound,
        errors="replace",
    )
    _checked(world, done.returncode, done.stdout, done.stderr, time.monotonic() - started, bound)
    return done


def run_here(world: World, *args: str, bound: float) -> subprocess.CompletedProcess[str]:
    """The CLI's ``main`` in this process (no start-up cost), in a thread bounded by ``bound``."""
    out, err, result = io.StringIO(), io.StringIO(), []
    started = time.monotonic()

    def call() -> None:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result.append(main(list(args)))

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(bound)
    assert result, f"{args} did not end within {bound} s"
    _checked(world, result[0], out.getvalue(), err.getvalue(), time.monotonic() - started, bound)
    return subprocess.CompletedProcess(list(args), result[0], out.getvalue(), err.getvalue())


def test_scan_over_hostile_files_names_each_bad_one_and_goes_on(world: World) -> None:
    done = run(world, "scan", str(world.folder), str(world.folder / "pipe.html"), bound=30)
    assert done.returncode == 1
    assert "[/bold] [link=https://evil.example/]x[/link]" in done.stdout
    assert "[bold]named.html" in done.stdout
    assert "not a regular file" in done.stderr and "binary.html" in done.stderr


def test_scan_urls_that_redirect_to_canaries_or_drip_end_in_one_line_errors(world: World) -> None:
    urls = [world.site.url(p) for p in ("/to-canary", "/to-canary-int", "/drip", "/markup.html")]
    done = run(world, "scan", *urls, bound=30)
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert len([e for e in errors if "non-public address" in e]) == 2
    assert any("/drip" in e and ("within" in e or "timed out" in e) for e in errors)
    assert "[/bold]" in done.stdout  # the page that was fetched is shown as data


def test_check_over_hostile_articles_shows_data_and_writes_safe_csv(world: World) -> None:
    out = world.tmp / "check-out"
    done = run(world, "check", "--simx", "seed", "--out", str(out), str(world.folder), bound=60)
    assert done.returncode == 1  # the binary file and the pipe are named, the rest is checked
    assert "[bold]named.html" in done.stdout
    done = run_here(
        world, "check", "--simx", "seed", "--format", "csv", "--no-db", str(world.folder), bound=60
    )
    assert "'=HYPERLINK(" in done.stdout


def test_archive_with_article_reaches_no_canary_and_reports_are_safe(world: World) -> None:
    chromium_or_skip()
    out = world.tmp / "archive-out"
    story = world.site.url("/story.html")
    sources = (story, str(world.folder / "markup.html"))
    done = run(world, "archive", "--simx", "seed", "--with-article", "--out", str(out), *sources, bound=90)
    assert done.returncode == 0, done.stderr
    targets = []
    for warc in (out / "warc").glob("*.warc.gz"):
        with warc.open("rb") as stream:
            targets += [r.rec_headers.get_header("WARC-Target-URI") or "" for r in ArchiveIterator(stream)]
    assert story in targets and f"urn:view:{story}" in targets  # the article itself was captured
    assert not [t for t in targets if f":{world.canary.port}" in t]  # nothing of the canary's
    for fmt in ("json", "csv", "html"):
        report = run_here(world, "report", "--format", fmt, "--out", str(out), bound=30)
        assert report.returncode == 0
    assert "\x1b" not in next((out / "reports").glob("*.html")).read_text(encoding="utf-8")


def test_careless_operator_errors_are_one_line(world: World) -> None:
    article = str(world.folder / "markup.html")
    cases = [
        ["check", "--no-db", "--concurrency", "-1", article],
        ["check", "--no-db", "--ca-bundle", article, article],
        ["check", "--no-db", "--resolve", "x.com=127.0.0.1:99999", article],
        ["check", "--out", "/proc/archiver-hostile", article],
        ["--config", str(world.folder / "pipe.html"), "scan", article],
    ]
    for args in cases:
        done = run_here(world, *args, bound=30)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)


def test_run_over_a_feed_that_links_canaries_fetches_only_what_is_allowed(world: World) -> None:
    chromium_or_skip()
    chosen = [f"{form}/item" for form in address_forms(world.canary.port)]
    chosen.append(world.site.url("/to-canary"))  # on the feed's origin, but redirecting off it
    items = [*chosen, world.site.url("/markup.html")]
    entries = "".join(f"<item><title>x</title><link>{url}</link></item>" for url in items)
    world.site.page(
        "/feed.xml",
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{entries}</channel></rss>".encode(),
        "application/rss+xml",
    )
    config = world.tmp / "run.toml"
    config.write_text(f'[sources]\nfeeds = ["{world.site.url("/feed.xml")}"]\n', encoding="utf-8")
    out = world.tmp / "run-out"
    done = run(
        world, "--config", str(config), "run", "--simx", "seed", "--log", "json", "--out", str(out), bound=90
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    refused = [e for e in events if e["event"] == "input_error"]
    assert len(refused) == len(chosen)
    assert any(e["event"] == "captured" for e in events)  # the article on the feed's origin
