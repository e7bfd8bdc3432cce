"""Issue 9's "done when": the simulator as a plain mirror of X, as a new user would run one.

Every X host is mapped with ``--resolve HOST=127.0.0.1:PORT`` and its CA given with
``--ca-bundle``; nothing simulator-specific (no ``--simx``, no key, no flag) reaches the client.
The article was written while every tweet was live (phase 0: blockquotes as X's oEmbed writes
them, links shown by display URL); the run happens later (phase 1), when most are dead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.cli import main
from archiver.testing.simx import SIM_HOSTS, ScenarioBuilder, SimX
from archiver.testing.simx.responses import oembed_body
from tests.capture.conftest import chromium_or_skip
from tests.conftest import warcio_check

pytestmark = pytest.mark.browser
CAPTURE_TIMEOUT = 20  # the cap; no tweet may reach it
BASE = 1885659360262999349
# (label, fields, state in phase 1, verdict expected then)
TWEETS: list[tuple[str, dict[str, object], str, str]] = [
    ("plain", {}, "live", "live"),
    (
        "with-link",
        {"links": {"Hw3kTq81Zp": "https://portofhexley.example/ferries/timetable-winter-2025"}},
        "live",
        "live",
    ),
    ("with-photo", {"photos": [{"code": "Ph0toFerry", "color": "#2c3e50"}]}, "live", "live"),
    ("quoting", {"quoted_id": str(BASE)}, "live", "live"),
    ("deleted-404", {}, "deleted_404", "deleted"),
    ("deleted-empty", {}, "deleted_empty", "deleted"),
    ("deleted-tombstone", {}, "deleted_tombstone", "deleted"),
    ("suspended", {}, "suspended", "suspended"),
    ("protected", {}, "protected", "protected"),
    ("age-restricted", {}, "age_restricted", "restricted"),
    ("withheld", {}, "withheld", "withheld"),
    ("unavailable", {}, "unavailable", "unavailable"),
    ("violated", {}, "violated", "unavailable"),
    ("account-gone", {}, "account_gone", "unavailable"),
    ("link-then-deleted", {"links": {"Zx9Yw8Vu7T": "https://example.org/a"}}, "deleted_tombstone", "deleted"),
]
PIC_ONLY = "with-photo"  # cited by its pic.twitter.com link alone, as a flattened embed


def tweet_id(index: int) -> str:
    return str(BASE + index * 4194304 * 1000)


def scenario_and_article() -> tuple[SimX, str, dict[str, str]]:
    builder = ScenarioBuilder("mirror")
    expected = {}
    for index, (label, fields, state, verdict) in enumerate(TWEETS):
        builder.tweet(
            tweet_id(index),
            handle=label.replace("-", "_")[:15],  # X handles have at most 15 characters
            text=f"Post {label}: ferries stop at noon.",
            **fields,
        )
        if state != "live":
            builder.then(tweet_id(index), 1, state=state)
        expected[tweet_id(index)] = verdict
    sim = SimX(builder.build())
    parts = ["<html><body><article><h1>Storm day</h1>"]
    for index, (label, _, _, _) in enumerate(TWEETS):
        view = sim.scenario.view(tweet_id(index), 0)
        assert view is not None
        if label == PIC_ONLY:
            code = view.photos[0].code
            parts.append(
                f'<p>The quay this morning. <a href="https://t.co/{code}">pic.twitter.com/{code}</a></p>'
            )
        else:
            parts.append(str(oembed_body(view, omit_script=True)["html"]))
    parts.append("</article></body></html>")
    return sim, "\n".join(parts), expected


def metadata_records(warcs: list[Path]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for warc in warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "metadata" and target.startswith("urn:embed-check:"):
                    out[target.removeprefix("urn:embed-check:")] = json.loads(record.content_stream().read())
    return out


def targets(warcs: list[Path]) -> set[tuple[str, str]]:
    out = set()
    for warc in warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                out.add((record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or ""))
    return out


def test_a_plain_mirror_gives_every_verdict_page_and_screenshot_without_waiting_for_the_cap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chromium_or_skip()
    sim, article, expected = scenario_and_article()
    path = tmp_path / "storm.html"
    path.write_text(article, encoding="utf-8")
    out = tmp_path / "out"
    with sim:
        sim.phase = 1
        resolve = [arg for host in SIM_HOSTS for arg in ("--resolve", f"{host}=127.0.0.1:{sim.port}")]
        code = main(
            [
                "archive",
                *resolve,
                "--ca-bundle",
                str(sim.certificates.ca_pem),
                "--capture-timeout",
                str(CAPTURE_TIMEOUT),
                "--out",
                str(out),
                "--format",
                "jsonl",
                "--no-wacz",
                str(path),
            ]
        )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert code == 0
    verdicts = {row["tweet_id"]: row["status"] for row in rows}
    wrong = [
        (r["tweet_id"], r["status"], r["url"], r["reasons"])
        for r in rows
        if expected.get(r["tweet_id"]) != r["status"]
    ]
    assert verdicts == expected and not wrong, wrong

    warcs = sorted((out / "warc").glob("*.warc.gz"))
    for warc in warcs:
        warcio_check(warc)
    written = targets(warcs)
    metadata = metadata_records(warcs)
    for tweet in expected:
        embed = f"https://platform.twitter.com/embed/Tweet.html?id={tweet}&lang=en"
        assert ("response", embed) in written, tweet
        assert ("resource", f"urn:view:{embed}") in written, tweet
        record = metadata[tweet]
        assert record["done_rule"] not in ("", "cap"), (tweet, record["done_rule"], record["timings"])
        want = "tweet" if expected[tweet] == "live" else "empty"
        assert record["rendered"] == want, (tweet, record["rendered"], record["error"])
    # Nothing altered: the tweet with a link is compared the way X shows it.
    assert "altered" not in verdicts.values()
