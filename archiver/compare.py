"""Has the tweet changed? Against the article's quote, and against the last capture. Pure.

Both sides are normalised before comparing: Unicode NFKC, HTML entities, curly quotes and
apostrophes, whitespace, and the links that differ only in form. A tweet's text carries each
link as ``t.co``; X shows it by its display URL (``portofhexley.example/ferries/…``, with a
``…`` when cut) and articles may carry any of the forms the tweet's ``entities`` name for it
(``TweetFacts.links``: t.co, display, expanded, ``pic.twitter.com/…``), so every form is
removed, as are other ``http(s)://``, ``www.`` and ``pic.`` links. A display URL's ``…`` is
part of the link, not a cut quote; a quote that still ends in an ellipsis is compared as a
prefix. Volatile counters never enter a fingerprint.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from archiver.models import EmbedRef, Evidence, Outcome, Status, TweetFacts, Verdict

__all__ = [
    "MEDIA_DISTANCE",
    "Change",
    "against_article",
    "against_previous",
    "best_facts",
    "changed_since_last_capture",
    "complete_facts",
    "fingerprint",
    "link_forms",
    "media_key",
    "normalise",
    "normalised_facts",
    "quote_matches",
    "with_changes",
]

MEDIA_DISTANCE = 10  # perceptual-hash bits that may differ before a picture counts as swapped
_LINK = re.compile(r"(?:https?://|www\.|pic\.(?:twitter|x)\.com/)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"}
)
_ELLIPSIS = ("…", "...")
LAST_CAPTURE = "last capture"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: what, the two sides (as shown), and a readable diff when it is text."""

    field: str  # "text", "handle", "date", "media", "quoted", "edited"
    before: str
    after: str
    against: str  # "article" or "last capture"
    diff: str | None = None

    def describe(self) -> str:
        return f"{self.field} differs from the {self.against}: {self.before!r} → {self.after!r}"


Link = tuple[str, str, str]  # (t.co URL, display URL, expanded URL), as in TweetFacts.links


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", html.unescape(text)).translate(_QUOTES)


def link_forms(links: Sequence[Link]) -> re.Pattern[str] | None:
    """One pattern matching every form an article may show of the tweet's links."""
    forms: set[str] = set()
    for link in links:
        for form in link:
            form = _fold(form).strip()
            if not form:
                continue
            bare = re.sub(r"^https?://", "", form, flags=re.IGNORECASE)
            forms |= {form, bare, bare.removeprefix("www.")}
            for mark in _ELLIPSIS:  # a display URL cut with … may be copied with ...
                if bare.endswith(mark):
                    cut = bare[: -len(mark)]
                    forms |= {cut + other for other in _ELLIPSIS}
    forms = {f for f in forms if len(f) > 3}
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?:https?://)?(?:{alternatives})", re.IGNORECASE)


def normalise(text: str | None, links: Sequence[Link] = ()) -> str:
    """The comparable form of a tweet's text (see the module docstring)."""
    if not text:
        return ""
    value = _fold(text)
    pattern = link_forms(links)
    if pattern is not None:
        value = pattern.sub(" ", value)
    value = _LINK.sub(" ", value)
    return _SPACE.sub(" ", value).strip()


def quote_matches(quoted: str, text: str, links: Sequence[Link] = ()) -> bool:
    """Equal after normalising; a quote cut short with an ellipsis compares as a prefix."""
    quote = normalise(quoted, links)
    current = normalise(text, links)
    for mark in _ELLIPSIS:
        if quote.endswith(mark) and not current.endswith(mark):
            return current.startswith(quote[: -len(mark)].rstrip())
    return quote == current


def _word_diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(before.split(" "), after.split(" "), "quoted", "now", lineterm="", n=3)
    return "\n".join(lines)


def complete_facts(evidence: Sequence[Evidence]) -> TweetFacts | None:
    """The facts of the syndication answer, the only source with the raw text and media.

    oEmbed shows links by their display text and knows no media; comparing text or media with
    anything else would report changes that are only a source's way of showing the tweet.
    """
    return next(
        (e.facts for e in evidence if e.source == "syndication" and e.outcome is Outcome.FOUND and e.facts),
        None,
    )


def best_facts(evidence: Sequence[Evidence]) -> TweetFacts | None:
    """The most complete facts found: syndication's first, then oEmbed's, then the page's."""
    order = {"syndication": 0, "oembed": 1, "embed_page": 2}
    found = [e for e in evidence if e.outcome is Outcome.FOUND and e.facts is not None]
    found.sort(key=lambda e: order.get(e.source, 9))
    return found[0].facts if found else None


