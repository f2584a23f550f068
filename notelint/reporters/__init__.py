"""Reporters turn a run's findings into output; they know nothing of rules.

Built-in formats register through ``notelint_add_reporters`` like a plugin's would.

Engine stage: report (the reporters write what the report stage gives).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TextIO

from notelint import __version__, hookimpl
from notelint.model import Finding

if TYPE_CHECKING:
    from notelint.rule import Rule


class Wanted(NamedTuple):
    """A missing link target and how many notes (and links) point at it."""

    target: str  # the spelling most links use
    notes: int
    links: int


@dataclass(frozen=True)
class Report:
    """Everything a reporter may show about one run."""

    findings: Sequence[Finding]
    root: str
    files: int
    rules: Mapping[str, type[Rule]] = field(default_factory=dict)
    fixed: int = 0
    version: str = __version__
    #: whose link rules judged (``quartz``/``obsidian``) and why, for --verbose
    flavor: str | None = None
    flavor_source: str = ""
    baselined: int = 0  # findings a baseline hid

    def summary(self) -> dict[str, int]:
        counts = Counter(str(finding.severity) for finding in self.findings)
        return {level: counts.get(level, 0) for level in ("error", "warning", "info")}

    @functools.cached_property
    def wanted(self) -> tuple[Wanted, ...]:
        """The missing link targets, most linking notes first: the notes to write.

        Derived from the findings of rules declaring ``reports_missing_target``, grouped
        by their ``subject`` with case and a ``.md`` ending ignored (``[[Kropotkin]]`` and
        ``[[kropotkin.md]]`` want the same note).
        """
        notes: dict[str, set[str]] = defaultdict(set)
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for finding in self.findings:
            rule = self.rules.get(finding.code)
            subject = finding.subject
            if rule is None or not rule.reports_missing_target or not subject:
                continue
            key = _wanted_key(subject)
            notes[key].add(finding.path)
            spellings[key][subject] += 1
        found = [
            Wanted(
                # the commonest spelling; ties to the first in sorted order
                min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0],
                len(paths),
                sum(spellings[key].values()),
            )
            for key, paths in notes.items()
        ]
        found.sort(key=lambda item: (-item.notes, -item.links, item.target.casefold()))
        return tuple(found)


def _wanted_key(subject: str) -> str:
    key = subject.strip().rstrip("/").casefold()
    return key[:-3] if key.endswith(".md") else key


class Reporter:
    """Base class of output formats: ``write`` the report to ``stream``."""

    def __init__(self, stream: TextIO, *, color: bool = False, statistics: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.statistics = statistics

    def write(self, report: Report) -> None:
        raise NotImplementedError


@hookimpl
def notelint_add_reporters() -> Mapping[str, type[Reporter]]:
    from notelint.reporters.github import GithubReporter
    from notelint.reporters.html import HtmlReporter
    from notelint.reporters.json import JsonReporter
    from notelint.reporters.sarif import SarifReporter
    from notelint.reporters.text import TextReporter

    return {
        "text": TextReporter,
        "json": JsonReporter,
        "sarif": SarifReporter,
        "github": GithubReporter,
        "html": HtmlReporter,
    }
