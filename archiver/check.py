"""The link-rot check without a browser: references in, a verdict per reference out.

Scan results are grouped into tweets (short links resolved first, once per run), each tweet
is probed once however many articles cite it, and each reference gets the verdict of its
tweet with the evidence it rests on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archiver.models import EmbedRef, Evidence, RefKind, Status, Verdict
from archiver.net.fetch import Fetcher
from archiver.probe import Prober, Resolution
from archiver.scan.urls import canonical_status_url
from archiver.verify import judge

__all__ = ["CHECK_COLUMNS", "CheckedRef", "check_refs", "link_to_resolve"]

CHECK_COLUMNS = ("status", "reasons", "checked_at", "resolved_via")
NO_LINK = "no tweet id: the article's copy gives no status, pic or t.co link to the tweet"


@dataclass(frozen=True, slots=True)
class CheckedRef:
    """One reference with the verdict on the tweet it cites (``tweet_id`` resolved if needed)."""

    ref: EmbedRef
    tweet_id: str | None
    handle: str | None
    verdict: Verdict
    checked_at: str
    resolved_via: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = self.ref.to_json()
        if self.tweet_id is not None:
            data["tweet_id"] = self.tweet_id
            data["url"] = canonical_status_url(self.tweet_id, self.handle)
        data["status"] = str(self.verdict.status)
        data["reasons"] = list(self.verdict.reasons)
        data["checked_at"] = self.checked_at
        data["resolved_via"] = self.resolved_via
        return data


def _handle_from(evidence: Sequence[Evidence]) -> str | None:
    return next((e.facts.handle for e in evidence if e.facts and e.facts.handle), None)


def link_to_resolve(ref: EmbedRef) -> str | None:
    """The short link that can lead to the tweet of an id-less reference, if any."""
    if ref.pic_links:
        return "https://" + ref.pic_links[0]
    if ref.kind in (RefKind.PIC_LINK, RefKind.SHORT_LINK) and ref.url:
        return ref.url
    if ref.tco_links:
        return ref.tco_links[0]
    return None


async def check_refs(
    refs: Sequence[EmbedRef],
    fetcher: Fetcher,
    page_id_for: Callable[[str], str] | None = None,
    previous_for: Callable[[str], Mapping[str, Any] | None] | None = None,
) -> list[CheckedRef]:
    """Resolve, probe (each tweet once) and judge; the order of ``refs`` is kept.

    ``page_id_for`` names the WARC page each tweet's probes belong to (``archive`` uses it);
    ``previous_for`` gives a tweet's last captured facts (from the state database).
    """
    previous = previous_for or (lambda tweet_id: None)
    prober = Prober(fetcher, page_id_for)
    links = {ref: link_to_resolve(ref) for ref in refs if ref.tweet_id is None}
    unique_links = sorted({link for link in links.values() if link})
    answers = await asyncio.gather(*(prober.resolve(link) for link in unique_links))
    resolutions: dict[str, Resolution] = dict(zip(unique_links, answers, strict=True))

    handles: dict[str, str | None] = {}
    for ref in refs:
        if ref.tweet_id is not None:
            handles.setdefault(ref.tweet_id, ref.handle)
            if handles[ref.tweet_id] is None:
                handles[ref.tweet_id] = ref.handle
    for answer in answers:
        if answer.tweet_id is not None:
            handles.setdefault(answer.tweet_id, answer.handle)
    tweet_ids = list(handles)
    probed = await asyncio.gather(*(prober.probe(t, handles[t]) for t in tweet_ids))
    evidence: dict[str, tuple[Evidence, ...]] = dict(zip(tweet_ids, probed, strict=True))
    checked_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    results = []
    for ref in refs:
        if ref.tweet_id is not None:
            verdict = judge(evidence[ref.tweet_id], ref, previous(ref.tweet_id))
            handle = ref.handle or handles.get(ref.tweet_id) or _handle_from(verdict.evidence)
            results.append(CheckedRef(ref, ref.tweet_id, handle, verdict, checked_at))
            continue
        link = links.get(ref)
        resolution = resolutions.get(link) if link else None
        if resolution is None or resolution.tweet_id is None:
            reason = resolution.reason if resolution else NO_LINK
            hops = resolution.evidence if resolution else ()
            verdict = Verdict(Status.UNKNOWN, (reason,), hops)
            results.append(CheckedRef(ref, None, ref.handle, verdict, checked_at, link))
            continue
        evidence_for = (*resolution.evidence, *evidence[resolution.tweet_id])
        verdict = judge(evidence_for, ref, previous(resolution.tweet_id))
        handle = resolution.handle or ref.handle or _handle_from(verdict.evidence)
        results.append(CheckedRef(ref, resolution.tweet_id, handle, verdict, checked_at, link))
    return results
