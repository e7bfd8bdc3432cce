"""One reference per tweet per article, in order of appearance, with checked ids.

An article may cite the same tweet many times (an embed plus a link to it, a JSON copy in a
script, an ``/i/web/status/ID`` link beside a ``/statuses/ID`` one). They become one
reference: the richest kind gives the baseline, the other occurrences fill what it lacks, and
the most article-like location wins (``body`` before sidebar, footer, script, metadata).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from archiver.models import EmbedRef, Location, RefKind
from archiver.x.snowflake import snowflake_time

__all__ = ["DATE_MISMATCH", "merge_refs"]

DATE_MISMATCH = "date_mismatch"
_MAX_DATE_SKEW_DAYS = 1

_KIND_RANK = {
    RefKind.BLOCKQUOTE: 0,
    RefKind.PLAINTEXT_ATTRIBUTION: 1,
    RefKind.AMP: 2,
    RefKind.IFRAME: 3,
    RefKind.SHORTCODE: 4,
    RefKind.STATUS_LINK: 5,
    RefKind.PIC_LINK: 6,
    RefKind.SHORT_LINK: 7,
}
_LOCATION_RANK = {
    Location.BODY: 0,
    Location.SIDEBAR: 1,
    Location.FOOTER: 2,
    Location.SCRIPT: 3,
    Location.METADATA: 4,
}
_FILLED = ("handle", "author_name", "date", "quoted_text", "pic_links", "tco_links")


def merge_refs(refs: list[EmbedRef]) -> list[EmbedRef]:
    """Dedupe ``refs`` of one article (see the module docstring) and check their ids."""
    groups: dict[tuple[str, str], list[EmbedRef]] = {}
    by_media: dict[str, tuple[str, str]] = {}
    for ref in sorted(refs, key=lambda r: (r.tweet_id is None, r.offset)):
        key = _key(ref)
        if ref.tweet_id is None:
            key = next((by_media[m] for m in (*ref.pic_links, *ref.tco_links) if m in by_media), key)
        groups.setdefault(key, []).append(ref)
        for media in (*ref.pic_links, *ref.tco_links):
            by_media.setdefault(media, key)
    merged = [_merge_group(group) for group in groups.values()]
    merged.sort(key=lambda r: r.offset)
    return [_checked(ref) for ref in merged]


def _key(ref: EmbedRef) -> tuple[str, str]:
    if ref.tweet_id is not None:
        return ("id", ref.tweet_id)
    if ref.kind is RefKind.PLAINTEXT_ATTRIBUTION or ref.kind is RefKind.BLOCKQUOTE:
        return ("at", str(ref.offset))  # two flattened embeds may share author and date
    return ("url", ref.url or str(ref.offset))


def _merge_group(group: list[EmbedRef]) -> EmbedRef:
    best_location = min(_LOCATION_RANK[r.location] for r in group)
    placed = [r for r in group if _LOCATION_RANK[r.location] == best_location]
    primary = min(placed, key=lambda r: (_KIND_RANK[r.kind], r.offset))
    changes: dict[str, Any] = {"offset": min(r.offset for r in placed)}
    others = sorted(group, key=lambda r: (_KIND_RANK[r.kind], r.offset))
    for name in _FILLED:
        if not getattr(primary, name):
            value = next((getattr(r, name) for r in others if getattr(r, name)), None)
            if value:
                changes[name] = value
    if primary.url is None or primary.kind is RefKind.PIC_LINK:
        named = next((r for r in others if r.tweet_id and r.handle), None)
        if named is not None:
            changes["url"] = named.url
    return replace(primary, **changes)


def _checked(ref: EmbedRef) -> EmbedRef:
    """Add the snowflake time, and flag an attribution date that disagrees with it."""
    if ref.tweet_id is None:
        return ref
    created = snowflake_time(ref.tweet_id)
    if created is None:
        return ref
    warnings = list(ref.warnings)
    if ref.date is not None:
        skew = abs((created.date() - date.fromisoformat(ref.date)).days)
        if skew > _MAX_DATE_SKEW_DAYS and DATE_MISMATCH not in warnings:
            warnings.append(DATE_MISMATCH)
    created_at = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return replace(ref, created_at=created_at, warnings=tuple(warnings))
