"""The URL checker against a real HTTP server on 127.0.0.1 (several ports = several hosts)."""

from __future__ import annotations

import io
import ipaddress
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from notelint.net import (
    USER_AGENT,
    NetSettings,
    Outcome,
    Verdict,
    normalise_url,
    parse_status_ranges,
    reserved_host,
)
from notelint.netcheck import HostLedger, check_urls
from notelint.urlcache import HEADER, UrlCache

sys.path.insert(0, str(Path(__file__).parent))

from urlserver import UrlServer, closed_port

#: Fast settings for loopback: short timeouts, tiny backoff, no spacing unless a test sets it.
FAST = NetSettings(allow_private=True, timeout=2.0, connect_timeout=1.0, backoff=0.05, interval=0.0)


@pytest.fixture
def server() -> Iterator[UrlServer]:
    with UrlServer(ports=3) as srv:
        yield srv


def check_one(url: str, settings: NetSettings = FAST) -> Verdict:
    return check_urls([url], settings).verdicts[url]


# -- verdicts ------------------------------------------------------------------------------


def test_ok_uses_a_single_head(server: UrlServer) -> None:
    verdict = check_one(server.url("/ok"))
    assert verdict.outcome is Outcome.OK and verdict.status == 200
    assert server.methods("/ok") == ["HEAD"]
    assert server.agents == {USER_AGENT}
    assert USER_AGENT.startswith("notelint/")


def test_head_refused_falls_back_to_get_and_host_skips_head_afterwards(server: UrlServer) -> None:
    settings = replace(FAST, concurrency=1, per_host=1)
    first = check_urls([server.url("/head405")], settings).verdicts
    assert first[server.url("/head405")].outcome is Outcome.OK
    assert server.methods("/head405") == ["HEAD", "GET"]
    # Within one batch the host is remembered as HEAD-less: later URLs go straight to GET.
    urls = [server.url("/head405?a"), server.url("/ok?b")]
    check_urls(urls, settings)
    assert server.methods("/head405?a") == ["HEAD", "GET"]
    assert server.methods("/ok?b") == ["GET"]


def test_head_that_resets_is_retried_as_get(server: UrlServer) -> None:
    assert check_one(server.url("/headreset")).outcome is Outcome.OK
    assert server.methods("/headreset") == ["HEAD", "GET"]


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (404, Outcome.DEAD),
        (410, Outcome.DEAD),
        (403, Outcome.UNVERIFIABLE),
        (401, Outcome.UNVERIFIABLE),
        (999, Outcome.UNVERIFIABLE),
    ],
)
def test_status_verdicts(server: UrlServer, code: int, outcome: Outcome) -> None:
    verdict = check_one(server.url(f"/status/{code}"))
    assert verdict.outcome is outcome
    assert verdict.status == code
    assert verdict.reason.startswith(str(code))
    # HEAD, then GET to be sure; neither status is retried.
    assert server.methods(f"/status/{code}") == ["HEAD", "GET"]


def test_accept_ranges_turn_a_status_into_ok(server: UrlServer) -> None:
    settings = replace(FAST, accept=parse_status_ranges(["200-299", "403"]))
    assert check_one(server.url("/status/403"), settings).outcome is Outcome.OK
    assert server.methods("/status/403") == ["HEAD"]


# -- redirects -----------------------------------------------------------------------------


def test_permanent_redirect_reports_where_it_moved(server: UrlServer) -> None:
    for code in (301, 308):
        url = server.url(f"/redirect?code={code}&to=/ok")
        verdict = check_one(url)
        assert verdict.outcome is Outcome.OK
        assert verdict.moved_to == server.url("/ok")
        assert verdict.final_url == server.url("/ok")


def test_temporary_redirect_is_not_a_move(server: UrlServer) -> None:
    verdict = check_one(server.url("/redirect?code=302&to=/ok"))
    assert verdict.outcome is Outcome.OK
    assert verdict.moved_to is None
    assert verdict.final_url == server.url("/ok")


