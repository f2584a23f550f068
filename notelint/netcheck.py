"""URL checking over the network: one asyncio loop, one httpx client, per-host pools.

Imported only when a run checks URLs online (the URL rules import ``check_urls`` from
here lazily): httpx and httpcore take a third of a second to import. The types it
shares with ``notelint.urlcache`` are ``notelint.net``'s.

Engine stage: check (a service the URL rules call, online runs only).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import functools
import ipaddress
import random
import socket
import ssl
import sys
import threading
import time
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from notelint.net import (
    HEAD_UNSUPPORTED,
    PERMANENT_REDIRECTS,
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    UNVERIFIABLE_STATUSES,
    CheckReport,
    NetSettings,
    Outcome,
    Verdict,
    address_is_public,
    legacy_ipv4,
    normalise_url,
    reserved_host,
    strip_fragment,
)

# -- connection guard ----------------------------------------------------------------

if TYPE_CHECKING:
    from notelint.urlcache import UrlCache


class ConnectFailure(httpcore.ConnectError):
    """A connect-stage failure, classified where the cause is still known.

    ``kind``: "blocked" (non-public address refused), "unknown-host", "dns-temporary",
    "refused", "unreachable" or "timeout".
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


_NETWORK_ERRNOS = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EADDRNOTAVAIL}
)
_DNS_DEFINITIVE = frozenset(
    code
    for name in ("EAI_NONAME", "EAI_NODATA")
    if (code := getattr(socket, name, None)) is not None
)


