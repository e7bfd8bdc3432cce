"""WARC files: records in, sealed ``.warc.gz`` files out.

* WARC/1.1, one gzip member per record, ``warcinfo`` first in every file.
* Files are written as ``….warc.gz.open`` and renamed when sealed, so a reader never sees a
  half-written archive; :func:`recover_open_files` deals with what a killed run left.
* In a folder, names are ``{prefix}-{YYYYMMDDhhmmssfff}-{serial:05d}-{host}.warc.gz`` and a
  new file starts when the current one passes the rollover size.
* The header-rewrite rule for decoded bodies lives in :func:`http_headers_for` only.

The writer knows records, not browsers or HTTP clients: callers hand it
:class:`~archiver.net.exchange.Exchange` objects, resources and metadata. Record ids and
dates come from :meth:`WarcFile.make_id` and the exchange's own time, so tests can fix them.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.errors import ArchiveError
from archiver.net.exchange import Exchange

__all__ = [
    "OPEN_SUFFIX",
    "WarcFile",
    "WarcRoller",
    "http_headers_for",
    "read_records",
    "recover_open_files",
    "warc_date",
]

OPEN_SUFFIX = ".open"
_REWRITTEN = ("content-encoding", "transfer-encoding")


def warc_date(iso: str | None = None) -> str:
    """``YYYY-MM-DDThh:mm:ss.ffffffZ`` (WARC/1.1 allows sub-second precision)."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def http_headers_for(
    status_line: str, headers: Iterable[tuple[str, str]], body_length: int, protocol: str
) -> StatusAndHeaders:
    """Response headers as stored beside a *decoded* body.

    The body was decoded by the client, so ``Content-Encoding`` and ``Transfer-Encoding`` would
    lie about it: they are kept as ``X-Archive-Orig-…`` and ``Content-Length`` is set to the
    stored length (as browsertrix-crawler and pywb expect). Duplicates (two ``Set-Cookie``)
    stay as they came.
    """
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in _REWRITTEN:
            kept.append((f"X-Archive-Orig-{name}", value))
        elif lowered == "content-length":
            kept.append(("X-Archive-Orig-Content-Length", value))
        else:
            kept.append((name, value))
    kept.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(status_line, kept, protocol=protocol)


def _protocol_name(http_version: str) -> str:
    lowered = http_version.lower()
    if lowered in ("http/2", "http/2.0", "h2"):
        return "h2"
    if lowered.startswith("http/3") or lowered == "h3":
        return "h3"
    return "http/1.1"


class WarcFile:
    """One WARC file, written under ``path + .open`` and renamed to ``path`` by :meth:`seal`."""

    def __init__(self, path: Path, info: Mapping[str, Any]) -> None:
        self.path = path
        self.open_path = path.with_name(path.name + OPEN_SUFFIX)
        try:
            self.open_path.parent.mkdir(parents=True, exist_ok=True)
            self._stream: BinaryIO = self.open_path.open("xb")
        except OSError as exc:
            raise ArchiveError(f"{self.open_path}: cannot create ({exc.strerror})") from exc
        self._writer = WARCWriter(self._stream, gzip=True, warc_version="1.1")
        self._lock = threading.Lock()
        self.sealed = False
        info_fields = {"software": "embed-archiver", "format": "WARC File Format 1.1"}
        info_fields |= {"hostname": socket.gethostname(), **{k: str(v) for k, v in info.items()}}
        self._write(self._writer.create_warcinfo_record(path.name, info_fields))

    @staticmethod
    def make_id() -> str:
        """A record id; a seam for tests that compare records byte for byte."""
        return f"<urn:uuid:{uuid.uuid4()}>"

    @property
    def size(self) -> int:
        return self._stream.tell()

    def _write(self, record: Any) -> str:
        with self._lock:
            if self.sealed:
                raise ArchiveError(f"{self.path}: already sealed")
            try:
                self._writer.write_record(record)
            except OSError as exc:
                raise ArchiveError(f"{self.open_path}: write failed ({exc.strerror})") from exc
        return str(record.rec_headers.get_header("WARC-Record-ID"))

    def _headers(self, date: str | None, page_id: str | None, **extra: str | None) -> dict[str, str]:
        headers = {"WARC-Record-ID": self.make_id(), "WARC-Date": warc_date(date)}
        if page_id:
            headers["WARC-Page-ID"] = page_id
        headers.update({k.replace("_", "-"): v for k, v in extra.items() if v})
        return headers

    def write_exchange(self, exchange: Exchange) -> tuple[str, str]:
        """A request/response record pair; returns (request id, response id)."""
        protocol = _protocol_name(exchange.http_version)
        response_headers = self._headers(
            exchange.started_at,
            exchange.page_id,
            WARC_IP_Address=exchange.remote_ip,
            WARC_Protocol=protocol,
        )
        http = http_headers_for(
            f"{exchange.status} {exchange.reason or ''}".strip(),
            exchange.response_headers,
            len(exchange.body),
            "HTTP/1.1",
        )
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers_dict=response_headers,
            http_headers=http,
        )
        response_id = self._write(response)
        return self._write_request(exchange, response_id), response_id

    def _write_request(self, exchange: Exchange, concurrent_to: str) -> str:
        """The request record of an exchange, linked to its response (or revisit) record."""
        headers = self._headers(
            exchange.started_at,
            exchange.page_id,
            WARC_Concurrent_To=concurrent_to,
            WARC_Protocol=_protocol_name(exchange.http_version),
        )
        sent = list(exchange.request_headers)
        if not any(name.lower() == "host" for name, _ in sent):
            sent.insert(0, ("Host", _host_of(exchange.url)))
        request_line = f"{exchange.method} {_request_target(exchange.url)} HTTP/1.1"
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            warc_headers_dict=headers,
            http_headers=StatusAndHeaders(request_line, sent, is_http_request=True),
        )
        return self._write(request)

    def write_resource(
        self,
        uri: str,
        content_type: str,
        payload: bytes,
        *,
        page_id: str | None = None,
        concurrent_to: str | None = None,
        date: str | None = None,
    ) -> str:
        headers = self._headers(date, page_id, WARC_Concurrent_To=concurrent_to)
        record = self._writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type=content_type,
            warc_headers_dict=headers,
        )
        return self._write(record)

    def write_metadata(
        self,
        uri: str,
        data: Mapping[str, Any],
        *,
        page_id: str | None = None,
        refers_to: str | None = None,
        concurrent_to: str | None = None,
        date: str | None = None,
    ) -> str:
        payload = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()
        headers = self._headers(date, page_id, WARC_Refers_To=refers_to, WARC_Concurrent_To=concurrent_to)
        record = self._writer.create_warc_record(
            uri,
            "metadata",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict=headers,
        )
        return self._write(record)

    def write_revisit(
        self,
        exchange: Exchange,
        payload_digest: str,
        refers_to_uri: str,
        refers_to_date: str,
        refers_to_id: str | None = None,
    ) -> str:
        """A revisit (identical-payload-digest) for unchanged static bytes; the body is not kept."""
        http = http_headers_for(
            f"{exchange.status} {exchange.reason or ''}".strip(),
            exchange.response_headers,
            len(exchange.body),
            "HTTP/1.1",
        )
        headers = self._headers(
            exchange.started_at,
            exchange.page_id,
            WARC_IP_Address=exchange.remote_ip,
            WARC_Protocol=_protocol_name(exchange.http_version),
            WARC_Refers_To=refers_to_id,
        )
        record = self._writer.create_revisit_record(
            exchange.url,
            payload_digest,
            refers_to_uri,
            refers_to_date,
            http_headers=http,
            warc_headers_dict=headers,
        )
        revisit_id = self._write(record)
        self._write_request(exchange, revisit_id)
        return revisit_id

    def abandon(self) -> None:
        """Close the stream and leave the file ``.open`` for :func:`recover_open_files`."""
        with self._lock:
            if not self.sealed:
                with contextlib.suppress(OSError):
                    self._stream.close()
                self.sealed = True  # no more writes

    def seal(self) -> Path:
        """Flush, fsync and rename ``….open`` to the final name. Idempotent."""
        with self._lock:
            if self.sealed:
                return self.path
            try:
                self._stream.flush()
                os.fsync(self._stream.fileno())
                self._stream.close()
                self.open_path.rename(self.path)
            except OSError as exc:
                raise ArchiveError(f"{self.open_path}: cannot seal ({exc.strerror})") from exc
            self.sealed = True
        return self.path


