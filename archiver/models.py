"""The data that flows between the stages: frozen, slotted, no I/O.

Their JSON forms are a public contract (``archiver scan --format jsonl``, the WARC metadata
record, the state database): fields are only ever added, and ``SCHEMA_VERSION`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["SCHEMA_VERSION", "EmbedRef", "Location", "RefKind"]

SCHEMA_VERSION = 1


class RefKind(StrEnum):
    """How an article refers to a tweet."""

    BLOCKQUOTE = "blockquote"  # an embed's blockquote, rendered or not
    STATUS_LINK = "status_link"  # a plain link to the tweet's page
    PLAINTEXT_ATTRIBUTION = (
        "plaintext_attribution"  # a flattened embed: text, then — Name (@h) Date
    )
    SHORTCODE = "shortcode"  # Hugo / WordPress / Jekyll shortcodes
    AMP = "amp"  # <amp-twitter data-tweetid>
    IFRAME = "iframe"  # a rendered widget iframe or a third-party embed container
    PIC_LINK = "pic_link"  # a lone pic.twitter.com / pic.x.com link
    SHORT_LINK = "short_link"  # a lone t.co link (may or may not lead to a tweet)


class Location(StrEnum):
    """Where in the document a reference stands; only ``body`` is the article itself."""

    BODY = "body"
    SIDEBAR = "sidebar"
    FOOTER = "footer"
    SCRIPT = "script"


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
