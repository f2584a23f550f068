"""The engine: one run as five stages, data flowing one way.

``RunRequest`` -> :func:`make_plan` (:mod:`.plan`: config, plugins, rules, root, parser:
decided before a file is read) -> :func:`build_index` (:mod:`.index`: discovery, cache,
analysis, the vault) -> :func:`check` (:mod:`.check`: every rule's findings) ->
:func:`apply_policy` (:mod:`.policy`: suppressions, ignores, severity, baseline) ->
:func:`report` (:mod:`.report`: the report and the exit code). Each stage returns a frozen
result; :func:`run` composes them (and applies ``--fix``). The language server keeps a
plan and an index and re-runs check and policy for one buffer.

The engine knows no particular check: it runs whatever rules the plugins registered and
isolates their failures.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

from notelint.config import ConfigError
from notelint.engine.check import Checked, check
from notelint.engine.display import DisplayPaths
from notelint.engine.index import Index, build_index
from notelint.engine.plan import Plan, Refusal, make_plan, notify, plan_or_refuse
from notelint.engine.policy import Judged, apply_policy
from notelint.engine.report import refused, report
from notelint.engine.request import RunRequest, RunResult, UsageError
from notelint.fix import apply_fixes
from notelint.model import Finding, Fix
from notelint.roots import find_root

__all__ = [
    "MAX_FIX_ROUNDS",
    "Checked",
    "DisplayPaths",
    "Index",
    "Judged",
    "Plan",
    "Refusal",
    "RunRequest",
    "RunResult",
    "UsageError",
    "apply_policy",
    "build_index",
    "check",
    "make_plan",
    "plan_or_refuse",
    "report",
    "root_for_file",
    "run",
]

#: Passes of ``--fix`` at most: overlapping fixes are applied one pass after another.
MAX_FIX_ROUNDS = 4


def root_for_file(path: Path, config_path: Path | None) -> Path:
    """The vault holding ``path``: see :mod:`notelint.roots` (one rule for every caller)."""
    return find_root(path, config_path)


def run(request: RunRequest) -> RunResult:
    """Lint what ``request`` asks for, applying fixes first when asked."""
    result = run_once(request)
    if not request.fix or result.exit_code == 2:
        return result
    refused: dict[str, str] = {}
    fixed, messages, overlapping = _apply_reported_fixes(result, refused)
    if not fixed:
        result = dataclasses.replace(result, messages=[*result.messages, *messages])
        return _say_refused(result, refused)
    again = run_once(request)
    # fixes that overlapped an applied one were skipped: the next pass sees them anew
    for _ in range(MAX_FIX_ROUNDS - 1):
        if not overlapping or again.exit_code == 2:
            break
        more, said, overlapping = _apply_reported_fixes(again, refused)
        messages += said
        if not more:
            break
        fixed += more
        again = run_once(request)
    again = dataclasses.replace(
        again,
        fixed=fixed,
        report=dataclasses.replace(again.report, fixed=fixed),
        messages=[*messages, *again.messages],
    )
    return _say_refused(again, refused)


def _say_refused(result: RunResult, refused: dict[str, str]) -> RunResult:
    """The fixable findings of notes whose fixes were refused say why, where the
    writer looks for them (text, JSON, every format): "... — not fixed: the note is
    read-only; make it writable (chmod u+w a.md) to fix it"."""
    if not refused:
        return result
    findings = [
        dataclasses.replace(finding, message=f"{finding.message} — not fixed: "
                                             f"{refused[finding.path]}")
        if finding.path in refused and _fixable(result, finding) else finding
        for finding in result.findings
    ]
    return dataclasses.replace(
        result, findings=findings, report=dataclasses.replace(result.report, findings=findings)
    )


def _fixable(result: RunResult, finding: Finding) -> bool:
    rule = result.report.rules.get(finding.code)
    return finding.fix is not None and rule is not None and rule.fixable


def run_once(request: RunRequest) -> RunResult:
    """One pass: plan -> index -> check -> policy -> report, the cache saved between."""
    planned = plan_or_refuse(request)
    if isinstance(planned, Refusal):
        return refused(planned.messages, planned.error)
    plan = planned
    try:
        index = build_index(plan)
    except (ConfigError, UsageError) as exc:
        return refused(plan.messages, exc)
    checked = check(plan, index, reuse=True)
    judged = apply_policy(plan, index, checked)
    saved = index.save(checked.keep)
    said = [*plan.messages, *index.messages, *checked.messages, *judged.messages, *saved]
    notify(plan.plugins, said, "notelint_session_finish", session=plan,
           findings=judged.findings)
    return report(plan, index, judged, said, failed=index.internal_error or checked.internal_error)


def _apply_reported_fixes(result: RunResult, refused: dict[str, str]
                          ) -> tuple[int, list[str], int]:
    """Apply the fixes of reported findings of fixable rules; returns (count, messages,
    fixes skipped because they overlapped an applied one). Notes that may not be
    rewritten go into ``refused`` (display path -> why)."""
    grouped: dict[str, list[Fix]] = defaultdict(list)
    for finding in result.findings:
        if finding.fix is not None and _fixable(result, finding):
            grouped[finding.path].append(finding.fix)
    applied = overlapping = 0
    messages: list[str] = []
    for path, fixes in sorted(grouped.items()):
        rel = result.rels.get(path)
        note = result.notes.get(rel) if rel is not None else None
        if note is None:
            continue
        outcome = apply_fixes(note, fixes, result.root)
        applied += outcome.applied
        if outcome.refusal:
            refused[path] = outcome.refusal
        elif outcome.message:
            messages.append(f"notelint: {outcome.message}")
        elif outcome.applied:
            overlapping += outcome.skipped
    return applied, messages, overlapping
