"""embed-archiver: find, capture into WARC and verify the tweets that articles embed.

The public API is what ``__all__`` lists; every other module is internal and may move.
"""

import contextlib

from archiver.api import ScanResult, scan
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
from archiver.models import EmbedRef, Location, RefKind
from archiver.scan import scan_document

__version__ = "0.1.0"

__all__ = [
    "ArchiveError",
    "ArchiverError",
    "CaptureError",
    "ConfigError",
    "EmbedRef",
    "FetchError",
    "FetchTimeout",
    "HostNotAllowed",
    "InputTooLarge",
    "Location",
    "LoginWall",
    "RateLimited",
    "RefKind",
    "ResponseTooLarge",
    "ScanError",
    "ScanResult",
    "Settings",
    "StoreError",
    "load_settings",
    "scan",
    "scan_document",
]

for _name in __all__:  # reprs and tracebacks show archiver.X, not the private module
    with contextlib.suppress(AttributeError, TypeError):
        globals()[_name].__module__ = "archiver"
