"""The one exception tree of embed-archiver.

    ArchiverError
    ├── ConfigError          bad settings, config file or flag
    ├── ScanError            an input could not be read or decoded as an article
    │   └── InputTooLarge    over the configured size cap
    ├── FetchError           an HTTP fetch failed (never evidence that a tweet is gone)
    │   ├── FetchTimeout
    │   ├── RateLimited      carries ``retry_after`` in seconds, when the server said
    │   ├── HostNotAllowed   outside the allow-list, or a private/loopback address
    │   ├── ResponseTooLarge
    │   ├── ServerError      5xx after retries
    │   └── LoginWall
    ├── CaptureError         the browser could not capture a page
    ├── ArchiveError         a WARC/WACZ could not be written or read
    ├── StoreError           the state database failed
    └── LockHeld             another process is writing into the same output folder

Errors from httpx, Playwright and sqlite3 are translated at the boundary (``raise … from exc``)
and name the URL, file or tweet they concern, so a one-line message is enough for a user.
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "ArchiverError",
    "CaptureError",
    "ConfigError",
    "FetchError",
    "FetchTimeout",
    "HostNotAllowed",
    "InputTooLarge",
    "LockHeld",
    "LoginWall",
    "RateLimited",
    "ResponseTooLarge",
    "ScanError",
    "ServerError",
    "StoreError",
]


class ArchiverError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(ArchiverError):
    pass


class ScanError(ArchiverError):
    """An input could not be turned into article text (binary, unreadable, undecodable)."""


class InputTooLarge(ScanError):
    pass


class FetchError(ArchiverError):
    """A fetch failed. ``url`` names what was asked for."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class FetchTimeout(FetchError):
    pass


class RateLimited(FetchError):
    def __init__(self, message: str, *, url: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, url=url)
        self.retry_after = retry_after


class HostNotAllowed(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class ServerError(FetchError):
    pass


class LoginWall(FetchError):
    pass


class CaptureError(ArchiverError):
    pass


class ArchiveError(ArchiverError):
    pass


class StoreError(ArchiverError):
    pass


class LockHeld(ArchiverError):
    """Another process holds the output folder (``archiver.lock``)."""
