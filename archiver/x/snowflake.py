"""Snowflake ids: X's tweet ids carry their creation time.

``(id >> 22) + 1288834974657`` is the creation time in milliseconds since the Unix epoch; ids
up to :data:`LAST_PRE_SNOWFLAKE_ID` predate the scheme (November 2010) and carry no time.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["LAST_PRE_SNOWFLAKE_ID", "TWEPOCH_MS", "snowflake_time"]

TWEPOCH_MS = 1288834974657
LAST_PRE_SNOWFLAKE_ID = 29700859247
MAX_TWEET_ID = 2**63 - 1


def snowflake_time(tweet_id: str | int) -> datetime | None:
    """The creation time encoded in ``tweet_id``, or None for pre-2010 ids and bad input."""
    try:
        value = int(tweet_id)
    except (TypeError, ValueError):
        return None
    if value <= LAST_PRE_SNOWFLAKE_ID or value > MAX_TWEET_ID:
        return None
    return datetime.fromtimestamp(((value >> 22) + TWEPOCH_MS) / 1000, tz=UTC)
