"""One pass over a WARC: each record's place, ids, digests and (for metadata) its JSON.

Shared by redaction (which copies records byte for byte), the verdict index and
verification (which also checks every record's block and payload digests).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

__all__ = ["EMBED_CHECK", "RecordInfo", "WarcDamaged", "scan_warc"]

EMBED_CHECK = "urn:embed-check:"
MAX_METADATA_BYTES = 16 * 1024 * 1024


class WarcDamaged(Exception):
    """The WARC cannot be read to its end (a changed byte broke a gzip member or a header)."""


@dataclass(frozen=True, slots=True)
class RecordInfo:
    offset: int
    length: int
    record_id: str
    rec_type: str
    target: str
    page_id: str | None
    payload_digest: str | None
    metadata: dict[str, Any] | None  # the JSON of a urn:embed-check: metadata record
    problems: tuple[str, ...] = ()  # digest mismatches (only when checked)

    @property
    def post_id(self) -> str | None:
        if self.rec_type == "metadata" and self.target.startswith(EMBED_CHECK):
            return self.target.removeprefix(EMBED_CHECK)
        return None


def scan_warc(stream: IO[bytes], *, check_digests: bool = False) -> Iterator[RecordInfo]:
    """Every record of the WARC in ``stream``, in order; raises :class:`WarcDamaged`."""
    iterator = ArchiveIterator(stream, check_digests=check_digests)
    try:
        for record in iterator:
            headers = record.rec_headers
            target = headers.get_header("WARC-Target-URI") or ""
            metadata = None
            if record.rec_type == "metadata" and target.startswith(EMBED_CHECK):
                try:
                    metadata = json.loads(record.content_stream().read(MAX_METADATA_BYTES))
                except ValueError:  # not JSON, or longer than any verdict we write
                    metadata = {}
            iterator.read_to_end(record)
            checker = record.digest_checker
            problems = tuple(str(p) for p in checker.problems) if check_digests and checker else ()
            yield RecordInfo(
                offset=iterator.get_record_offset(),
                length=iterator.get_record_length(),
                record_id=str(headers.get_header("WARC-Record-ID") or ""),
                rec_type=str(record.rec_type),
                target=target,
                page_id=headers.get_header("WARC-Page-ID"),
                payload_digest=headers.get_header("WARC-Payload-Digest"),
                metadata=metadata,
                problems=problems,
            )
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        raise WarcDamaged(str(exc) or type(exc).__name__) from exc
