"""Check stage: every enabled rule's findings for the reported files.

``(Plan, Index)`` -> :class:`Checked`: the per-note results the index computed (or the
cache held), the findings of notes parsed since (an editor's buffer), and the vault
rules' findings, family beside family. Stable vault rules' findings are reused when the
fingerprint of everything they read is the one the cache knows; unfiltered: the policy
stage decides what is reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import sys
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from notelint.analyse import side_by_side
from notelint.cache import (
    FileStamp,
    FindingTuple,
    NoteResults,
    code_digest,
    finding_from_tuple,
    finding_tuple,
)
from notelint.engine.index import Index, VaultFindings
from notelint.engine.plan import Plan, rule_identity
from notelint.model import Finding
from notelint.rule import Rule, RuleContext, RuleError
from notelint.vault import Vault

#: What one family of vault rules gives: (display path, finding) pairs, what they said,
#: whether one failed hard. Plain data, since it may cross from a forked process.
GroupOutcome = tuple[list[tuple[str, FindingTuple]], list[str], bool]


@dataclass(frozen=True)
class Checked:
    """What the rules found in the reported files, before any filtering."""

    findings: list[Finding]
    messages: tuple[str, ...]
    internal_error: bool
    keep: VaultFindings | None  # vault findings the index cache may keep for next time


def check(plan: Plan, index: Index, *, reuse: bool = False) -> Checked:
    """Run the enabled rules on ``index.vault.reported``.

    ``reuse`` lets stable vault rules' findings come from the index cache (a one-shot
    run of the CLI; never a baseline being written, never an editor).
    """
    sink = _Sink()
    results = _reported_results(plan, index, sink)
    findings = [
        finding_from_tuple(plan.paths.display_rel(rel), data)
        for rel, note_results in results.items()
        for data in note_results.findings
    ]
    collected: dict[str, dict[str, Any]] = defaultdict(dict)
    for rel, note_results in results.items():
        for code, value in note_results.collected.items():
            collected[code][rel] = value
    ctx = RuleContext(
        vault=index.vault,
        root=plan.root,
        today=plan.today,
        offline=plan.request.offline,
        cache_dir=plan.cache_dir,
        use_cache=plan.request.use_cache,
        jobs=plan.jobs,
        stderr_is_tty=sys.stderr.isatty(),
        explicitly_selected=plan.explicit,
        file_problems=tuple(
            dataclasses.replace(p, display=plan.paths.display(plan.root / p.rel))
            for p in index.problems
        ),
        warn=lambda message: sink.messages.append(f"notelint: warning: {message}"),
        collected=dict(collected),
        options=plan.options,
        display_rel=plan.paths.display_rel,
        tool_files=_tool_files(plan),
    )
    rules = [cls(plan.options[cls.code]) for cls in plan.enabled if cls.is_vault_rule()]
    vault_found, keep = _vault_findings(plan, index, rules, ctx, sink, reuse)
    findings.extend(vault_found)
    return Checked(findings, tuple(sink.messages), sink.failed, keep)


class _Sink:
    """Messages and hard failures of the rules, as they come."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.failed = False


def _reported_results(plan: Plan, index: Index, sink: _Sink) -> dict[str, NoteResults]:
    """The per-note results of the reported notes: computed when the note was
    analysed (or taken from the cache); a note parsed by the caller (the language
    server, after an edit) is checked now."""
    vault = index.vault
    results: dict[str, NoteResults] = {}
    for rel in sorted(vault.reported):
        found = index.results.get(rel)
        if found is None:
            note = vault.notes.get(rel)
            if note is None or note.summary_only:
                continue
            found, messages, failed = plan.analyser.check(note)
            sink.messages.extend(messages)
            sink.failed |= failed
        results[rel] = found
    return results


def _tool_files(plan: Plan) -> frozenset[str]:
    """Root-relative paths of the files notelint itself reads: its configuration,
    the baseline, every rule's input files (word lists, the flavor's settings)."""
    config, root = plan.config, plan.root
    paths = [p for p in (config.path, plan.request.baseline, config.baseline) if p is not None]
    for cls in plan.rules.rules:
        with contextlib.suppress(Exception):  # a rule failing here fails in its run
            paths.extend(cls(plan.options[cls.code]).inputs(root))
    found: set[str] = set()
    for path in paths:
        absolute = path if path.is_absolute() else root / path
        with contextlib.suppress(ValueError):
            found.add(absolute.resolve().relative_to(root).as_posix())
    return frozenset(found)


