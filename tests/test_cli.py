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


# -- issue 10: hostile articles and careless operators ---------------------------------------

HOSTILE_QUOTE = "[/bold] [red]r[/red] :warning: \x1b]0;p\x07\x1b[31m\x9b1m\u202eX"


def hostile_article(tmp_path: Path) -> Path:
    article = tmp_path / "hostile.html"
    article.write_text(
        '<blockquote class="twitter-tweet"><p lang="en">'
        + HOSTILE_QUOTE
        + '</p>&mdash; Evil (@evil) <a href="https://twitter.com/evil/status/1900552767535903689">'
        "March 14, 2025</a></blockquote>",
        encoding="utf-8",
    )
    return article


def test_rich_markup_and_escape_sequences_in_an_article_are_shown_as_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = hostile_article(tmp_path)
    assert main(["scan", str(article)]) == 0
    out = capsys.readouterr().out
    assert "[/bold] [red]r[/red]" in out
    assert ":warning:" in out  # no emoji codes either
    assert not any(c in out for c in "\x1b\x07\x9b\u202e")


def test_progress_and_check_table_escape_what_servers_say() -> None:
    import io

    from rich.console import Console

    from archiver import report

    console = Console(file=io.StringIO(), width=200, emoji=False)
    row = {
        "article": "[bold]x.html",
        "tweet_id": "1",
        "url": None,
        "handle": "[link=x]",
        "date": None,
        "status": "unknown",
        "reasons": ["server said \x1b]0;t\x07[/link]"],
    }
    report.write_check_table([row], console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "@[link=x]" in out and "[/link]" in out and "\x1b" not in out


def test_csv_cells_that_start_a_formula_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "formula.html"
    article.write_text(
        '<blockquote class="twitter-tweet"><p>=HYPERLINK("https://evil.example","x")</p>&mdash; '
        'Evil (@evil) <a href="https://twitter.com/evil/status/1900552767535903689">March 14, 2025</a>'
        "</blockquote>",
        encoding="utf-8",
    )
    assert main(["scan", "--format", "csv", str(article)]) == 0
    import csv

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["quoted_text"].startswith("'=HYPERLINK(")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("-", "-"),
        (5, 5),
        (["=a", "b"], "'=a b"),
        ("\x1b\x07=x\x9b\u202e", "'=x"),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "cr", "plain", "stdin-name", "number", "list", "escapes"],
)
def test_csv_cell_neutralises_formula_starts(value: object, expected: object) -> None:
    from archiver.report import csv_cell

    assert csv_cell(value) == expected


def _corrupt_database(path: Path) -> None:
    from archiver.store import Store

    with Store(path) as store:
        run = store.start_run("check")
        store.finish_run(run)
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 2] = b"\xa5" * 4096  # the second page: a table's root
    path.write_bytes(bytes(data))


def _newer_database(path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.close()


def _fifo(path: Path) -> None:
    import os

    os.mkfifo(path)


ONE_LINE_ERRORS = {
    "concurrency-negative": (["check", "--no-db", "{article}", "--concurrency", "-1"], None),
    "per-host-zero": (["check", "--no-db", "{article}", "--per-host", "0"], None),
    "rate-negative": (["check", "--no-db", "{article}", "--rate", "-1"], None),
    "capture-timeout-negative": (
        ["archive", "--out", "{tmp}/o", "{article}", "--capture-timeout", "-5"],
        None,
    ),
    "max-bytes-negative": (["scan", "--max-bytes", "-1", "{article}"], None),
    "ca-bundle-missing": (["check", "--no-db", "{article}", "--ca-bundle", "{tmp}/none.pem"], None),
    "ca-bundle-not-a-certificate": (["check", "--no-db", "{article}", "--ca-bundle", "{article}"], None),
    "resolve-port-too-big": (["check", "--no-db", "{article}", "--resolve", "x.com=127.0.0.1:70000"], None),
    "out-under-proc": (["check", "--out", "/proc/archiver-test", "{article}"], None),
    "report-corrupted-db": (["report", "--format", "json", "--db", "{tmp}/bad.db"], _corrupt_database),
    "report-newer-db": (["report", "--format", "json", "--db", "{tmp}/new.db"], _newer_database),
    "check-newer-db": (["check", "--db", "{tmp}/new.db", "{article}"], _newer_database),
    "config-not-utf8": (["--config", "{tmp}/latin1.toml", "scan", "{article}"], None),
    "config-fifo": (["--config", "{tmp}/fifo.toml", "scan", "{article}"], None),
    "config-negative-timeout": (["--config", "{tmp}/neg.toml", "scan", "{article}"], None),
    "config-negative-retries": (["--config", "{tmp}/retries.toml", "scan", "{article}"], None),
    "config-negative-max-response": (["--config", "{tmp}/maxresp.toml", "scan", "{article}"], None),
}


@pytest.mark.parametrize("case", list(ONE_LINE_ERRORS), ids=list(ONE_LINE_ERRORS))
def test_bad_settings_and_damaged_state_are_one_line_errors(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, prepare = ONE_LINE_ERRORS[case]
    article = tmp_path / "a.txt"
    article.write_text("nothing cited here", encoding="utf-8")
    (tmp_path / "latin1.toml").write_bytes("[archiver]\nwarc_prefix = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "neg.toml").write_text("[archiver]\ntimeout = -3\n", encoding="utf-8")
    (tmp_path / "retries.toml").write_text("[archiver]\nretries = -1\n", encoding="utf-8")
    (tmp_path / "maxresp.toml").write_text("[archiver]\nmax_response_bytes = -10\n", encoding="utf-8")
    _fifo(tmp_path / "fifo.toml")
    if prepare is not None:
        prepare(tmp_path / ("bad.db" if "corrupted" in case else "new.db"))
    argv = [a.format(article=article, tmp=tmp_path) for a in args]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert captured.out == ""  # report printed nothing: no JSON from half a database


def test_a_fifo_named_as_an_input_is_refused_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fifo(tmp_path / "pipe.html")
    assert main(["scan", str(tmp_path / "pipe.html")]) == 1  # returns: it never opens the pipe
    assert "not a regular file" in capsys.readouterr().err


def test_a_second_command_writing_into_a_held_folder_stops_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from archiver.lock import FolderLock

    article = tmp_path / "a.txt"
    article.write_text("nothing cited here", encoding="utf-8")
    out = tmp_path / "out"
    with FolderLock(out, command="archive"):
        assert main(["check", "--out", str(out), str(article)]) == 2
        assert main(["archive", "--out", str(out), str(article)]) == 2
    err = capsys.readouterr().err
    assert err.count("already in progress (archive, pid") == 2
