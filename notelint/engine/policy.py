"""Policy stage: which of the rules' findings are reported, and at what severity.

``(Plan, Index, Checked)`` -> :class:`Judged`: findings outside the reported files are
dropped, then per-file ignores, ``notelint`` comments (suppressions), severity overrides
and the baseline are applied, in that order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pathspec

from notelint.config import Config
from notelint.model import Finding, Note
from notelint.registry import RuleSet
from notelint.suppress import Suppressions, suppressions_for

if TYPE_CHECKING:
    from notelint.engine.check import Checked
    from notelint.engine.index import Index
    from notelint.engine.plan import Plan


class PerFileIgnores:
    """``per-file-ignores``: glob (root-relative) -> codes never reported there."""

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.entries = tuple(
            (
                pathspec.GitIgnoreSpec.from_lines([glob]),
                frozenset(rules.expand(identifiers, f"{config.source}: per-file-ignores"))
                if identifiers
                else frozenset(),
            )
            for glob, identifiers in config.per_file_ignores.items()
        )

    def ignores(self, rel: str, finding: Finding) -> bool:
        return any(spec.match_file(rel) and finding.code in codes for spec, codes in self.entries)


@dataclass(frozen=True)
class Judged:
    """The findings to report, sorted, and what the policy had to say."""

    findings: list[Finding]
    baselined: int  # findings the baseline hid
    messages: tuple[str, ...]


def apply_policy(plan: Plan, index: Index, checked: Checked) -> Judged:
    """Keep the findings in reported files that nothing silences; set their severity."""
    return _judge(plan, index, checked.findings)


def _judge(plan: Plan, index: Index, findings: Iterable[Finding]) -> Judged:
    # only findings in reported files survive, so only those paths need mapping back
    rel_of = {plan.paths.display_rel(rel): rel for rel in index.reported}
    vault = index.vault
    said: list[str] = []
    suppressions: dict[str, Suppressions] = {}
    kept: list[Finding] = []
    for finding in findings:
        rel = rel_of.get(finding.path)
        if rel is None or plan.ignores.ignores(rel, finding):
            continue
        if rel in vault.notes and vault.facts(rel).directives:
            note = vault.notes[rel]
            if rel not in suppressions:
                suppressions[rel] = suppressions_for(note, _resolver(plan.rules))
                said.extend(_unknown(note, suppressions[rel]))
            if suppressions[rel].suppresses(finding):
                continue
        level = plan.severities.get(finding.code, finding.severity)
        if level != finding.severity:
            finding = dataclasses.replace(finding, severity=level)
        kept.append(finding)
    kept.sort(key=Finding.sort_key)
    baselined = 0
    if plan.baseline is not None:
        kept, baselined = plan.baseline.filter((rel_of[f.path], f) for f in kept)
    return Judged(kept, baselined, tuple(said))


def _unknown(note: Note, found: Suppressions) -> Iterable[str]:
    """A misspelt rule in a notelint comment silences nothing: say so, once each."""
    for line, identifier in found.unknown:
        yield (
            f"notelint: {note.display}:{line}: unknown rule {identifier!r} in a notelint "
            "comment, which silences nothing; 'notelint rules' lists codes and names"
        )


def _resolver(rules: RuleSet) -> Callable[[str], str | None]:
    """Rule code of a code or name written in a ``notelint`` comment (None: unknown)."""

    def resolve(identifier: str) -> str | None:
        rule = rules.find(identifier)
        return rule.code if rule is not None else None

    return resolve
