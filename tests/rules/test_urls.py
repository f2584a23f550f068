"""NL401–NL403 through the real engine, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notelint.testing import LintResult, lint

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from urlserver import UrlServer, closed_port

URL_CODES = ["NL401", "NL402", "NL403"]
#: Loopback is allowed for these tests; keep every wait short.
FAST = {"allow-private": True, "timeout": 2.0, "backoff": 0.05, "interval": 0.0}


@pytest.fixture
def server() -> Iterator[UrlServer]:
    with UrlServer(ports=2) as srv:
        yield srv


def run(
    tmp_path: Path,
    files: dict[str, str | bytes],
    *,
    select: list[str] | None = None,
    urls: dict[str, Any] | None = None,
    **kwargs: Any,
) -> LintResult:
    kwargs.setdefault("offline", False)
    return lint(
        tmp_path,
        files,
        select=select or URL_CODES,
        config={"urls": {**FAST, **(urls or {})}},
        **kwargs,
    )


def test_dead_urls_in_every_form_are_reported_where_written(
    tmp_path: Path, server: UrlServer
) -> None:
    gone = server.url("/status/404")
    text = (
        f"---\ntags: [x]\nsource: {server.url('/status/410')}\n---\n"
        f"A [link]({gone}) here.\n"
        f"Bare {gone} too.\n"
        f'<a href="{gone}">html</a>\n'
        f"Fine: <{server.url('/ok')}>\n"
    )
    result = run(tmp_path, {"note.md": text})
    assert result.brief() == [
        "note.md:3:9: NL401",
        "note.md:5:10: NL401",
        "note.md:6:6: NL401",
        "note.md:7:10: NL401",
    ]
    message = result.findings[1].message
    assert gone in message and "404 Not Found" in message
    assert "410 Gone" in result.findings[0].message
    # one URL, written three times, checked once: HEAD then GET
    assert server.methods("/status/404") == ["HEAD", "GET"]


def test_fragment_is_stripped_and_duplicates_across_notes_checked_once(
    tmp_path: Path, server: UrlServer
) -> None:
    files: dict[str, str | bytes] = {
        "a.md": f"[x]({server.url('/ok')}#intro)\n",
        "b.md": f"[y]({server.url('/ok')})\n",
    }
    result = run(tmp_path, files)
    assert result.findings == []
    assert server.hits("/ok") == 1


def test_unverifiable_is_a_warning(tmp_path: Path, server: UrlServer) -> None:
    result = run(tmp_path, {"n.md": f"[x]({server.url('/status/403')})\n"})
    assert result.brief() == ["n.md:1:5: NL402"]
    finding = result.findings[0]
    assert str(finding.severity) == "warning"
    assert "403 Forbidden" in finding.message and "urls.accept" in finding.message
    assert result.exit_code == 0  # warnings do not fail the run by default


def test_accept_and_exclude(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {
        "n.md": f"[a]({server.url('/status/403')})\n[b]({server.url('/status/404', host=1)})\n"
    }
    result = run(
        tmp_path,
        files,
        urls={"accept": ["200-299", "403"], "exclude": [f":{server.ports[1]}/status"]},
    )
    assert result.findings == []
    assert server.hits("/status/404", host=1) == 0  # excluded URLs are never requested


def test_redirected_url_is_off_by_default_and_fixable(tmp_path: Path, server: UrlServer) -> None:
    moved = server.url("/redirect?code=301&to=/ok")
    files: dict[str, str | bytes] = {"n.md": f"See [it]({moved}#part) now.\n"}
    assert run(tmp_path, files, select=["NL401", "NL402"]).findings == []
    result = run(tmp_path, files, select=["NL403"])
    assert result.brief() == ["n.md:1:10: NL403"]
    finding = result.findings[0]
    assert finding.suggestion == server.url("/ok") + "#part"
    assert finding.fix is not None and finding.fix.replacement == server.url("/ok") + "#part"
    run(tmp_path, {}, select=["NL403"], fix=True)
    assert (tmp_path / "n.md").read_text() == f"See [it]({server.url('/ok')}#part) now.\n"


def test_temporary_redirect_is_not_reported(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[x]({server.url('/redirect?code=302&to=/ok')})\n"}
    assert run(tmp_path, files).findings == []


def test_frontmatter_url_fix_keeps_quotes(tmp_path: Path, server: UrlServer) -> None:
    moved = server.url("/redirect?code=308&to=/ok")
    files: dict[str, str | bytes] = {"n.md": f'---\nsource: "{moved}"\n---\nbody\n'}
    result = run(tmp_path, files, select=["NL403"], fix=True)
    assert result.exit_code == 0
    assert (tmp_path / "n.md").read_text() == f'---\nsource: "{server.url("/ok")}"\n---\nbody\n'


def test_offline_makes_no_request(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[x]({server.url('/status/404')})\n"}
    result = run(tmp_path, files, offline=True)
    assert result.findings == []
    assert server.total() == 0


def test_private_addresses_need_allow_private(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[x]({server.url('/status/404')})\n"}
    result = run(tmp_path, files, urls={"allow-private": False})
    assert result.findings == []
    assert server.total() == 0


def test_network_down_gives_one_warning(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": f"[x](http://127.0.0.1:{closed_port()}/a)\n",
        "b.md": f"[y](http://127.0.0.2:{closed_port()}/b)\n[z](http://127.0.0.3:{closed_port()}/)\n",
    }
    result = run(tmp_path, files)
    assert result.brief() == ["a.md:1:5: NL402"]
    assert "URL checks were not possible" in result.findings[0].message
    assert "3 URL(s)" in result.findings[0].message


def test_budget_exhaustion_is_reported_once(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "\n".join(f"[{i}]({server.url(f'/slow?delay=3&i={i}')})" for i in range(3)) + "\n"
    }
    result = run(tmp_path, files, urls={"budget": 0.5, "timeout": 10.0})
    assert result.codes() == ["NL402"]
    assert "3 URL(s) were not checked" in result.findings[0].message
    assert "urls.budget" in result.findings[0].message


def test_cache_spares_the_second_run(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {
        "n.md": f"[a]({server.url('/ok')})\n[b]({server.url('/status/404')})\n"
    }
    first = run(tmp_path, files, use_cache=True)
    requests = server.total()
    second = run(tmp_path, {}, use_cache=True)
    assert first.brief() == second.brief() == ["n.md:2:5: NL401"]
    assert server.total() == requests
    assert list(tmp_path.glob(".notelint-cache/urls.json"))
    # --no-cache asks again
    run(tmp_path, {}, use_cache=False)
    assert server.total() > requests


def test_a_damaged_url_cache_is_a_warning_not_a_failure(
    tmp_path: Path, server: UrlServer, capfd: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[b]({server.url('/status/404')})\n"}
    run(tmp_path, files, use_cache=True, urls={"cache-path": "cache.json"})
    cache = tmp_path / "cache.json"
    cache.write_text(cache.read_text()[:60])  # truncated: still a URL cache by its header
    result = run(tmp_path, {}, use_cache=True, urls={"cache-path": "cache.json"})
    assert result.codes() == ["NL401"]
    said = capfd.readouterr().err + "\n".join(result.messages)
    assert "ignoring the URL cache" in said
    assert cache.read_text().startswith('{"notelint": "url-cache"')  # rewritten


def test_a_flipped_byte_in_the_url_cache_is_a_miss(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[b]({server.url('/status/404')})\n"}
    run(tmp_path, files, use_cache=True)
    cache = tmp_path / ".notelint-cache" / "urls.json"
    forged = cache.read_text().replace('"dead"', '"ok"').replace('"status": 404', '"status": 200')
    cache.write_text(forged)  # valid JSON, the checksum no longer matches
    requests = server.total()
    result = run(tmp_path, {}, use_cache=True)
    assert result.codes() == ["NL401"]
    assert server.total() > requests  # asked again, not served the forged verdict


@pytest.mark.parametrize("where", ["note", "absolute", "home", "folder"])
def test_cache_path_never_overwrites_a_file_that_is_no_url_cache(
    tmp_path: Path, server: UrlServer, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault = tmp_path / "vault"
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "afolder").mkdir()
    value = {"note": "important.md", "absolute": str(outside), "home": "~/outside.txt",
             "folder": str(tmp_path / "afolder")}[where]
    files: dict[str, str | bytes] = {
        "important.md": "# Important\n",
        "n.md": f"[b]({server.url('/status/404')})\n",
    }
    result = run(vault, files, use_cache=True, urls={"cache-path": value})
    assert result.exit_code == 2
    said = "\n".join(result.messages)
    assert "urls.cache-path" in said and value in said
    assert (vault / "important.md").read_text() == "# Important\n"
    assert outside.read_text() == "keep me\n"


def test_cache_path_may_name_a_new_file_or_an_old_cache(tmp_path: Path, server: UrlServer) -> None:
    files: dict[str, str | bytes] = {"n.md": f"[b]({server.url('/status/404')})\n"}
    target = tmp_path / "elsewhere" / "urls.json"
    first = run(tmp_path / "v", files, use_cache=True, urls={"cache-path": str(target)})
    assert first.codes() == ["NL401"] and target.is_file()
    requests = server.total()
    second = run(tmp_path / "v", {}, use_cache=True, urls={"cache-path": str(target)})
    assert second.codes() == ["NL401"] and server.total() == requests


def test_a_foreign_file_at_the_default_url_cache_name_is_left_alone(
    tmp_path: Path, server: UrlServer
) -> None:
    cache = tmp_path / ".notelint-cache"
    cache.mkdir()
    (cache / "urls.json").write_text('{"mine": true}\n')
    files: dict[str, str | bytes] = {"n.md": f"[b]({server.url('/status/404')})\n"}
    result = run(tmp_path, files, use_cache=True)
    assert result.codes() == ["NL401"]
    assert (cache / "urls.json").read_text() == '{"mine": true}\n'


def test_bad_option_names_the_key(tmp_path: Path) -> None:
    result = run(tmp_path, {"n.md": "x\n"}, urls={"accept": ["abc"]})
    assert any("urls.accept" in message for message in result.messages)
    assert result.exit_code == 2


def test_frontmatter_lists_and_html_entities(tmp_path: Path, server: UrlServer) -> None:
    moved = server.url("/redirect?code=301&to=/ok")
    text = (
        f"---\nlinks:\n  - {server.url('/status/404')}\n  - not a url\n---\n"
        f'<a href="{moved.replace("&", "&amp;")}">x</a>\n'
    )
    result = run(tmp_path, {"n.md": text})
    assert result.brief() == ["n.md:3:5: NL401", "n.md:6:10: NL403"]
    # the attribute's &amp; was decoded before the request
    assert server.hits("/redirect?code=301&to=/ok") >= 1