def test_chain_moves_only_as_far_as_the_leading_permanent_hops(server: UrlServer) -> None:
    other = server.url("/redirect?code=302&to=/ok", host=1)
    url = server.url("/redirect?code=301&to=" + other.replace("?", "%3F").replace("&", "%26"))
    verdict = check_one(url)
    assert verdict.outcome is Outcome.OK
    assert verdict.moved_to == other  # the 301 hop, across hosts; not past the 302
    assert verdict.final_url == server.url("/ok", host=1)


def test_redirect_loop_is_dead(server: UrlServer) -> None:
    verdict = check_one(server.url("/loop-a"))
    assert verdict.outcome is Outcome.DEAD
    assert verdict.reason.startswith("redirect loop")
    assert server.hits("/loop-a") + server.hits("/loop-b") <= 6


def test_redirect_limit(server: UrlServer) -> None:
    assert check_one(server.url("/chain?n=10")).outcome is Outcome.OK
    verdict = check_one(server.url("/chain?n=11"))
    assert verdict.outcome is Outcome.DEAD
    assert "more than 10 redirects" in verdict.reason
    short = replace(FAST, max_redirects=2)
    assert check_one(server.url("/chain?n=3"), short).outcome is Outcome.DEAD


# -- retries -------------------------------------------------------------------------------


def test_500_then_200_is_retried_after_backoff(server: UrlServer) -> None:
    settings = replace(FAST, backoff=0.2)
    verdict = check_one(server.url("/flaky?fail=2"), settings)
    assert verdict.outcome is Outcome.OK
    assert server.methods("/flaky?fail=2") == ["HEAD", "GET", "GET"]
    starts = [t for t, _, _, p in server.log if p == "/flaky?fail=2"]
    assert starts[2] - starts[1] >= 0.2  # the backoff was waited for


def test_persistent_500_gives_up_after_the_retries(server: UrlServer) -> None:
    verdict = check_one(server.url("/status/500"))
    assert verdict.outcome is Outcome.UNVERIFIABLE
    assert server.hits("/status/500") == 1 + 1 + FAST.retries  # HEAD, GET, 2 retries
    no_retry = replace(FAST, retries=0)
    check_one(server.url("/status/502"), no_retry)
    assert server.hits("/status/502") == 2


def test_429_honours_retry_after(server: UrlServer) -> None:
    verdict = check_one(server.url("/ratelimit?times=1&after=1"))
    assert verdict.outcome is Outcome.OK
    starts = [t for t, _, _, p in server.log if p == "/ratelimit?times=1&after=1"]
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 0.95


def test_retry_after_as_an_http_date(server: UrlServer) -> None:
    path = "/ratelimit?times=1&after=date%2B2"
    assert check_one(server.url(path)).outcome is Outcome.OK
    starts = [t for t, _, _, p in server.log if p == path]
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 0.9  # the date is whole seconds: 1 to 2 s away


def test_429_without_retry_after_backs_off(server: UrlServer) -> None:
    settings = replace(FAST, backoff=0.3)
    assert check_one(server.url("/ratelimit?times=1"), settings).outcome is Outcome.OK
    starts = [t for t, _, _, p in server.log if p == "/ratelimit?times=1"]
    assert len(starts) == 2 and starts[1] - starts[0] >= 0.3


def test_429_that_persists_is_unverifiable(server: UrlServer) -> None:
    verdict = check_one(server.url("/ratelimit?times=9"))
    assert verdict.outcome is Outcome.UNVERIFIABLE and verdict.status == 429
    assert server.hits("/ratelimit?times=9") == 1 + FAST.retries  # HEAD retried, no GET


def test_retry_after_beyond_the_cap_is_not_waited_for(server: UrlServer) -> None:
    started = time.monotonic()
    verdict = check_one(server.url("/ratelimit?times=1&after=120"))
    assert time.monotonic() - started < 2
    assert verdict.outcome is Outcome.UNVERIFIABLE
    assert "retry after 120 s" in verdict.reason
    assert server.hits("/ratelimit?times=1&after=120") == 1


def test_slow_response_times_out_after_retries(server: UrlServer) -> None:
    settings = replace(FAST, timeout=0.3, retries=1)
    verdict = check_one(server.url("/slow?delay=1.5"), settings)
    assert verdict.outcome is Outcome.UNVERIFIABLE
    assert "no answer within 0.3 s" in verdict.reason
    assert server.hits("/slow?delay=1.5") == 2


