"""Keeping webhooks off the portal's own network.

A webhook URL is typed by staff, but the request is sent from inside the deployment, next
to the database and Redis. In production a URL whose host resolves to a loopback, private,
link-local or otherwise non-public address is refused, so a mistyped or malicious URL
cannot reach internal services (server-side request forgery). The check runs when the
channel is saved and again before each attempt, since DNS answers change.
"""

import ipaddress
import socket
from urllib.parse import urlsplit


def non_public_address(url: str) -> str | None:
    """The first non-public address `url`'s host resolves to, or None if all are public.
    A host that does not resolve is left to the request itself to report."""
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not address.is_global:
            return str(address)
    return None
