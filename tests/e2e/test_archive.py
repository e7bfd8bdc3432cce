"""`archiver archive` end to end: real Chromium, simulated X, WARC and WACZ that replay."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import Settings
from archiver.api import ArchiveRun, archive, export_wacz
from archiver.capture.wacz import validate_wacz
from archiver.capture.warc import OPEN_SUFFIX, recover_open_files
from archiver.errors import ArchiveError
from archiver.testing.simx import SimX, load_scenario
from tests.capture.conftest import chromium_or_skip
from tests.conftest import ROOT, SEEDS, warcio_check

pytestmark = pytest.mark.browser
QUICK = Settings(retries=1, backoff=0.01, timeout=5, capture_timeout=15)
SEED_ARTICLE = SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt"
MTRACEY = "1900552767535903689"


def run_archive(tmp_path: Path, sources: list[Path], scenario: str = "seed") -> tuple[ArchiveRun, SimX]:
    chromium_or_skip()
    with SimX(load_scenario(scenario)) as sim:
        settings = sim.settings(QUICK).with_changes(out_dir=tmp_path)
        run = archive(sources, settings)
    return run, sim


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveRun, Path]:
    out = tmp_path_factory.mktemp("archive")
    run, _ = run_archive(out, [SEED_ARTICLE])
    return run, out


def records(warc: Path) -> list[tuple[str, str, dict[str, str], bytes]]:
    out = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            headers = dict(record.rec_headers.headers)
            out.append(
                (record.rec_type, headers.get("WARC-Target-URI", ""), headers, record.content_stream().read())
            )
    return out


def test_seed_article_is_captured_verified_and_packaged(seed_run: tuple[ArchiveRun, Path]) -> None:
    run, out = seed_run
    result = run.result
    assert [str(r.verdict.status) for r in result.rows] == ["live", "live"]
    assert {t.rendered for t in result.tweets} == {"tweet"}
    assert len(result.warcs) == 1 and result.warcs[0].name.endswith(".warc.gz")
    assert not list(out.rglob(f"*{OPEN_SUFFIX}"))
    warcio_check(result.warcs[0])
    assert result.wacz is not None and validate_wacz(result.wacz) is None
    with zipfile.ZipFile(result.wacz) as package:
        lines = package.read("pages/pages.jsonl").decode().splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    assert {p["tweet_id"] for p in pages} == {MTRACEY, "1900604978233829458"}
    assert {p["status"] for p in pages} == {"live"}


def test_records_of_one_capture_share_a_page_id_and_metadata_refers_to_syndication(
    seed_run: tuple[ArchiveRun, Path],
) -> None:
    run, _ = seed_run
    all_records = records(run.result.warcs[0])
    assert all_records[0][0] == "warcinfo"
    tweet = next(t for t in run.result.tweets if t.tweet_id == MTRACEY)
    mine = [r for r in all_records if r[2].get("WARC-Page-ID") == tweet.page_id]
    targets = {(kind, target.split("?")[0]) for kind, target, _, _ in mine}
    embed = "https://platform.twitter.com/embed/Tweet.html"
    assert ("response", "https://cdn.syndication.twimg.com/tweet-result") in targets  # probe and page
    assert ("response", "https://publish.twitter.com/oembed") in targets
    assert ("response", embed) in targets and ("request", embed) in targets
    assert ("resource", f"urn:view:{embed}") in targets and ("resource", f"urn:text:{embed}") in targets
    _, target, headers, payload = next(r for r in mine if r[0] == "metadata")
    assert target == f"urn:embed-check:{MTRACEY}"  # never the page's URL: pywb would serve it
    syndication_ids = {
        h["WARC-Record-ID"]
        for k, t, h, _ in mine
        if k == "response" and t.startswith("https://cdn.syndication")
    }
    assert headers["WARC-Refers-To"] in syndication_ids
    data = json.loads(payload)
    assert data["verdict"]["status"] == "live" and data["rendered"] == "tweet"
    assert data["references"][0]["handle"] == "mtracey"
    assert data["browser"].startswith("Chromium ") and data["tool"].startswith("embed-archiver ")
    assert all(
        e["record_id"] for e in data["verdict"]["evidence"] if e["source"] in ("syndication", "oembed")
    )
    screenshot = next(p for k, t, _, p in mine if t.startswith("urn:view:"))
    assert screenshot.startswith(b"\x89PNG")


def test_export_packages_sealed_warcs_into_a_valid_wacz(
    seed_run: tuple[ArchiveRun, Path], tmp_path: Path
) -> None:
    _, out = seed_run
    wacz = export_wacz(tmp_path / "month.wacz", [out / "warc"], since="2000-01-01")
    assert validate_wacz(wacz) is None
    with pytest.raises(ArchiveError, match="no WARC"):
        export_wacz(tmp_path / "future.wacz", [out / "warc"], since="2999-01-01")
    with zipfile.ZipFile(wacz) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert {p["tweet_id"] for p in pages} == {MTRACEY, "1900604978233829458"}


def test_every_state_archive_verdicts_and_empty_boxes(tmp_path: Path) -> None:
    run, _ = run_archive(tmp_path, [ROOT / "tests" / "data" / "every-state-article.html"], "every-state")
    by_id = {t.tweet_id: t for t in run.result.tweets}
    assert by_id["1885659360262999349"].rendered == "tweet"
    assert str(by_id["1885659360262999349"].verdict.status) == "live"
    assert by_id["1886746523861432593"].rendered == "empty"
    assert str(by_id["1886746523861432593"].verdict.status) == "deleted"
    assert str(by_id["1887471299589842778"].verdict.status) == "protected"
    for warc in run.result.warcs:
        warcio_check(warc)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def pywb() -> Iterator[Path]:
    venv = ROOT / os.environ.get("ARCHIVER_PYWB", ".tools/pywb")  # relative to the checkout
    if not (venv / "bin" / "wayback").exists():
        if os.environ.get("ARCHIVER_REQUIRE_PYWB"):
            pytest.fail(f"pywb is not set up at {venv}: run scripts/setup_pywb.sh")
        pytest.skip(f"pywb is not set up at {venv} (make test sets it up with scripts/setup_pywb.sh)")
    yield venv


async def test_archived_embed_replays_in_pywb_with_the_simulator_stopped(
    seed_run: tuple[ArchiveRun, Path], pywb: Path, tmp_path: Path
) -> None:
    from archiver.capture.browser import Browser, BrowserOptions

    run, _ = seed_run  # the simulator that served the capture is stopped by now
    subprocess.run(
        [str(pywb / "bin" / "wb-manager"), "init", "c"], cwd=tmp_path, check=True, capture_output=True
    )
    subprocess.run(
        [str(pywb / "bin" / "wb-manager"), "add", "c", str(run.result.warcs[0])],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(pywb / "bin" / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        embed = f"https://platform.twitter.com/embed/Tweet.html?id={MTRACEY}&lang=en"
        options = BrowserOptions(executable=chromium_or_skip(), allowed_hosts=("127.0.0.1",))
        async with Browser(options) as browser:
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(f"http://127.0.0.1:{port}/c/2026mp_/{embed}")
            frame = None
            for _ in range(100):
                frame = next(
                    (f for f in page.frames if f is not page.main_frame and "embed/Tweet.html" in f.url), None
                )
                if frame is not None:
                    break
                await page.wait_for_timeout(100)
            assert frame is not None, [f.url for f in page.frames]
            await frame.wait_for_function(
                "Array.from(document.querySelectorAll('#app article img')).some(i => i.complete && i.naturalWidth)",
                timeout=20000,
            )
            text = await frame.inner_text("body")
            widths = await frame.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
            await context.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert "Is he „requesting” that Russia not complete its operation in Kursk?" in text
    assert "@mtracey" in text
    assert widths and all(w > 0 for w in widths)  # the archived photo, served by pywb


def test_killed_run_leaves_open_files_that_the_next_run_seals_or_discards(tmp_path: Path) -> None:
    """kill -9 mid-run: nothing sealed is lost, and every .open file is dealt with next time."""
    chromium_or_skip()
    scenario = tmp_path / "slow.yaml"
    scenario.write_text(
        (ROOT / "archiver" / "testing" / "simx" / "scenarios" / "every-state.yaml").read_text()
        + "faults:\n  - {kind: latency, host: platform.twitter.com, seconds: 1.5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archiver",
            "archive",
            "--simx",
            str(scenario),
            "--out",
            str(out),
            "--no-wacz",
            str(ROOT / "tests" / "data" / "every-state-article.html"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            open_files = list((out / "warc").glob(f"*{OPEN_SUFFIX}")) if (out / "warc").exists() else []
            if open_files and open_files[0].stat().st_size > 20_000:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the run never started writing")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    left = list((out / "warc").glob(f"*{OPEN_SUFFIX}"))
    assert left, "a killed run leaves its open file behind"
    done = recover_open_files(out / "warc")
    assert {str(p).endswith(".warc.gz") for p, _ in done if "sealed" in _} <= {True}
    assert not list((out / "warc").glob(f"*{OPEN_SUFFIX}"))
    for path in (out / "warc").glob("*.warc.gz"):
        warcio_check(path)


async def test_browser_killed_mid_capture_gives_partial_capture_and_the_run_goes_on(tmp_path: Path) -> None:
    from dataclasses import replace

    from archiver.archive import archive_refs
    from archiver.capture import browser as browser_module
    from archiver.scan import scan_document
    from archiver.testing.simx import Fault

    chromium_or_skip()
    scenario = load_scenario("every-state")
    slow = replace(
        scenario,
        faults=(
            Fault(
                kind="latency", host="cdn.syndication.twimg.com", tweet_id="1885659360262999349", seconds=2.0
            ),
        ),
    )
    html = (ROOT / "tests" / "data" / "every-state-article.html").read_text()
    refs = scan_document(html, "every-state.html")[:3]
    killed = []
    original_new_context = browser_module.Browser.new_context

    async def new_context_then_kill(self: browser_module.Browser):  # type: ignore[no-untyped-def]
        context = await original_new_context(self)
        if not killed:
            killed.append(True)
            import asyncio

            async def kill_soon() -> None:
                await asyncio.sleep(0.5)
                await self.kill()

            killer = asyncio.ensure_future(kill_soon())
            killed.append(killer)  # keep a reference until it has run
        return context

    with SimX(slow) as sim:
        settings = sim.settings(QUICK).with_changes(capture_concurrency=1)
        browser_module.Browser.new_context = new_context_then_kill  # type: ignore[method-assign]
        try:
            result = await archive_refs(refs, settings, tmp_path, make_wacz=False)
        finally:
            browser_module.Browser.new_context = original_new_context  # type: ignore[method-assign]
    rendered = [t.rendered for t in result.tweets]
    assert killed and rendered[0] == "partial"
    assert all(r in ("tweet", "empty") for r in rendered[1:])  # a new browser took over
    assert not list(tmp_path.rglob(f"*{OPEN_SUFFIX}"))
    for warc in result.warcs:
        warcio_check(warc)


def test_with_status_page_and_with_article_capture_those_pages_too(tmp_path: Path) -> None:
    import http.server
    import threading

    chromium_or_skip()
    site = tmp_path / "site"
    site.mkdir()
    (site / "story.html").write_text(
        "<html><body><article><h1>Storm</h1>"
        f'<p><a href="https://twitter.com/mtracey/status/{MTRACEY}">the post</a></p></article></body></html>'
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Quiet(*a, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    story = f"http://127.0.0.1:{server.server_address[1]}/story.html"
    try:
        with SimX(load_scenario("seed")) as sim:
            settings = sim.settings(QUICK).with_changes(
                out_dir=tmp_path / "out", with_status_page=True, with_article=True
            )
            run = archive([story], settings, make_wacz=False)
    finally:
        server.shutdown()
    targets = {t for _, t, _, _ in records(run.result.warcs[0])}
    assert f"https://x.com/mtracey/status/{MTRACEY}" in targets  # after twitter.com's 301
    assert f"urn:view:https://x.com/mtracey/status/{MTRACEY}" in targets
    assert story in targets and f"urn:view:{story}" in targets
    warcio_check(run.result.warcs[0])