class WarcRoller:
    """WARC files in a folder: named by the convention, rolled over by size."""

    def __init__(
        self,
        directory: Path,
        info: Mapping[str, Any],
        *,
        prefix: str = "embeds",
        rollover: int = 1024**3,
    ) -> None:
        self.directory = directory
        self.prefix = prefix
        self.rollover = rollover
        self._info = dict(info)
        self._serial = 0
        self._current: WarcFile | None = None
        self.sealed: list[Path] = []
        self._host = socket.gethostname().split(".")[0] or "host"

    def _next_name(self) -> Path:
        self._serial += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        return self.directory / f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}.warc.gz"

    @property
    def current(self) -> WarcFile:
        """The file being written; a new one when there is none or it passed the rollover."""
        if self._current is not None and self._current.size >= self.rollover:
            self.sealed.append(self._current.seal())
            self._current = None
        if self._current is None:
            self._current = WarcFile(self._next_name(), self._info)
        return self._current

    def close(self) -> list[Path]:
        if self._current is not None:
            self.sealed.append(self._current.seal())
            self._current = None
        return list(self.sealed)

    def abandon(self) -> list[Path]:
        """Stop without sealing the current file (after a failed write): it stays ``.open``."""
        if self._current is not None:
            self._current.abandon()
            self._current = None
        return list(self.sealed)


def recover_open_files(directory: Path) -> list[tuple[Path, str]]:
    """Seal or discard the ``.open`` files a killed run left; returns (path, what was done).

    Complete gzip members up to the first damaged one are kept and the file is sealed under
    its final name; a file with no complete record but its warcinfo is removed.
    """
    done: list[tuple[Path, str]] = []
    for open_path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
        good_end = 0
        records = 0
        try:
            with open_path.open("rb") as stream:
                iterator = ArchiveIterator(stream)
                for record in iterator:
                    record.content_stream().read()
                    records += 1
                    good_end = iterator.get_record_offset() + iterator.get_record_length()
        except Exception:
            pass
        if records <= 1:
            open_path.unlink()
            done.append((open_path, "removed: no complete record after warcinfo"))
            continue
        with open_path.open("r+b") as stream:
            stream.truncate(good_end)
        open_path.rename(final)
        done.append((final, f"sealed after recovery: {records} complete records"))
    return done


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host_of(url: str) -> str:
    return urlsplit(url).netloc


def read_records(path: Path, record_ids: Iterable[str]) -> dict[str, bytes]:
    """The payloads of the records with these ids in one WARC file (one pass over it)."""
    wanted = set(record_ids)
    found: dict[str, bytes] = {}
    if not wanted or not path.exists():
        return found
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if record_id in wanted:
                found[record_id] = record.content_stream().read()
                if len(found) == len(wanted):
                    break
    return found
