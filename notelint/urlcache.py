"""The persistent URL cache: ``.notelint-cache/urls.json``.

Re-checking a thousand links on every save of one note would be slow and rude, so
results are remembered between runs: a reachable URL for ``ttl_ok`` (7 days by default),
a dead one for ``ttl_dead`` (1 day: a typo fixed on the remote side should show up
soon). Anything that may be temporary (429, 5xx, timeouts, resets, "forbidden") is
never stored, so it is asked again next run.

The file is keyed by ``normalise_url`` and written atomically (a temporary file, then
``os.replace``), so a crash or Ctrl-C mid-write never leaves half a file. A file that
cannot be read is ignored with a warning and rewritten: the cache is an optimisation,
never a reason to fail.

It is JSON (data only, never code) opening with a header, ``{"notelint": "url-cache"``,
and holding a checksum of its entries, so a damaged file is a miss and a file that is
not a URL cache is never overwritten: ``urls.cache-path`` naming a note, or any other
file, is refused (``cache_path_problem``).

Engine stage: check (the URL rules' persistent results, beside the index cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from notelint.net import NetSettings, Outcome, Verdict

FORMAT_VERSION = 2
DAY = 86400.0
#: How every URL cache file begins: what says a file is one (and may be rewritten).
HEADER = '{"notelint": "url-cache"'
#: How files of format 1 began (``json.dumps(..., indent=0)``): still recognised.
_OLD_HEADER = '{\n"version": 1,\n"entries": {'


def _checksum(entries: object) -> str:
    canonical = json.dumps(entries, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def _read_text(path: Path) -> str:
    """The text of the regular file ``path``; never blocks on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def is_url_cache(path: Path) -> bool:
    """Whether ``path`` is a regular file that begins as a notelint URL cache."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            start = os.read(fd, 64).decode("utf-8", errors="replace")
        finally:
            os.close(fd)
    except OSError:
        return False
    return start.startswith((HEADER, _OLD_HEADER))


def cache_path_problem(path: Path) -> str | None:
    """Why ``urls.cache-path`` may not name ``path``, or None when it may: only a path
    where nothing is yet, or a notelint URL cache, is ever written."""
    if not os.path.lexists(path):
        return None
    if os.path.isdir(path):
        return "it is a folder"
    if is_url_cache(path):
        return None
    return "it exists and is not a notelint URL cache (notelint would overwrite it)"


class UrlCache:
    """Verdicts remembered between runs, with their age."""

    def __init__(
        self,
        path: Path,
        *,
        ttl_ok: float = 7 * DAY,
        ttl_dead: float = 1 * DAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.ttl_ok = ttl_ok
        self.ttl_dead = ttl_dead
        self.clock = clock
        self.entries: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []
        self.dirty = False
        self.read_only = False  # the file at ``path`` is not ours: never overwritten

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        ttl_ok: float = 7 * DAY,
        ttl_dead: float = 1 * DAY,
        clock: Callable[[], float] = time.time,
    ) -> UrlCache:
        """Read ``path``; a missing file is an empty cache, a bad one a warning."""
        cache = cls(path, ttl_ok=ttl_ok, ttl_dead=ttl_dead, clock=clock)
        if not os.path.lexists(path):
            return cache
        if not is_url_cache(path):
            cache.warnings.append(
                f"ignoring the URL cache {path}: not a notelint URL cache; it is left alone "
                "and no URL verdict is kept this run"
            )
            cache.read_only = True
            return cache
        try:
            text = _read_text(path)
        except (OSError, UnicodeDecodeError) as exc:
            cache.warnings.append(f"ignoring the URL cache {path}: cannot read it ({exc})")
            return cache
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            cache.warnings.append(
                f"ignoring the URL cache {path}: it is not valid JSON (line {exc.lineno}); "
                "it will be rewritten"
            )
            cache.dirty = True
            return cache
        entries = data.get("entries") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("version") != FORMAT_VERSION
            or not isinstance(entries, dict)
        ):
            if not (isinstance(data, dict) and data.get("version") == 1):
                cache.warnings.append(
                    f"ignoring the URL cache {path}: not a notelint URL cache (version "
                    f"{FORMAT_VERSION}); it will be rewritten"
                )
            cache.dirty = True
            return cache
        if data.get("checksum") != _checksum(entries):
            cache.warnings.append(
                f"ignoring the URL cache {path}: its checksum does not match (the file was "
                "damaged or edited); it will be rewritten"
            )
            cache.dirty = True
            return cache
        cache.entries = {key: entry for key, entry in entries.items() if _valid_entry(key, entry)}
        return cache

    def _ttl(self, outcome: str) -> float:
        return self.ttl_ok if outcome == Outcome.OK.value else self.ttl_dead

    def get(self, key: str, settings: NetSettings | None = None) -> Verdict | None:
        """The fresh verdict for normalised URL ``key``, or None to check it again.

        An entry judged under other ``accept`` ranges than ``settings`` has is stale.
        """
        entry = self.entries.get(key)
        if entry is None:
            return None
        outcome = entry["outcome"]
        if self.clock() - entry["checked"] > self._ttl(outcome):
            return None
        status = entry.get("status")
        if (
            settings is not None
            and isinstance(status, int)
            and settings.accepts(status) != (outcome == Outcome.OK.value)
        ):
            return None
        return Verdict(
            url=key,
            outcome=Outcome(outcome),
            reason=str(entry.get("reason", "")),
            status=status if isinstance(status, int) else None,
            final_url=_str_or_none(entry.get("final_url")),
            moved_to=_str_or_none(entry.get("moved_to")),
            from_cache=True,
        )

    def put(self, verdict: Verdict) -> None:
        """Remember ``verdict`` (keyed by its normalised URL) if it is worth keeping."""
        if verdict.from_cache or verdict.outcome not in (Outcome.OK, Outcome.DEAD):
            return
        self.entries[verdict.url] = {
            "outcome": verdict.outcome.value,
            "status": verdict.status,
            "reason": verdict.reason,
            "final_url": verdict.final_url,
            "moved_to": verdict.moved_to,
            "checked": self.clock(),
        }
        self.dirty = True

    def forget(self, keys: Iterable[str]) -> None:
        """Drop entries (those learned while the network was down mean nothing)."""
        for key in keys:
            if self.entries.pop(key, None) is not None:
                self.dirty = True

    def save(self) -> bool:
        """Write the cache atomically if it changed; a failure becomes a warning."""
        if not self.dirty or self.read_only:
            return True
        if os.path.lexists(self.path) and not is_url_cache(self.path):
            return False  # something else appeared there since: never overwritten
        now = self.clock()
        live = {
            key: entry
            for key, entry in sorted(self.entries.items())
            if now - entry["checked"] <= self._ttl(entry["outcome"])
        }
        body = json.dumps(
            {"version": FORMAT_VERSION, "checksum": _checksum(live), "entries": live},
            indent=0, ensure_ascii=False,
        )
        payload = HEADER + ", " + body.removeprefix("{").lstrip("\n")  # one JSON object
        tmp_name: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".urls-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp_name, self.path)
            tmp_name = None
        except OSError as exc:
            message = f"could not write the URL cache {self.path}: {exc}"
            if message not in self.warnings:
                self.warnings.append(message)
            return False
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        self.dirty = False
        return True


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _valid_entry(key: object, entry: object) -> bool:
    """Entries written by another version or edited by hand are dropped one by one."""
    return (
        isinstance(key, str)
        and isinstance(entry, dict)
        and entry.get("outcome") in (Outcome.OK.value, Outcome.DEAD.value)
        and isinstance(entry.get("checked"), int | float)
        and not isinstance(entry.get("checked"), bool)
        and (entry.get("status") is None or type(entry.get("status")) is int)
        and isinstance(entry.get("reason", ""), str)
    )