def test_connection_reset_is_retried_then_unverifiable(server: UrlServer) -> None:
    verdict = check_one(server.url("/reset"))
    assert verdict.outcome is Outcome.UNVERIFIABLE
    assert "reset" in verdict.reason
    assert server.hits("/reset") == 1 + 1 + FAST.retries  # HEAD, GET, 2 retries


def test_untrusted_certificate_is_dead(tmp_path: Path) -> None:
    """A self-signed certificate fails verification: readers get a browser warning."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    command += " -days 1 -subj /CN=127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    with UrlServer(ports=1, tls=(str(cert), str(key))) as https:
        verdict = check_one(https.url("/ok"))
    assert verdict.outcome is Outcome.DEAD
    assert "TLS certificate rejected" in verdict.reason
    assert verdict.attempts == 1  # not retried: it will not get better


# -- politeness ----------------------------------------------------------------------------


def test_per_host_interval_spaces_request_starts(server: UrlServer) -> None:
    settings = replace(FAST, interval=0.15)
    check_urls([server.url(f"/ok?{i}") for i in range(5)], settings)
    starts = server.starts()
    assert len(starts) == 5
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Arrival times carry some jitter; without the interval the gaps would be ~1 ms.
    assert min(gaps) >= 0.1, gaps
    assert starts[-1] - starts[0] >= 4 * 0.15 - 0.03, gaps


def test_per_host_and_global_concurrency_limits(server: UrlServer) -> None:
    settings = replace(FAST, per_host=2, concurrency=3)
    urls = [server.url(f"/slow?delay=0.2&i={i}", host=h) for h in range(3) for i in range(4)]
    verdicts = check_urls(urls, settings).verdicts
    assert all(v.outcome is Outcome.OK for v in verdicts.values())
    assert max(server.peak.values()) == 2  # never more than 2 at one host
    assert server.peak_total == 3  # and never more than 3 in all


def test_budget_reports_unchecked_urls_as_skipped(server: UrlServer) -> None:
    settings = replace(FAST, budget=0.4, timeout=5.0)
    urls = [server.url("/ok"), server.url("/slow?delay=2", host=1)]
    started = time.monotonic()
    report = check_urls(urls, settings)
    assert time.monotonic() - started < 1.5
    assert report.verdicts[urls[0]].outcome is Outcome.OK
    assert report.verdicts[urls[1]].skip == "budget"
    assert report.budget_skipped == [urls[1]]


def test_duplicates_and_fragments_are_checked_once(server: UrlServer) -> None:
    a = server.url("/ok")
    urls = [a, a + "#one", a.replace("127.0.0.1", "127.0.0.1") + "#two"]
    report = check_urls(urls, FAST)
    assert set(report.verdicts) == set(urls)
    assert all(v.outcome is Outcome.OK for v in report.verdicts.values())
    assert server.hits("/ok") == 1


# -- safety --------------------------------------------------------------------------------


def test_private_addresses_are_refused_without_a_request(server: UrlServer) -> None:
    port = server.ports[0]
    urls = [
        f"http://127.0.0.1:{port}/ok",
        f"http://localhost:{port}/ok",
        f"http://127.1:{port}/ok",
        f"http://[::ffff:127.0.0.1]:{port}/ok",
    ]
    report = check_urls(urls, NetSettings(timeout=2.0))
    assert [v.outcome for v in report.verdicts.values()] == [Outcome.SKIPPED] * len(urls)
    assert all(v.skip == "private" for v in report.verdicts.values())
    assert server.total() == 0


def test_private_check_applies_to_the_resolved_address(server: UrlServer) -> None:
    """A name that is not obviously local but resolves to loopback is refused too."""
    import socket

    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        pytest.skip("the host name does not resolve here")
    if not address.startswith("127."):
        pytest.skip("the host name does not resolve to loopback here")
    verdict = check_one(f"http://{name}:{server.ports[0]}/ok", NetSettings(timeout=2.0))
    assert verdict.skip == "private"
    assert "resolves to the non-public address" in verdict.reason
    assert server.total() == 0


def test_reserved_example_domains_are_skipped() -> None:
    assert reserved_host("example.com") and reserved_host("www.example.org")
    assert reserved_host("foo.test") and reserved_host("x.invalid")
    assert not reserved_host("examples.com") and not reserved_host("example.com.evil.net")
    verdict = check_one("https://www.example.com/page", NetSettings())
    assert verdict.outcome is Outcome.SKIPPED and verdict.skip == "reserved"


def test_malformed_urls_are_dead_without_crashing() -> None:
    report = check_urls(["http://[::1", "http://host:99999/", "https://"], FAST)
    assert all(v.outcome is Outcome.DEAD for v in report.verdicts.values())


# -- network down --------------------------------------------------------------------------


def test_refused_single_host_is_dead_not_network_down() -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    report = check_urls([url], FAST)
    assert report.verdicts[url].outcome is Outcome.DEAD
    assert "refused" in report.verdicts[url].reason
    assert not report.network_down


def test_every_host_failing_to_connect_means_network_down() -> None:
    urls = [f"http://127.0.0.1:{closed_port()}/x", f"http://127.0.0.2:{closed_port()}/y"]
    assert check_urls(urls, FAST).network_down


def test_one_reachable_host_means_the_network_is_up(server: UrlServer) -> None:
    dead = f"http://127.0.0.1:{closed_port()}/x"
    report = check_urls([server.url("/ok"), dead, f"http://127.0.0.2:{closed_port()}/"], FAST)
    assert not report.network_down
    assert report.verdicts[dead].outcome is Outcome.DEAD


# -- cache ---------------------------------------------------------------------------------


def test_cache_serves_ok_and_dead_but_not_transient(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / ".notelint-cache" / "urls.json"
    urls = [
        server.url("/ok"),
        server.url("/status/404"),
        server.url("/status/500"),
        server.url("/ratelimit?times=99"),
    ]
    check_urls(urls, FAST, cache=UrlCache.load(path))
    stored = json.loads(path.read_text())["entries"]
    assert set(stored) == {normalise_url(urls[0]), normalise_url(urls[1])}
    before = server.total()
    report = check_urls(urls, FAST, cache=UrlCache.load(path))
    assert report.verdicts[urls[0]].from_cache and report.verdicts[urls[1]].from_cache
    assert report.verdicts[urls[1]].outcome is Outcome.DEAD
    # only the two transient ones were asked again
    assert server.hits("/ok") == 1 and server.hits("/status/404") == 2
    # 500: HEAD, GET and its retries; 429: HEAD and its retries (a 429 never moves to GET)
    assert server.total() - before == (2 + FAST.retries) + (1 + FAST.retries)
    assert not list(path.parent.glob("*.tmp"))  # atomic write leaves no temp file


def test_cache_entries_expire(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    now = [1_000_000.0]
    urls = [server.url("/ok"), server.url("/status/404")]
    check_urls(urls, FAST, cache=UrlCache.load(path, clock=lambda: now[0]))
    now[0] += 2 * 86400  # dead entries (1 day) expired, ok ones (7 days) not
    report = check_urls(urls, FAST, cache=UrlCache.load(path, clock=lambda: now[0]))
    assert report.verdicts[urls[0]].from_cache
    assert not report.verdicts[urls[1]].from_cache
    assert server.hits("/ok") == 1


def test_cache_is_stale_when_accept_changes(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    url = server.url("/status/404")
    check_urls([url], FAST, cache=UrlCache.load(path))
    accept_404 = replace(FAST, accept=parse_status_ranges(["200-299", 404]))
    verdict = check_urls([url], accept_404, cache=UrlCache.load(path)).verdicts[url]
    assert verdict.outcome is Outcome.OK and not verdict.from_cache


def test_corrupt_cache_is_ignored_with_a_warning(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    path.write_text(HEADER + ", {not json")  # a damaged URL cache: its header is ours
    report = check_urls([server.url("/ok")], FAST, cache=UrlCache.load(path))
    assert report.verdicts[server.url("/ok")].outcome is Outcome.OK
    assert len(report.warnings) == 1 and "not valid JSON" in report.warnings[0]
    assert json.loads(path.read_text())["version"] == 2  # rewritten
    report = check_urls([server.url("/ok")], FAST, cache=UrlCache.load(path))
    assert report.verdicts[server.url("/ok")].from_cache
    data = json.loads(path.read_text())
    data["entries"]["x"] = 3
    data["entries"]["http://a/"] = {"outcome": "ok"}
    path.write_text(HEADER + ", " + json.dumps(data)[1:].replace('"checksum": "', '"checksum": "0'))
    assert UrlCache.load(path).entries == {}  # a checksum that does not match: all dropped


def test_a_file_that_is_no_url_cache_is_never_rewritten(
    server: UrlServer, tmp_path: Path
) -> None:
    path = tmp_path / "urls.json"
    path.write_text("{not json")
    report = check_urls([server.url("/ok")], FAST, cache=UrlCache.load(path))
    assert report.verdicts[server.url("/ok")].outcome is Outcome.OK
    assert "not a notelint URL cache" in report.warnings[0]
    assert path.read_text() == "{not json"


def test_network_down_results_are_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    urls = [f"http://127.0.0.1:{closed_port()}/x", f"http://127.0.0.2:{closed_port()}/y"]
    report = check_urls(urls, FAST, cache=UrlCache.load(path))
    assert report.network_down
    assert not path.exists() or json.loads(path.read_text())["entries"] == {}


def test_cache_is_saved_periodically_during_a_long_run(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    settings = replace(FAST, save_interval=0.05, timeout=5.0)
    urls = [server.url("/ok"), server.url("/slow?delay=1.5", host=1)]
    worker = threading.Thread(
        target=check_urls, args=(urls, settings), kwargs={"cache": UrlCache.load(path)}
    )
    worker.start()
    deadline = time.monotonic() + 1.2
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    saved_early = path.exists() and worker.is_alive()
    worker.join()
    assert saved_early
    assert normalise_url(urls[0]) in json.loads(path.read_text())["entries"]


def test_ctrl_c_saves_what_was_checked(server: UrlServer, tmp_path: Path) -> None:
    path = tmp_path / "urls.json"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from notelint.net import NetSettings
        from notelint.netcheck import check_urls
        from notelint.urlcache import UrlCache
        settings = NetSettings(allow_private=True, timeout=30, interval=0)
        print("go", flush=True)
        check_urls([{server.url("/ok")!r}, {server.url("/slow?delay=20", 1)!r}], settings,
                   cache=UrlCache.load(Path({str(path)!r})))
    """)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "rules")])}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"go"
    deadline = time.monotonic() + 10
    while server.hits("/ok") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) != 0
    assert normalise_url(server.url("/ok")) in json.loads(path.read_text())["entries"]