class HostLedger:
    """Which hosts were reached and which failed to resolve or connect, and how.

    The network is judged down when no host was reached and every host tried failed
    at that stage: with two or more hosts, or one failing in a way a missing network
    explains (no DNS answer, no route, connect timeout). A lone host whose name does not
    resolve is judged the same way: without a second host, "no such name" and "no name
    service" look alike, and one honest warning beats an error that may be false. A
    single host that refuses the connection did answer, so that is a dead link.
    """

    NETWORK_KINDS = frozenset({"dns-temporary", "unreachable", "timeout"})

    def __init__(self) -> None:
        self.reached: set[str] = set()
        self.failed: dict[str, str] = {}
        # hosts at non-public addresses (``urls.allow-private``): reaching localhost or a
        # LAN proxy says nothing about the internet, so when public hosts were tried the
        # judgement is theirs alone
        self.local: set[str] = set()

    def _judged(self) -> tuple[set[str], dict[str, str]]:
        reached = self.reached - self.local
        failed = {host: kind for host, kind in self.failed.items() if host not in self.local}
        if reached or failed:
            return reached, failed
        return self.reached, self.failed

    def record_failure(self, host: str, kind: str) -> None:
        if kind != "blocked":
            self.failed.setdefault(host, kind)

    def record_success(self, host: str) -> None:
        self.reached.add(host)
        self.failed.pop(host, None)

    def network_down(self) -> bool:
        reached, failed = self._judged()
        if reached or not failed:
            return False
        return len(failed) >= 2 or any(
            kind in self.NETWORK_KINDS or kind == "unknown-host" for kind in failed.values()
        )

    def clearly_down(self, threshold: int = 5) -> bool:
        """Early verdict: enough hosts failed in network-only ways and none answered."""
        reached, failed = self._judged()
        if reached:
            return False
        return sum(1 for k in failed.values() if k in self.NETWORK_KINDS) >= threshold


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves each host once, refuses non-public addresses, connects to the IP checked."""

    def __init__(self, allow_private: bool, ledger: HostLedger) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._ledger = ledger
        self._resolved: dict[str, list[str] | ConnectFailure] = {}

    async def _resolve(self, host: str, port: int) -> list[str]:
        cached = self._resolved.get(host)
        if isinstance(cached, ConnectFailure):
            raise cached
        if cached is not None:
            return cached
        try:
            ips = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except socket.gaierror as exc:
                kind = "unknown-host" if exc.errno in _DNS_DEFINITIVE else "dns-temporary"
                failure = ConnectFailure(kind, f"cannot resolve {host}: {exc.strerror}")
                self._resolved[host] = failure
                raise failure from exc
            except OSError as exc:
                raise ConnectFailure("dns-temporary", f"cannot resolve {host}: {exc}") from exc
            ips = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if any(not address_is_public(ipaddress.ip_address(ip)) for ip in ips):
            self._ledger.local.add(host)
        if not self._allow_private:
            for ip in ips:
                if not address_is_public(ipaddress.ip_address(ip)):
                    failure = ConnectFailure(
                        "blocked",
                        f"refused: private address ({host} resolves to the non-public "
                        f"address {ip})",
                    )
                    self._resolved[host] = failure
                    raise failure
        self._resolved[host] = ips
        return ips

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            ips = await self._resolve(host, port)
        except ConnectFailure as exc:
            self._ledger.record_failure(host, exc.kind)
            raise
        last: ConnectFailure | None = None
        for ip in ips:
            try:
                stream = await self._inner.connect_tcp(
                    ip, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectTimeout as exc:
                last = ConnectFailure("timeout", f"connecting to {host} timed out")
                last.__cause__ = exc
            except httpcore.ConnectError as exc:
                last = _classify_connect_error(host, exc)
            else:
                self._ledger.record_success(host)
                return stream
        assert last is not None
        self._ledger.record_failure(host, last.kind)
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise ConnectFailure("blocked", "unix sockets are never used for URL checks")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _classify_connect_error(host: str, exc: httpcore.ConnectError) -> ConnectFailure:
    for cause in _exception_chain(exc):
        if isinstance(cause, ConnectionRefusedError):
            failure = ConnectFailure("refused", f"{host} refused the connection")
            break
        if isinstance(cause, OSError) and cause.errno in _NETWORK_ERRNOS:
            failure = ConnectFailure("unreachable", f"{host} is unreachable ({cause.strerror})")
            break
    else:
        failure = ConnectFailure("refused", f"cannot connect to {host}: {exc}")
    failure.__cause__ = exc
    return failure


# -- the per-host gate ---------------------------------------------------------------


class _HostGate:
    """At most ``per_host`` requests at once, starts at least ``interval`` apart.

    A task waits for its turn WITHOUT holding a global slot, then takes one and claims
    the start time; if another task claimed meanwhile it goes back to waiting. So slow
    hosts never starve the global limit.
    """

    def __init__(self, per_host: int, interval: float) -> None:
        self.slots = asyncio.Semaphore(per_host)
        self.interval = interval
        self.last_start = -1e18
        self.blocked_until = 0.0  # set by Retry-After: the host asked us to wait
        self.head_unsupported = False

    def ready_at(self) -> float:
        return max(self.last_start + self.interval, self.blocked_until)

    async def wait_turn(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self.ready_at() - loop.time()) > 0:
            await asyncio.sleep(delay)

    def claim(self) -> bool:
        now = asyncio.get_running_loop().time()
        if self.ready_at() > now:
            return False
        self.last_start = now
        return True


# -- one request, classified -----------------------------------------------------------


@dataclass(frozen=True)
class _Reply:
    status: int
    reason: str
    location: str | None
    retry_after: float | None
    challenge: bool


@dataclass(frozen=True)
class _Failure:
    kind: str  # timeout, reset, invalid, tls, blocked, unknown-host, dns-temporary, ...
    detail: str

    @property
    def at_connect(self) -> bool:
        return self.kind in ("unknown-host", "dns-temporary", "refused", "unreachable")


#: Bodies up to this size are read so the connection can be reused; larger ones are not
#: downloaded (the connection is closed instead).
DRAIN_LIMIT = 64 * 1024


def _cheap_to_drain(method: str, response: httpx.Response) -> bool:
    if method == "HEAD" or response.status_code in (204, 304):
        return True
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) <= DRAIN_LIMIT


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def _classify_exception(exc: BaseException) -> _Failure:
    for cause in _exception_chain(exc):
        if isinstance(cause, ConnectFailure):
            return _Failure(cause.kind, str(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return _Failure("tls", f"TLS certificate rejected: {cause.verify_message}")
        if isinstance(cause, ssl.SSLError):
            return _Failure("tls", f"TLS failed: {cause.reason or cause}")
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return _Failure("timeout", "timed out")
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        return _Failure("reset", "the connection was reset")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return _Failure("invalid", f"not a valid URL ({exc})")
    return _Failure("error", f"request failed ({type(exc).__name__}: {exc})")


# -- progress ---------------------------------------------------------------------------


class _Progress:
    """A one-line bar on a terminal, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream = stream
        self.total = total
        self.last = 0.0

    def update(self, done: int, *, force: bool = False) -> None:
        if self.stream is None or self.total == 0:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rchecking URLs [{bar}] {done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.total:
            self.stream.write("\r" + " " * (self.WIDTH + 40) + "\r")
            self.stream.flush()


# -- the checker ------------------------------------------------------------------------


class _Checker:
    """One batch: shared client, gates, ledger and the cache to feed."""

    def __init__(
        self,
        settings: NetSettings,
        client: httpx.AsyncClient,
        ledger: HostLedger,
        cache: UrlCache | None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.ledger = ledger
        self.cache = cache
        self.global_slots = asyncio.Semaphore(max(1, settings.concurrency))
        self.gates: dict[str, _HostGate] = {}
        self.requests = 0

    def gate(self, url: str) -> _HostGate:
        # host and port: a server is what we are polite to (tests use ports as hosts)
        parts = urlsplit(url)
        key = f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port}"
        gate = self.gates.get(key)
        if gate is None:
            gate = _HostGate(max(1, self.settings.per_host), self.settings.interval)
            self.gates[key] = gate
        return gate

    async def request(self, method: str | None, url: str) -> tuple[_Reply | _Failure, str]:
        """One request, politely scheduled; headers only, the body is never read.

        ``method`` None means HEAD unless the host is by then known to refuse HEAD
        (decided at send time, so URLs queued earlier profit from what was learned).
        """
        gate = self.gate(url)
        async with gate.slots:
            while True:
                await gate.wait_turn()
                async with self.global_slots:
                    if not gate.claim():
                        continue
                    self.requests += 1
                    used = method or ("GET" if gate.head_unsupported else "HEAD")
                    return await self._send(used, url), used

    async def _send(self, method: str, url: str) -> _Reply | _Failure:
        try:
            async with asyncio.timeout(self.settings.timeout):
                request = self.client.build_request(method, url)
                response = await self.client.send(request, stream=True)
                if _cheap_to_drain(method, response):
                    await response.aread()  # finishing the message keeps the connection
                await response.aclose()
        except Exception as exc:  # every failure becomes a verdict, never a crash
            failure = _classify_exception(exc)
            if failure.kind == "timeout" and failure.detail == "timed out":
                failure = _Failure("timeout", f"no answer within {self.settings.timeout:g} s")
            return failure
        headers = response.headers
        return _Reply(
            status=response.status_code,
            reason=response.reason_phrase,
            location=headers.get("location"),
            retry_after=_retry_after(headers.get("retry-after"), time.time()),
            challenge="cf-mitigated" in headers or "x-amzn-waf-action" in headers,
        )

    def _retryable(self, result: _Reply | _Failure, method: str) -> bool:
        if isinstance(result, _Failure):
            # A HEAD that breaks the connection is retried as GET by the caller instead.
            return result.kind == "timeout" or (result.kind == "reset" and method == "GET")
        if method == "HEAD":
            return result.status in RETRY_STATUSES
        return result.status in RETRY_STATUSES or 500 <= result.status <= 599

    async def fetch(self, method: str | None, url: str) -> tuple[_Reply | _Failure, int, str, str]:
        """A request with retries: (result, attempts, why retrying stopped, method used)."""
        attempt = 0
        while True:
            result, used = await self.request(method, url)
            attempt += 1
            if not self._retryable(result, used) or attempt > self.settings.retries:
                return result, attempt, "", used
            delay = self.settings.backoff * (2 ** (attempt - 1)) * random.uniform(1.0, 1.25)
            if isinstance(result, _Reply) and result.retry_after is not None:
                if result.retry_after > self.settings.max_retry_after:
                    note = f"the server asked to retry after {result.retry_after:.0f} s"
                    return result, attempt, note, used
                delay = result.retry_after
                gate = self.gate(url)
                loop_now = asyncio.get_running_loop().time()
                gate.blocked_until = max(gate.blocked_until, loop_now + delay)
            await asyncio.sleep(delay)

    async def check(self, url: str) -> Verdict:
        """Follow one URL to its end: HEAD, GET fallback, redirects, retries."""
        method: str | None = None  # HEAD, unless the host is known to refuse it
        current = url
        chain = [url]
        moved_to: str | None = None
        permanent = True
        attempts = 0
        while True:
            result, used, note, sent = await self.fetch(method, current)
            attempts += used
            if sent == "HEAD" and self._head_failed(result):
                if isinstance(result, _Reply) and result.status in HEAD_UNSUPPORTED:
                    self.gate(current).head_unsupported = True
                method = "GET"
                continue
            if isinstance(result, _Failure):
                return self._failure_verdict(url, result, attempts, current)
            if result.status in REDIRECT_STATUSES and result.location:
                target = strip_fragment(urljoin(current, result.location.strip()))
                problem = self._redirect_problem(chain, target)
                if problem:
                    return Verdict(
                        url, Outcome.DEAD, problem, result.status, current, attempts=attempts
                    )
                host = urlsplit(target).hostname
                refused = None if self.settings.allow_private or not host else private_host(host)
                if refused is not None:  # checked on the name too, before any connection
                    return Verdict(url, Outcome.SKIPPED, f"{refused} (after redirects to "
                                   f"{target})", attempts=attempts, skip="private")
                target = canonical_host(target)
                permanent = permanent and result.status in PERMANENT_REDIRECTS
                if permanent:
                    moved_to = target
                chain.append(target)
                current = target
                continue
            return self._status_verdict(url, result, attempts, current, moved_to, note)

    def _head_failed(self, result: _Reply | _Failure) -> bool:
        if isinstance(result, _Failure):
            return result.kind in ("reset", "error")
        if result.status in REDIRECT_STATUSES or result.status == 429:
            return False
        return not self.settings.accepts(result.status)

    def _redirect_problem(self, chain: list[str], target: str) -> str:
        # A page may send us back once (to set a cookie, say); twice is a loop.
        if chain.count(target) >= 2:
            start = len(chain) - 1 - chain[::-1].index(target)
            loop = " → ".join([*chain[start:], target])
            return f"redirect loop: {loop}"
        if len(chain) > self.settings.max_redirects:
            return f"more than {self.settings.max_redirects} redirects"
        return ""

    def _status_verdict(
        self, url: str, reply: _Reply, attempts: int, final: str, moved_to: str | None, note: str
    ) -> Verdict:
        status = reply.status
        reason = f"{status} {reply.reason}".strip()
        if final != url:
            reason += f" (after redirects to {final})"
        if note:
            reason += f"; {note}"
        if self.settings.accepts(status):
            return Verdict(url, Outcome.OK, reason, status, final, moved_to, attempts)
        if reply.challenge:
            reason += "; the site answered with a bot challenge"
            return Verdict(url, Outcome.UNVERIFIABLE, reason, status, final, attempts=attempts)
        if status in UNVERIFIABLE_STATUSES or status >= 500 or status < 400:
            if attempts > 1 and (status >= 500 or status in RETRY_STATUSES):
                reason += f" ({attempts} attempts)"
            return Verdict(url, Outcome.UNVERIFIABLE, reason, status, final, attempts=attempts)
        return Verdict(url, Outcome.DEAD, reason, status, final, attempts=attempts)

    def _failure_verdict(self, url: str, failure: _Failure, attempts: int, final: str) -> Verdict:
        detail = failure.detail
        if final != url:
            detail += f" (after redirects to {final})"
        if failure.kind == "blocked":
            return Verdict(url, Outcome.SKIPPED, detail, attempts=attempts, skip="private")
        if failure.kind == "invalid":
            return Verdict(url, Outcome.DEAD, detail, attempts=attempts)
        if failure.kind in ("timeout", "reset", "error", "dns-temporary", "unreachable"):
            if attempts > 1:
                detail += f" ({attempts} attempts)"
            return Verdict(
                url,
                Outcome.UNVERIFIABLE,
                detail,
                attempts=attempts,
                network_failure=failure.at_connect or failure.kind == "timeout",
            )
        # unknown-host, refused, tls: the link is broken for every reader
        return Verdict(
            url, Outcome.DEAD, detail, attempts=attempts, network_failure=failure.at_connect
        )


# -- orchestration -----------------------------------------------------------------------


def _precheck(url: str, settings: NetSettings) -> Verdict | None:
    """Verdicts that need no request: malformed URLs, reserved names, literal private IPs."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return Verdict(url, Outcome.DEAD, "not a valid URL")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return Verdict(url, Outcome.DEAD, "not a valid http(s) URL")
    host = parts.hostname
    if reserved_host(host):
        return Verdict(
            url, Outcome.SKIPPED, f"{host} is a reserved name, never a real site", skip="reserved"
        )
    if not settings.allow_private:
        refused = private_host(host)
        if refused is not None:
            return Verdict(url, Outcome.SKIPPED, refused, skip="private")
    return None


def private_host(host: str) -> str | None:
    """Why ``host`` is refused without a request (a local name, a literal non-public
    address in any notation), or None when only resolving it can tell."""
    if host.lower().rstrip(".").split(".")[-1] in ("localhost", "local"):
        return f"refused: private address ({host} is a local name)"
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        legacy = legacy_ipv4(host)
        if legacy is None:
            return None
        ip = legacy
    if address_is_public(ip):
        return None
    shown = host if str(ip) == host else f"{host}, that is {ip}"
    return f"refused: private address ({shown} is not a public address)"


def canonical_host(url: str) -> str:
    """``url`` with a host in legacy numeric notation (``0177.0.0.1``) written as the
    address it means, which is what browsers connect to (httpx rejects the old form)."""
    parts = urlsplit(url)
    host = parts.hostname
    legacy = legacy_ipv4(host) if host else None
    if legacy is None or host is None or str(legacy) == host:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    hostport = netloc[-1].replace(host, str(legacy), 1) if host in netloc[-1] else netloc[-1]
    return urlunsplit(parts._replace(netloc="@".join([*netloc[:-1], hostport])))


KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection (and an idle host's pool) is kept


class _PerHostTransport(httpx.AsyncBaseTransport):
    """One small connection pool per host instead of one big pool.

    httpcore scans every pooled connection (a system call each) for every request, so
    one pool holding idle connections to hundreds of hosts makes each request cost
    hundreds of checks. A pool per host holds at most ``per_host`` connections; pools
    of hosts idle for ``KEEPALIVE_EXPIRY`` are closed by ``sweep`` so open sockets stay
    bounded however many hosts a vault links to.
    """

    def __init__(self, settings: NetSettings, ledger: HostLedger) -> None:
        self._settings = settings
        self._backend = _GuardedBackend(settings.allow_private, ledger)
        self._pools: dict[tuple[str, str, int | None], httpx.AsyncHTTPTransport] = {}
        self._busy: dict[tuple[str, str, int | None], int] = {}
        self._last_used: dict[tuple[str, str, int | None], float] = {}

    def _pool(self, key: tuple[str, str, int | None]) -> httpx.AsyncHTTPTransport:
        transport = self._pools.get(key)
        if transport is None:
            size = max(1, self._settings.per_host) + 1
            context = _ssl_context()
            transport = httpx.AsyncHTTPTransport(verify=context)
            # The one place notelint reaches into httpx: the pool gets our guarded
            # network backend, so every connection (redirect hops included) is checked.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=context,
                max_connections=size,
                max_keepalive_connections=size,
                keepalive_expiry=KEEPALIVE_EXPIRY,
                network_backend=self._backend,
            )
            self._pools[key] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pool(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            return await pool.handle_async_request(request)
        finally:
            self._busy[key] -= 1
            self._last_used[key] = time.monotonic()

    async def sweep(self) -> None:
        """Close the pools of hosts nobody asked for a while."""
        cutoff = time.monotonic() - KEEPALIVE_EXPIRY
        for key in [k for k, t in self._last_used.items() if t < cutoff]:
            if self._busy.get(key, 0) == 0:
                del self._last_used[key]
                await self._pools.pop(key).aclose()

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's verifying TLS context; loading the CA bundle is slow, so once per process."""
    return httpx.create_ssl_context()


def _make_client(settings: NetSettings, transport: _PerHostTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
        follow_redirects=False,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        },
        event_hooks={"response": [_canonical_location]},
    )


