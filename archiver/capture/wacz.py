"""WACZ 1.1.1 packages for researchers, through the ``wacz`` package.

``pages/pages.jsonl`` has one page per capture, with the extra fields ``tweet_id`` and
``status``; it is copied into the package as written (``wacz create -c -p``), so those fields
survive. Every package is checked with ``wacz validate`` before it is handed over.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wacz.main import main as wacz_main
from warcio.archiveiterator import ArchiveIterator

from archiver.errors import ArchiveError

__all__ = ["PAGES_HEADER", "pages_from_warcs", "validate_wacz", "write_wacz"]

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Captured embeds"}


def _run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = wacz_main(args)
        except SystemExit as exc:  # argparse and some checks exit
            code = int(exc.code or 0)
    return int(code or 0), out.getvalue()


def write_wacz(
    warcs: Sequence[Path],
    pages: Iterable[Mapping[str, Any]],
    output: Path,
    *,
    title: str = "embed-archiver capture",
    description: str = "",
) -> Path:
    """Package ``warcs`` with ``pages`` into ``output`` (written as ``.open``, then renamed)."""
    if not warcs:
        raise ArchiveError(f"{output}: no WARC to package")
    output.parent.mkdir(parents=True, exist_ok=True)
    pages_file = output.with_name(output.name + ".pages.jsonl")
    with pages_file.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(PAGES_HEADER) + "\n")
        for page in pages:
            handle.write(json.dumps(dict(page), ensure_ascii=False) + "\n")
    partial = output.with_name(output.name + ".open")
    args = ["create", "-o", str(partial), "-c", "-p", str(pages_file), "--title", title]
    if description:
        args += ["--desc", description]
    code, log = _run([*args, *(str(w) for w in warcs)])
    pages_file.unlink(missing_ok=True)
    if code != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"{output}: wacz create failed: {log.strip().splitlines()[-1:]}")
    problems = validate_wacz(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"{output}: the package does not validate: {problems}")
    partial.rename(output)
    return output


def validate_wacz(path: Path) -> str | None:
    """None when ``wacz validate`` passes, else what it said."""
    code, log = _run(["validate", "-f", str(path)])
    return None if code == 0 else log.strip()[-500:]


def pages_from_warcs(warcs: Iterable[Path]) -> list[dict[str, Any]]:
    """A page per ``urn:embed-check:`` metadata record found in ``warcs`` (newest verdicts)."""
    pages = []
    for warc in warcs:
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type != "metadata" or not target.startswith("urn:embed-check:"):
                    continue
                data = json.loads(record.content_stream().read())
                pages.append(
                    {
                        "id": str(data["page_id"]).strip("<>").removeprefix("urn:uuid:"),
                        "url": data["embed_url"],
                        "ts": data["captured_at"],
                        "title": f"tweet {data['tweet_id']}",
                        "tweet_id": data["tweet_id"],
                        "status": data["verdict"]["status"],
                    }
                )
    return pages
