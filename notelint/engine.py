"""Orchestration: configure, discover, parse once, index once, check, filter, report.

The engine knows no particular check. It runs whatever rules the plugins registered,
isolates their failures, and applies selection, severity overrides, suppressions and
per-file ignores in one place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import sys
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pathspec
from markdown_it import MarkdownIt

from notelint.analyse import (
    Analyser,
    Outcome,
    Task,
    analyse_all,
    default_jobs,
    side_by_side,
)
from notelint.baseline import Baseline, BaselineError, load_baseline
from notelint.cache import (
    CacheEntry,
    FileStamp,
    FindingTuple,
    IndexCache,
    NoteResults,
    SummaryNotes,
    finding_from_tuple,
    finding_tuple,
    pack_summary,
    parser_key,
    prepare_cache_dir,
)
from notelint.config import Config, ConfigError, config_from_mapping, find_config, load_config
from notelint.dependents import find_dependents
from notelint.discover import Discovery, FileProblem, discover, relative_to_root
from notelint.fix import apply_fixes
from notelint.flavor import Flavor, requested
from notelint.model import Finding, Fix, Note, Severity
from notelint.parse import FRONTMATTER_FORMATS, build_markdown
from notelint.plugins import load_plugins
from notelint.read import decode_note
from notelint.registry import RuleSet
from notelint.reporters import Report
from notelint.roots import find_root
from notelint.rule import NoteContext, Rule, RuleContext, RuleError
from notelint.suppress import Suppressions, suppressions_for
from notelint.vault import Vault, has_note_suffix


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


@dataclass
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


def root_for_file(path: Path, config_path: Path | None) -> Path:
    """The vault holding ``path``: see :mod:`notelint.roots` (one rule for every caller)."""
    return find_root(path, config_path)


class UsageError(Exception):
    """A path or option the user gave cannot work; exit code 2."""


def run(request: RunRequest) -> RunResult:
    """Lint what ``request`` asks for, applying fixes first when asked."""
    result = _run_once(request)
    if not request.fix or result.exit_code == 2:
        return result
    fixed, messages, overlapping = _apply_reported_fixes(result)
    if not fixed:
        result.messages.extend(messages)
        return result
    again = _run_once(request)
    # fixes that overlapped an applied one were skipped: the next pass sees them anew
    for _ in range(MAX_FIX_ROUNDS - 1):
        if not overlapping or again.exit_code == 2:
            break
        more, said, overlapping = _apply_reported_fixes(again)
        messages += said
        if not more:
            break
        fixed += more
        again = _run_once(request)
    again.fixed = fixed
    again.report = dataclasses.replace(again.report, fixed=fixed)
    again.messages[:0] = messages
    return again


#: Passes of ``--fix`` at most: overlapping fixes are applied one pass after another.
MAX_FIX_ROUNDS = 4


def _run_once(request: RunRequest) -> RunResult:
    session = Session(request)
    return session.execute()


class Session:
    """One pass over the vault; holds the state the steps share."""

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.cwd = (request.cwd or Path.cwd()).resolve()
        self.messages: list[str] = []
        self.internal_error = False
        self.problems: list[FileProblem] = []
        self.reported_problems: set[str] = set()  # unreadable files the user asked about
        self.reported_rels: set[str] = set()
        self.reported_attachments: set[str] = set()  # non-note files under the given paths
        self.results: dict[str, NoteResults] = {}  # per-note rule results of reported notes
        self.digests: dict[str, bytes] = {}  # content hash of every note in the vault
        self.cache: IndexCache | None = None
        self.parsed: set[str] = set()
        self.reuse_vault_results = False  # only a one-shot run of the CLI reuses them
        self.flavor: Flavor | None = None  # whose link semantics apply (read with the vault)

    # -- the steps ----------------------------------------------------------------

    def execute(self) -> RunResult:
        try:
            self.prepare()
            vault = self.build_vault()
        except (ConfigError, UsageError) as exc:
            return self._usage_failure(str(exc))
        self.reuse_vault_results = True
        findings = self.check(vault)
        self.save_cache()
        self._notify("notelint_session_finish", session=self, findings=findings)
        return self._result(findings, vault)

    def prepare(self) -> None:
        """Load configuration, plugins and rules, and find the root (no file is read).

        Raises ``ConfigError`` or ``UsageError``. A long-lived caller (the language
        server) prepares once, then builds vaults and checks notes many times.
        """
        self.config = self._load_config()
        self.plugins = load_plugins(
            entry_point_plugins=self.request.entry_point_plugins,
            extra=self.request.extra_plugins,
        )
        self.rules = RuleSet(self.plugins.rules())
        self.messages.extend(f"notelint: {p}" for p in self.plugins.problems)
        self.enabled = self.rules.enabled(
            self.config,
            select=self.request.select,
            extend_select=self.request.extend_select,
            ignore=self.request.ignore,
        )
        self.options = self.rules.options(self.config)
        self.severities = self.rules.severities(self.config)
        self.ignores = _PerFileIgnores(self.config, self.rules)
        self.root = self._find_root()
        self.baseline = self._load_baseline()
        self.baselined = 0  # findings the baseline hid in the last check
        self.markdown = self._markdown()
        self._notify("notelint_configure", config=self.config)
        self.today = self.request.today or date.today()
        self.explicit = frozenset(self.rules.explicitly_selected(self.config, self.request.select))
        self.jobs = self.request.jobs or default_jobs()
        per_note = [cls for cls in self.enabled if cls.is_note_rule() or cls.is_collecting_rule()]
        self.analyser = Analyser(
            markdown=self.markdown,
            root=self.root,
            display_rel=self.display_rel,
            max_file_size=self.config.max_file_size,
            rules=[cls(self.options[cls.code]) for cls in per_note],
            ctx=NoteContext(
                root=self.root,
                today=self.today,
                offline=self.request.offline,
                explicitly_selected=self.explicit,
            ),
            rules_key=self._rules_key(per_note),
        )

    def check(self, vault: Vault) -> list[Finding]:
        """Run the enabled rules on ``vault.reported`` and filter what they found."""
        self.reported_rels = set(vault.reported) | self.reported_problems
        self.reported_rels |= self.reported_attachments
        findings = self._check(vault, self.enabled, self.options)
        return self._filter(findings, vault, self.severities)

    def parse(self, rel: str, text: str, has_bom: bool = False) -> Note:
        """Parse ``text`` as the note at ``rel`` with this session's parser."""
        return self.analyser.parse(rel, text, has_bom)

    def _rules_key(self, rules: Sequence[type[Rule]]) -> str:
        """What cached per-note results depend on besides the note: the rules (their code
        as installed) and options, and today's date for rules that read it."""
        parts = [self._rule_identity(cls) for cls in rules]
        if any(cls.uses_today for cls in rules):
            parts.append(self.today.isoformat())
        return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()

    def _rule_identity(self, cls: type[Rule]) -> str:
        module = sys.modules.get(cls.__module__)
        source = getattr(module, "__file__", None)
        stamp = FileStamp.of(Path(source)) if source else None
        return f"{cls.code}|{cls.__module__}|{stamp}|{self.options[cls.code]!r}"

    def _usage_failure(self, message: str) -> RunResult:
        report = Report(findings=[], root="", files=0)
        said = "\n".join(f"notelint: error: {line}" for line in message.splitlines())
        return RunResult([], report, 2, [*self.messages, said])

    def _load_config(self) -> Config:
        request = self.request
        if request.config is not None:
            return config_from_mapping(request.config, path=None, defer_unknown=True)
        path = request.config_file
        if path is None:
            # an unsaved note may sit in a folder that does not exist yet: start from the
            # nearest folder that does
            first = self._first_path()
            existing = next((p for p in (first, *first.parents) if p.exists()), None)
            path = find_config(existing) if existing is not None else None
        elif not path.is_file():
            raise UsageError(f"configuration file {path} does not exist")
        return load_config(path, defer_unknown=True) if path is not None else Config()

    def _first_path(self) -> Path:
        given = self.request.stdin_filename or (self.request.paths or ["."])[0]
        path = Path(given)
        return path if path.is_absolute() else self.cwd / path

    def _load_baseline(self) -> Baseline | None:
        if not self.request.use_baseline:
            return None
        path = self.request.baseline or self.config.baseline
        if path is None:
            return None
        path = path if path.is_absolute() else self.cwd / path
        try:
            return load_baseline(path)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None

    def _find_root(self) -> Path:
        if self.request.root is not None:
            root = self.request.root
        elif self.config.root is not None:
            root = self.config.root
        else:
            root = self._default_root()
        root = root if root.is_absolute() else self.cwd / root
        if not root.is_dir():
            raise UsageError(f"vault root {root} is not a folder")
        return root.resolve()

    def _default_root(self) -> Path:
        """Found from the first path by the one rule of :mod:`notelint.roots`, so a
        file and its folder get the same root.

        Never the working directory as such: a stray ``notelint check ~/x.md`` must not
        index a whole home folder.
        """
        return find_root(self._first_path(), self.config.path)

    # -- reading ------------------------------------------------------------------

    def build_vault(self, *, report: bool = True) -> Vault:
        """Discover the vault, analyse what changed and take the rest from the cache.

        ``report=False`` reports nothing, so every unchanged note comes from the cache
        (the language server's warm start).
        """
        discovery, walker = discover(self.root, self.config)
        reported = self._reported(discovery, walker) if report else set()
        stdin_rel = self._stdin_rel()
        self.cache = self._index_cache()
        notes = SummaryNotes(self.root, self.display_rel, self._reparse)
        self._load_notes([rel for rel in discovery.notes if rel != stdin_rel], reported, notes)
        if self.request.report_dependents:
            reported |= self._dependents(reported, notes)
        if self.cache is not None:
            self.cache.forget_missing(discovery.notes)
        if stdin_rel is not None:
            text = self.request.stdin_text or ""
            decoded = decode_note(text.encode("utf-8", errors="surrogateescape"), stdin_rel)
            if isinstance(decoded, FileProblem):
                self.problems.append(decoded)
            else:
                outcome = self.analyser.analyse_text(
                    stdin_rel, decoded.text, decoded.has_bom, reported=stdin_rel in reported
                )
                self._take(outcome, notes, cache=False)
            if stdin_rel in discovery.attachments:
                discovery.attachments.remove(stdin_rel)
        if not report:
            self.save_cache()
        self.problems.extend(discovery.problems)
        self.messages.extend(discovery.warnings)
        self.reported_problems = {p.rel for p in self.problems if p.rel in reported}
        self.reported_attachments = {rel for rel in discovery.attachments if rel in reported}
        vault = Vault(
            root=self.root,
            notes=notes,
            attachments=frozenset(discovery.attachments),
            unreadable=frozenset(p.rel for p in self.problems if has_note_suffix(p.rel)),
            folders=frozenset(discovery.folders),
            reported=frozenset(rel for rel in reported if rel in notes),
        )
        # whose link semantics apply, read from the vault once (its notes: one line each)
        self.flavor = vault.publisher(requested(self.config.families.get("links", {})))
        self.messages.extend(f"notelint: note: {note}" for note in self.flavor.notes)
        return vault

    def save_cache(self) -> None:
        if self.cache is None:
            return
        self.cache.save()
        if self.cache.warning:
            self.messages.append(f"notelint: warning: {self.cache.warning}")
            self.cache.warning = None

    def _load_notes(self, rels: Sequence[str], reported: set[str], notes: SummaryNotes) -> None:
        """Take unchanged notes from the cache; read, parse and check the others.

        A note the user asked about needs its per-note results too, which the cache holds
        only when they were computed by the same rules and options.
        """
        tasks: list[Task] = []
        root = str(self.root)
        for rel in rels:
            wanted = rel in reported
            entry = self._usable_entry(rel, wanted)
            if entry is not None and self.cache is not None:
                stamp = FileStamp.of(os.path.join(root, rel))
                if stamp is not None and stamp == entry.stamp:
                    self._take_entry(rel, entry, notes)
                    continue
            tasks.append(Task(rel, wanted, entry.digest if entry is not None else None))
        for outcome in analyse_all(self.analyser, tasks, self.jobs):
            self._take(outcome, notes)

    def _usable_entry(self, rel: str, wanted: bool) -> CacheEntry | None:
        """The cache entry of ``rel`` if it holds what this run needs of the note."""
        if self.cache is None:
            return None
        entry = self.cache.entry(rel)
        if entry is None:
            return None
        if entry.stamp.size > self.config.max_file_size:  # the limit was lowered since
            return None
        if wanted and self._current_results(entry) is None:
            return None
        return entry

    def _current_results(self, entry: CacheEntry) -> NoteResults | None:
        """The entry's per-note results if this run's rules and options computed them."""
        results = entry.results
        current = results is not None and results.rules_key == self.analyser.rules_key
        return results if current else None

    def _take_entry(self, rel: str, entry: CacheEntry, notes: SummaryNotes) -> None:
        notes.add_summary(rel, entry.summary, entry.facts)
        self.digests[rel] = entry.digest
        results = self._current_results(entry)
        if results is not None:
            self.results[rel] = results

    def _take(self, outcome: Outcome, notes: SummaryNotes, *, cache: bool = True) -> None:
        """Add what analysing one file gave to the vault, the results and the cache."""
        self.messages.extend(outcome.messages)
        self.internal_error |= outcome.internal_error
        rel = outcome.rel
        if outcome.problem is not None:
            self.problems.append(outcome.problem)
            return
        if outcome.unchanged and self.cache is not None and outcome.stamp is not None:
            entry = self.cache.restamp(rel, outcome.stamp)
            if entry is not None:
                self._take_entry(rel, entry, notes)
                return
        self.parsed.add(rel)
        if outcome.note is not None:
            notes.add_note(outcome.note)
        elif outcome.summary is not None and outcome.facts is not None:
            notes.add_summary(rel, outcome.summary, outcome.facts)
        else:
            return
        if outcome.digest is not None:
            self.digests[rel] = outcome.digest
        if outcome.results is not None:
            self.results[rel] = outcome.results
        if cache and self.cache is not None and outcome.stamp is not None and outcome.digest:
            try:
                summary = outcome.summary or pack_summary(notes[rel])
            except (TypeError, ValueError, OverflowError):  # a value msgpack cannot hold
                return
            # results of a run where a rule failed are not kept: the next run retries
            results = None if outcome.messages else outcome.results
            entry = CacheEntry(outcome.stamp, outcome.digest, summary, notes.facts(rel), results)
            self.cache.store(rel, entry)

    def _reparse(self, rel: str) -> Note:
        """The note ``rel`` read and parsed again: its cached summary did not validate
        (a damaged or forged cache), so its entry is dropped too."""
        if self.cache is not None:
            self.cache.entries.pop(rel, None)
            self.cache.dirty = True
        outcome = self.analyser.analyse(Task(rel, reported=False))
        if outcome.note is not None:
            return outcome.note
        return self.analyser.parse(rel, "")

    def _dependents(self, reported: set[str], notes: SummaryNotes) -> set[str]:
        """Notes whose links a staged rename or deletion broke, checked in full."""
        dependents = set(find_dependents(self.root, reported, notes))
        self._load_notes(sorted(rel for rel in dependents if rel not in self.results),
                         dependents, notes)
        return dependents

    def _index_cache(self) -> IndexCache | None:
        if not self.request.use_cache:
            return None
        impls = self.plugins.manager.hook.notelint_configure_markdown.get_hookimpls()
        names = []
        for impl in impls:
            source = getattr(impl.plugin, "__file__", None)
            stamp = FileStamp.of(Path(source)) if source else None
            names.append(f"{impl.plugin_name}@{stamp.mtime_ns if stamp else 0}")
        # before any rule writes its own cache there: the folder gets its .gitignore only
        # when notelint creates it
        with contextlib.suppress(OSError):  # read-only: saving the index will say so
            prepare_cache_dir(self.cache_dir)
        key = parser_key(names, {"frontmatter": FRONTMATTER_FORMATS})
        return IndexCache(self.cache_dir, key).load()

    @property
    def cache_dir(self) -> Path:
        """``--cache-dir``; else ``cache-dir`` beside the configuration file, else in the root."""
        if self.request.cache_dir is not None:
            return self.request.cache_dir
        base = self.config.path.parent if self.config.path else self.root
        return base / self.config.cache_dir

    def _markdown(self) -> MarkdownIt:
        return build_markdown(lambda md: self._notify("notelint_configure_markdown", md=md))

    def _notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a hook plugin by plugin; one that raises is reported, not a traceback."""
        for problem in self.plugins.call_each(hook_name, **kwargs):
            self.messages.append(f"notelint: {problem}")

    def _stdin_rel(self) -> str | None:
        if self.request.stdin_filename is None:
            return None
        rel = relative_to_root(self._first_path(), self.root)
        if rel is None:
            raise UsageError(
                f"--stdin-filename {self.request.stdin_filename} is outside the vault root "
                f"{self.root}; pass --root"
            )
        return rel

    def _reported(self, discovery: Discovery, walker: Any) -> set[str]:
        """Root-relative paths (notes and problem paths) the user asked about.

        A folder under which no note is found is a usage error (a mistyped path in CI
        must not pass); named files that are excluded, outside the root or not notes are
        left out with one line saying so (the pre-commit hook passes such files).
        """
        if self.request.stdin_filename is not None:
            rel = self._stdin_rel()
            return {rel} if rel is not None else set()
        if not self.request.paths and self.request.report_dependents:
            return set()  # the hook on a commit that only deletes: the dependents alone
        candidates = [*discovery.notes, *(p.rel for p in discovery.problems)]
        reported: set[str] = set()
        skipped: dict[str, list[str]] = defaultdict(list)
        for given in self.request.paths or ["."]:
            path = Path(given) if Path(given).is_absolute() else self.cwd / given
            if not path.exists() and not path.is_symlink():
                raise UsageError(f"{given}: no such file or folder")
            rel = relative_to_root(path, self.root)
            if rel is None and path.is_dir() and relative_to_root(self.root, path) is not None:
                rel = "."  # a folder holding the configured root: the whole vault
            if rel is None:
                if not path.is_dir():
                    skipped[f"outside the vault root {self.display(self.root)}"].append(given)
                    continue
                raise UsageError(f"{given} is outside the vault root {self.root}; pass --root")
            if path.is_dir():
                prefix = "" if rel in ("", ".") else rel + "/"
                found = {c for c in candidates if c.startswith(prefix)}
                # attachments too: a rule may report on a file that is no note (NL602)
                files = {a for a in discovery.attachments if a.startswith(prefix)}
                if not found and not files:
                    raise UsageError(
                        f"{given}: no notes in this folder (looked for "
                        f"{', '.join(self.config.include)} under the vault root "
                        f"{self.display(self.root)}, leaving out 'exclude' and .gitignore "
                        "matches); check the path"
                    )
                reported.update(found)
                reported.update(files)
            elif rel in discovery.attachments:
                reported.add(rel)
            elif not walker.is_note(rel):
                skipped["not notes (include: " + ", ".join(self.config.include) + ")"].append(
                    given)
            elif walker.is_excluded(rel):
                skipped[f"excluded by 'exclude' in {self.config.source}"].append(given)
            else:
                reported.add(rel)
                if rel not in discovery.notes and not any(p.rel == rel for p in discovery.problems):
                    discovery.notes.append(rel)  # passed explicitly though ignored by git
        if skipped:
            reasons = "; ".join(f"{why}: {', '.join(names)}" for why, names in skipped.items())
            count = sum(len(names) for names in skipped.values())
            self.messages.append(
                f"notelint: {count} named file{'s' if count != 1 else ''} not checked, "
                f"{reasons}"
            )
        return reported

    def display(self, path: Path) -> str:
        """A path as users see it: relative to the working directory, with ``/``."""
        if path != self.root and path.is_relative_to(self.root):
            return self.display_rel(path.relative_to(self.root).as_posix())
        return self._relative_to_cwd(path)

    def display_rel(self, rel: str) -> str:
        """The display path of root-relative ``rel`` (hot: called once per note)."""
        prefix = self._root_prefix
        if prefix is None:  # the working directory is inside the root: ../ may be needed
            return self._relative_to_cwd(self.root / rel)
        return f"{prefix}{rel}"

    @functools.cached_property
    def _root_prefix(self) -> str | None:
        """The root as seen from the working directory when it lies at or below it."""
        if not self.root.is_relative_to(self.cwd):
            return None
        shown = self._relative_to_cwd(self.root)
        return "" if shown == "." else shown.rstrip("/") + "/"

    def _relative_to_cwd(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(path, self.cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()

    # -- checking -----------------------------------------------------------------

    def _check(
        self, vault: Vault, enabled: Sequence[type[Rule]], options: Mapping[str, Any]
    ) -> list[Finding]:
        results = self._reported_results(vault)
        findings = [
            finding_from_tuple(self.display_rel(rel), data)
            for rel, note_results in results.items()
            for data in note_results.findings
        ]
        collected: dict[str, dict[str, Any]] = defaultdict(dict)
        for rel, note_results in results.items():
            for code, value in note_results.collected.items():
                collected[code][rel] = value
        ctx = RuleContext(
            vault=vault,
            root=self.root,
            today=self.today,
            offline=self.request.offline,
            cache_dir=self.cache_dir,
            use_cache=self.request.use_cache,
            jobs=self.jobs,
            stderr_is_tty=sys.stderr.isatty(),
            explicitly_selected=self.explicit,
            file_problems=tuple(self._problem_views()),
            warn=lambda message: self.messages.append(f"notelint: warning: {message}"),
            collected=dict(collected),
            options=options,
            display_rel=self.display_rel,
            tool_files=self._tool_files(),
        )
        rules = [cls(options[cls.code]) for cls in enabled if cls.is_vault_rule()]
        findings.extend(self._vault_findings(rules, vault, ctx))
        return findings

    def _tool_files(self) -> frozenset[str]:
        """Root-relative paths of the files notelint itself reads: its configuration,
        the baseline, every rule's input files (word lists, the flavor's settings)."""
        paths: list[Path] = [p for p in (self.config.path, self.request.baseline,
                                         self.config.baseline) if p is not None]
        for cls in self.rules.rules:
            with contextlib.suppress(Exception):  # a rule failing here fails in its run
                paths.extend(cls(self.options[cls.code]).inputs(self.root))
        found: set[str] = set()
        for path in paths:
            absolute = path if path.is_absolute() else self.root / path
            with contextlib.suppress(ValueError):
                found.add(absolute.resolve().relative_to(self.root).as_posix())
        return frozenset(found)

    def _reported_results(self, vault: Vault) -> dict[str, NoteResults]:
        """The per-note results of the reported notes: computed when the note was
        analysed (or taken from the cache); a note parsed by the caller (the language
        server, after an edit) is checked now."""
        results: dict[str, NoteResults] = {}
        for rel in sorted(vault.reported):
            found = self.results.get(rel)
            if found is None:
                note = vault.notes.get(rel)
                if note is None or note.summary_only:
                    continue
                found, messages, failed = self.analyser.check(note)
                self.messages.extend(messages)
                self.internal_error |= failed
            results[rel] = found
        return results

    def _vault_findings(
        self, rules: Sequence[Rule], vault: Vault, ctx: RuleContext
    ) -> list[Finding]:
        """Run the vault rules, family beside family; reuse the findings of the stable
        ones when no input changed since the run that cached them."""
        stable = [rule for rule in rules if not rule.volatile]
        fingerprint = cached = None
        if self.reuse_vault_results and self.cache is not None and stable:
            fingerprint = self._fingerprint(stable, vault, ctx)
            cached = self.cache.vault_findings(fingerprint)
        if cached is not None:
            rules = [rule for rule in rules if rule.volatile]
        groups = _families(rules)
        outcomes = side_by_side(
            [functools.partial(self._run_group, group, vault, ctx) for group in groups],
            self.jobs,
        )
        found: list[Finding] = []
        stable_found: list[Finding] = []
        quiet = True
        for group, (group_found, messages, failed) in zip(groups, outcomes, strict=True):
            findings = list(_from_tuples(group_found))
            found.extend(findings)
            self.messages.extend(messages)
            self.internal_error |= failed
            if not group[0].volatile:
                stable_found.extend(findings)
                quiet = quiet and not messages and not failed
        if cached is not None:
            found.extend(finding_from_tuple(self.display_rel(rel), data) for rel, data in cached)
        elif fingerprint is not None and self.cache is not None and quiet:
            self.cache.store_vault_findings(fingerprint, self._by_rel(stable_found))
        return found

    def _run_group(
        self, rules: Sequence[Rule], vault: Vault, ctx: RuleContext
    ) -> tuple[list[tuple[str, FindingTuple]], list[str], bool]:
        """Run ``rules``; what they found and said, as plain data (it may cross from a
        forked process, which has its own copy of this session)."""
        heard, failed = len(self.messages), self.internal_error
        found = [finding for rule in rules for finding in self._run_rule(rule, vault, ctx)]
        messages = self.messages[heard:]
        del self.messages[heard:]
        now_failed = self.internal_error and not failed
        self.internal_error = failed
        return [(f.path, finding_tuple(f)) for f in found], messages, now_failed

    def _by_rel(self, findings: Iterable[Finding]) -> tuple[tuple[str, FindingTuple], ...]:
        """Findings in reported files, keyed by root-relative path (cwd-independent)."""
        rel_of = {self.display_rel(rel): rel for rel in self.reported_rels}
        return tuple(
            (rel_of[finding.path], finding_tuple(finding))
            for finding in findings
            if finding.path in rel_of
        )

    def _fingerprint(self, rules: Sequence[Rule], vault: Vault, ctx: RuleContext) -> str:
        """Everything the vault rules' findings depend on: the rules and options, the
        content of every note, the names of every other file, the unreadable files,
        which files are reported, the rules' other input files, and the date when read."""
        digest = hashlib.blake2b(digest_size=16)

        def add(*parts: object) -> None:
            for part in parts:
                digest.update(repr(part).encode("utf-8", errors="surrogateescape"))
                digest.update(b"\0")

        add(*(self._rule_identity(type(rule)) for rule in rules), ctx.offline)
        # a rule may read another family's settings (the graph rules read ``links``)
        add(sorted((code, repr(value)) for code, value in ctx.options.items()))
        if any(rule.uses_today for rule in rules):
            add(ctx.today)
        for rel in sorted(vault.notes):
            add(rel, self.digests.get(rel))
        add(sorted(vault.attachments), sorted(vault.folders), sorted(self.reported_rels))
        add(sorted((p.rel, p.message, p.line, p.column) for p in self.problems))
        for rule in rules:
            for path in rule.inputs(self.root):
                add(str(path), FileStamp.of(path))
        return digest.hexdigest()

    def _problem_views(self) -> Iterable[FileProblem]:
        """The unreadable files, with the paths users see."""
        for problem in self.problems:
            yield dataclasses.replace(problem, display=self.display(self.root / problem.rel))

    def _run_rule(self, rule: Rule, vault: Vault, ctx: RuleContext) -> list[Finding]:
        found: list[Finding] = []
        try:
            found.extend(rule.check_vault(vault, ctx))
        except RuleError as exc:
            self.messages.append(f"notelint: {rule.code} [{rule.name}] could not run: {exc}")
            if exc.config or (exc.fatal and rule.code in ctx.explicitly_selected):
                self.internal_error = True
        except Exception:
            self.messages.append(
                f"notelint: internal error in {rule.code} [{rule.name}]; its findings are "
                f"incomplete. Please report this:\n{_trace()}"
            )
            self.internal_error = True
        return found

    # -- filtering and reporting --------------------------------------------------

    def _filter(
        self, findings: Iterable[Finding], vault: Vault, severities: Mapping[str, Severity]
    ) -> list[Finding]:
        # only findings in reported files survive, so only those paths need mapping back
        rel_of = {self.display_rel(rel): rel for rel in self.reported_rels}
        ignores = self.ignores
        suppressions: dict[str, Suppressions] = {}
        kept: list[Finding] = []
        for finding in findings:
            rel = rel_of.get(finding.path)
            if rel is None or rel not in self.reported_rels or ignores.ignores(rel, finding):
                continue
            if rel in vault.notes and vault.facts(rel).directives:
                note = vault.notes[rel]
                if rel not in suppressions:
                    suppressions[rel] = suppressions_for(note, self._resolve_identifier)
                    self._warn_unknown(note, suppressions[rel])
                if suppressions[rel].suppresses(finding):
                    continue
            level = severities.get(finding.code, finding.severity)
            if level != finding.severity:
                finding = dataclasses.replace(finding, severity=level)
            kept.append(finding)
        kept.sort(key=Finding.sort_key)
        if self.baseline is not None:
            kept, self.baselined = self.baseline.filter((rel_of[f.path], f) for f in kept)
        return kept

    def _warn_unknown(self, note: Note, found: Suppressions) -> None:
        """A misspelt rule in a notelint comment silences nothing: say so, once each."""
        for line, identifier in found.unknown:
            self.messages.append(
                f"notelint: {note.display}:{line}: unknown rule {identifier!r} in a notelint "
                "comment, which silences nothing; 'notelint rules' lists codes and names"
            )

    def _resolve_identifier(self, identifier: str) -> str | None:
        rule = self.rules.find(identifier)
        return rule.code if rule is not None else None

    def _result(self, findings: list[Finding], vault: Vault) -> RunResult:
        report = Report(
            findings=findings,
            root=self.display(self.root),
            files=len(vault.reported) + len(self.reported_problems),
            rules=self.rules.by_code,
            flavor=self.flavor.name if self.flavor is not None else None,
            flavor_source=self.flavor.source if self.flavor is not None else "",
            baselined=self.baselined,
        )
        fail_on = self.request.fail_on or self.config.fail_on
        if self.internal_error:
            code = 2
        elif any(finding.severity >= fail_on for finding in findings):
            code = 1
        else:
            code = 0
        messages = list(dict.fromkeys(self.messages))  # a rule failing on every note: once
        return RunResult(
            findings, report, code, messages, notes=vault.notes, parsed=frozenset(self.parsed),
            rels={self.display_rel(rel): rel for rel in vault.reported}, root=self.root,
        )


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


class _PerFileIgnores:
    """``per-file-ignores``: glob (root-relative) -> codes never reported there."""

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.entries = [
            (
                pathspec.GitIgnoreSpec.from_lines([glob]),
                rules.expand(identifiers, f"{config.source}: per-file-ignores")
                if identifiers
                else set(),
            )
            for glob, identifiers in config.per_file_ignores.items()
        ]

    def ignores(self, rel: str, finding: Finding) -> bool:
        return any(spec.match_file(rel) and finding.code in codes for spec, codes in self.entries)


def _apply_reported_fixes(result: RunResult) -> tuple[int, list[str], int]:
    """Apply the fixes of reported findings of fixable rules; returns (count, messages,
    fixes skipped because they overlapped an applied one)."""
    grouped: dict[str, list[Fix]] = defaultdict(list)
    for finding in result.findings:
        rule = result.report.rules.get(finding.code)
        if finding.fix is not None and rule is not None and rule.fixable:
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
        if outcome.message:
            messages.append(f"notelint: {outcome.message}")
        elif outcome.applied:
            overlapping += outcome.skipped
    return applied, messages, overlapping


def _trace() -> str:
    return "".join(traceback.format_exc(limit=-4)).rstrip()
