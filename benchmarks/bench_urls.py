"""URL checking speed against the ideal the politeness rules allow.

2,000 unique URLs spread over 50 local ports (standing for 50 hosts), each answering
after 50 ms, checked with the default settings (32 at once, 2 per host, 200 ms between
requests to one host). No schedule can beat

    ideal = max(URLs x 50 ms / concurrency, URLs per host x minimum interval)

so the ratio wall / ideal measures what notelint loses to overhead (target <= 1.5).
A second, warm run must be served from the cache in under a second, and peak memory
stay under 200 MB. Loopback only: the server is ``tests/urlserver.py`` in a child
process, so its threads are not counted in our time or memory.

    python benchmarks/bench_urls.py [--urls 2000] [--hosts 50] [--delay 0.05] [--interval 0.2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

from notelint.net import NetSettings  # noqa: E402
from notelint.netcheck import check_urls  # noqa: E402
from notelint.urlcache import UrlCache  # noqa: E402


def start_server(hosts: int, delay: float) -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "urlserver.py"),
            "--ports",
            str(hosts),
            "--delay",
            str(delay),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    ports = json.loads(proc.stdout.readline())
    return proc, ports


def stop_server(proc: subprocess.Popen[str]) -> int:
    """Close the server's stdin; it answers with the number of requests it served."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    requests = int(json.loads(proc.stdout.readline())["requests"])
    proc.wait(timeout=10)
    return requests


def startup_time() -> float:
    """Seconds for a fresh interpreter to import the checker: the 'plus start-up' part."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import notelint.net, notelint.urlcache"],
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'rules'}", "PATH": "/usr/bin:/bin"},
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.05, help="server answer time (s)")
    parser.add_argument(
        "--interval",
        type=float,
        default=NetSettings.interval,
        help="per-host interval (s); 0 makes the global concurrency the bound",
    )
    args = parser.parse_args()

    # defaults otherwise; loopback needs allow_private
    settings = NetSettings(allow_private=True, interval=args.interval)
    proc, ports = start_server(args.hosts, args.delay)
    urls = [f"http://127.0.0.1:{ports[i % len(ports)]}/ok?n={i}" for i in range(args.urls)]
    per_host = -(-args.urls // len(ports))
    ideal = max(
        args.urls * args.delay / settings.concurrency,
        per_host * settings.interval,
    )

    with tempfile.TemporaryDirectory() as tmp:
        cache_path = Path(tmp) / "urls.json"
        started = time.perf_counter()
        cold = check_urls(urls, settings, cache=UrlCache.load(cache_path))
        cold_wall = time.perf_counter() - started

        started = time.perf_counter()
        warm = check_urls(urls, settings, cache=UrlCache.load(cache_path))
        warm_wall = time.perf_counter() - started
        cache_kb = cache_path.stat().st_size / 1024

    served = stop_server(proc)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcomes = Counter(v.outcome.value for v in cold.verdicts.values())
    from_cache = sum(v.from_cache for v in warm.verdicts.values())
    ratio = cold_wall / ideal

    print(f"URLs: {args.urls} over {len(ports)} hosts, {args.delay * 1000:.0f} ms per answer")
    print(
        f"settings: concurrency {settings.concurrency}, per host {settings.per_host}, "
        f"interval {settings.interval * 1000:.0f} ms"
    )
    print(f"verdicts: {dict(outcomes)}; requests served: {served}")
    print(
        f"ideal  = max({args.urls} x {args.delay:g} s / {settings.concurrency}, "
        f"{per_host} per host x {settings.interval:g} s) = {ideal:.2f} s"
    )
    print(f"cold run: {cold_wall:.2f} s  ratio {ratio:.2f}x  (target <= 1.5x)")
    print(
        f"warm run: {warm_wall:.3f} s  {from_cache}/{len(urls)} from cache, "
        f"{warm.requests} requests  (target < 1 s); cache file {cache_kb:.0f} KiB"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB  (target < 200 MB)")
    print(f"process start-up (import): {startup_time():.2f} s")
    ok = (
        ratio <= 1.5
        and warm_wall < 1.0
        and peak_mb < 200
        and outcomes.get("ok", 0) == args.urls
        and warm.requests == 0
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
