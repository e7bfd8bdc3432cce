"""Which hosts and addresses a fetch may reach.

Articles are hostile: only X's hosts are fetched (the allow-list is checked on every redirect
hop), and every address that the article or a server decides (a DNS answer, an IP literal, the
host of a redirect hop) must be global: private, loopback, link-local and other non-global
addresses are refused, so a hostile name cannot reach the local network. An address the
operator names in ``--resolve`` is the operator's decision, as with curl's ``--resolve``: it
is connected to as given (that is how a mirror or the simulator on this machine is reached).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection

from archiver.errors import HostNotAllowed

__all__ = ["check_address", "check_host"]


def check_host(host: str, allowed: Collection[str], url: str = "") -> None:
    if host.lower().rstrip(".") not in allowed:
        raise HostNotAllowed(f"{host}: not an X host; refused to fetch {url}", url=url)


def check_address(address: str, host: str) -> None:
    """Refuse a non-global address (RFC 1918, loopback, link-local, …) that DNS gave."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        raise HostNotAllowed(f"{host}: resolved to {address!r}, not an IP address") from None
    if not ip.is_global:
        raise HostNotAllowed(
            f"{host}: resolves to non-public address {ip}; refused "
            f"(to reach a mirror on purpose, name it: --resolve {host}={ip}:PORT)"
        )
