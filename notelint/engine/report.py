"""Report stage: what the run reports, says and exits with.

``(Plan, Index, Judged, messages)`` -> :class:`~notelint.engine.request.RunResult`: the
:class:`~notelint.reporters.Report` the reporters write (display paths: see
:mod:`notelint.engine.display`), the messages for stderr (each once), the exit code.
"""

from __future__ import annotations

from collections.abc import Sequence

from notelint.engine.index import Index
from notelint.engine.plan import Plan
from notelint.engine.policy import Judged
from notelint.engine.request import RunResult
from notelint.reporters import Report


def report(
    plan: Plan, index: Index, judged: Judged, messages: Sequence[str], *, failed: bool
) -> RunResult:
    """The result of a run; exit code 2 when ``failed`` (a rule or the analysis failed
    hard), else 1 when a finding reaches ``fail-on``, else 0."""
    findings = judged.findings
    shown = Report(
        findings=findings,
        root=plan.paths.display(plan.root),
        files=len(index.vault.reported) + len(index.reported_problems),
        rules=plan.rules.by_code,
        flavor=index.flavor.name,
        flavor_source=index.flavor.source,
        baselined=judged.baselined,
    )
    fail_on = plan.request.fail_on or plan.config.fail_on
    if failed:
        code = 2
    elif any(finding.severity >= fail_on for finding in findings):
        code = 1
    else:
        code = 0
    display_rel = plan.paths.display_rel
    return RunResult(
        findings, shown, code, list(dict.fromkeys(messages)),  # a rule failing everywhere: once
        notes=index.vault.notes, parsed=index.parsed,
        rels={display_rel(rel): rel for rel in index.vault.reported}, root=plan.root,
    )


def refused(messages: Sequence[str], error: Exception) -> RunResult:
    """The result of a run that could not start: exit code 2, the error last."""
    said = "\n".join(f"notelint: error: {line}" for line in str(error).splitlines())
    return RunResult([], Report(findings=[], root="", files=0), 2, [*messages, said])