# -- small pieces --------------------------------------------------------------------------


def test_progress_bar_only_when_asked(server: UrlServer) -> None:
    urls = [server.url(f"/ok?{i}") for i in range(3)]
    quiet, loud = io.StringIO(), io.StringIO()
    check_urls(urls, FAST, progress_stream=quiet)
    check_urls([u + "&x" for u in urls], replace(FAST, progress=True), progress_stream=loud)
    assert quiet.getvalue() == ""
    assert "checking URLs" in loud.getvalue() and "3/3" in loud.getvalue()


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://Example.COM:443#x") == "https://example.com/"
    assert normalise_url("http://a.org:8080/P?q=1#f") == "http://a.org:8080/P?q=1"
    assert normalise_url("http://[::1]:80/") == "http://[::1]/"


def test_parse_status_ranges() -> None:
    assert parse_status_ranges(["200-299", "403", 999]) == ((200, 299), (403, 403), (999, 999))
    for bad in ("abc", "300-200", "42"):
        with pytest.raises(ValueError, match="bad status range"):
            parse_status_ranges([bad])


def test_host_ledger_judges_the_network() -> None:
    """A refusing lone host is a dead link; a lone name that does not resolve, several
    failing hosts, or no route, a dead network (no host answered to tell them apart)."""
    refused = HostLedger()
    refused.record_failure("gone.org", "refused")
    assert not refused.network_down()
    one = HostLedger()
    one.record_failure("gone.org", "unknown-host")
    assert one.network_down()
    answered = HostLedger()
    answered.record_failure("gone.org", "unknown-host")
    answered.record_success("up.org")
    assert not answered.network_down()
    no_route = HostLedger()
    no_route.record_failure("a.org", "unreachable")
    assert no_route.network_down()
    several = HostLedger()
    several.record_failure("a.org", "unknown-host")
    several.record_failure("b.org", "refused")
    several.record_failure("c.org", "blocked")  # a refusal of ours says nothing
    assert several.network_down() and not several.clearly_down()
    several.record_success("d.org")
    assert not several.network_down()
    early = HostLedger()
    for index in range(5):
        early.record_failure(f"h{index}.org", "dns-temporary")
    assert early.clearly_down()


