"""Output for people (a terminal table) and programs (JSON lines, CSV).

The JSON-lines and CSV columns are public contracts: fields are added, never renamed.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from archiver.models import EmbedRef
from archiver.safetext import cell, json_safe, markup, plain, without_controls

__all__ = [
    "REPORT_COLUMNS",
    "SCAN_COLUMNS",
    "csv_cell",
    "flat_check",
    "summarise",
    "write_csv",
    "write_history",
    "write_jsonl",
    "write_scan_table",
]

SCAN_COLUMNS = (
    "article",
    "tweet_id",
    "url",
    "handle",
    "author_name",
    "date",
    "kind",
    "quoted_text",
    "pic_links",
    "tco_links",
    "location",
    "created_at",
    "warnings",
)
REPORT_COLUMNS = (
    *SCAN_COLUMNS,
    "status",
    "previous_status",
    "reasons",
    "changes",
    "diff",
    "checked_at",
    "warc_file",
    "page_id",
)
_EXCERPT = 60


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json_safe(json.dumps(row, ensure_ascii=False, sort_keys=False)) + "\n")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never as a formula (OWASP's CSV-injection advice).

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    ``'``; a lone ``-`` (the article read from stdin) is no formula and stays. List fields are
    joined with spaces first; escape sequences, BEL, C1 controls and bidi overrides are
    dropped (someone will ``cat`` the file); numbers and empty cells stay as they are.
    """
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    if isinstance(value, str):
        value = without_controls(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and value != "-":  # "-": stdin
        return "'" + value
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """One row per reference; every text cell through :func:`csv_cell`."""
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})


def excerpt(text: str | None, width: int = _EXCERPT) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def short_name(article: str) -> str:
    """The last path segment of a file name; URLs stay whole."""
    if "://" in article:
        return article
    return article.rsplit("/", 1)[-1]


def write_scan_table(refs: Sequence[EmbedRef], console: Console) -> None:
    """One table per article: the tweet, who and when, how it is cited, what it quoted."""
    by_article: dict[str, list[EmbedRef]] = {}
    for ref in refs:
        by_article.setdefault(ref.article, []).append(ref)
    for article, group in by_article.items():
        table = Table(title=f"{markup(short_name(article))}: {len(group)} tweet reference(s)")
        table.add_column("tweet", no_wrap=True, min_width=19)
        table.add_column("author", no_wrap=True, overflow="ellipsis", min_width=8, max_width=18)
        table.add_column("date", no_wrap=True, min_width=10)
        table.add_column("cited as", no_wrap=True, overflow="ellipsis", min_width=8, max_width=30)
        table.add_column("quoted text", no_wrap=True, overflow="ellipsis", max_width=50)
        for ref in group:
            where = "" if ref.location == "body" else f" ({ref.location})"
            warn = " ⚠" if "date_mismatch" in ref.warnings else ""
            table.add_row(
                cell(ref.tweet_id or (ref.url or "—").split("://")[-1]),
                cell(f"@{ref.handle}" if ref.handle else ""),
                cell((ref.date or "") + warn),
                cell(f"{ref.kind}{where}"),
                cell(excerpt(ref.quoted_text, 200)),
            )
        console.print(table)
    if not refs:
        console.print("no tweet references found")


_STATUS_STYLE = {
    "live": "green",
    "altered": "yellow",
    "deleted": "red",
    "suspended": "red",
    "protected": "magenta",
    "withheld": "magenta",
    "restricted": "magenta",
    "unavailable": "red",
    "unknown": "dim",
}