async def _canonical_location(response: httpx.Response) -> None:
    """A ``Location`` in legacy numeric notation (``http://0177.0.0.1/``), rewritten to the
    address it means before httpx parses it (it rejects the old form, which then looked
    like a reset connection); the redirect check then judges that address."""
    location = response.headers.get("location")
    if location and "://" in location:
        with contextlib.suppress(ValueError):
            canonical = canonical_host(location.strip())
            if canonical != location.strip():
                response.headers["location"] = canonical


async def _run_batch(
    urls: list[str],
    settings: NetSettings,
    cache: UrlCache | None,
    progress_stream: TextIO | None,
    on_verdict: Callable[[Verdict], None],
) -> tuple[bool, int]:
    """Check ``urls`` (normalised, unique); returns (network down, requests made)."""
    ledger = HostLedger()
    progress = _Progress(progress_stream if settings.progress else None, len(urls))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.budget
    last_save = loop.time()
    transport = _PerHostTransport(settings, ledger)
    async with _make_client(settings, transport) as client:
        checker = _Checker(settings, client, ledger, cache)
        finished: set[str] = set()
        all_done = asyncio.Event()

        async def run_one(url: str) -> None:
            try:
                verdict = await checker.check(url)
            except Exception as exc:  # a bug must cost one URL, not the run
                verdict = Verdict(url, Outcome.UNVERIFIABLE, f"check failed ({exc!r})")
            finished.add(url)
            on_verdict(verdict)
            if len(finished) == len(urls):
                all_done.set()

        # Completion is signalled, not polled with asyncio.wait: waiting on thousands of
        # futures again after every completion costs more than the requests themselves.
        tasks = [asyncio.ensure_future(run_one(url)) for url in urls]
        try:
            while not all_done.is_set():
                remaining = deadline - loop.time()
                if remaining <= 0 or ledger.clearly_down():
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_done.wait(), timeout=min(remaining, 0.25))
                progress.update(len(finished))
                await transport.sweep()
                if cache is not None and loop.time() - last_save > settings.save_interval:
                    cache.save()
                    last_save = loop.time()
        finally:
            why = "network-down" if ledger.clearly_down() else "budget"
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for url in urls:
                if url not in finished:
                    on_verdict(_unchecked(url, why, settings))
            progress.update(len(urls), force=True)
            progress.close()
    return ledger.network_down(), checker.requests


