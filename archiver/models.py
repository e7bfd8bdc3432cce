"""The data that flows between the stages: frozen, slotted, no I/O.

Their JSON forms are a public contract (``archiver scan --format jsonl``, the WARC metadata
record, the state database): fields are only ever added, and ``SCHEMA_VERSION`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "EmbedRef",
    "Evidence",
    "Location",
    "Outcome",
    "RefKind",
    "Status",
    "Target",
    "TweetFacts",
    "Verdict",
]

SCHEMA_VERSION = 1


class RefKind(StrEnum):
    """How an article refers to a tweet."""

    BLOCKQUOTE = "blockquote"  # an embed's blockquote, rendered or not
    STATUS_LINK = "status_link"  # a plain link to the tweet's page
    PLAINTEXT_ATTRIBUTION = "plaintext_attribution"  # a flattened embed: text, then — Name (@h) Date
    SHORTCODE = "shortcode"  # Hugo / WordPress / Jekyll shortcodes
    AMP = "amp"  # <amp-twitter data-tweetid>
    IFRAME = "iframe"  # a rendered widget iframe or a third-party embed container
    PIC_LINK = "pic_link"  # a lone pic.twitter.com / pic.x.com link
    SHORT_LINK = "short_link"  # a lone t.co link (may or may not lead to a tweet)


class Location(StrEnum):
    """Where in the document a reference stands; only ``body`` is the article itself."""

    BODY = "body"
    SIDEBAR = "sidebar"
    FOOTER = "footer"  # site footers, and what follows the article's end
    SCRIPT = "script"
    METADATA = "metadata"  # front matter (YAML, TOML) and the oEmbed caches kept there


@dataclass(frozen=True, slots=True)
class EmbedRef:
    """One tweet as one article cites it: the identity plus the article's baseline.

    ``quoted_text``, ``author_name``, ``handle`` and ``date`` are what the article shows; they
    are the baseline later checks compare against. ``created_at`` comes from the snowflake id.
    ``offset`` is the character position of the first occurrence, for ordering.
    """

    article: str
    kind: RefKind
    location: Location = Location.BODY
    tweet_id: str | None = None
    url: str | None = None
    handle: str | None = None
    author_name: str | None = None
    date: str | None = None
    quoted_text: str | None = None
    pic_links: tuple[str, ...] = ()
    tco_links: tuple[str, ...] = ()
    created_at: str | None = None
    warnings: tuple[str, ...] = ()
    offset: int = field(default=0, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (one line of ``archiver scan --format jsonl``)."""
        return {
            "schema": SCHEMA_VERSION,
            "article": self.article,
            "tweet_id": self.tweet_id,
            "url": self.url,
            "handle": self.handle,
            "author_name": self.author_name,
            "date": self.date,
            "kind": str(self.kind),
            "quoted_text": self.quoted_text,
            "pic_links": list(self.pic_links),
            "tco_links": list(self.tco_links),
            "location": str(self.location),
            "created_at": self.created_at,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EmbedRef:
        """Read back what :meth:`to_json` wrote (unknown keys are ignored)."""
        return cls(
            article=data["article"],
            kind=RefKind(data["kind"]),
            location=Location(data.get("location", "body")),
            tweet_id=data.get("tweet_id"),
            url=data.get("url"),
            handle=data.get("handle"),
            author_name=data.get("author_name"),
            date=data.get("date"),
            quoted_text=data.get("quoted_text"),
            pic_links=tuple(data.get("pic_links", ())),
            tco_links=tuple(data.get("tco_links", ())),
            created_at=data.get("created_at"),
            warnings=tuple(data.get("warnings", ())),
        )


class Status(StrEnum):
    """A verdict on one tweet: exactly the statuses of the verdict table (docs/verdicts.md)."""

    LIVE = "live"
    ALTERED = "altered"
    DELETED = "deleted"
    SUSPENDED = "suspended"
    PROTECTED = "protected"
    WITHHELD = "withheld"
    RESTRICTED = "restricted"
    UNAVAILABLE = "unavailable"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """What one source said about a tweet."""

    FOUND = "found"  # the tweet, with its facts
    NOT_FOUND = "not_found"  # 404, or a 200 with an empty object
    TOMBSTONE = "tombstone"  # a placeholder with a (localised) reason text
    REFUSED = "refused"  # the source answered but will not show it (403, suspended user)
    REDIRECT = "redirect"  # a short link's hop
    ERROR = "error"  # we could not tell: network error, timeout, 429, 5xx, login wall


@dataclass(frozen=True, slots=True)
class TweetFacts:
    """What a source says a tweet is; volatile counters (likes, replies) are left out."""

    tweet_id: str
    text: str | None = None
    handle: str | None = None
    author_name: str | None = None
    created_at: str | None = None
    media: tuple[str, ...] = ()  # media URLs (pbs.twimg.com / video.twimg.com)
    media_phash: tuple[str, ...] = ()  # perceptual hashes of the pictures, when captured
    quoted_id: str | None = None
    edit_ids: tuple[str, ...] = ()
    is_edited: bool = False
    is_stale_edit: bool = False
    lang: str | None = None
    # How the tweet shows each t.co link: (t.co URL, display URL, expanded URL)
    links: tuple[tuple[str, str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "tweet_id": self.tweet_id,
            "text": self.text,
            "handle": self.handle,
            "author_name": self.author_name,
            "created_at": self.created_at,
            "media": list(self.media),
            "media_phash": list(self.media_phash),
            "quoted_id": self.quoted_id,
            "edit_ids": list(self.edit_ids),
            "is_edited": self.is_edited,
            "is_stale_edit": self.is_stale_edit,
            "lang": self.lang,
            "links": [list(link) for link in self.links],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TweetFacts:
        return cls(
            tweet_id=data["tweet_id"],
            text=data.get("text"),
            handle=data.get("handle"),
            author_name=data.get("author_name"),
            created_at=data.get("created_at"),
            media=tuple(data.get("media", ())),
            media_phash=tuple(data.get("media_phash", ())),
            quoted_id=data.get("quoted_id"),
            edit_ids=tuple(data.get("edit_ids", ())),
            is_edited=bool(data.get("is_edited")),
            is_stale_edit=bool(data.get("is_stale_edit")),
            lang=data.get("lang"),
            links=tuple((str(a), str(b), str(c)) for a, b, c in data.get("links", ())),
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One source's answer about one tweet, as fetched; the raw bytes go to the WARC.

    ``status_hint`` is what this answer alone suggests (a tombstone's meaning); the verdict
    weighs all answers together. ``record_id`` is the WARC record that holds the response.
    """

    source: str  # "syndication", "oembed", "resolve", "embed_page", "status_page"
    url: str
    outcome: Outcome
    http_status: int | None = None
    facts: TweetFacts | None = None
    status_hint: Status | None = None
    detail: str | None = None  # tombstone text, error message, or redirect target
    fetched_at: str | None = None
    record_id: str | None = None
    body: bytes = field(default=b"", repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "url": self.url,
            "outcome": str(self.outcome),
            "http_status": self.http_status,
            "facts": self.facts.to_json() if self.facts else None,
            "status_hint": str(self.status_hint) if self.status_hint else None,
            "detail": self.detail,
            "fetched_at": self.fetched_at,
            "record_id": self.record_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        facts = data.get("facts")
        hint = data.get("status_hint")
        return cls(
            source=data["source"],
            url=data["url"],
            outcome=Outcome(data["outcome"]),
            http_status=data.get("http_status"),
            facts=TweetFacts.from_json(facts) if facts else None,
            status_hint=Status(hint) if hint else None,
            detail=data.get("detail"),
            fetched_at=data.get("fetched_at"),
            record_id=data.get("record_id"),
        )


@dataclass(frozen=True, slots=True)
class Target:
    """One tweet to check, however many references cite it."""

    tweet_id: str
    refs: tuple[EmbedRef, ...] = ()
    resolved_from: tuple[Evidence, ...] = ()  # short-link hops that led here

    @property
    def handle(self) -> str | None:
        return next((r.handle for r in self.refs if r.handle), None)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The status of one tweet with its reasons and the evidence it rests on."""

    status: Status
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    fingerprint: str | None = None
    changes: tuple[str, ...] = ()  # what differs: "text", "media", "handle", "edited", …
    diff: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "status": str(self.status),
            "reasons": list(self.reasons),
            "changes": list(self.changes),
            "diff": self.diff,
            "fingerprint": self.fingerprint,
            "evidence": [e.to_json() for e in self.evidence],
        }
