"""Bytes to article text: encoding by BOM, declared charset or detection; format by content.

Refuses what is not text (NUL bytes, no plausible encoding) with a :class:`ScanError` whose
one-line message names the input.
"""

from __future__ import annotations

import codecs
import re
from enum import StrEnum

from charset_normalizer import from_bytes

from archiver.errors import ScanError

__all__ = ["Format", "decode", "detect_format"]

_SNIFF = 8192
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I)
_XML_ENCODING = re.compile(rb"^<\?xml[^>]{0,100}encoding=[\"']([A-Za-z0-9_.-]{1,40})", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAGS = re.compile(
    r"<(?:p|div|span|a|blockquote|br|iframe|article|section|h[1-6]|ul|li|img|script)\b[^>]{0,500}>",
    re.I,
)
_MARKDOWN_HINTS = re.compile(
    r"^(?:---\s*$|\+\+\+\s*$|#{1,6} \S|[*-] \S|> )|\]\((?:https?:)?//|\{\{[<%]|^```", re.M
)


class Format(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


def decode(data: bytes, name: str) -> str:
    """Decode an article's bytes; ``name`` only serves the error message."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data[:_SNIFF]
    if b"\x00" in head:
        raise ScanError(f"{name}: binary data, not an article (NUL bytes)")
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if declared is not None:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(encoding, errors="replace")
        except LookupError:
            pass  # an unknown charset name: fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise ScanError(f"{name}: not text in any encoding we can detect")
    return data.decode(best.encoding, errors="replace")


def detect_format(text: str, name: str = "") -> Format:
    """HTML, Markdown or plain text, judged from the content; the file name is a tie-breaker."""
    head = text[:_SNIFF]
    if _HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return Format.HTML
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")) and _HTML_TAGS.search(head):
        return Format.HTML
    if lowered.endswith((".md", ".markdown", ".mdx")) or _MARKDOWN_HINTS.search(head):
        return Format.MARKDOWN
    return Format.TEXT
