"""The scanner: article text in, tweet references out. Pure: no network, no files, no clock.

:func:`scan_document` is the whole of it; reading files, folders, stdin and URLs is
``archiver.inputs``' job.
"""

from __future__ import annotations

from archiver.models import EmbedRef
from archiver.scan.decode import Format, decode, detect_format
from archiver.scan.html import scan_html
from archiver.scan.merge import merge_refs
from archiver.scan.text import scan_text

__all__ = ["Format", "decode", "detect_format", "scan_document"]


def scan_document(text: str, article: str, format: Format | None = None) -> list[EmbedRef]:
    """One reference per tweet that ``text`` cites, in order of first appearance.

    ``article`` names the document in the output (a path or URL); ``format`` is detected
    from the content when not given.
    """
    fmt = format or detect_format(text, article)
    if fmt is Format.HTML:
        refs = scan_html(text, article)
    elif fmt is Format.MARKDOWN and "<" in text:
        refs = scan_text(text, article) + scan_html(text, article)
    else:
        refs = scan_text(text, article)
    return merge_refs(refs)
