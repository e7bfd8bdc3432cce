"""Runs over a changing simulated X, remembered in the state database, reported."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from archiver import Settings
from archiver.api import archive, check
from archiver.cli import main
from archiver.store import Store
from archiver.testing.simx import ScenarioBuilder, SimX, load_scenario
from tests.capture.conftest import chromium_or_skip
from tests.conftest import DATA, SEEDS

QUICK = Settings(retries=1, backoff=0.01, timeout=5, capture_timeout=15)
ARTICLE = DATA / "every-state-article.html"
SEED_ARTICLE = SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt"


def archive_phase(
    out: Path, phase: int, sources: list[Path], scenario: str = "every-state"
) -> dict[str, str]:
    chromium_or_skip()
    with SimX(load_scenario(scenario), phase=phase) as sim:
        settings = sim.settings(QUICK).with_changes(out_dir=out)
        run = archive(sources, settings, make_wacz=False)
    return {row.tweet_id or "": str(row.verdict.status) for row in run.result.rows}


@pytest.mark.browser
def test_two_runs_with_changes_between_give_right_verdicts_and_history(tmp_path: Path) -> None:
    first = archive_phase(tmp_path, 0, [ARTICLE])
    second = archive_phase(tmp_path, 1, [ARTICLE])
    third = archive_phase(tmp_path, 2, [ARTICLE])
    assert first["1890008014651572258"] == "live" and second["1890008014651572258"] == "altered"  # media swap
    assert second["1889645626785221401"] == "altered"  # edited: the cited id is an old version
    assert second["1888196075323618075"] == "altered"  # renamed
    assert first["1886021748128541395"] == "live" and second["1886021748128541395"] == "deleted"
    assert third["1886021748128541395"] == "live"  # restored
    assert first["1886746523861432593"] == second["1886746523861432593"] == "deleted"
    with Store(tmp_path / "archiver.db") as store:
        assert [h["status"] for h in store.status_changes("1886021748128541395")] == [
            "live",
            "deleted",
            "live",
        ]
        photo = store.tweet_history("1890008014651572258")
        assert [h["status"] for h in photo] == ["live", "altered", "live"]
        assert photo[1]["changes"] == ["media"]
        tweet = store.tweet("1886021748128541395")
        assert tweet is not None and tweet["last_status"] == "live"
        runs = {row["run_id"] for row in store.latest_checks()}
        assert len(runs) == 1  # every reference's latest check is from the last run


@pytest.mark.browser
def test_seed_quotes_match_live_tweets_and_an_edit_is_altered_with_a_diff(tmp_path: Path) -> None:
    assert archive_phase(tmp_path, 0, [SEED_ARTICLE], "seed") == {
        "1900552767535903689": "live",
        "1900604978233829458": "live",
    }
    with SimX(load_scenario("seed"), phase=1) as sim:  # @mtracey's text changed
        result = check([SEED_ARTICLE], sim.settings(QUICK).with_changes(out_dir=tmp_path))
    mtracey = next(row for row in result.rows if row.handle == "mtracey")
    assert str(mtracey.verdict.status) == "altered"
    assert mtracey.verdict.changes == ("text",)
    assert mtracey.verdict.diff is not None and "+really" in mtracey.verdict.diff
    assert any("differs from the article" in reason for reason in mtracey.verdict.reasons)


def test_chaos_gives_no_false_deleted_and_no_false_altered(tmp_path: Path) -> None:
    builder = ScenarioBuilder("calm")
    ids = [str(1885659360262999349 + i * 4194304) for i in range(30)]
    for tweet_id in ids:
        builder.tweet(tweet_id, handle="live_one", text="still here", photos=[{"code": f"P{tweet_id[-6:]}"}])
    article = tmp_path / "chaos.html"
    article.write_text(
        "".join(f'<p><a href="https://twitter.com/live_one/status/{i}">t</a></p>' for i in ids)
    )
    settings = QUICK.with_changes(out_dir=tmp_path)
    with SimX(builder.build()) as sim:
        check([article], sim.settings(settings))  # a calm first run remembers every tweet
    stormy = ScenarioBuilder("stormy", chaos=0.3, seed=11)
    for tweet_id in ids:
        stormy.tweet(tweet_id, handle="live_one", text="still here", photos=[{"code": f"P{tweet_id[-6:]}"}])
    seen: list[str] = []
    with SimX(stormy.build()) as sim:
        for _ in range(2):
            seen += [str(r.verdict.status) for r in check([article], sim.settings(settings)).rows]
    assert "deleted" not in seen and "altered" not in seen
    assert set(seen) <= {"live", "unknown"}


def test_history_status_and_report_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    for phase in (0, 1):
        code = main(
            [
                "check",
                "--simx",
                "every-state",
                "--simx-phase",
                str(phase),
                "--out",
                str(out),
                "--format",
                "jsonl",
                str(ARTICLE),
            ]
        )
        assert code == 0
    capsys.readouterr()
    assert (
        main(
            [
                "history",
                "--out",
                str(out),
                "--format",
                "jsonl",
                "https://twitter.com/comeback/status/1886021748128541395",
            ]
        )
        == 0
    )
    history = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [h["status"] for h in history] == ["live", "deleted"]
    assert main(["status", "--out", str(out), "--format", "jsonl", str(ARTICLE)]) == 0
    latest = {row["tweet_id"]: row["status"] for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert latest["1886021748128541395"] == "deleted" and latest["1885659360262999349"] == "live"
    assert main(["report", "--out", str(out), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["references"] == 15
    assert {c["tweet_id"] for c in document["summary"]["changed"]} == {
        "1889645626785221401",  # edited
        "1888196075323618075",  # renamed
        "1886021748128541395",  # deleted
        "1890008014651572258",  # media swapped: over HTTP, a new media key
    }
    assert main(["report", "--out", str(out), "--format", "csv", "-o", str(tmp_path / "r.csv")]) == 0
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert lines[0].startswith("article,tweet_id,url") and len(lines) == 16
    assert main(["history", "--out", str(out), "not-a-tweet"]) == 2


@pytest.mark.browser
def test_html_report_is_readable_in_a_browser(tmp_path: Path) -> None:
    archive_phase(tmp_path, 0, [ARTICLE])
    archive_phase(tmp_path, 1, [ARTICLE])
    assert main(["report", "--out", str(tmp_path), "-o", str(tmp_path / "report.html")]) == 0
    page_html = (tmp_path / "report.html").read_text()
    assert page_html.count("data:image/png;base64,") >= 10  # screenshots inlined from the WARC
    assert "Changed since the previous check" in page_html
    heading, loaded, badge, shot = asyncio.run(_look_at(tmp_path / "report.html"))
    assert heading == "Embedded tweets: report"
    assert loaded >= 10
    assert badge != "rgba(0, 0, 0, 0)"  # styled, not a bare page
    picture = Image.open(io.BytesIO(shot)).convert("L")
    dark = sum(1 for value in picture.get_flattened_data() if value < 128)
    assert dark > 2000  # text and badges drawn, not a blank page


async def _look_at(report: Path) -> tuple[str, int, str, bytes]:
    from archiver.capture.browser import Browser, BrowserOptions

    async with Browser(BrowserOptions(executable=chromium_or_skip())) as browser:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(report.as_uri())
        heading = await page.inner_text("h1")
        loaded = await page.evaluate("Array.from(document.images).filter(i => i.naturalWidth > 0).length")
        badge = await page.evaluate("getComputedStyle(document.querySelector('.badge')).backgroundColor")
        shot = await page.screenshot(full_page=False)
        await context.close()
    return heading, loaded, badge, shot