def write_check_table(rows: Sequence[Mapping[str, Any]], console: Console) -> None:
    """Article, tweet, author, date, status and the first reason, one line per reference."""
    table = Table(title=f"{len(rows)} reference(s) checked")
    table.add_column("article", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("tweet", no_wrap=True, min_width=19)
    table.add_column("author", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("status", no_wrap=True, min_width=11)
    table.add_column("reason", overflow="ellipsis", no_wrap=True, max_width=48)
    counts: dict[str, int] = {}
    for row in rows:
        status = str(row["status"])
        counts[status] = counts.get(status, 0) + 1
        table.add_row(
            cell(short_name(str(row["article"]))),
            cell(row["tweet_id"] or (row["url"] or "—").split("://")[-1]),
            cell(f"@{row['handle']}" if row.get("handle") else ""),
            cell(row.get("date") or ""),
            cell(status, _STATUS_STYLE.get(status, "")),
            cell((row.get("reasons") or [""])[0]),
        )
    console.print(table)
    console.print(markup("  ".join(f"{status}: {n}" for status, n in sorted(counts.items()))))


class _Progress:
    """A progress bar on a terminal, one plain log line per capture otherwise."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self.done = 0

    def __call__(self, tweet: Any) -> None:
        self.done += 1
        line = plain(
            f"captured {tweet.tweet_id}: {tweet.verdict.status} ({tweet.rendered}, {tweet.seconds:.1f} s)"
        )
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, description=markup(line))
        else:
            print(f"archiver: {line}", file=sys.stderr, flush=True)


@contextmanager
def capture_progress(console: Console) -> Iterator[_Progress]:
    tracker = _Progress(console)
    if not console.is_terminal:
        yield tracker
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar:
        tracker._progress = bar
        tracker._task = bar.add_task("capturing…", total=None)
        yield tracker


def write_archive_summary(result: Any, console: Console) -> None:
    """Where the archive went and how to open it."""
    for warc in result.warcs:
        console.print(f"WARC  {markup(warc)}")
    if result.wacz is not None:
        console.print(f"WACZ  {markup(result.wacz)}")
        from archiver.evidence.package import summary_line  # lazy: signing libraries

        console.print(f"      {markup(summary_line(result.wacz))}")
        console.print(
            "Open the WACZ in ReplayWeb.page (https://replayweb.page, load the file), or in pywb: "
            "wb-manager init c && wb-manager add c --unpack-wacz FILE.wacz && wayback"
        )
    for path, what in result.recovered:
        console.print(f"recovered {markup(path)}: {markup(what)}")


def flat_check(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored check as one flat row: the reference's fields plus its verdict."""
    data = dict(row.get("data") or {})
    data.update(
        {
            "tweet_id": row.get("tweet_id") or data.get("tweet_id"),
            "status": row.get("status"),
            "previous_status": row.get("previous_status"),
            "reasons": list(row.get("reasons") or []),
            "changes": list(row.get("changes") or []),
            "diff": row.get("diff"),
            "checked_at": row.get("checked_at"),
            "warc_file": row.get("warc_file"),
            "page_id": row.get("page_id"),
        }
    )
    return data


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts by status, and what changed since each reference's previous check."""
    counts: dict[str, int] = {}
    changed = []
    for row in rows:
        status = str(row["status"])
        counts[status] = counts.get(status, 0) + 1
        previous = row.get("previous_status")
        if (previous and previous != status) or row.get("changes"):
            changed.append(
                {
                    "article": row["article"],
                    "tweet_id": row.get("tweet_id"),
                    "from": previous,
                    "to": status,
                    "changes": row.get("changes") or [],
                }
            )
    return {"references": len(rows), "by_status": dict(sorted(counts.items())), "changed": changed}


def write_history(
    tweet_id: str, summary: Mapping[str, Any] | None, entries: Sequence[Mapping[str, Any]], console: Console
) -> None:
    if summary is None:
        console.print(f"tweet {markup(tweet_id)}: never checked")
        return
    console.print(
        markup(
            f"tweet {tweet_id}: first seen {summary['first_seen']}, last checked {summary['last_checked']} "
            f"({summary['last_status']}), last seen live {summary['last_live_at'] or 'never'}"
        )
    )
    table = Table()
    for column in ("run", "checked at", "status", "changes", "reason"):
        table.add_column(column, overflow="fold")
    last = None
    for entry in entries:
        status = str(entry["status"])
        marker = "" if status == last else " ←"
        last = status
        table.add_row(
            cell(entry["run_id"]),
            cell(entry["checked_at"]),
            Text.assemble(cell(status, _STATUS_STYLE.get(status, "")), marker),
            cell(", ".join(entry.get("changes") or [])),
            cell(excerpt((entry.get("reasons") or [""])[0], 70)),
        )
    console.print(table)
