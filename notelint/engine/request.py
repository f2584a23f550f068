"""What a run is asked and what it gives back: the two ends of the pipeline.

``RunRequest`` goes into the plan stage; ``RunResult`` comes out of the report stage.
``UsageError`` is what any stage raises when the user's paths or options cannot work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from notelint.model import Finding, Note, Severity
from notelint.reporters import Report


@dataclass(frozen=True)
class RunRequest:
    """What the user asked for; the CLI and ``notelint.testing`` both build one."""

    paths: Sequence[str] = ()
    config_file: Path | None = None
    config: Mapping[str, Any] | None = None  # a config table given directly (tests, editors)
    root: Path | None = None
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fail_on: Severity | None = None
    offline: bool = False
    fix: bool = False
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None  # overrides the configuration's cache-dir
    report_dependents: bool = False  # also report notes a staged rename/deletion breaks
    baseline: Path | None = None  # known findings not to report (else the config's)
    use_baseline: bool = True  # False when writing a baseline: every finding counts
    stdin_filename: str | None = None
    stdin_text: str | None = None
    cwd: Path | None = None
    today: date | None = None
    entry_point_plugins: bool = True
    extra_plugins: Sequence[object] = ()


@dataclass(frozen=True)
class RunResult:
    """The outcome of a run: what to report, what to tell on stderr, the exit code."""

    findings: list[Finding]
    report: Report
    exit_code: int
    messages: list[str] = field(default_factory=list)
    fixed: int = 0
    notes: Mapping[str, Note] = field(default_factory=dict)
    parsed: frozenset[str] = frozenset()  # the notes read and parsed (not from the cache)
    rels: Mapping[str, str] = field(default_factory=dict)  # display path -> rel, reported
    root: Path | None = None  # the vault root: fixes never write outside it


class UsageError(Exception):
    """A path or option the user gave cannot work; exit code 2."""
