"""Evidence to a verdict. Pure: no network, no disk, no clock.

The rules (docs/verdicts.md):

* A failure to fetch is never evidence of absence: timeouts, 429, 5xx, resets, login walls
  and answers we do not understand are ``error`` evidence and can only make ``unknown``.
* ``deleted`` needs two independent sources saying not found (syndication 404 or ``{}``, and
  oEmbed 404), or an explicit "deleted by the author" tombstone.
* A tombstone or refusal that names a reason (suspended, protected, withheld, age-restricted,
  violated the rules, no reason) gives that status.
* A source that finds the tweet, with none saying it is gone, gives ``live``; ``altered`` when
  the cited id is an old version (``isStaleEdit``) or the tweet differs from the article's
  quote or from the last capture (see :func:`compare`).
* Sources that disagree (one finds it, another says it is gone) give ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from archiver.compare import (
    against_article,
    against_previous,
    best_facts,
    complete_facts,
    fingerprint,
    with_changes,
)
from archiver.models import EmbedRef, Evidence, Outcome, Status, Verdict

__all__ = ["RESOLVE", "decide", "judge"]

RESOLVE = "resolve"
# When several named reasons appear, the most specific wins.
_NAMED_ORDER = (
    Status.SUSPENDED,
    Status.PROTECTED,
    Status.WITHHELD,
    Status.RESTRICTED,
    Status.UNAVAILABLE,
)


def decide(evidence: Sequence[Evidence]) -> Verdict:
    """The verdict that ``evidence`` (about one tweet) supports, with its reasons."""
    about_tweet = [e for e in evidence if e.source != RESOLVE]
    everything = tuple(evidence)
    if not about_tweet:
        reasons = [f"{e.source}: {e.detail}" for e in evidence if e.outcome is Outcome.ERROR]
        return Verdict(Status.UNKNOWN, tuple(reasons) or ("no source answered",), everything)
    found = [e for e in about_tweet if e.outcome is Outcome.FOUND]
    missing = [e for e in about_tweet if e.outcome is Outcome.NOT_FOUND]
    named = [
        e
        for e in about_tweet
        if e.outcome in (Outcome.TOMBSTONE, Outcome.REFUSED) and e.status_hint is not None
    ]
    errors = [e for e in about_tweet if e.outcome is Outcome.ERROR]

    explicit_deletion = [e for e in named if e.status_hint is Status.DELETED]
    reasons_named = [e for e in named if e.status_hint is not Status.DELETED]
    if reasons_named:
        status = min(
            (e.status_hint for e in reasons_named if e.status_hint is not None),
            key=_NAMED_ORDER.index,
        )
        reasons = [f"{e.source}: {e.detail}" for e in reasons_named if e.status_hint is status]
        reasons += [f"{e.source}: found the tweet (shown to some viewers only)" for e in found]
        return Verdict(status, tuple(reasons), everything)
    if explicit_deletion:
        if found:
            return _disagree(found, explicit_deletion, everything)
        reasons = [f"{e.source}: {e.detail}" for e in explicit_deletion]
        return Verdict(Status.DELETED, tuple(reasons), everything)
    if found:
        if missing:
            return _disagree(found, missing, everything)
        return _found(found, errors, everything)
    sources_missing = {e.source for e in missing}
    if len(sources_missing) >= 2:
        reasons = [f"{e.source}: not found ({e.detail})" for e in missing]
        return Verdict(Status.DELETED, tuple(reasons), everything)
    reasons = [f"{e.source}: {e.detail}" for e in errors]
    if missing:
        reasons.insert(0, f"only {missing[0].source} says not found ({missing[0].detail})")
    return Verdict(Status.UNKNOWN, tuple(reasons) or ("no conclusive answer",), everything)


def _found(found: list[Evidence], errors: list[Evidence], everything: tuple[Evidence, ...]) -> Verdict:
    reasons = ["found by " + ", ".join(e.source for e in found)]
    reasons += [f"{e.source}: {e.detail} (not needed)" for e in errors]
    stale = next((e for e in found if e.facts is not None and e.facts.is_stale_edit), None)
    if stale is not None and stale.facts is not None:
        newest = stale.facts.edit_ids[-1] if stale.facts.edit_ids else "?"
        reasons.insert(0, f"the cited post was edited: the newest version is {newest}")
        return Verdict(Status.ALTERED, tuple(reasons), everything, changes=("edited",))
    return Verdict(Status.LIVE, tuple(reasons), everything)


def _disagree(found: list[Evidence], gone: list[Evidence], everything: tuple[Evidence, ...]) -> Verdict:
    reasons = [f"{e.source}: found" for e in found]
    reasons += [f"{e.source}: {e.detail or e.outcome}" for e in gone]
    return Verdict(Status.UNKNOWN, ("sources disagree", *reasons), everything)


def judge(
    evidence: Sequence[Evidence],
    ref: EmbedRef | None = None,
    previous: Mapping[str, Any] | None = None,
) -> Verdict:
    """:func:`decide`, then compare what was found with the last capture and the article.

    ``previous`` is the last capture's normalised facts (from the state database); ``ref`` is
    the article's baseline. A difference makes a live tweet ``altered``, with the list of what
    changed and a readable diff; the fingerprint is of the normalised facts found.
    """
    verdict = decide(evidence)
    complete = complete_facts(evidence)
    facts = complete or best_facts(evidence)
    if facts is None:
        return verdict
    changes = against_previous(previous, complete) if previous and complete else []
    if ref is not None:
        changes += against_article(ref, facts, complete=complete is not None)
    judged = with_changes(verdict, changes)
    if complete is None:
        note = "text and media not compared: the syndication answer was not available"
        return replace(judged, reasons=(*judged.reasons, note))
    return replace(judged, fingerprint=fingerprint(complete))
