"""Reporters turn a run's findings into output; they know nothing of rules.

Built-in formats register through ``notelint_add_reporters`` like a plugin's would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from notelint import __version__, hookimpl
from notelint.model import Finding

if TYPE_CHECKING:
    from notelint.rule import Rule


@dataclass(frozen=True)
class Report:
    """Everything a reporter may show about one run."""

    findings: Sequence[Finding]
    root: str
    files: int
    rules: Mapping[str, type[Rule]] = field(default_factory=dict)
    fixed: int = 0
    version: str = __version__
    baselined: int = 0  # findings a baseline hid

    def summary(self) -> dict[str, int]:
        counts = Counter(str(finding.severity) for finding in self.findings)
        return {level: counts.get(level, 0) for level in ("error", "warning", "info")}


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
    from notelint.reporters.json import JsonReporter
    from notelint.reporters.sarif import SarifReporter
    from notelint.reporters.text import TextReporter

    return {
        "text": TextReporter,
        "json": JsonReporter,
        "sarif": SarifReporter,
        "github": GithubReporter,
    }