def against_article(ref: EmbedRef, facts: TweetFacts, *, complete: bool = True) -> list[Change]:
    """What differs between the tweet now and what the article quoted of it.

    With ``complete`` false (the facts are not syndication's), only the author is compared.
    """
    changes: list[Change] = []
    quoted = ref.quoted_text if complete else None
    if quoted and facts.text is not None and not quote_matches(quoted, facts.text, facts.links):
        before, after = normalise(quoted, facts.links), normalise(facts.text, facts.links)
        changes.append(Change("text", before, after, "article", _word_diff(before, after)))
    if ref.handle and facts.handle and ref.handle.lower() != facts.handle.lower():
        changes.append(Change("handle", ref.handle, facts.handle, "article"))
    if complete and ref.date and facts.created_at:
        created = _as_date(facts.created_at)
        if created is not None and abs((created - date.fromisoformat(ref.date)).days) > 1:
            changes.append(Change("date", ref.date, created.isoformat(), "article"))
    return changes


def _as_date(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def normalised_facts(facts: TweetFacts) -> dict[str, Any]:
    """What a capture is compared on next time: no counters, no volatile fields."""
    return {
        "text": normalise(facts.text),
        "handle": (facts.handle or "").lower(),
        "media": [media_key(url) for url in facts.media],
        "media_phash": list(facts.media_phash),
        "quoted_id": facts.quoted_id,
        "edit_ids": list(facts.edit_ids),
    }


def media_key(url: str) -> str:
    """The media key of a pbs.twimg.com URL, whatever its format and size parameters."""
    return url.split("?", 1)[0].rsplit("/", 1)[-1].split(".", 1)[0]


def fingerprint(facts: TweetFacts) -> str:
    """A digest of the normalised facts. Media count by key, not by picture hash, so that a
    probe over HTTP and a browser capture of the same tweet give the same fingerprint."""
    data = normalised_facts(facts)
    data.pop("media_phash")
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _phash_distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1") if a and b and len(a) == len(b) else 64


def against_previous(previous: Mapping[str, Any], facts: TweetFacts) -> list[Change]:
    """What differs from the last capture's normalised facts (see :func:`normalised_facts`)."""
    now = normalised_facts(facts)
    changes: list[Change] = []
    if previous.get("text") != now["text"] and facts.text is not None:
        before, after = str(previous.get("text") or ""), now["text"]
        changes.append(Change("text", before, after, LAST_CAPTURE, _word_diff(before, after)))
    if previous.get("handle") and now["handle"] and previous["handle"] != now["handle"]:
        changes.append(Change("handle", previous["handle"], now["handle"], LAST_CAPTURE))
    old_hashes, new_hashes = list(previous.get("media_phash") or []), now["media_phash"]
    if old_hashes and new_hashes:
        swapped = len(old_hashes) != len(new_hashes) or any(
            _phash_distance(a, b) > MEDIA_DISTANCE for a, b in zip(old_hashes, new_hashes, strict=False)
        )
        if swapped:
            changes.append(Change("media", " ".join(old_hashes), " ".join(new_hashes), LAST_CAPTURE))
    elif list(previous.get("media") or []) != now["media"] and (previous.get("media") or now["media"]):
        before, after = " ".join(previous.get("media") or []), " ".join(now["media"])
        changes.append(Change("media", before, after, LAST_CAPTURE))
    if previous.get("quoted_id") != now["quoted_id"] and "quoted_id" in previous:
        changes.append(Change("quoted", str(previous.get("quoted_id")), str(now["quoted_id"]), LAST_CAPTURE))
    return changes


def changed_since_last_capture(verdict: Verdict) -> bool:
    """True when the verdict found a difference from the previous capture (not only from the
    article's quote, which stays the same run after run)."""
    return (
        any(f"from the {LAST_CAPTURE}:" in reason for reason in verdict.reasons)
        or "edited" in verdict.changes
    )


def with_changes(verdict: Verdict, changes: Sequence[Change]) -> Verdict:
    """``verdict`` made ``altered`` by ``changes`` (only a tweet that exists can be altered)."""
    if not changes or verdict.status not in (Status.LIVE, Status.ALTERED):
        return verdict
    fields = tuple(dict.fromkeys((*verdict.changes, *(c.field for c in changes))))
    diffs = [c.diff for c in changes if c.diff]
    diff = "\n".join(filter(None, [verdict.diff, *diffs])) or None
    reasons = (*(c.describe() for c in changes), *verdict.reasons)
    return replace(verdict, status=Status.ALTERED, reasons=reasons, changes=fields, diff=diff)