def test_a_local_host_that_answers_does_not_prove_the_internet_is_up() -> None:
    """`urls.allow-private = true` with a local server running and no network: the
    public hosts failing still mean one network-unavailable warning, not a dead link each."""
    ledger = HostLedger()
    ledger.local.add("localhost")
    ledger.record_success("localhost")
    ledger.record_failure("www.python.org", "unknown-host")
    ledger.record_failure("github.com", "unknown-host")
    assert ledger.network_down()
    for index in range(5):
        ledger.record_failure(f"h{index}.org", "dns-temporary")
    assert ledger.clearly_down()
    only_local = HostLedger()  # nothing public was tried: the local hosts are judged
    only_local.local.update({"localhost", "nas.lan"})
    only_local.record_success("localhost")
    only_local.record_failure("nas.lan", "refused")
    assert not only_local.network_down()


def test_hosts_at_loopback_addresses_are_marked_local(server: UrlServer) -> None:
    """The guarded backend marks a host by the address it resolved to, as it connects."""
    import asyncio

    from notelint.netcheck import _GuardedBackend

    ledger = HostLedger()
    backend = _GuardedBackend(allow_private=True, ledger=ledger)

    async def connect() -> None:
        stream = await backend.connect_tcp("127.0.0.1", server.ports[0], timeout=2.0)
        await stream.aclose()

    asyncio.run(connect())
    assert ledger.reached == {"127.0.0.1"} and ledger.local == {"127.0.0.1"}
    assert not ledger.network_down()


