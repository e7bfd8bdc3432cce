"""Which hosts and addresses a fetch may reach.

Articles are hostile: only X's hosts are fetched (the allow-list is checked on every redirect
hop), and an address that is private, loopback, link-local or otherwise not global is refused
after DNS resolution, so a hostile name cannot reach the local network. The simulator on
loopback is the one explicit, opt-in exception (``allow_private``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection

from archiver.errors import HostNotAllowed

__all__ = ["check_address", "check_host"]


def check_host(host: str, allowed: Collection[str], url: str = "") -> None:
    if host.lower().rstrip(".") not in allowed:
        raise HostNotAllowed(f"{host}: not an X host; refused to fetch {url}", url=url)


def check_address(address: str, host: str, allow_private: bool) -> None:
    """Refuse non-global addresses (RFC 1918, loopback, link-local, …) unless allowed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        raise HostNotAllowed(f"{host}: resolved to {address!r}, not an IP address") from None
    if not ip.is_global and not allow_private:
        raise HostNotAllowed(
            f"{host}: resolves to non-public address {ip}; refused "
            "(only the simulator may use private addresses, with allow_private)"
        )
