"""Index stage: the vault as read, with whatever the cache already knew.

``Plan`` -> :class:`Index`: discovery, which files the user asked about, the index cache,
the analysis of changed notes in workers, the :class:`~notelint.vault.Vault`, the files
that could not be read and every note's digest. Reading and writing the index cache
happens here and nowhere else (the check stage asks :meth:`Index.cached_vault_findings`
and hands what to keep to :meth:`Index.save`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notelint.analyse import Outcome, Task, analyse_all
from notelint.cache import (
    CacheEntry,
    FileStamp,
    FindingTuple,
    IndexCache,
    NoteResults,
    SummaryNotes,
    pack_summary,
    parser_key,
    prepare_cache_dir,
)
from notelint.dependents import find_dependents
from notelint.discover import Discovery, FileProblem, discover, relative_to_root
from notelint.engine.plan import Plan, first_path
from notelint.engine.request import UsageError
from notelint.flavor import Flavor, requested
from notelint.model import Note
from notelint.parse import FRONTMATTER_FORMATS
from notelint.read import decode_note
from notelint.vault import Vault, has_note_suffix

#: Vault-rule findings to keep: the fingerprint of their inputs, and (rel, finding) pairs.
VaultFindings = tuple[str, tuple[tuple[str, FindingTuple], ...]]


@dataclass(frozen=True)
class Index:
    """The vault of one run and what reading it found."""

    vault: Vault
    problems: tuple[FileProblem, ...]  # files that could not be read
    reported: frozenset[str]  # rels the user asked about: notes, problem files, attachments
    reported_problems: frozenset[str]  # unreadable files among them
    results: Mapping[str, NoteResults]  # per-note rule results of reported notes
    digests: Mapping[str, bytes]  # content hash of every note in the vault
    parsed: frozenset[str]  # the notes read and parsed (not taken from the cache)
    flavor: Flavor  # whose link semantics apply (read from the vault once)
    messages: tuple[str, ...]
    internal_error: bool
    cache: IndexCache | None = dataclasses.field(default=None, repr=False)

    def cached_vault_findings(self, fingerprint: str) -> Sequence[tuple[str, FindingTuple]] | None:
        """The vault-rule findings the cache holds for inputs with this fingerprint."""
        return self.cache.vault_findings(fingerprint) if self.cache is not None else None

    def save(self, vault_findings: VaultFindings | None = None) -> tuple[str, ...]:
        """Write the index cache (with ``vault_findings`` to reuse); returns warnings."""
        if self.cache is None:
            return ()
        if vault_findings is not None:
            self.cache.store_vault_findings(*vault_findings)
        self.cache.save()
        warning = self.cache.warning
        if not warning:
            return ()
        self.cache.warning = None
        return (f"notelint: warning: {warning}",)

    def for_buffer(self, vault: Vault) -> Index:
        """This index with ``vault`` (an editor's, holding its open buffers) reporting
        ``vault.reported``: their per-note results are computed anew by the check."""
        return dataclasses.replace(
            self,
            vault=vault,
            reported=vault.reported,
            reported_problems=frozenset(),
            results={rel: r for rel, r in self.results.items() if rel not in vault.reported},
            messages=(),
            internal_error=False,
        )


def build_index(plan: Plan, *, report: bool = True) -> Index:
    """Discover the vault, analyse what changed and take the rest from the cache.

    ``report=False`` reports nothing, so every unchanged note comes from the cache, and
    the cache is saved at once (the language server's warm start, ``notelint mv``).
    Raises ``UsageError`` for paths that cannot work.
    """
    return _Builder(plan).build(report)


class _Builder:
    """The mutable work of one index build; gives a frozen :class:`Index`."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.messages: list[str] = []
        self.internal_error = False
        self.problems: list[FileProblem] = []
        self.results: dict[str, NoteResults] = {}
        self.digests: dict[str, bytes] = {}
        self.parsed: set[str] = set()
        self.cache: IndexCache | None = None

    def build(self, report: bool) -> Index:
        plan = self.plan
        discovery, walker = discover(plan.root, plan.config)
        reported: set[str] = set()
        if report:
            reported, said = asked_about(plan, discovery, walker)
            self.messages.extend(said)
        stdin_rel = stdin_rel_of(plan)
        self.cache = open_cache(plan)
        notes = SummaryNotes(plan.root, plan.paths.display_rel, self._reparse)
        self._load_notes([rel for rel in discovery.notes if rel != stdin_rel], reported, notes)
        if plan.request.report_dependents:
            reported |= self._dependents(reported, notes)
        if self.cache is not None:
            self.cache.forget_missing(discovery.notes)
        if stdin_rel is not None:
            self._take_stdin(stdin_rel, stdin_rel in reported, notes)
            if stdin_rel in discovery.attachments:
                discovery.attachments.remove(stdin_rel)
        self.problems.extend(discovery.problems)
        reported_problems = frozenset(p.rel for p in self.problems if p.rel in reported)
        reported_attachments = {rel for rel in discovery.attachments if rel in reported}
        vault = Vault(
            root=plan.root,
            notes=notes,
            attachments=frozenset(discovery.attachments),
            unreadable=frozenset(p.rel for p in self.problems if has_note_suffix(p.rel)),
            folders=frozenset(discovery.folders),
            reported=frozenset(rel for rel in reported if rel in notes),
        )
        flavor = vault.publisher(requested(plan.config.families.get("links", {})))
        index = Index(
            vault=vault,
            problems=tuple(self.problems),
            reported=vault.reported | reported_problems | reported_attachments,
            reported_problems=reported_problems,
            results=self.results,
            digests=self.digests,
            parsed=frozenset(self.parsed),
            flavor=flavor,
            messages=(),
            internal_error=self.internal_error,
            cache=self.cache,
        )
        saved = () if report else index.save()
        said = [*self.messages, *saved, *discovery.warnings]
        said.extend(f"notelint: note: {note}" for note in flavor.notes)
        return dataclasses.replace(index, messages=tuple(said))

    def _take_stdin(self, rel: str, wanted: bool, notes: SummaryNotes) -> None:
        text = self.plan.request.stdin_text or ""
        decoded = decode_note(text.encode("utf-8", errors="surrogateescape"), rel)
        if isinstance(decoded, FileProblem):
            self.problems.append(decoded)
            return
        outcome = self.plan.analyser.analyse_text(rel, decoded.text, decoded.has_bom,
                                                  reported=wanted)
        self._take(outcome, notes, cache=False)

    def _load_notes(self, rels: Sequence[str], reported: set[str], notes: SummaryNotes) -> None:
        """Take unchanged notes from the cache; read, parse and check the others.

        A note the user asked about needs its per-note results too, which the cache holds
        only when they were computed by the same rules and options.
        """
        tasks: list[Task] = []
        root = str(self.plan.root)
        for rel in rels:
            wanted = rel in reported
            entry = self._usable_entry(rel, wanted)
            if entry is not None and self.cache is not None:
                stamp = FileStamp.of(os.path.join(root, rel))
                if stamp is not None and stamp == entry.stamp:
                    self._take_entry(rel, entry, notes)
                    continue
            tasks.append(Task(rel, wanted, entry.digest if entry is not None else None))
        for outcome in analyse_all(self.plan.analyser, tasks, self.plan.jobs):
            self._take(outcome, notes)

    def _usable_entry(self, rel: str, wanted: bool) -> CacheEntry | None:
        """The cache entry of ``rel`` if it holds what this run needs of the note."""
        if self.cache is None:
            return None
        entry = self.cache.entry(rel)
        if entry is None:
            return None
        if entry.stamp.size > self.plan.config.max_file_size:  # the limit was lowered since
            return None
        if wanted and self._current_results(entry) is None:
            return None
        return entry

    def _current_results(self, entry: CacheEntry) -> NoteResults | None:
        """The entry's per-note results if this run's rules and options computed them."""
        results = entry.results
        current = results is not None and results.rules_key == self.plan.analyser.rules_key
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
        outcome = self.plan.analyser.analyse(Task(rel, reported=False))
        if outcome.note is not None:
            return outcome.note
        return self.plan.analyser.parse(rel, "")

    def _dependents(self, reported: set[str], notes: SummaryNotes) -> set[str]:
        """Notes whose links a staged rename or deletion broke, checked in full."""
        dependents = set(find_dependents(self.plan.root, reported, notes))
        self._load_notes(sorted(rel for rel in dependents if rel not in self.results),
                         dependents, notes)
        return dependents


def open_cache(plan: Plan) -> IndexCache | None:
    """The index cache of this plan's parser (None when caching is off)."""
    if not plan.request.use_cache:
        return None
    impls = plan.plugins.manager.hook.notelint_configure_markdown.get_hookimpls()
    names = []
    for impl in impls:
        source = getattr(impl.plugin, "__file__", None)
        stamp = FileStamp.of(Path(source)) if source else None
        names.append(f"{impl.plugin_name}@{stamp.mtime_ns if stamp else 0}")
    # before any rule writes its own cache there: the folder gets its .gitignore only
    # when notelint creates it
    with contextlib.suppress(OSError):  # read-only: saving the index will say so
        prepare_cache_dir(plan.cache_dir)
    key = parser_key(names, {"frontmatter": FRONTMATTER_FORMATS})
    return IndexCache(plan.cache_dir, key).load()


def stdin_rel_of(plan: Plan) -> str | None:
    """The root-relative path the text on stdin is checked as (None: no stdin)."""
    if plan.request.stdin_filename is None:
        return None
    rel = relative_to_root(first_path(plan.request, plan.cwd), plan.root)
    if rel is None:
        raise UsageError(
            f"--stdin-filename {plan.request.stdin_filename} is outside the vault root "
            f"{plan.root}; pass --root"
        )
    return rel


def asked_about(plan: Plan, discovery: Discovery, walker: Any) -> tuple[set[str], list[str]]:
    """Root-relative paths (notes and problem paths) the user asked about, and a line
    naming the given files left out.

    A folder under which no note is found is a usage error (a mistyped path in CI
    must not pass); named files that are excluded, outside the root or not notes are
    left out with one line saying so (the pre-commit hook passes such files).
    """
    request, config, root = plan.request, plan.config, plan.root
    if request.stdin_filename is not None:
        rel = stdin_rel_of(plan)
        return ({rel} if rel is not None else set()), []
    if not request.paths and request.report_dependents:
        return set(), []  # the hook on a commit that only deletes: the dependents alone
    candidates = [*discovery.notes, *(p.rel for p in discovery.problems)]
    reported: set[str] = set()
    skipped: dict[str, list[str]] = defaultdict(list)
    shown_root = plan.paths.display(root)
    for given in request.paths or ["."]:
        path = Path(given) if Path(given).is_absolute() else plan.cwd / given
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{given}: no such file or folder")
        rel = relative_to_root(path, root)
        if rel is None and path.is_dir() and relative_to_root(root, path) is not None:
            rel = "."  # a folder holding the configured root: the whole vault
        if rel is None:
            if not path.is_dir():
                skipped[f"outside the vault root {shown_root}"].append(given)
                continue
            raise UsageError(f"{given} is outside the vault root {root}; pass --root")
        if path.is_dir():
            prefix = "" if rel in ("", ".") else rel + "/"
            found = {c for c in candidates if c.startswith(prefix)}
            # attachments too: a rule may report on a file that is no note (NL602)
            files = {a for a in discovery.attachments if a.startswith(prefix)}
            if not found and not files:
                raise UsageError(
                    f"{given}: no notes in this folder (looked for "
                    f"{', '.join(config.include)} under the vault root {shown_root}, "
                    "leaving out 'exclude' and .gitignore matches); check the path"
                )
            reported.update(found)
            reported.update(files)
        elif rel in discovery.attachments:
            reported.add(rel)
        elif not walker.is_note(rel):
            skipped["not notes (include: " + ", ".join(config.include) + ")"].append(given)
        elif walker.is_excluded(rel):
            skipped[f"excluded by 'exclude' in {config.source}"].append(given)
        else:
            reported.add(rel)
            if rel not in discovery.notes and not any(p.rel == rel for p in discovery.problems):
                discovery.notes.append(rel)  # passed explicitly though ignored by git
    said = []
    if skipped:
        reasons = "; ".join(f"{why}: {', '.join(names)}" for why, names in skipped.items())
        count = sum(len(names) for names in skipped.values())
        said.append(
            f"notelint: {count} named file{'s' if count != 1 else ''} not checked, {reasons}"
        )
    return reported, said
