"""Networking: one client factory, the host guard and host map, retries, recording.

Every byte a probe fetches goes through :class:`~archiver.net.fetch.Fetcher`, which checks
the allow-list on every hop, maps host names (``--resolve``) without changing URLs, Host
headers or TLS SNI, refuses private addresses that DNS or an IP literal gives (an address the
operator names in ``--resolve`` is connected to as given), caps sizes, retries what
is worth retrying, and hands each exchange to a recorder (the WARC writer).
"""

from archiver.net.exchange import Exchange
from archiver.net.fetch import Fetcher, FetchResult

__all__ = ["Exchange", "FetchResult", "Fetcher"]
