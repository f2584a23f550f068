"""The urls family (NL401–NL403): external links that are dead, unverifiable or moved.

All three rules share ONE batch per run: the unique http(s) URLs of the reported notes
(links of every kind, and frontmatter values that are URLs) are checked once by
``notelint.net`` and each verdict is mapped back to every place the URL is written.
Whichever of the three rules runs first performs the batch; the others reuse it.
"""

from __future__ import annotations

import html
import re
import sys
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notelint.model import Finding, Fix, LinkKind, Note, Severity, Span
from notelint.net import (
    CheckReport,
    NetSettings,
    Outcome,
    Verdict,
    parse_status_ranges,
    strip_fragment,
)
from notelint.rule import Rule, RuleContext, RuleError
from notelint.urlcache import DAY, UrlCache, cache_path_problem
from notelint.vault import Vault

URL_VALUE_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: More URLs than this and a terminal gets a progress bar.
PROGRESS_THRESHOLD = 10


@dataclass(frozen=True)
class UrlsOptions:
    timeout: float = field(default=20.0, metadata={"help": "seconds allowed for one request"})
    connect_timeout: float = field(
        default=10.0, metadata={"help": "seconds allowed to open a connection"}
    )
    concurrency: int = field(default=32, metadata={"help": "requests in flight at once"})
    per_host: int = field(default=2, metadata={"help": "requests in flight to one host"})
    interval: float = field(
        default=0.2, metadata={"help": "minimum seconds between two requests to one host"}
    )
    retries: int = field(
        default=2, metadata={"help": "retries after a timeout, reset, 408, 429 or 5xx"}
    )
    backoff: float = field(
        default=1.0, metadata={"help": "seconds before the first retry, doubled each time"}
    )
    max_retry_after: float = field(
        default=60.0, metadata={"help": "longest `Retry-After` (seconds) notelint waits for"}
    )
    max_redirects: int = field(default=10, metadata={"help": "redirects followed at most"})
    budget: float = field(
        default=300.0, metadata={"help": "seconds for all URL checks of a run; the rest is skipped"}
    )
    accept: tuple[str, ...] = field(
        default=("200-299",),
        metadata={"help": 'statuses that count as working, e.g. ["200-299", "403"]'},
    )
    exclude: tuple[str, ...] = field(
        default=(), metadata={"help": "regular expressions; matching URLs are not checked"}
    )
    allow_private: bool = field(
        default=False,
        metadata={"help": "check localhost and private addresses (never done by default)"},
    )
    cache_ttl_ok: float = field(default=7.0, metadata={"help": "days a working URL is remembered"})
    cache_ttl_dead: float = field(default=1.0, metadata={"help": "days a dead URL is remembered"})
    cache_path: str = field(
        default="",
        metadata={
            "help": "URL cache file, relative to the root; default "
            "`.notelint-cache/urls.json`. It must not exist yet or be a notelint URL cache"
        },
    )


# -- where URLs are written ------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One place a URL is written: what is checked, where to report, what a fix rewrites."""

    note: Note
    url: str  # as requested: fragment dropped, scheme added to bare ``www.`` links
    span: Span  # where findings point
    target_span: Span | None  # the URL as written, when a fix may rewrite it
    fragment: str  # "#frag" as written, kept by a rewrite
    html_escaped: bool = False  # written inside an HTML attribute


def _request_url(written: str) -> str:
    """The URL to request for a destination as written (``//x`` and ``www.x`` included)."""
    url = strip_fragment(written.strip().strip("<>"))
    if url.startswith("//"):
        return "https:" + url
    if not SCHEME_RE.match(url):
        return "http://" + url
    return url


def link_occurrences(note: Note) -> Iterator[Occurrence]:
    """The http(s) links of ``note``: Markdown, autolinks, bare URLs, HTML href/src."""
    for link in note.links:
        if not link.is_external:
            continue
        is_html = link.kind in (LinkKind.HTML_LINK, LinkKind.HTML_IMAGE)
        written = html.unescape(link.raw) if is_html else link.raw
        _, hash_sign, fragment = written.strip().strip("<>").partition("#")
        yield Occurrence(
            note=note,
            url=_request_url(written),
            span=link.target_span or link.span,
            target_span=link.target_span,
            fragment=hash_sign + fragment,
            html_escaped=is_html and written != link.raw,
        )


