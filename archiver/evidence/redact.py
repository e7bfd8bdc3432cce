"""Copies of WARC files without the records of some posts (private or taken down).

A post's records are those sharing the ``WARC-Page-ID`` of its ``urn:embed-check:`` metadata
record (probes, page traffic, screenshot, text, verdict). Kept records are copied byte for
byte (each is its own gzip member), so their digests and ids stay what they were.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archiver.evidence.records import RecordInfo, scan_warc

__all__ = ["Redaction", "page_ids_of", "redact_warcs", "warcs_containing"]


@dataclass(frozen=True, slots=True)
class Redaction:
    """What :func:`redact_warcs` wrote: the files to package, and what was left out."""

    warcs: tuple[Path, ...]
    rewritten: tuple[str, ...]  # names of the files that lost records
    dropped_records: int
    dropped_ids: tuple[str, ...] = ()


def _records(path: Path) -> list[RecordInfo]:
    with path.open("rb") as stream:
        return list(scan_warc(stream))


def page_ids_of(records: Iterable[RecordInfo], post_ids: Collection[str]) -> set[str]:
    """The page ids of the captures of ``post_ids``."""
    return {r.page_id for r in records if r.post_id in post_ids and r.page_id}


def warcs_containing(warcs: Sequence[Path], post_ids: Collection[str]) -> dict[str, list[str]]:
    """For each post, the WARC files (names) that hold records of its captures."""
    found: dict[str, list[str]] = {}
    for path in warcs:
        records = _records(path)
        pages = {r.page_id: r.post_id for r in records if r.post_id in post_ids and r.page_id}
        for post in sorted({p for p in pages.values() if p}):
            found.setdefault(post, []).append(path.name)
    return found


def redact_warcs(warcs: Sequence[Path], post_ids: Collection[str], work_dir: Path) -> Redaction:
    """``warcs`` as they are when they hold nothing of ``post_ids``; else copies in ``work_dir``."""
    if not post_ids:
        return Redaction(tuple(warcs), (), 0, ())
    indexed = [(path, _records(path)) for path in warcs]
    pages = set().union(*(page_ids_of(records, post_ids) for _, records in indexed))
    out: list[Path] = []
    rewritten: list[str] = []
    dropped: list[str] = []
    for path, records in indexed:
        drop = [r for r in records if r.page_id in pages or r.post_id in post_ids]
        if not drop:
            out.append(path)
            continue
        copy = work_dir / path.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        keep = [r for r in records if r not in drop]
        with path.open("rb") as source, copy.open("wb") as target:
            for record in keep:
                source.seek(record.offset)
                target.write(source.read(record.length))
        dropped.extend(r.record_id for r in drop)
        rewritten.append(path.name)
        out.append(copy)  # even when only its warcinfo is left: a run of private posts still packages
    return Redaction(tuple(out), tuple(rewritten), len(dropped), tuple(dropped))
