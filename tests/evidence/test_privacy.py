"""Private posts are left out of what is handed out (or shown withheld), takedowns purge."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from archiver.cli import main
from archiver.evidence.keys import init_key
from archiver.evidence.records import scan_warc
from archiver.evidence.verify import verify_package
from archiver.store import Store

from .conftest import WARC_NAME

PRIVATE = "1900000000000000002"


def _contents(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    found["indexes/index.cdx.gz"] = gzip.decompress(found["indexes/index.cdx.gz"])
    return found


def records_of(out_dir: Path) -> list:  # type: ignore[type-arg]
    with (out_dir / "warc" / WARC_NAME).open("rb") as stream:
        return list(scan_warc(stream))


def _export(out_dir: Path, name: str, *flags: str) -> Path:
    target = out_dir / "wacz" / name
    code = main(
        ["export", "--wacz", str(target), "--db", str(out_dir / "archiver.db"), *flags, str(out_dir / "warc")]
    )
    assert code == 0
    return target


def test_private_and_public_are_dated_entries_with_reasons(
    out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(out_dir / "archiver.db")
    assert main(["private", PRIVATE, "--reason", "author asked", "--db", db]) == 0
    assert (
        main(["public", f"https://x.com/jack/status/{PRIVATE}", "--reason", "consent given", "--db", db]) == 0
    )
    with Store(out_dir / "archiver.db") as store:
        history = store.privacy_history(PRIVATE)
        assert [(h["action"], h["reason"]) for h in history] == [
            ("private", "author asked"),
            ("public", "consent given"),
        ]
        assert all(h["at"].endswith("Z") for h in history)
        assert store.withheld_posts() == {}
    capsys.readouterr()
    assert main(["privacy", PRIVATE, "--db", db, "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_private_post_is_absent_from_the_exported_package(out_dir: Path) -> None:
    assert main(["private", PRIVATE, "--reason", "minor", "--db", str(out_dir / "archiver.db")]) == 0
    package = _export(out_dir, "public.wacz")
    contents = _contents(package)
    for member in (
        "pages/pages.jsonl",
        "indexes/index.cdx.gz",
        "verdicts/verdicts.jsonl",
        f"archive/{WARC_NAME}",
    ):
        assert PRIVATE.encode() not in contents[member], member
    assert b"1900000000000000001" in contents["pages/pages.jsonl"]
    manifest = json.loads(contents["datapackage.json"])["embed_archiver"]
    assert manifest["withheld_posts"] == 1 and manifest["include_private"] is False
    assert verify_package(package).ok
    # the sealed WARC itself keeps the captures
    with (out_dir / "warc" / WARC_NAME).open("rb") as stream:
        assert PRIVATE in {r.post_id for r in scan_warc(stream)}


def test_include_private_keeps_them_flagged_and_says_so(out_dir: Path) -> None:
    assert main(["private", PRIVATE, "--reason", "minor", "--db", str(out_dir / "archiver.db")]) == 0
    package = _export(out_dir, "operator.wacz", "--include-private")
    contents = _contents(package)
    for member in ("pages/pages.jsonl", "indexes/index.cdx.gz", "verdicts/verdicts.jsonl"):
        assert PRIVATE.encode() in contents[member], member
    line = next(
        json.loads(raw) for raw in contents["verdicts/verdicts.jsonl"].splitlines() if PRIVATE.encode() in raw
    )
    assert line["private"] is True and line["private_reason"] == "minor"
    assert json.loads(contents["datapackage.json"])["embed_archiver"]["include_private"] is True
    result = verify_package(package)
    assert result.ok and result.include_private


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_private_post_is_absent_from_reports_and_present_on_request(out_dir: Path, fmt: str) -> None:
    db = str(out_dir / "archiver.db")
    assert main(["private", PRIVATE, "--reason", "minor", "--db", db]) == 0
    public, operator = out_dir / f"r.{fmt}", out_dir / f"all.{fmt}"
    assert main(["report", "--format", fmt, "-o", str(public), "--db", db, "--out", str(out_dir)]) == 0
    assert (
        main(
            [
                "report",
                "--format",
                fmt,
                "-o",
                str(operator),
                "--db",
                db,
                "--out",
                str(out_dir),
                "--include-private",
            ]
        )
        == 0
    )
    assert PRIVATE not in public.read_text() and "1900000000000000001" in public.read_text()
    assert PRIVATE in operator.read_text()
    if fmt == "json":
        assert json.loads(public.read_text())["summary"]["withheld"] == 1


def test_status_shows_a_private_post_withheld_with_its_reason(
    out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(out_dir / "archiver.db")
    assert main(["private", PRIVATE, "--reason", "minor", "--db", db]) == 0
    capsys.readouterr()
    assert main(["status", "story.html", "--format", "jsonl", "--db", db]) == 0
    rows = {r["tweet_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows[PRIVATE]["status"] == "private" and "minor" in rows[PRIVATE]["reasons"][0]
    assert rows[PRIVATE]["quoted_text"] is None and rows[PRIVATE]["handle"] is None
    assert rows["1900000000000000001"]["quoted_text"]
    assert main(["status", "story.html", "--format", "jsonl", "--db", db, "--include-private"]) == 0
    rows = {r["tweet_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows[PRIVATE]["status"] == "deleted"


def test_takedown_lists_sealed_files_and_purge_rewrites_and_resigns_them(
    out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = init_key()
    db = str(out_dir / "archiver.db")
    before = _export(out_dir, "before.wacz")  # sealed before the request: still holds the post
    assert PRIVATE.encode() in _contents(before)["verdicts/verdicts.jsonl"]
    capsys.readouterr()
    assert main(["takedown", PRIVATE, "--reason", "court order 12/4", "--db", db, "--out", str(out_dir)]) == 0
    listed = capsys.readouterr().out.split()
    assert str(out_dir / "warc" / WARC_NAME) in listed and str(before) in listed
    after = _export(out_dir, "after.wacz", "--include-private")  # a takedown is never included
    assert PRIVATE.encode() not in _contents(after)["verdicts/verdicts.jsonl"]
    assert main(["purge", "--db", db, "--out", str(out_dir)]) == 0  # without --yes: only lists
    with (out_dir / "warc" / WARC_NAME).open("rb") as stream:
        assert PRIVATE in {r.post_id for r in scan_warc(stream)}
    response = next(r for r in records_of(out_dir) if r.rec_type == "response" and PRIVATE in r.target)
    with Store(out_dir / "archiver.db") as store:  # as if a later run could revisit its bytes
        store.index_sealed(
            [(response.target, "sha1:X", WARC_NAME, response.record_id, "2026-12-04T12:00:00Z")]
        )
    assert main(["purge", "--yes", "--db", db, "--out", str(out_dir)]) == 0
    with Store(out_dir / "archiver.db") as store:
        assert store.sealed_copy(response.target, "sha1:X") is None
    with (out_dir / "warc" / WARC_NAME).open("rb") as stream:
        records = list(scan_warc(stream))
    assert PRIVATE not in {r.post_id for r in records} and "1900000000000000001" in {
        r.post_id for r in records
    }
    assert PRIVATE.encode() not in _contents(before)["indexes/index.cdx.gz"]
    result = verify_package(before, expected_key=None)
    assert result.ok and result.signature is not None and result.signature.mode == "anonymous"
    with Store(out_dir / "archiver.db") as store:
        history = store.privacy_history(PRIVATE)
    assert [h["action"] for h in history] == ["takedown", "purged"]
    assert history[0]["files"] == [f"warc/{WARC_NAME}", "wacz/before.wacz"]
    assert key.exists()


def test_check_shows_a_private_post_withheld(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import SEEDS

    mtracey = "1900552767535903689"
    db = tmp_path / "state.db"
    with Store(db) as store:
        store.record_privacy(mtracey, "private", "asked by the author")
    seed = str(SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt")
    assert main(["check", "--simx", "seed", "--db", str(db), "--format", "jsonl", seed]) == 0
    rows = {r["tweet_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows[mtracey]["status"] == "private" and "asked by the author" in rows[mtracey]["reasons"][0]
    assert rows[mtracey]["quoted_text"] is None
    assert any(r["status"] != "private" for r in rows.values())
