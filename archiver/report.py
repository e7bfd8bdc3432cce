"""Output for people (a terminal table) and programs (JSON lines, CSV).

The JSON-lines and CSV columns are public contracts: fields are added, never renamed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from archiver.models import EmbedRef

__all__ = ["SCAN_COLUMNS", "write_csv", "write_jsonl", "write_scan_table"]

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
_EXCERPT = 60


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """One row per reference; list fields are joined with spaces."""
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: " ".join(v) if isinstance(v, list | tuple) else v for k, v in row.items()}
        )


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
    table = Table(title=f"{len(refs)} tweet reference(s)", show_lines=False)
    for column in ("article", "tweet", "author", "date", "kind", "where"):
        table.add_column(column, no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("quoted text", overflow="ellipsis", no_wrap=True, min_width=20)
    for ref in refs:
        author = f"@{ref.handle}" if ref.handle else ""
        warn = " ⚠ date" if "date_mismatch" in ref.warnings else ""
        table.add_row(
            short_name(ref.article),
            ref.tweet_id or ref.url or "—",
            author,
            (ref.date or "") + warn,
            str(ref.kind),
            str(ref.location),
            excerpt(ref.quoted_text),
        )
    console.print(table)
