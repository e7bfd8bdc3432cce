"""One HTTP request and its response, as sent and received: what a WARC record pair holds."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["CURRENT_PAGE_ID", "Exchange"]

# The WARC-Page-ID that exchanges fetched in the current task belong to (set per tweet, so the
# probes of a tweet and its browser capture share one page id).
CURRENT_PAGE_ID: ContextVar[str | None] = ContextVar("CURRENT_PAGE_ID", default=None)


@dataclass(frozen=True, slots=True)
class Exchange:
    """Headers are kept in order with duplicates (two ``Set-Cookie`` stay two)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes = field(repr=False)
    http_version: str = "HTTP/1.1"
    remote_ip: str | None = None
    started_at: str = ""  # ISO 8601 UTC, when the request was sent
    request_body: bytes = field(default=b"", repr=False)
    page_id: str | None = None  # groups the records of one capture