# -- what counts as private: no request is ever sent to these ------------------------------


@pytest.mark.parametrize("address", [
    "100.64.0.1",  # shared address space: CGNAT, Tailscale
    "100.127.255.254",
    "192.0.0.8",  # IETF protocol assignments
    "198.18.0.1",  # benchmarking
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "::ffff:10.1.2.3",
    "224.0.0.1",
])
def test_non_public_ranges_are_refused(address: str) -> None:
    from notelint.net import address_is_public
    from notelint.netcheck import _precheck

    assert not address_is_public(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    verdict = _precheck(f"http://{host}/x", NetSettings(timeout=2.0))
    assert verdict is not None and verdict.skip == "private"
    assert verdict.reason.startswith("refused: private address")


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111", "2002:808:808::"])
def test_public_addresses_stay_public(address: str) -> None:
    from notelint.net import address_is_public

    assert address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1", "0x7f000001"])
def test_legacy_notations_of_loopback_are_refused_without_a_request(
    server: UrlServer, host: str
) -> None:
    url = f"http://{host}:{server.ports[0]}/ok"
    verdict = check_one(url, NetSettings(timeout=2.0))
    assert verdict.skip == "private" and "refused: private address" in verdict.reason
    assert "127.0.0.1" in verdict.reason
    assert server.total() == 0


def test_a_redirect_to_a_legacy_loopback_notation_is_followed_as_that_address(
    server: UrlServer,
) -> None:
    """Allowed (``allow-private``), ``0177.0.0.1`` is the 127.0.0.1 a browser reaches;
    it is not a reset connection."""
    port = server.ports[0]
    verdict = check_one(server.url(f"/redirect?code=302&to=http://0177.0.0.1:{port}/ok"))
    assert verdict.outcome is Outcome.OK
    assert server.hits("/ok") >= 1
