"""embed-archiver: find, capture into WARC and verify the tweets that articles embed.

The public API is what ``__all__`` lists; every other module is internal and may move.
"""

import contextlib
from typing import Any as _Any

from archiver.config import Settings, load_settings
from archiver.errors import (
    ArchiveError,
    ArchiverError,
    CaptureError,
    ConfigError,
    FetchError,
    FetchTimeout,
    HostNotAllowed,
    InputTooLarge,
    LoginWall,
    RateLimited,
    ResponseTooLarge,
    ScanError,
    StoreError,
)
from archiver.models import EmbedRef, Evidence, Location, Outcome, RefKind, Status, TweetFacts, Verdict
from archiver.scan import scan_document

__version__ = "0.1.0"

__all__ = [
    "ArchiveError",
    "ArchiveRun",
    "ArchiverError",
    "CaptureError",
    "CheckResult",
    "ConfigError",
    "EmbedRef",
    "Evidence",
    "FetchError",
    "FetchTimeout",
    "HostNotAllowed",
    "InputTooLarge",
    "Location",
    "LoginWall",
    "Outcome",
    "RateLimited",
    "RefKind",
    "ResponseTooLarge",
    "ScanError",
    "ScanResult",
    "Settings",
    "Status",
    "StoreError",
    "TweetFacts",
    "Verdict",
    "archive",
    "check",
    "export_wacz",
    "load_settings",
    "scan",
    "scan_document",
    "write_report",
]

# Entry points that need the network stack load on first use, so that importing the pure
# parts (archiver.scan, archiver.models) pulls in no httpx, playwright or sqlite3.
_LAZY = {
    name: "archiver.api"
    for name in (
        "ArchiveRun",
        "CheckResult",
        "ScanResult",
        "archive",
        "check",
        "export_wacz",
        "scan",
        "write_report",
    )
}


def _public(obj: _Any) -> _Any:
    """Show ``archiver.X`` in reprs and tracebacks, not the private module."""
    with contextlib.suppress(AttributeError, TypeError):
        obj.__module__ = "archiver"
    return obj


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        import importlib

        value = _public(getattr(importlib.import_module(_LAZY[name]), name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'archiver' has no attribute {name!r}")


for _name in __all__:
    if _name not in _LAZY:
        _public(globals()[_name])
