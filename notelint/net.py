"""Checking external URLs: concurrent, polite, bounded in time, and safe.

A service of the engine (no stage of its own: the URL rules call it during the check
stage); it knows nothing of rules or notes. It takes URLs and a ``NetSettings`` and
returns one ``Verdict`` per URL. This module owns the vocabulary (settings, verdicts,
reports, URL normalisation, which addresses are public) and imports neither of the
others: the checking itself is ``notelint.netcheck`` (which imports httpx, so callers
import it only when a run goes online) and the persistent results are
``notelint.urlcache``; both import their types from here. Everything runs with one
``httpx.AsyncClient`` inside one ``asyncio.run``, so a vault with thousands of links
costs one event loop and a handful of connections per host.

Politeness comes first, because a link checker that hammers a site gets banned (and
then reports false alarms): at most ``concurrency`` requests at once, at most
``per_host`` to one host, request starts to a host spaced by ``interval``; ``HEAD``
first and a streamed ``GET`` (headers only, body never read) when ``HEAD`` is refused
or fails; retries only where retrying can help (timeouts, resets, 408, 429, 5xx),
with exponential backoff, jitter and ``Retry-After`` (capped); a global time budget.

Safety: every connection goes through ``_GuardedBackend``, which resolves the host
itself and refuses private, loopback, link-local and other non-public addresses unless
``allow_private`` is set. The check happens on the resolved IP, at connect time, and the
connection is made to that very IP, so a name that resolves to ``127.0.0.1`` (or a
redirect to one) cannot slip through.

Engine stage: check (a service the URL rules call); owns the URL-checking types.
"""

from __future__ import annotations

import enum
import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from notelint import __version__

USER_AGENT = f"notelint/{__version__} (link checker)"

#: Statuses that mean "the page moved"; 301 and 308 are permanent.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
#: Statuses worth retrying: the server may answer differently in a moment.
RETRY_STATUSES = frozenset({408, 429})
#: Statuses that say "you may not look" rather than "it is gone".
UNVERIFIABLE_STATUSES = frozenset({401, 402, 403, 407, 408, 429, 451, 999})
#: HEAD answers that mean the server does not do HEAD at all; later URLs of that host
#: go straight to GET, sparing it a request each.
HEAD_UNSUPPORTED = frozenset({405, 501})
#: Reserved top-level names (RFC 2606, RFC 6761) that never resolve publicly.
RESERVED_TLDS = frozenset({"example", "test", "invalid"})


class Outcome(enum.Enum):
    """What a check concluded about a URL."""

    OK = "ok"
    DEAD = "dead"  # 404/410, unknown host, refused connection, TLS failure, loop
    UNVERIFIABLE = "unverifiable"  # 401/403/429/999, timeouts, resets after retries
    SKIPPED = "skipped"  # not requested: see Verdict.skip


@dataclass(frozen=True)
class Verdict:
    """The result for one URL.

    ``reason`` is a short human phrase ("404 Not Found", "connection refused").
    ``final_url`` is where redirects ended; ``moved_to`` is the URL reached by the
    leading run of PERMANENT redirects (what a link should be rewritten to), ``None``
    when the first hop was temporary or there was none. ``network_failure`` marks
    failures to resolve or connect, which mean nothing when the whole network is down.
    ``skip`` says why a SKIPPED URL was not requested: "private", "reserved",
    "invalid", "budget" or "network-down".
    """

    url: str
    outcome: Outcome
    reason: str
    status: int | None = None
    final_url: str | None = None
    moved_to: str | None = None
    attempts: int = 0
    from_cache: bool = False
    network_failure: bool = False
    skip: str | None = None