def _vault_findings(
    plan: Plan, index: Index, rules: Sequence[Rule], ctx: RuleContext, sink: _Sink,
    reuse: bool,
) -> tuple[list[Finding], VaultFindings | None]:
    """Run the vault rules, family beside family; reuse the findings of the stable
    ones when no input changed since the run that cached them."""
    stable = [rule for rule in rules if not rule.volatile]
    fingerprint = cached = None
    if reuse and index.cache is not None and stable:
        fingerprint = _fingerprint(plan, index, stable, ctx)
        cached = index.cached_vault_findings(fingerprint)
    if cached is not None:
        rules = [rule for rule in rules if rule.volatile]
    groups = _families(rules)
    outcomes = side_by_side(
        [functools.partial(_run_group, group, index.vault, ctx, sink) for group in groups],
        plan.jobs,
    )
    found: list[Finding] = []
    stable_found: list[Finding] = []
    quiet = True
    for group, (group_found, messages, failed) in zip(groups, outcomes, strict=True):
        findings = list(_from_tuples(group_found))
        found.extend(findings)
        sink.messages.extend(messages)
        sink.failed |= failed
        if not group[0].volatile:
            stable_found.extend(findings)
            quiet = quiet and not messages and not failed
    keep = None
    if cached is not None:
        display_rel = plan.paths.display_rel
        found.extend(finding_from_tuple(display_rel(rel), data) for rel, data in cached)
    elif fingerprint is not None and quiet:
        keep = (fingerprint, _by_rel(plan, index, stable_found))
    return found, keep


def _run_group(rules: Sequence[Rule], vault: Vault, ctx: RuleContext, sink: _Sink
               ) -> GroupOutcome:
    """Run ``rules``; what they found and said, as plain data (it may cross from a
    forked process, which has its own copy of the sink)."""
    heard, failed = len(sink.messages), sink.failed
    found = [finding for rule in rules for finding in _run_rule(rule, vault, ctx, sink)]
    messages = sink.messages[heard:]
    del sink.messages[heard:]
    now_failed = sink.failed and not failed
    sink.failed = failed
    return [(f.path, finding_tuple(f)) for f in found], messages, now_failed


def _run_rule(rule: Rule, vault: Vault, ctx: RuleContext, sink: _Sink) -> list[Finding]:
    found: list[Finding] = []
    try:
        found.extend(rule.check_vault(vault, ctx))
    except RuleError as exc:
        sink.messages.append(f"notelint: {rule.code} [{rule.name}] could not run: {exc}")
        if exc.config or (exc.fatal and rule.code in ctx.explicitly_selected):
            sink.failed = True
    except Exception:
        sink.messages.append(
            f"notelint: internal error in {rule.code} [{rule.name}]; its findings are "
            f"incomplete. Please report this:\n{_trace()}"
        )
        sink.failed = True
    return found


def _by_rel(
    plan: Plan, index: Index, findings: Iterable[Finding]
) -> tuple[tuple[str, FindingTuple], ...]:
    """Findings in reported files, keyed by root-relative path (cwd-independent)."""
    rel_of = {plan.paths.display_rel(rel): rel for rel in index.reported}
    return tuple(
        (rel_of[finding.path], finding_tuple(finding))
        for finding in findings
        if finding.path in rel_of
    )


def _fingerprint(plan: Plan, index: Index, rules: Sequence[Rule], ctx: RuleContext) -> str:
    """Everything the vault rules' findings depend on: the rules and options, the
    content of every note, the names of every other file, the unreadable files,
    which files are reported, the rules' other input files, and the date when read."""
    digest = hashlib.blake2b(digest_size=16)

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(repr(part).encode("utf-8", errors="surrogateescape"))
            digest.update(b"\0")

    vault = index.vault
    add(code_digest(), *(rule_identity(type(rule), plan.options) for rule in rules), ctx.offline)
    # a rule may read another family's settings (the graph rules read ``links``)
    add(sorted((code, repr(value)) for code, value in ctx.options.items()))
    if any(rule.uses_today for rule in rules):
        add(ctx.today)
    for rel in sorted(vault.notes):
        add(rel, index.digests.get(rel))
    add(sorted(vault.attachments), sorted(vault.folders), sorted(index.reported))
    add(sorted((p.rel, p.message, p.line, p.column) for p in index.problems))
    for rule in rules:
        for path in rule.inputs(plan.root):
            add(str(path), FileStamp.of(path))
    return digest.hexdigest()


def _families(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Rules grouped by family (which share work, as the link rules share one analysis),
    the largest group first: it runs in this process."""
    groups: dict[tuple[str, bool], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.family, rule.volatile), []).append(rule)
    return sorted(groups.values(), key=len, reverse=True)


def _from_tuples(found: Iterable[tuple[str, FindingTuple]]) -> Iterator[Finding]:
    for path, data in found:
        yield finding_from_tuple(path, data)


def _trace() -> str:
    return "".join(traceback.format_exc(limit=-4)).rstrip()
