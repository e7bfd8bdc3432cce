"""WACZ 1.1.1 packages for researchers, through the ``wacz`` package.

``pages/pages.jsonl`` has one page per capture, with the extra fields ``tweet_id`` and
``status``; it is copied into the package as written (``wacz create -c -p``), so those fields
survive. Every package is checked with ``wacz validate`` before it is handed over.

Extra files (``verdicts/verdicts.jsonl``) are added after ``wacz create`` and listed in
``datapackage.json`` like the others; ``seal`` then writes ``datapackage-digest.json`` (hash,
``signedData``, timestamps: see :mod:`archiver.evidence`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wacz.main import main as wacz_main
from warcio.archiveiterator import ArchiveIterator

from archiver.errors import ArchiveError

__all__ = ["PAGES_HEADER", "Seal", "pages_from_warcs", "validate_wacz", "write_wacz"]

Seal = Callable[[bytes, str], Mapping[str, Any]]
"""``seal(datapackage_bytes, created)`` → the ``datapackage-digest.json`` object."""

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
    extra_files: Mapping[str, bytes] | None = None,
    extra_metadata: Mapping[str, Any] | None = None,
    seal: Seal | None = None,
) -> Path:
    """Package ``warcs`` with ``pages`` into ``output`` (written as ``.open``, then renamed).

    ``extra_files`` (zip path → bytes) are added and listed in ``datapackage.json``, whose
    top level also gets ``extra_metadata``; ``seal`` makes ``datapackage-digest.json``.
    """
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
    if extra_files or extra_metadata or seal is not None:
        try:
            _finish(partial, dict(extra_files or {}), dict(extra_metadata or {}), seal)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    problems = validate_wacz(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"{output}: the package does not validate: {problems}")
    partial.rename(output)
    return output


def _finish(path: Path, extra: dict[str, bytes], metadata: dict[str, Any], seal: Seal | None) -> None:
    """Rewrite the package at ``path`` with ``extra`` files, ``metadata`` and a new digest."""
    rebuilt = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source:
        package = json.loads(source.read("datapackage.json"))
        resources = [r for r in package["resources"] if r["path"] not in extra]
        for name, data in extra.items():
            resources.append(
                {
                    "name": name.rsplit("/", 1)[-1],
                    "path": name,
                    "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )
        package["resources"] = resources
        package.update(metadata)
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        digest: Mapping[str, Any] = (
            seal(package_bytes, str(package.get("created", "")))
            if seal is not None
            else {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        )
        with zipfile.ZipFile(rebuilt, "w") as target:
            skip = {"datapackage.json", "datapackage-digest.json", *extra}
            for info in source.infolist():
                if info.filename not in skip:
                    with source.open(info) as read, target.open(info, "w") as write:
                        while chunk := read.read(1 << 20):
                            write.write(chunk)
            for name, data in extra.items():
                target.writestr(zipfile.ZipInfo(name, _zip_time()), data, zipfile.ZIP_DEFLATED)
            target.writestr(
                zipfile.ZipInfo("datapackage.json", _zip_time()), package_bytes, zipfile.ZIP_DEFLATED
            )
            target.writestr(
                zipfile.ZipInfo("datapackage-digest.json", _zip_time()),
                json.dumps(dict(digest), indent=2).encode("utf-8"),
                zipfile.ZIP_DEFLATED,
            )
    rebuilt.replace(path)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


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
