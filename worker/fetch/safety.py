"""URL safety (SSRF guard): only http(s), and only hosts that resolve to public addresses.

The check runs twice: before a request is sent (so a refused redirect target is never connected
to) and again at connect time, on the very address the socket connects to (so a name that
resolves to a public address for the first check and to a private one a moment later, DNS
rebinding, gains nothing). Private, loopback, link-local, multicast, reserved, shared and
unspecified addresses are refused unless an allow-list (``NEWSINGEST_ALLOW_NETWORKS``, e.g.
``127.0.0.0/8`` in tests) lets them through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from urllib3 import connection as u3conn
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from worker.fetch.errors import InvalidURLError, RefusedError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]

ALLOWED_SCHEMES = ("http", "https")


def parse_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """``"127.0.0.0/8, ::1/128"`` (or a list of such) -> networks. Raises ``ValueError`` on a bad CIDR."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _kind(ip: IPAddress) -> str:
    for attr in ("is_loopback", "is_link_local", "is_private", "is_multicast", "is_reserved",
                 "is_unspecified"):
        if getattr(ip, attr):
            return attr[3:].replace("_", "-")
    return "non-public"


class AddressGuard:
    """Decides which addresses may be connected to. ``resolver`` is ``socket.getaddrinfo``-like."""

    def __init__(self, allow: Sequence[IPNetwork] = (), resolver: Resolver | None = None) -> None:
        self.allow = tuple(allow)
        self._resolver = resolver

    def allowed(self, ip: IPAddress) -> bool:
        return is_public(ip) or any(ip.version == net.version and ip in net for net in self.allow)

    def check_ip(self, ip: IPAddress, host: str) -> None:
        if not self.allowed(ip):
            shown = host if host == str(ip) else f"{host} ({ip})"
            raise RefusedError(
                f"refused: {shown} is a {_kind(ip)} address; only public addresses are fetched "
                "unless NEWSINGEST_ALLOW_NETWORKS allows it"
            )

    def resolve(self, host: str, port: int) -> list[tuple[int, str]]:
        """Every address ``host`` resolves to, each checked; refuses if any one is not allowed."""
        host = host.strip("[]")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            self.check_ip(literal, host)
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            return [(family, str(literal))]
        resolver = self._resolver or socket.getaddrinfo
        try:
            infos = resolver(host, port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise _NameError(f"cannot resolve {host!r}: {exc}") from exc
        out: list[tuple[int, str]] = []
        for family, _type, _proto, _canon, sockaddr in infos:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            self.check_ip(ip, host)
            if (family, str(ip)) not in out:
                out.append((family, str(ip)))
        if not out:
            raise _NameError(f"cannot resolve {host!r}: no address")
        return out

    def check_url(self, url: str) -> None:
        """Refuse a URL before anything is sent: scheme, then every address of its host."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise RefusedError(f"refused: scheme {parts.scheme or '(none)'!r} of {url!r}; only http and https")
        if not parts.hostname:
            raise InvalidURLError(f"invalid URL {url!r}: no host")
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError as exc:
            raise InvalidURLError(f"invalid URL {url!r}: {exc}") from exc
        self.resolve(parts.hostname, port)

    # ------------------------------------------------------------------ connect-time check

    def pool_classes(
        self, on_request: Callable[[u3conn.HTTPConnection], None] | None = None
    ) -> dict[str, type[HTTPConnectionPool]]:
        """urllib3 pool classes whose connections resolve and check through this guard.

        ``on_request`` is called with the connection (new or reused from the pool) just before a
        response is awaited on it: the fetcher's deadline watchdog uses it to know which socket
        to shut."""
        guard = self

        class Guarded:  # mixed into urllib3's HTTP and HTTPS connection classes
            def _new_conn(self) -> socket.socket:
                return _guarded_connect(self, guard)  # type: ignore[arg-type]

            def getresponse(self, *args: Any, **kwargs: Any) -> Any:
                if on_request is not None:
                    on_request(self)  # type: ignore[arg-type]
                return super().getresponse(*args, **kwargs)  # type: ignore[misc]

        class GuardedHTTPConnection(Guarded, u3conn.HTTPConnection):
            pass

        class GuardedHTTPSConnection(Guarded, u3conn.HTTPSConnection):
            pass

        class GuardedHTTPPool(HTTPConnectionPool):
            ConnectionCls = GuardedHTTPConnection

        class GuardedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = GuardedHTTPSConnection

        return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class _NameError(Exception):
    """A name that does not resolve (mapped to a connection error by the caller)."""


def _guarded_connect(conn: u3conn.HTTPConnection, guard: AddressGuard) -> socket.socket:
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    try:
        addresses = guard.resolve(conn._dns_host, conn.port)
    except _NameError as exc:
        raise NameResolutionError(conn.host, conn, socket.gaierror(str(exc))) from exc
    last: OSError | None = None
    for family, ip in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for opt in conn.socket_options or ():
                sock.setsockopt(*opt)
            if isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            if conn.source_address:
                sock.bind(conn.source_address)
            sock.connect((ip, conn.port))
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out. "
                                            f"(connect timeout={conn.timeout})") from exc
        except OSError as exc:
            sock.close()
            last = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last}")
