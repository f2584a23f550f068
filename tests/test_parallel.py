"""Parsing and per-note rules in worker processes (``jobs``) report exactly what one
process reports: the same findings, messages and exit code, with or without the cache,
third-party rules included (a crashing one costs one note; collected values cross back;
rules reading today's date are checked again the next day)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from notelint import hookimpl
from notelint.analyse import PARALLEL_MIN_FILES
from notelint.engine import RunRequest, RunResult, run
from notelint.model import Finding, Note, Severity, Span
from notelint.rule import NoteContext, Rule, RuleContext
from notelint.testing import write_vault
from notelint.vault import Vault

TODAY = date(2024, 6, 1)
COUNT = 150
CRASHING = "d1/n042.md"
DEADLINE = date(2024, 12, 31)

assert COUNT > 2 * PARALLEL_MIN_FILES  # otherwise nothing below runs in workers


def _rel(i: int) -> str:
    return f"d{i // 30}/n{i:03}.md"


def _note(i: int) -> str:
    front = "" if i % 7 == 0 else "---\ntags: [topic]\n---\n"  # every 7th: NL201/NL203
    if i % 7 == 3:
        front = "---\ntitle: Untagged\n---\n"  # NL203
    if i % 17 == 0:
        front = "---\ntags: [topic]\ndate: 2024-13-45\n---\n"  # NL206
    body = [f"# Note {i}", "", "word " * (i % 9) + f"[[n{(i + 1) % COUNT:03}]]"]
    if i % 11 == 0:
        body += ["", "## 2024-02-30", "", "an invalid day"]  # NL301
    if i % 13 == 0:
        body += ["", f"[[missing-{i}]] and [x](nowhere/{i}.md)"]  # NL101, NL102
    if i % 10 == 5:
        body += ["", "TODO: finish"]  # XP001
    if i % 25 == 0:
        body += ["", "deadline ahead"]  # XP003
    return front + "\n".join(body) + "\n"


def make_vault(root: Path) -> Path:
    files: dict[str, str | bytes] = {_rel(i): _note(i) for i in range(COUNT)}
    files["odd/latin1.md"] = b"# Caf\xe9\n\nnot UTF-8\n"
    files["odd/binary.md"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    files["odd/image.png"] = b"\x89PNG\r\n\x1a\n"
    return write_vault(root, files)


NOTES = {_rel(i) for i in range(COUNT)}


# -- a third-party pack ------------------------------------------------------------------


class Todo(Rule):
    """A ``TODO`` left in a note; crashes on one note (a plugin bug)."""

    code, name, family, summary = "XP001", "todo-left", "xp", "TODO left in a note"
    severity = Severity.WARNING

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        if note.rel == CRASHING:
            raise ZeroDivisionError("plugin bug on purpose")
        for number, line in enumerate(note.lines, 1):
            if "TODO" in line:
                yield self.finding(note, Span.whole_line(number, line), "TODO left")


#: what WordCount.check_vault was handed, by run (check_vault runs in the main process)
SEEN: list[dict[str, Any]] = []


class WordCount(Rule):
    """Collects each note's word count (in the process that parsed it) and reports
    notes of more than 12 words from ``check_vault``."""

    code, name, family, summary = "XP002", "word-count", "xp", "long note"
    severity = Severity.INFO

    def collect_note(self, note: Note, ctx: NoteContext) -> tuple[int, int]:
        return len(note.text.split()), os.getpid()

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterator[Finding]:
        collected = dict(ctx.collected_by(self))
        SEEN.append(collected)
        for rel in sorted(collected):
            words, _pid = collected[rel]
            if words > 12:
                yield self.finding(vault.notes[rel], Span.point(1), f"{words} words")


class Countdown(Rule):
    """Days left to the deadline, in notes that mention it: depends on today."""

    code, name, family, summary = "XP003", "countdown", "xp", "days to the deadline"
    severity = Severity.WARNING
    uses_today = True

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        for number, line in enumerate(note.lines, 1):
            if "deadline" in line:
                days = (DEADLINE - ctx.today).days
                yield self.finding(note, Span.whole_line(number, line), f"{days} days left")


class Headings(Rule):
    """A note's first heading is not level 1: a rule of the note alone (no date)."""

    code, name, family, summary = "XP004", "first-heading", "xp", "first heading level"
    severity = Severity.WARNING

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        if note.headings and note.headings[0].level != 1:
            yield self.finding(note, note.headings[0].span, "first heading is not level 1")
        if "deadline" in note.text:
            yield self.finding(note, Span.point(1), "mentions a deadline")