def frontmatter_occurrences(note: Note) -> Iterator[Occurrence]:
    """Frontmatter string values that are whole URLs (``source: https://...``)."""
    data = note.frontmatter.data
    if not isinstance(data, dict):
        return
    for path, value in _string_values(data, ()):
        text = value.strip()
        if not URL_VALUE_RE.match(text):
            continue
        span = note.frontmatter.position(*path)
        if span is None:
            continue
        _, hash_sign, fragment = text.partition("#")
        yield Occurrence(
            note=note,
            url=strip_fragment(text),
            span=span,
            target_span=_exact_value_span(note, span, text),
            fragment=hash_sign + fragment,
        )


def _string_values(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield from _string_values(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_values(item, (*path, index))


def _exact_value_span(note: Note, span: Span, value: str) -> Span | None:
    """The span of ``value`` itself (quotes excluded), only when it is written verbatim."""
    if span.line != span.end_line:
        return None
    text = note.line_text(span.line)[span.column - 1 : span.end_column - 1]
    if text == value:
        return span
    if (
        len(text) == len(value) + 2
        and text[0] == text[-1]
        and text[0] in "'\""
        and text[1:-1] == value
    ):
        return Span(span.line, span.column + 1, span.end_line, span.end_column - 1)
    return None


def collect(vault: Vault) -> list[Occurrence]:
    """Every URL occurrence in the reported notes, in path and position order."""
    found: list[Occurrence] = []
    for note in vault.reported_notes():
        found.extend(frontmatter_occurrences(note))
        found.extend(link_occurrences(note))
    found.sort(key=lambda o: (o.note.display, o.span.line, o.span.column))
    return found


# -- the shared batch -------------------------------------------------------------------------


def settings_from(options: UrlsOptions, progress: bool = False) -> NetSettings:
    """``NetSettings`` from the family's options; a bad value is a RuleError naming its key."""
    positive = {
        "timeout": options.timeout,
        "connect-timeout": options.connect_timeout,
        "concurrency": options.concurrency,
        "per-host": options.per_host,
        "budget": options.budget,
    }
    for key, value in positive.items():
        if value <= 0:
            raise RuleError(f"urls.{key} must be greater than 0, not {value}")
    not_negative = {
        "interval": options.interval,
        "retries": options.retries,
        "backoff": options.backoff,
        "max-retry-after": options.max_retry_after,
        "max-redirects": options.max_redirects,
        "cache-ttl-ok": options.cache_ttl_ok,
        "cache-ttl-dead": options.cache_ttl_dead,
    }
    for key, value in not_negative.items():
        if value < 0:
            raise RuleError(f"urls.{key} must not be negative, not {value}")
    try:
        accept = parse_status_ranges(options.accept)
    except ValueError as exc:
        raise RuleError(f"urls.accept: {exc}") from None
    return NetSettings(
        timeout=options.timeout,
        connect_timeout=options.connect_timeout,
        concurrency=options.concurrency,
        per_host=options.per_host,
        interval=options.interval,
        retries=options.retries,
        backoff=options.backoff,
        max_retry_after=options.max_retry_after,
        max_redirects=options.max_redirects,
        budget=options.budget,
        accept=accept,
        allow_private=options.allow_private,
        progress=progress,
    )


def exclude_patterns(options: UrlsOptions) -> list[re.Pattern[str]]:
    patterns = []
    for text in options.exclude:
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise RuleError(
                f"urls.exclude: {text!r} is not a valid regular expression ({exc})"
            ) from None
    return patterns


def cache_file(options: UrlsOptions, ctx: RuleContext) -> Path:
    if options.cache_path:
        path = Path(options.cache_path).expanduser()
        return path if path.is_absolute() else ctx.root / path
    return (ctx.cache_dir or ctx.root / ".notelint-cache") / "urls.json"


@dataclass
class Batch:
    """The URL occurrences of a run and, unless offline, the checker's report."""

    occurrences: list[Occurrence]
    report: CheckReport | None
    budget: float = 0.0

    def verdict(self, occurrence: Occurrence) -> Verdict | None:
        return None if self.report is None else self.report.verdicts.get(occurrence.url)

    def silenced(self, verdict: Verdict) -> bool:
        """Failures that only say the network is down are reported once, not per URL."""
        return self.report is not None and self.report.network_down and verdict.network_failure


_lock = threading.RLock()  # re-entrant: the finalizer may run inside shared_batch (GC)
_last: tuple[weakref.ref[Vault], str, Batch] | None = None


def shared_batch(vault: Vault, ctx: RuleContext, options: UrlsOptions) -> Batch:
    """The run's one batch, computed by the first urls rule that asks for it."""
    global _last
    key = repr((options, ctx.offline, ctx.use_cache, ctx.cache_dir, ctx.root))
    with _lock:
        if _last is not None and _last[0]() is vault and _last[1] == key:
            return _last[2]
        batch = run_batch(vault, ctx, options)
        _last = (weakref.ref(vault), key, batch)
        weakref.finalize(vault, _forget, id(batch))  # the run is over: free its notes
        return batch


def _forget(batch_id: int) -> None:
    global _last
    with _lock:
        if _last is not None and id(_last[2]) == batch_id:
            _last = None


def run_batch(vault: Vault, ctx: RuleContext, options: UrlsOptions) -> Batch:
    """Collect the occurrences and, unless offline, check their URLs once."""
    if ctx.offline:
        return Batch([], None)
    patterns = exclude_patterns(options)
    occurrences = [o for o in collect(vault) if not any(p.search(o.url) for p in patterns)]
    unique = list(dict.fromkeys(o.url for o in occurrences))
    settings = settings_from(options, ctx.stderr_is_tty and len(unique) > PROGRESS_THRESHOLD)
    if not unique:
        return Batch([], None)  # nothing to check: no cache file read or written
    cache = None
    if ctx.use_cache:
        path = cache_file(options, ctx)
        problem = cache_path_problem(path) if options.cache_path else None
        if problem is not None:
            raise RuleError(
                f"configuration error: urls.cache-path = {options.cache_path!r} names "
                f"{path}, and {problem}; name a file that does not exist yet (or remove "
                "the key to keep the URL cache in notelint's cache folder)",
                config=True,
            )
        cache = UrlCache.load(
            path,
            ttl_ok=options.cache_ttl_ok * DAY,
            ttl_dead=options.cache_ttl_dead * DAY,
        )
    # imported here: httpx costs a third of a second, which offline runs never pay
    from notelint.netcheck import check_urls

    report = check_urls(unique, settings, cache=cache, progress_stream=sys.stderr)
    for warning in report.warnings:
        ctx.warn(warning)
    return Batch(occurrences, report, settings.budget)


# -- the rules --------------------------------------------------------------------------------


class _UrlRule(Rule):
    family = "urls"
    volatile = True  # a link that worked yesterday may be dead today
    Options: type[Any] = UrlsOptions
    options: UrlsOptions

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterable[Finding]:
        if ctx.offline:
            return []
        return list(self.findings(shared_batch(vault, ctx, self.options)))

    def findings(self, batch: Batch) -> Iterator[Finding]:
        raise NotImplementedError


class DeadUrl(_UrlRule):
    """An external link leads nowhere: the page is gone or the site does not answer.

    notelint requests every http(s) URL of the notes once per run (HEAD, then GET when
    HEAD is refused), following redirects. A URL is dead when the server answers
    404 Not Found or 410 Gone (or another client error), when the host name does not
    exist, when the connection is refused, when TLS fails, or when redirects loop.
    Readers of a published garden hit the same wall, so fix the address, link an
    archived copy, or remove the link. Results are cached (dead ones for a day), and
    `--offline` skips URL checks entirely.

    ## Bad
    ```markdown
    See [the old guide](https://docs.example.org/removed-page).
    ```

    ## Good
    ```markdown
    See [the guide](https://docs.example.org/guide).
    ```
    """

    code = "NL401"
    name = "dead-url"
    summary = "external URL is dead (404/410, unknown host, refused, TLS failure)"
    severity = Severity.ERROR

    def findings(self, batch: Batch) -> Iterator[Finding]:
        for occurrence in batch.occurrences:
            verdict = batch.verdict(occurrence)
            if verdict is None or verdict.outcome is not Outcome.DEAD or batch.silenced(verdict):
                continue
            yield self.finding(
                occurrence.note,
                occurrence.span,
                f"dead link {occurrence.url}: {verdict.reason}; fix the address, link an "
                "archived copy, or remove it",
                subject=occurrence.url,
            )


class UnverifiableUrl(_UrlRule):
    """An external link could not be verified: the site refused, limited or timed out.

    Many sites answer automated requests with 401, 403, 429 or LinkedIn's 999, or put up
    a bot challenge; others time out or reset connections even after retries. The link
    may well work in a browser, so this is a warning, not an error. Open it; if it works,
    add its status to `urls.accept` or the URL to `urls.exclude`. This rule also reports,
    once, when no URL could be checked because the network is unreachable, and when the
    run's time budget (`urls.budget`) ran out before every URL was checked.

    ## Bad
    ```markdown
    [My profile](https://www.linkedin.com/in/someone)   <!-- answers 999 to checkers -->
    ```

    ## Good
    ```toml
    # notelint.toml (in pyproject.toml the table is [tool.notelint.urls])
    [urls]
    exclude = ["^https://www\\\\.linkedin\\\\.com/"]
    ```
    """

    code = "NL402"
    name = "unverifiable-url"
    summary = "external URL could not be verified (401/403/429/999, timeout)"
    severity = Severity.WARNING

    def findings(self, batch: Batch) -> Iterator[Finding]:
        if batch.report is None:
            return
        down: list[Occurrence] = []
        skipped: list[Occurrence] = []
        for occurrence in batch.occurrences:
            verdict = batch.verdict(occurrence)
            if verdict is None:
                continue
            if batch.silenced(verdict) or verdict.skip == "network-down":
                down.append(occurrence)
            elif verdict.skip == "budget":
                skipped.append(occurrence)
            elif verdict.outcome is Outcome.UNVERIFIABLE:
                yield self.finding(
                    occurrence.note,
                    occurrence.span,
                    f"could not verify {occurrence.url}: {verdict.reason}; if it opens in a "
                    "browser, add the status to urls.accept or the URL to urls.exclude",
                    subject=occurrence.url,
                )
        if batch.report.network_down and (down or not batch.occurrences):
            first = down[0] if down else batch.occurrences[0]
            count = len({o.url for o in down})
            yield self.finding(
                first.note,
                first.span,
                f"URL checks were not possible: the network looks unreachable (every host "
                f"failed to resolve or connect), so {count} URL(s) were not checked; "
                "connect and run again, or pass --offline to skip URL checks",
            )
        if skipped:
            first = skipped[0]
            count = len({o.url for o in skipped})
            yield self.finding(
                first.note,
                first.span,
                f"{count} URL(s) were not checked: the time budget for URL checks "
                f"({batch.budget:g} s, urls.budget) ran out; run again to continue from "
                "the cache, or raise urls.budget",
            )


class RedirectedUrl(_UrlRule):
    """An external link permanently redirects: point it at the new address.

    A 301 or 308 answer says the page moved for good. The link still works, but every
    reader pays for the extra hop and the old address may stop redirecting one day.
    `--fix` rewrites the link to where the permanent redirects lead (a fragment is kept).
    Temporary redirects (302, 303, 307), such as sign-in pages, are left alone. Off by
    default; enable it with `select = ["NL403"]` or `extend-select`.

    ## Bad
    ```markdown
    [Quartz](http://quartz.jzhao.xyz)
    ```

    ## Good
    ```markdown
    [Quartz](https://quartz.jzhao.xyz/)
    ```
    """

    code = "NL403"
    name = "redirected-url"
    summary = "external URL permanently redirects (fix: rewrite to the final URL)"
    severity = Severity.INFO
    enabled_by_default = False
    fixable = True

    def findings(self, batch: Batch) -> Iterator[Finding]:
        for occurrence in batch.occurrences:
            verdict = batch.verdict(occurrence)
            if verdict is None or verdict.outcome is not Outcome.OK:
                continue
            moved = verdict.moved_to
            if moved is None or moved == occurrence.url:
                continue
            new = moved + occurrence.fragment
            replacement = html.escape(new, quote=True) if occurrence.html_escaped else new
            fix = Fix(occurrence.target_span, replacement) if occurrence.target_span else None
            yield self.finding(
                occurrence.note,
                occurrence.span,
                f"{occurrence.url} permanently redirects to {moved}; link the new address",
                suggestion=new,
                fix=fix,
                subject=occurrence.url,
            )


RULES: list[type[Rule]] = [DeadUrl, UnverifiableUrl, RedirectedUrl]
