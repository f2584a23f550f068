"""A real HTTP server on 127.0.0.1 for URL-checking tests and benchmarks.

Several ports stand for several hosts. Every request is counted per (port, path with
query) and logged with its arrival time, so tests can assert retry counts and the
per-host spacing. Behaviour is chosen by the path:

    /ok                          200
    /head405                     HEAD 405, GET 200
    /headreset                   HEAD resets the connection, GET 200
    /redirect?code=301&to=URL    redirect (``to`` a path or a full URL)
    /loop-a, /loop-b             302 to each other
    /status/404                  that status (any code)
    /ratelimit?times=1&after=1   429 (with ``Retry-After: after`` if given; ``after=date+2``
                                 sends the HTTP date 2 s from now) for the first
                                 ``times`` requests of that exact path, then 200
    /flaky?fail=2&code=500       ``code`` for the first ``fail`` requests, then 200
    /chain?n=3                   302 to /chain?n=2 ... /chain?n=0 answers 200
    /slow?delay=0.5              answers 200 after ``delay`` seconds
    /reset                       resets the connection (TCP RST) without answering
    anything else                404

Run as a script (``python tests/urlserver.py --ports 50 --delay 0.05``) it prints the
ports as JSON on one line and serves until its stdin closes: the benchmark uses this to
keep the server out of the measured process.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import json
import socket
import ssl
import struct
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    owner: UrlServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_GET(self) -> None:
        self._handle("GET")

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()

    # -- helpers ---------------------------------------------------------------------

    def _send(self, status: int, headers: dict[str, str] | None = None) -> None:
        body = b"" if self.command == "HEAD" else f"status {status}\n".encode()
        self._leave()  # before the client can see the answer and send its next request
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(f"status {status}\n")))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _reset(self) -> None:
        self._leave()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _handle(self, method: str) -> None:
        owner = self.server.owner
        port = self.server.server_address[1]
        count = owner.record(port, method, self.path, self.headers.get("User-Agent", ""))
        owner.enter(port)
        self._inside = True
        try:
            self._route(method, count)
        finally:
            self._leave()

    def _leave(self) -> None:
        """Count this request as answered, once: the in-flight counts must drop before the
        client sees the answer, or a client that starts its next request at once (as a
        concurrency limit allows) is counted twice on a loaded machine."""
        if getattr(self, "_inside", False):
            self._inside = False
            self.server.owner.leave(self.server.server_address[1])

    def _route(self, method: str, count: int) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if owner.delay:
            time.sleep(owner.delay)
        if path == "/ok":
            self._send(200)
        elif path == "/head405":
            self._send(405 if method == "HEAD" else 200)
        elif path == "/headreset":
            self._reset() if method == "HEAD" else self._send(200)
        elif path == "/redirect":
            self._send(int(query.get("code", "302")), {"Location": query.get("to", "/ok")})
        elif path in ("/loop-a", "/loop-b"):
            self._send(302, {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]))
        elif path == "/ratelimit":
            if count <= int(query.get("times", "1")):
                after = query.get("after")
                if after is not None and after.startswith("date+"):  # an HTTP date instead
                    after = email.utils.formatdate(time.time() + float(after[5:]), usegmt=True)
                headers = {"Retry-After": after} if after is not None else {}
                self._send(429, headers)
            else:
                self._send(200)
        elif path == "/flaky":
            failing = count <= int(query.get("fail", "1"))
            self._send(int(query.get("code", "500")) if failing else 200)
        elif path == "/chain":
            n = int(query.get("n", "0"))
            self._send(302, {"Location": f"/chain?n={n - 1}"}) if n > 0 else self._send(200)
        elif path == "/slow":
            time.sleep(float(query.get("delay", "1")))
            self._send(200)
        elif path == "/reset":
            self._reset()
        else:
            self._send(404)


class UrlServer:
    """``ports`` real HTTP servers on 127.0.0.1, each in its own thread."""

    def __init__(
        self, ports: int = 3, delay: float = 0.0, tls: tuple[str, str] | None = None
    ) -> None:
        self.delay = delay
        self.tls = tls is not None
        self.counts: Counter[tuple[int, str]] = Counter()
        self.log: list[tuple[float, int, str, str]] = []  # (monotonic time, port, method, path)
        self.agents: set[str] = set()
        self.inflight: Counter[int] = Counter()  # port -> requests being answered now
        self.peak: Counter[int] = Counter()  # port -> most requests answered at once
        self.peak_total = 0
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        for _ in range(ports):
            server = _Server(("127.0.0.1", 0), _Handler)
            server.owner = self
            if tls is not None:  # (certificate file, key file): serve https instead
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(*tls)
                server.socket = context.wrap_socket(server.socket, server_side=True)
            self._servers.append(server)
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in self._servers
        ]

    @property
    def ports(self) -> list[int]:
        return [s.server_address[1] for s in self._servers]

    def url(self, path: str, host: int = 0) -> str:
        """The URL of ``path`` on the ``host``-th port."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.ports[host]}{path}"

    def record(self, port: int, method: str, path: str, agent: str = "") -> int:
        """Count a request; returns how many requests that path on that port has had."""
        with self._lock:
            self.agents.add(agent)
            self.counts[(port, path)] += 1
            self.log.append((time.monotonic(), port, method, path))
            return self.counts[(port, path)]

    def enter(self, port: int) -> None:
        with self._lock:
            self.inflight[port] += 1
            self.peak[port] = max(self.peak[port], self.inflight[port])
            self.peak_total = max(self.peak_total, sum(self.inflight.values()))

    def leave(self, port: int) -> None:
        with self._lock:
            self.inflight[port] -= 1

    def hits(self, path: str, host: int = 0) -> int:
        with self._lock:
            return self.counts[(self.ports[host], path)]

    def total(self) -> int:
        with self._lock:
            return len(self.log)

    def starts(self, host: int = 0) -> list[float]:
        """Arrival times of the requests to one port, in order."""
        port = self.ports[host]
        with self._lock:
            return [t for t, p, _, _ in self.log if p == port]

    def methods(self, path: str, host: int = 0) -> list[str]:
        port = self.ports[host]
        with self._lock:
            return [m for _, p, m, q in self.log if p == port and q == path]

    def start(self) -> UrlServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> UrlServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with UrlServer(args.ports, args.delay) as server:
        print(json.dumps(server.ports), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin
        print(json.dumps({"requests": server.total()}), flush=True)


if __name__ == "__main__":
    main()