class Pack:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [Todo, WordCount, Countdown, Headings]


def lint(
    root: Path,
    *,
    jobs: int,
    cache_dir: Path | None = None,
    select: Sequence[str] | None = None,
    today: date = TODAY,
    plugins: bool = False,
) -> RunResult:
    return run(
        RunRequest(
            paths=[str(root)],
            config={},
            root=root,
            select=select,
            offline=True,
            jobs=jobs,
            use_cache=cache_dir is not None,
            cache_dir=cache_dir,
            cwd=root,
            today=today,
            extra_plugins=[Pack()] if plugins else (),
        )
    )


def observed(result: RunResult) -> tuple[Any, ...]:
    findings = [
        (f.path, f.span, f.code, f.severity, f.message, f.suggestion, f.fix)
        for f in result.findings
    ]
    return result.exit_code, findings, result.messages


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_vault(tmp_path_factory.mktemp("parallel") / "vault")


@pytest.fixture(scope="module")
def serial(vault: Path) -> RunResult:
    return lint(vault, jobs=1)


def test_the_vault_has_findings_of_every_kind(serial: RunResult) -> None:
    codes = {f.code for f in serial.findings}
    assert codes >= {"NL001", "NL101", "NL102", "NL201", "NL203", "NL206", "NL301"}
    assert {f.path for f in serial.findings if f.code == "NL001"} == {
        "odd/latin1.md", "odd/binary.md"}
    assert serial.exit_code == 1
    assert serial.parsed == NOTES


def test_two_jobs_report_what_one_job_reports(vault: Path, serial: RunResult) -> None:
    parallel = lint(vault, jobs=2)
    assert observed(parallel) == observed(serial)
    assert parallel.parsed == serial.parsed


def test_two_jobs_with_the_cache_report_what_one_job_reports(
    vault: Path, serial: RunResult, tmp_path: Path
) -> None:
    cold = lint(vault, jobs=2, cache_dir=tmp_path / "two")
    assert observed(cold) == observed(serial)
    assert cold.parsed == NOTES
    warm = lint(vault, jobs=2, cache_dir=tmp_path / "two")
    assert observed(warm) == observed(serial)
    assert warm.parsed == set()
    # a cache written by workers serves a single process, and the other way round
    assert observed(lint(vault, jobs=1, cache_dir=tmp_path / "two")) == observed(serial)
    assert observed(lint(vault, jobs=1, cache_dir=tmp_path / "one")) == observed(serial)
    assert observed(lint(vault, jobs=2, cache_dir=tmp_path / "one")) == observed(serial)


def test_many_changed_notes_are_parsed_in_workers_with_the_same_result(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    cache = tmp_path / "cache"
    lint(root, jobs=2, cache_dir=cache)
    changed = sorted(NOTES)[::2]  # 75 notes: enough to start workers again
    assert len(changed) >= PARALLEL_MIN_FILES
    for rel in changed:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + "[[gone]] #new\n", encoding="utf-8")
        os.utime(path, (1_800_000_000, 1_800_000_000))
    warm = lint(root, jobs=2, cache_dir=cache)
    assert warm.parsed == set(changed)
    fresh = lint(root, jobs=1)
    assert observed(warm) == observed(fresh)
    assert len([f for f in warm.findings if "gone" in f.message]) == len(changed)


def test_a_crashing_plugin_rule_costs_one_note_in_workers(vault: Path) -> None:
    results = {jobs: lint(vault, jobs=jobs, select=["XP001", "NL101"], plugins=True)
               for jobs in (1, 2)}
    parallel = results[2]
    assert observed(parallel) == observed(results[1])
    assert parallel.exit_code == 2
    crashes = [m for m in parallel.messages if "internal error" in m]
    assert len(crashes) == 1
    assert "XP001 [todo-left]" in crashes[0] and CRASHING in crashes[0]
    assert "ZeroDivisionError" in crashes[0]
    todos = {f.path for f in parallel.findings if f.code == "XP001"}
    assert todos == {_rel(i) for i in range(COUNT) if i % 10 == 5} - {CRASHING}
    assert {f.path for f in parallel.findings if f.code == "NL101"} == {
        _rel(i) for i in range(COUNT) if i % 13 == 0}


