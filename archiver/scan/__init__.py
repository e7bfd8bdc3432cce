"""The scanner: article text in, tweet references out. Pure: no network, no files, no clock.

:func:`scan_document` is the whole of it; reading files, folders, stdin and URLs is
``archiver.inputs``' job.
"""

from __future__ import annotations

from dataclasses import replace

from archiver.models import EmbedRef, Location
from archiver.scan.decode import Format, decode, detect_format
from archiver.scan.html import scan_html
from archiver.scan.merge import merge_refs
from archiver.scan.regions import split_regions
from archiver.scan.text import scan_text

__all__ = ["Format", "decode", "detect_format", "scan_document"]


def scan_document(text: str, article: str, format: Format | None = None) -> list[EmbedRef]:
    """One reference per tweet that ``text`` cites, in order of first appearance.

    ``article`` names the document in the output (a path or URL); ``format`` is detected
    from the content when not given.
    """
    fmt = format or detect_format(text, article)
    refs: list[EmbedRef] = []
    for region in split_regions(text, footer=fmt is not Format.HTML):
        part = text[region.start : region.end] if (region.start, region.end) != (0, len(text)) else text
        if region.location is Location.METADATA:
            found = scan_text(part, article, Location.METADATA, flattened=False)
        elif fmt is Format.HTML:
            found = scan_html(part, article)
        elif fmt is Format.MARKDOWN and "<" in part:
            found = scan_text(part, article) + scan_html(part, article, markdown=True)
        else:
            found = scan_text(part, article)
        refs.extend(_placed(ref, region.location, region.start) for ref in found)
    return merge_refs(refs)


def _placed(ref: EmbedRef, location: Location, start: int) -> EmbedRef:
    """A reference found in one region, with the region's location when it stood in the body."""
    if location is Location.BODY or ref.location is not Location.BODY:
        return replace(ref, offset=ref.offset + start) if start else ref
    return replace(ref, location=location, offset=ref.offset + start)
