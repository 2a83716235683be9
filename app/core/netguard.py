"""Requests to addresses that users hand us (push endpoints) reach only the public internet.

A user-supplied URL could otherwise point the server at itself or its private network: the
database, a cloud metadata service, an admin port. Three rules:

- an IP address is never accepted as the host, in any spelling a resolver takes (``127.1``,
  ``0x7f.0.0.1``, ``2130706433``, ``017700000001``, ``[::ffff:127.0.0.1]``): push services
  have DNS names;
- every address a name resolves to must be public (not private, loopback, link-local,
  shared, multicast, reserved or unspecified, nor an IPv6 form that embeds such an IPv4
  address); one bad answer refuses the name;
- :func:`guarded_session` checks the resolved addresses when it connects and connects to
  the address it checked, so a name that resolves differently a moment later (DNS
  rebinding) gains nothing. TLS still verifies the certificate for the name (SNI and Host
  are unchanged), and proxies from the environment are ignored.

``allow_loopback`` exists for development and tests only (a local stand-in push service).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IETF protocol assignments: Python counts some of them global; no push service lives there.
_IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")


class BlockedAddress(ValueError):
    """The URL or the name's addresses are not on the public internet."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0:  # IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks)
        return ipaddress.IPv4Address(int(ip))
    return None


def is_public(ip: IPAddress, *, allow_loopback: bool = False) -> bool:
    if allow_loopback and ip.is_loopback:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id or ip.is_site_local:
            return False
        inner = _embedded_ipv4(ip)
        if ip in _NAT64:
            # What DNS64 answers for an IPv4-only host: judged by that IPv4 address alone.
            return inner is not None and is_public(inner)
        if inner is not None and not is_public(inner):
            return False
    elif ip in _IETF_PROTOCOL:
        return False
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def literal_address(host: str) -> IPAddress | None:
    """``host`` as an IP address if a resolver would take it as one, in any spelling."""
    bare = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    try:
        # inet_aton takes every BSD numeric form: 127.1, 0x7f.1, 017700000001, 2130706433.
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except (OSError, ValueError):
        return None


def resolve_public(host: str, port: int, *, allow_loopback: bool = False) -> str:
    """The address to connect to for ``host``: resolved now, every answer checked."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        raise BlockedAddress("unresolvable") from e
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in answers]
    if not addresses:
        raise BlockedAddress("unresolvable")
    for ip in addresses:
        if not is_public(ip, allow_loopback=allow_loopback):
            raise BlockedAddress("not public")
    return str(addresses[0])


def check_url(url: str, *, allow_loopback: bool = False) -> None:
    """Refuse a URL the server must not request: not https (plain http only to 127.0.0.1
    with ``allow_loopback``), with credentials, with an address or a local name as host, or
    whose name resolves to anything but public addresses."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:
        raise BlockedAddress("port") from e
    if allow_loopback and parts.scheme == "http" and parts.netloc.rsplit(":", 1)[0] == "127.0.0.1":
        return
    if parts.scheme != "https" or not host or parts.username is not None or parts.password is not None:
        raise BlockedAddress("scheme or credentials")
    if literal_address(host) is not None:
        raise BlockedAddress("address as host")
    name = host.rstrip(".")
    if "." not in name or name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        raise BlockedAddress("local name")
    resolve_public(host, port)


class _CheckedAddress:
    """Resolve and check when connecting, then connect to that very address."""

    allow_loopback = False

    def _new_conn(self):
        name = self._dns_host
        self._dns_host = resolve_public(name, self.port, allow_loopback=self.allow_loopback)
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name  # TLS verifies the certificate, and sends SNI, for the name


class _HTTPConnection(_CheckedAddress, HTTPConnection):
    pass


class _HTTPSConnection(_CheckedAddress, HTTPSConnection):
    pass


class _LoopbackHTTPConnection(_HTTPConnection):
    allow_loopback = True


class _LoopbackHTTPSConnection(_HTTPSConnection):
    allow_loopback = True


def _pools(http_connection, https_connection):
    http_pool = type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_connection})
    https_pool = type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_connection})
    return {"http": http_pool, "https": https_pool}


_POOLS = {False: _pools(_HTTPConnection, _HTTPSConnection),
          True: _pools(_LoopbackHTTPConnection, _LoopbackHTTPSConnection)}


class GuardedAdapter(HTTPAdapter):
    def __init__(self, *, allow_loopback: bool = False, **kwargs) -> None:
        self._pool_classes = _POOLS[allow_loopback]
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise BlockedAddress("proxies are not used for guarded requests")


def guarded_session(*, allow_loopback: bool = False) -> requests.Session:
    """A requests session that connects only to checked public addresses, follows no
    redirect and ignores proxy settings from the environment."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    adapter = GuardedAdapter(allow_loopback=allow_loopback)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
