"""The visitor's address, the one rule for every throttle (login, sign-up, short links).

Behind N trusted proxies set CLIENT_IP_TRUSTED_PROXIES = N. Each proxy appends the address
it received the request from to X-Forwarded-For, so the Nth entry from the right is the
address the outermost trusted proxy saw: the visitor. Entries further left were sent by
the visitor and can say anything; they are never used. With N = 0 (local runs, tests) the
header is ignored and REMOTE_ADDR is the visitor. In production (CloudFront, then API
Gateway, which Zappa turns into REMOTE_ADDR) N is 2: "<forged...>, <visitor>, <edge>".
"""

import ipaddress

from django.conf import settings

# Throttles count an IPv6 visitor by network: one subscriber usually holds a whole /64.
IPV6_THROTTLE_PREFIX = 64


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The visitor's address as text, or None when the request carries no usable one.

    Fewer entries than trusted proxies (a request that skipped the CDN) or an entry that is
    not an address: REMOTE_ADDR, the peer the application itself saw."""
    depth = getattr(settings, "CLIENT_IP_TRUSTED_PROXIES", 0)
    if depth:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if len(hops) >= depth and (address := _valid(hops[-depth])):
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def client_ip_for_throttling(request) -> str | None:
    """``client_ip``, with IPv6 addresses widened to their /64 network (written as its first
    address), so that one visitor cannot dodge a per-address limit by rotating addresses."""
    address = client_ip(request)
    if address is None or ":" not in address:
        return address
    ip = ipaddress.ip_address(address)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/{IPV6_THROTTLE_PREFIX}", strict=False).network_address)
