"""Bytes to article text: encoding by BOM, declared charset or detection; format by content.

UTF-16 without a BOM is recognised by its zero bytes (every other byte, for the Latin text
most articles are in). Refuses what is not text (other NUL bytes, no plausible encoding) with
a :class:`ScanError` whose one-line message names the input.

Format detection skips an HTML prologue (comments, conditional comments, CDATA, ``<?xml``,
``<!DOCTYPE``) by hand, one ``str.find`` per construct: a regular expression for it
backtracked exponentially on runs of comments.
"""

from __future__ import annotations

import codecs
import re
from enum import StrEnum

from charset_normalizer import from_bytes

from archiver.errors import ScanError
from archiver.scan.regions import front_matter_end

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
_HTML_ROOT = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
# Prologue constructs: opener, closer. ``<!--[if IE]>…<![endif]-->`` is a comment; the
# down-level-revealed ``<![if !IE]>`` and ``<![endif]>`` end at their first ``>``.
_PROLOGUE = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<![", ">"))
_UTF16_MIN_ZERO_SHARE = 0.3  # of the bytes at one parity: Latin text in UTF-16 has ~all
_UTF16_MAX_OTHER_ZERO_SHARE = 0.02
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
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
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


def _utf16_without_bom(data: bytes) -> str | None:
    """The text, when ``data`` is UTF-16 (LE or BE) without a byte-order mark, else None.

    Judged from the zero bytes of the head: UTF-16 puts them at one parity (the high byte of
    every ASCII character), binary formats scatter them.
    """
    head = data[: _SNIFF - _SNIFF % 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_zero, odd_zero = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zero >= _UTF16_MIN_ZERO_SHARE and even_zero <= _UTF16_MAX_OTHER_ZERO_SHARE:
        encoding = "utf-16-le"
    elif even_zero >= _UTF16_MIN_ZERO_SHARE and odd_zero <= _UTF16_MAX_OTHER_ZERO_SHARE:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None  # control characters: binary data that happens to look paired
    return data[: len(data) - len(data) % 2].decode(encoding, errors="replace")


def _starts_as_html(head: str) -> bool:
    """Whether ``head`` opens with an HTML root (``<!doctype html>``, ``<html>``, ``<head>``,
    ``<body>``) after any prologue; linear: each construct is skipped with one find."""
    pos = 0
    while True:
        while pos < len(head) and head[pos].isspace():
            pos += 1
        if _HTML_ROOT.match(head, pos):
            return True
        for opener, closer in _PROLOGUE:
            if head.startswith(opener, pos):
                end = head.find(closer, pos + len(opener))
                if end < 0:
                    return False
                pos = end + len(closer)
                break
        else:
            if head.startswith("<!", pos):  # another doctype (XHTML's is "html" too)
                end = head.find(">", pos)
                if end < 0:
                    return False
                pos = end + 1
                continue
            return False


def detect_format(text: str, name: str = "") -> Format:
    """HTML, Markdown or plain text, judged from the content; the file name is a tie-breaker."""
    body = front_matter_end(text[: _SNIFF * 8])  # a static-site source: judge its body
    head = text[body : body + _SNIFF]
    if _starts_as_html(head) or len(_HTML_TAGS.findall(head)) >= 3:
        return Format.HTML
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")) and _HTML_TAGS.search(head):
        return Format.HTML
    if body or lowered.endswith((".md", ".markdown", ".mdx")) or _MARKDOWN_HINTS.search(head):
        return Format.MARKDOWN
    return Format.TEXT