def test_a_crash_is_not_cached_and_is_reported_again(vault: Path, tmp_path: Path) -> None:
    first = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP001"], plugins=True)
    again = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP001"], plugins=True)
    assert again.exit_code == first.exit_code == 2
    assert observed(again) == observed(first)
    assert again.parsed == {CRASHING}  # the others' results came from the cache


def test_values_collected_in_workers_reach_the_vault_rule(vault: Path) -> None:
    SEEN.clear()
    parallel = lint(vault, jobs=2, select=["XP002"], plugins=True)
    serial = lint(vault, jobs=1, select=["XP002"], plugins=True)
    assert observed(parallel) == observed(serial)
    in_workers, in_process = SEEN
    assert set(in_workers) == set(in_process) == NOTES  # exactly the reported notes
    expected = {rel: len((vault / rel).read_text(encoding="utf-8").split()) for rel in NOTES}
    assert {rel: words for rel, (words, _) in in_workers.items()} == expected
    assert {rel: words for rel, (words, _) in in_process.items()} == expected
    # the parallel run really collected in other processes
    assert os.getpid() not in {pid for _, pid in in_workers.values()}
    assert {pid for _, pid in in_process.values()} == {os.getpid()}
    assert parallel.findings and all(f.code == "XP002" for f in parallel.findings)


def test_collected_values_of_only_the_reported_notes(vault: Path) -> None:
    SEEN.clear()
    result = run(RunRequest(paths=[str(vault / "d2")], config={}, root=vault,
                            select=["XP002"], offline=True, jobs=2, use_cache=False,
                            cwd=vault, today=TODAY, extra_plugins=[Pack()]))
    assert result.exit_code == 0
    assert set(SEEN[-1]) == {rel for rel in NOTES if rel.startswith("d2/")}


def test_collected_values_come_back_from_the_cache(vault: Path, tmp_path: Path) -> None:
    SEEN.clear()
    cold = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP002"], plugins=True)
    # a note changes: the vault rule runs again, with the other notes' cached values
    changed = vault / _rel(3)
    original = changed.read_text(encoding="utf-8")
    try:
        changed.write_text(original + "three more words\n", encoding="utf-8")
        os.utime(changed, (1_800_000_000, 1_800_000_000))
        warm = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP002"], plugins=True)
    finally:
        changed.write_text(original, encoding="utf-8")
    assert warm.parsed == {_rel(3)}
    first, second = SEEN
    assert set(second) == NOTES
    assert second[_rel(3)][0] == first[_rel(3)][0] + 3
    assert {k: v for k, v in second.items() if k != _rel(3)} == {
        k: v for k, v in first.items() if k != _rel(3)}
    assert observed(cold)[0] == observed(warm)[0]


def test_a_rule_using_today_is_checked_again_the_next_day(vault: Path, tmp_path: Path) -> None:
    today = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP003"], plugins=True)
    expected = {_rel(i) for i in range(COUNT) if i % 25 == 0}
    days = (DEADLINE - TODAY).days
    assert {f.path for f in today.findings} == expected
    assert {f.message for f in today.findings} == {f"{days} days left"}
    same_day = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP003"], plugins=True)
    assert same_day.parsed == set() and observed(same_day) == observed(today)

    tomorrow = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP003"], plugins=True,
                    today=TODAY + timedelta(days=1))
    assert {f.message for f in tomorrow.findings} == {f"{days - 1} days left"}
    assert tomorrow.parsed == NOTES  # every reported note was checked again, in workers
    uncached = lint(vault, jobs=1, select=["XP003"], plugins=True,
                    today=TODAY + timedelta(days=1))
    assert observed(tomorrow) == observed(uncached)


def test_a_rule_not_using_today_is_not_checked_again_the_next_day(
    vault: Path, tmp_path: Path
) -> None:
    today = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP004"], plugins=True)
    assert today.parsed == NOTES and today.findings
    tomorrow = lint(vault, jobs=2, cache_dir=tmp_path, select=["XP004"], plugins=True,
                    today=TODAY + timedelta(days=1))
    assert tomorrow.parsed == set()
    assert observed(tomorrow) == observed(today)
