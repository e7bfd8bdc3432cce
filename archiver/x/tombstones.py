"""Tombstone and error texts X shows in place of a tweet, mapped to statuses in one table.

Texts are localised and change over time (Tweet and Post wordings both exist): match them
here only, by distinctive lower-case fragments, and keep the raw text in the evidence.
"""

from __future__ import annotations

from archiver.models import Status

__all__ = ["TOMBSTONE_TABLE", "status_for_text"]

# (fragment, status, reason); first match wins, so specific fragments come first.
TOMBSTONE_TABLE: tuple[tuple[str, Status, str], ...] = (
    ("deleted by the post author", Status.DELETED, "deleted by its author"),
    ("deleted by the tweet author", Status.DELETED, "deleted by its author"),
    ("this post was deleted", Status.DELETED, "deleted"),
    ("this tweet was deleted", Status.DELETED, "deleted"),
    ("from a suspended account", Status.SUSPENDED, "the account is suspended"),
    ("user has been suspended", Status.SUSPENDED, "the account is suspended"),
    ("user is suspended", Status.SUSPENDED, "the account is suspended"),
    ("limits who can view their", Status.PROTECTED, "the account is protected"),
    ("not authorized to see this status", Status.PROTECTED, "the account is protected"),
    ("has been withheld", Status.WITHHELD, "withheld in a country"),
    ("withheld in", Status.WITHHELD, "withheld in a country"),
    ("age-restricted", Status.RESTRICTED, "age-restricted"),
    ("might not be appropriate for people under", Status.RESTRICTED, "age-restricted"),
    ("violated the x rules", Status.UNAVAILABLE, "violated the X Rules"),
    ("violated the twitter rules", Status.UNAVAILABLE, "violated the Twitter Rules"),
    ("account that no longer exists", Status.UNAVAILABLE, "the account no longer exists"),
    ("this post is unavailable", Status.UNAVAILABLE, "unavailable, no reason given"),
    ("this tweet is unavailable", Status.UNAVAILABLE, "unavailable, no reason given"),
    ("page doesn’t exist", Status.DELETED, "the status page does not exist"),
    ("page doesn't exist", Status.DELETED, "the status page does not exist"),
)


def status_for_text(text: str) -> tuple[Status, str]:
    """The status a tombstone text means, with a short reason; unknown texts are unavailable."""
    lowered = text.lower()
    for fragment, status, reason in TOMBSTONE_TABLE:
        if fragment in lowered:
            return status, reason
    return Status.UNAVAILABLE, "a tombstone with no reason we know"