def _unchecked(url: str, why: str, settings: NetSettings) -> Verdict:
    if why == "budget":
        reason = f"not checked: the time budget of {settings.budget:g} s ran out"
    else:
        reason = "not checked: the network looks unreachable"
    return Verdict(url, Outcome.SKIPPED, reason, skip=why)


def check_urls(
    urls: Sequence[str],
    settings: NetSettings | None = None,
    *,
    cache: UrlCache | None = None,
    progress_stream: TextIO | None = None,
) -> CheckReport:
    """Check every URL once; returns a verdict for each URL as given.

    URLs are de-duplicated by ``normalise_url``; cached verdicts are reused and fresh
    ones stored (the cache is saved at the end, periodically, and on Ctrl-C). When the
    network is down, verdicts from the failed run are neither cached nor meaningful:
    ``CheckReport.network_down`` tells the caller to say so once.
    """
    settings = settings or NetSettings()
    started = time.monotonic()
    by_key: dict[str, list[str]] = {}
    for url in urls:
        by_key.setdefault(normalise_url(url), []).append(url)
    verdicts: dict[str, Verdict] = {}
    fresh: dict[str, Verdict] = {}

    def settle(key: str, verdict: Verdict) -> None:
        for original in by_key[key]:
            verdicts[original] = replace(verdict, url=original)

    to_check: list[str] = []
    for key in by_key:
        early = _precheck(key, settings)
        cached = cache.get(key, settings) if cache is not None and early is None else None
        if early is not None or cached is not None:
            settle(key, typing.cast(Verdict, early or cached))
        else:
            to_check.append(key)

    def on_verdict(verdict: Verdict) -> None:
        fresh[verdict.url] = verdict
        settle(verdict.url, verdict)
        if cache is not None:
            cache.put(verdict)

    network_down, requests = False, 0
    try:
        if to_check:
            network_down, requests = _run_sync(
                _run_batch(to_check, settings, cache, progress_stream or sys.stderr, on_verdict)
            )
    finally:
        if cache is not None:
            if network_down:
                cache.forget(v.url for v in fresh.values() if v.network_failure)
            cache.save()
    report = CheckReport(verdicts, network_down, time.monotonic() - started, requests)
    if cache is not None:
        report.warnings.extend(cache.warnings)
    return report


T = typing.TypeVar("T")


def _run_sync(coro: typing.Coroutine[typing.Any, typing.Any, T]) -> T:
    """``asyncio.run``, or the same in a worker thread when a loop already runs here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(coro))
        except BaseException as exc:  # handed back to the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=target, name="notelint-urls")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return box[0]
