"""`archiver check` end to end against the simulated X."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from archiver.api import check
from archiver.cli import main
from archiver.config import Settings
from archiver.testing.simx import ScenarioBuilder, SimX, load_scenario
from tests.conftest import DATA, SEEDS, warcio_check

QUICK = Settings(retries=2, backoff=0.01, timeout=5)
ARTICLE = DATA / "every-state-article.html"

PHASE_0 = {
    "1885659360262999349": "live",
    "1886021748128541394": "deleted",
    "1886384135994376312": "deleted",
    "1886746523861432593": "deleted",
    "1887108911725909942": "suspended",
    "1887471299589842778": "protected",
    "1887833687455420793": "restricted",
    "1888196075323618074": "withheld",
    "1888558463187993372": "unavailable",
    "1888920851053441767": "unavailable",
    "1889283238919688191": "unavailable",
    "1889645626785221401": "live",
    "1890008014651572258": "live",
    "1888196075323618075": "live",
    "1886021748128541395": "live",
}
# Between runs: an edit, a rename (against the article's @old_name), a deletion; phase 2
# restores it. The media swap needs the last capture to be seen (tests/test_history.py).
PHASE_1 = PHASE_0 | {
    "1889645626785221401": "altered",
    "1888196075323618075": "altered",
    "1886021748128541395": "deleted",
}
PHASE_2 = PHASE_1 | {"1886021748128541395": "live"}


def statuses(rows: tuple) -> dict[str, str]:  # type: ignore[type-arg]
    return {row.tweet_id: str(row.verdict.status) for row in rows}


@pytest.mark.parametrize(("phase", "expected"), [(0, PHASE_0), (1, PHASE_1), (2, PHASE_2)])
def test_every_state_gives_the_right_verdict(phase: int, expected: dict[str, str]) -> None:
    with SimX(load_scenario("every-state"), phase=phase) as sim:
        result = check([ARTICLE], sim.settings(QUICK))
    assert statuses(result.rows) == expected
    for row in result.rows:
        assert row.verdict.reasons and row.verdict.evidence


def test_seed_articles_against_the_seed_scenario() -> None:
    with SimX(load_scenario("seed")) as sim:
        result = check([SEEDS], sim.settings(QUICK))
    by_handle = {
        (row.ref.article.rsplit("/", 1)[-1], row.handle): str(row.verdict.status) for row in result.rows
    }
    assert by_handle[("zerohedge-putin-kursk-flattened-embeds.txt", "mtracey")] == "live"
    assert by_handle[("zerohedge-putin-kursk-flattened-embeds.txt", "SputnikInt")] == "live"
    assert by_handle[("storm-liveblog-embed-forms.html", "rail_ops")] == "deleted"
    assert statuses(result.rows)["1888860453074150091"] == "protected"  # cited by an amp-twitter
    assert by_handle[("field-notes-hugo-shortcodes.md", "floodvolunteers")] == "unknown"
    flattened = next(r for r in result.rows if r.handle == "mtracey")
    assert flattened.tweet_id == "1900552767535903689"
    assert flattened.resolved_via == "https://pic.twitter.com/Eq8Bdpx95l"


def test_each_tweet_is_probed_once_however_often_it_is_cited(tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(
            '<p><a href="https://twitter.com/live_one/status/1885659360262999349">x</a> '
            '<a href="https://x.com/live_one/status/1885659360262999349/photo/1">y</a></p>',
            encoding="utf-8",
        )
    with SimX(load_scenario("every-state")) as sim:
        result = check([tmp_path], sim.settings(QUICK))
        syndication = list(sim.requests_for("cdn.syndication.twimg.com"))
        oembed = list(sim.requests_for("publish.twitter.com"))
    assert len(result.rows) == 2
    assert len(syndication) == 1 and len(oembed) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status5xx"},
        {"kind": "status429", "retry_after": 0},
        {"kind": "reset"},
        {"kind": "truncate"},
        {"kind": "login_wall"},
    ],
    ids=lambda f: str(f["kind"]),
)
def test_failures_are_unknown_never_deleted(fault: dict[str, object]) -> None:
    scenario = load_scenario("every-state")
    faulty = replace(scenario, faults=ScenarioBuilder().fault(**fault).build().faults)  # type: ignore[arg-type]
    with SimX(faulty) as sim:
        result = check([ARTICLE], sim.settings(QUICK))
    assert set(statuses(result.rows).values()) == {"unknown"}
    assert all(row.verdict.reasons for row in result.rows)


def test_chaos_thirty_percent_gives_no_false_deleted_or_altered(tmp_path: Path) -> None:
    builder = ScenarioBuilder("chaos", chaos=0.3, seed=7)
    ids = [str(1885659360262999349 + i * 4194304) for i in range(40)]
    for tweet_id in ids:
        builder.tweet(tweet_id, handle="live_one", text="still here")
    article = tmp_path / "chaos.html"
    article.write_text(
        "".join(f'<p><a href="https://twitter.com/live_one/status/{i}">t</a></p>' for i in ids)
    )
    with SimX(builder.build()) as sim:
        result = check([article], sim.settings(QUICK))
        requests = len(sim.requests)
    found = [str(r.verdict.status) for r in result.rows]
    assert len(found) == 40 and requests > 80
    assert set(found) <= {"live", "unknown"}
    assert found.count("live") >= 20  # retries recover most of them


def test_cli_fail_on_exit_code_jsonl_contract_and_recorded_warc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warc = tmp_path / "probes.warc.gz"
    code = main(
        [
            "check",
            "--format",
            "jsonl",
            "--simx",
            "every-state",
            "--fail-on",
            "deleted,altered",
            "--record",
            str(warc),
            str(ARTICLE),
        ]
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 3
    assert {
        "article",
        "tweet_id",
        "url",
        "handle",
        "date",
        "kind",
        "status",
        "reasons",
        "checked_at",
    } <= rows[0].keys()
    assert warc.exists() and not Path(str(warc) + ".open").exists()
    warcio_check(warc)
    code = main(
        [
            "check",
            "--format",
            "jsonl",
            "--simx",
            "every-state",
            "--fail-on",
            "suspended",
            str(DATA / "every-state-article.html"),
        ]
    )
    assert code == 3
    assert main(["check", "--simx", "every-state", "--fail-on", "bogus", str(ARTICLE)]) == 2
