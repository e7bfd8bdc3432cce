"""The entry points that the command line and Python users share.

Each builds what it needs from :class:`~archiver.config.Settings` and returns plain data;
printing is :mod:`archiver.report`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver.config import Settings
from archiver.errors import ScanError
from archiver.inputs import Article, iter_articles
from archiver.models import EmbedRef
from archiver.scan import scan_document

__all__ = ["ScanResult", "scan"]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """References found, in input order, and the inputs that could not be scanned."""

    refs: tuple[EmbedRef, ...]
    errors: tuple[ScanError, ...]
    articles: tuple[str, ...]


def scan(sources: Iterable[str | Path], settings: Settings | None = None) -> ScanResult:
    """Scan files, folders, ``-`` (stdin) and article URLs for the tweets they cite."""
    settings = settings or Settings()
    refs: list[EmbedRef] = []
    errors: list[ScanError] = []
    articles: list[str] = []
    for item in iter_articles(sources, max_bytes=settings.max_input_bytes):
        if isinstance(item, Article):
            articles.append(item.name)
            refs.extend(scan_document(item.text, item.name))
        else:
            errors.append(item)
    return ScanResult(tuple(refs), tuple(errors), tuple(articles))
