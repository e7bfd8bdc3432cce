from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from archiver.cli import main
from tests.conftest import SEEDS


def test_scan_jsonl_is_the_public_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--format", "jsonl", str(SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt")])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert len(rows) == 2
    required = {
        "article", "tweet_id", "url", "handle", "author_name", "date", "kind",
        "quoted_text", "pic_links", "tco_links", "location", "created_at",
    }  # fmt: skip
    assert all(required <= row.keys() for row in rows)
    assert rows[0]["handle"] == "mtracey" and rows[1]["handle"] == "SputnikInt"


def test_scan_folder_goes_on_after_a_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.txt").write_text("see https://x.com/jack/status/20", encoding="utf-8")
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "big.md").write_text("x" * 2000, encoding="utf-8")
    code = main(["scan", "--format", "jsonl", "--max-bytes", "1000", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["tweet_id"] for line in captured.out.splitlines()] == ["20"]
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert any("big.md" in e and "limit" in e for e in errors)
    assert any("photo.html" in e and "binary" in e for e in errors)


def test_scan_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"<p><a href='https://twitter.com/a/status/5'>x</a></p>"))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["scan", "--format", "csv", "-"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("article,tweet_id,url")
    assert out[1].startswith("-,5,https://twitter.com/a/status/5")


def test_missing_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "no-such-file.html"]) == 1
    assert capsys.readouterr().err.strip() == "archiver: no-such-file.html: no such file or folder"


def test_table_output_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "@mtracey" in out and "reference(s)" in out


def test_usage_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--format", "xml", "a"]) == 2
