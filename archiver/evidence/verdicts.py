"""``verdicts.jsonl``: one line per post, naming the WARC records its verdict rests on.

Built from the ``urn:embed-check:`` metadata records of the WARCs being packaged (the newest
capture of each post wins), so the package's own hash covers what was decided and from which
bytes; ``archiver verify`` checks each line against the record it names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from archiver.evidence.records import RecordInfo, scan_warc

__all__ = ["VERDICTS_PATH", "build_verdicts", "dumps", "verdict_line"]

VERDICTS_PATH = "verdicts/verdicts.jsonl"  # under a folder: `wacz validate` expects dir/name


def verdict_line(meta: RecordInfo, warc: str, digests: Mapping[str, str | None]) -> dict[str, Any]:
    """The line for one metadata record; ``digests`` maps record ids to payload digests."""
    data = meta.metadata or {}
    verdict = data.get("verdict") or {}
    evidence = []
    for item in verdict.get("evidence") or []:
        record_id = item.get("record_id")
        evidence.append(
            {
                "source": item.get("source"),
                "url": item.get("url"),
                "record_id": record_id,
                "payload_digest": digests.get(record_id) if record_id else None,
            }
        )
    return {
        "platform": "x",
        "post_id": meta.post_id,
        "tweet_id": meta.post_id,
        "verdict": verdict.get("status"),
        "reasons": list(verdict.get("reasons") or []),
        "changes": list(verdict.get("changes") or []),
        "evidence": evidence,
        "metadata_record": meta.record_id,
        "metadata_digest": meta.payload_digest,
        "warc": warc,
        "captured_at": data.get("captured_at"),
        "tool": data.get("tool"),
    }


def build_verdicts(warcs: Sequence[Path], flagged: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The lines for ``warcs``, sorted by post id; ``flagged`` posts (private, included on the
    operator's request) carry ``private`` and its reason."""
    digests: dict[str, str | None] = {}
    latest: dict[str, tuple[RecordInfo, str]] = {}
    for path in warcs:
        with path.open("rb") as stream:
            for record in scan_warc(stream):
                digests[record.record_id] = record.payload_digest
                post = record.post_id
                if post is None:
                    continue
                when = str((record.metadata or {}).get("captured_at") or "")
                held = latest.get(post)
                if held is None or when >= str((held[0].metadata or {}).get("captured_at") or ""):
                    latest[post] = (record, path.name)
    lines = []
    for post in sorted(latest):
        meta, warc = latest[post]
        line = verdict_line(meta, warc, digests)
        if flagged and post in flagged:
            line |= {"private": True, "private_reason": flagged[post]}
        lines.append(line)
    return lines


def dumps(lines: Sequence[Mapping[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(dict(line), ensure_ascii=False, sort_keys=True).encode() + b"\n" for line in lines
    )