@dataclass(frozen=True)
class NetSettings:
    """How to check; the defaults are the documented contract (design §6)."""

    timeout: float = 20.0  # seconds for one request, headers included
    connect_timeout: float = 10.0
    concurrency: int = 32  # requests in flight at once, all hosts together
    per_host: int = 2  # requests in flight to one host
    interval: float = 0.2  # minimum seconds between request starts to one host
    retries: int = 2  # extra attempts after a retryable failure
    backoff: float = 1.0  # first retry delay; doubled each retry, plus jitter
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for
    max_redirects: int = 10
    budget: float = 300.0  # seconds for the whole batch
    accept: tuple[tuple[int, int], ...] = ((200, 299),)
    allow_private: bool = False
    user_agent: str = USER_AGENT
    progress: bool = False  # draw a progress bar on ``progress_stream``
    save_interval: float = 30.0  # seconds between periodic cache writes

    def accepts(self, status: int) -> bool:
        return any(low <= status <= high for low, high in self.accept)


@dataclass
class CheckReport:
    """Verdicts keyed by the URLs as given, plus what concerns the run as a whole."""

    verdicts: dict[str, Verdict]
    network_down: bool = False
    elapsed: float = 0.0
    requests: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def budget_skipped(self) -> list[str]:
        return [url for url, v in self.verdicts.items() if v.skip == "budget"]


# -- URL helpers ---------------------------------------------------------------------


def strip_fragment(url: str) -> str:
    """The URL without ``#fragment`` (a fragment is never sent to the server)."""
    return url.split("#", 1)[0]


def normalise_url(url: str) -> str:
    """One spelling per resource: the cache key and the unit of de-duplication.

    Scheme and host lower-cased, default port and fragment dropped, empty path made
    ``/``. Path and query are kept as written: servers may treat them case-sensitively.
    """
    url = strip_fragment(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def parse_status_ranges(specs: Sequence[str | int]) -> tuple[tuple[int, int], ...]:
    """Read ``["200-299", "403", 418]`` into inclusive ranges; ValueError names the bad one."""
    ranges: list[tuple[int, int]] = []
    for spec in specs:
        text = str(spec).strip()
        low_text, sep, high_text = text.partition("-")
        try:
            low = int(low_text)
            high = int(high_text) if sep else low
        except ValueError:
            raise ValueError(
                f'bad status range {spec!r}: use a code like "403" or a range like "200-299"'
            ) from None
        if not (100 <= low <= high <= 999):
            raise ValueError(f"bad status range {spec!r}: codes run from 100 to 999, low first")
        ranges.append((low, high))
    return tuple(ranges)


def reserved_host(host: str) -> bool:
    """``example.com``, ``www.example.org``, ``x.test``, ``foo.invalid``: never real sites."""
    labels = host.lower().rstrip(".").split(".")
    if labels[-1] in RESERVED_TLDS:
        return True
    return len(labels) >= 2 and labels[-2] == "example"


#: Ranges ``ipaddress`` counts as global (or did in some Python versions) that are not
#: reachable from the internet: shared address space (CGNAT, Tailscale), IETF protocol
#: assignments, benchmarking.
_NOT_PUBLIC = tuple(ipaddress.ip_network(net) for net in (
    "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15",
))
#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible).
_EMBEDDING = tuple(ipaddress.ip_network(net) for net in ("64:ff9b::/96", "64:ff9b:1::/48",
                                                         "::/96"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through: mapped (``::ffff:a.b.c.d``),
    6to4 (``2002::/16``), Teredo (server and client), NAT64 and IPv4-compatible."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _EMBEDDING) and int(ip) > 1:  # not :: nor ::1
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for an address of the public internet: ``is_global`` and none of
    loopback, private, shared (100.64.0.0/10), link-local, multicast, reserved or
    unspecified; an IPv6 address embedding an IPv4 one (6to4 of loopback,
    ``2002:7f00:1::``, say) is public only if every embedded address is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner:
            return all(address_is_public(address) for address in inner)
    if any(ip in net for net in _NOT_PUBLIC if net.version == ip.version):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address an all-numeric host written the old ``inet_aton`` way means: octal
    ``0177.0.0.1``, hex ``0x7f.1``, short ``127.1`` or a bare number are all 127.0.0.1
    to browsers and resolvers, though ``ipaddress`` rejects them. None for other hosts."""
    if not _LEGACY_IPV4.match(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except (OSError, ValueError):
        return None
