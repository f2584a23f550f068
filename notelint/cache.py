"""The per-file cache: what a run learnt of each note, kept for the next run.

A pre-commit hook that re-parses a vault of thousands to check five notes gets
uninstalled. So for every note the cache keeps, keyed by the file's size and modification
time and by a hash of its bytes:

- its summary: the facts other notes' rules may ask about (names, frontmatter, headings,
  links, tags, block ids, comments, text) as plain tuples, fast to load;
- the results of the per-note rules and what vault rules collected from it, valid for one
  set of rules and options (the "rules key");

and for the whole vault, the findings of the vault rules with the fingerprint of every
input they read. A note whose stamp (or, when touched, whose hash) is unchanged is neither
read for parsing nor checked again; when no note changed, the vault rules' findings are
reused too. The cache is one pickle, written atomically; a cache from another notelint
version or plugin set, or one that fails to load, is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from notelint import __version__
from notelint.fix import write_atomically
from notelint.model import (
    BlockId,
    Comment,
    Finding,
    Fix,
    Frontmatter,
    Heading,
    Link,
    LinkKind,
    Note,
    NoteFacts,
    Severity,
    Span,
    Tag,
    YamlError,
)
from notelint.parse import split_lines
from notelint.vault import facts_of

# 2: parser fixes changed spans, escapes and comments; 3: html_ids; 4: content hashes,
# per-note results and vault results; 5: draft in the facts
CACHE_FORMAT = 6
INDEX_FILE = "index.pickle"

SpanTuple = tuple[int, int, int, int]
FindingTuple = tuple[Any, ...]
_KINDS = {kind.value: kind for kind in LinkKind}
_SEVERITIES = {int(level): level for level in Severity}


class FileStamp(NamedTuple):
    """What says a file did not change without reading it: size and modification time."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> FileStamp | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns)


def digest_of(data: bytes) -> bytes:
    """The content hash a touched but unchanged file is recognised by."""
    return hashlib.blake2b(data, digest_size=16).digest()


class NoteResults(NamedTuple):
    """What the per-note rules found in one note and what vault rules collected from it,
    under the rules key they were computed with. Findings carry no path: the display
    path depends on the working directory of the run that reports them."""

    rules_key: str
    findings: tuple[FindingTuple, ...]
    collected: Mapping[str, Any]


class CacheEntry(NamedTuple):
    """One note as the last run saw it: ``summary`` is packed (``pack_summary``), since
    most runs unpack few of them; ``facts`` are what every run's indexes need."""

    stamp: FileStamp
    digest: bytes
    summary: bytes
    facts: NoteFacts
    results: NoteResults | None = None


class IndexCache:
    """Per-note entries by root-relative path, valid for one parser configuration, and
    the last vault rules' findings."""

    def __init__(self, folder: Path, parser_key: str) -> None:
        self.path = folder / INDEX_FILE
        self.key = (CACHE_FORMAT, __version__, parser_key)
        # entries are kept as plain tuples (``_pack_entry``): pickle loads and dumps those
        # at C speed, and a run unpacks only the entries it uses
        self.entries: dict[str, tuple[Any, ...]] = {}
        self.vault_results: tuple[str, tuple[tuple[str, FindingTuple], ...]] | None = None
        self.dirty = False
        self.warning: str | None = None

    def load(self) -> IndexCache:
        """Read the cache file; anything unexpected leaves the cache empty."""
        try:
            with self.path.open("rb") as handle:
                key, entries, vault_results = pickle.load(handle)
        except FileNotFoundError:
            return self
        except Exception as exc:  # a corrupt cache costs a re-parse, never the run
            self.warning = f"ignoring unreadable cache {self.path}: {type(exc).__name__}"
            self.dirty = True
            return self
        if key == self.key and isinstance(entries, dict):
            self.entries = entries
            self.vault_results = vault_results
        else:
            self.dirty = True
        return self

    def entry(self, rel: str) -> CacheEntry | None:
        """The entry of ``rel``; None when there is none or it has a shape this version
        does not write (it is then ignored and the note parsed again)."""
        raw = self.entries.get(rel)
        return None if raw is None else _unpack_entry(raw)

    def store(self, rel: str, entry: CacheEntry) -> None:
        self.entries[rel] = _pack_entry(entry)
        self.dirty = True

    def restamp(self, rel: str, stamp: FileStamp) -> CacheEntry | None:
        """Record that ``rel`` was touched but its bytes are unchanged."""
        entry = self.entry(rel)
        if entry is None:
            return None
        entry = entry._replace(stamp=stamp)
        self.store(rel, entry)
        return entry

    def vault_findings(self, fingerprint: str) -> tuple[tuple[str, FindingTuple], ...] | None:
        """The vault rules' findings of the last run, if it saw exactly these inputs."""
        if self.vault_results is None or self.vault_results[0] != fingerprint:
            return None
        return self.vault_results[1]

    def store_vault_findings(
        self, fingerprint: str, findings: tuple[tuple[str, FindingTuple], ...]
    ) -> None:
        self.vault_results = (fingerprint, findings)
        self.dirty = True

    def forget_missing(self, present: Iterable[str]) -> None:
        keep = set(present)
        stale = [rel for rel in self.entries if rel not in keep]
        for rel in stale:
            del self.entries[rel]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            prepare_cache_dir(self.path.parent)
            document = (self.key, self.entries, self.vault_results)
            write_atomically(
                self.path,
                lambda handle: pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL),
            )
        except OSError as exc:
            self.warning = f"could not write the cache {self.path}: {exc.strerror or exc}"


def _pack_entry(entry: CacheEntry) -> tuple[Any, ...]:
    results = entry.results
    return (
        entry.stamp.size,
        entry.stamp.mtime_ns,
        entry.digest,
        entry.summary,
        tuple(entry.facts),
        None if results is None
        else (results.rules_key, results.findings, dict(results.collected)),
    )


def _unpack_entry(raw: Any) -> CacheEntry | None:
    try:
        size, mtime_ns, digest, summary, facts, results = raw
        entry = CacheEntry(
            FileStamp(size, mtime_ns),
            digest,
            summary,
            NoteFacts(*facts),
            None if results is None else NoteResults(*results),
        )
    except (TypeError, ValueError):
        return None
    if not (isinstance(digest, bytes) and isinstance(summary, bytes)):
        return None
    return entry


#: The first line of the ``.gitignore`` in a cache folder: what ``notelint cache clean``
#: looks for before it removes a folder.
CACHE_MARKER = "# created by notelint: the cache is never committed"


def prepare_cache_dir(folder: Path) -> None:
    """Create the cache folder holding a ``.gitignore`` of ``*``.

    Like ruff's, mypy's and pytest's caches, it then never lands in a commit through
    ``git add -A`` (which would make pre-commit report the hook as modifying files).
    Only a folder notelint creates (or finds empty) gets one: with ``cache-dir = "."``
    a ``*`` there would hide the whole vault from git.
    """
    fresh = not folder.exists() or not any(folder.iterdir())
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".gitignore"
    if fresh and not marker.exists():
        marker.write_text(f"{CACHE_MARKER}\n*\n", encoding="utf-8")


# -- summaries: a Note's cross-file facts as plain tuples --------------------------------


def _span(span: Span | None) -> SpanTuple | None:
    return None if span is None else (span.line, span.column, span.end_line, span.end_column)


def _unspan(data: SpanTuple | None) -> Span | None:
    return None if data is None else Span(*data)


def summary_of(note: Note) -> tuple[Any, ...]:
    """The facts other notes' rules may ask about ``note``, as plain tuples."""
    fm = note.frontmatter
    error = None if fm.error is None else (fm.error.message, fm.error.line, fm.error.column)
    frontmatter = (
        fm.present,
        dict(fm.data) if fm.data is not None else None,
        error,
        _span(fm.span),
        {path: _span(span) for path, span in fm.positions.items()},
    )
    return (
        frontmatter,
        tuple((h.level, h.text, h.slug, _span(h.span), h.source) for h in note.headings),
        tuple(
            (
                link.kind.value,
                link.raw,
                link.target,
                link.fragment,
                link.alias,
                _span(link.span),
                _span(link.target_span),
                link.scheme,
            )
            for link in note.links
        ),
        tuple((tag.name, _span(tag.span), tag.source) for tag in note.tags),
        tuple((block.id, _span(block.span)) for block in note.block_ids),
        tuple((c.body, _span(c.span), c.style) for c in note.comments),
        note.has_bom,
        note.newline,
        note.text,
        note.html_ids,
    )


def pack_summary(note: Note) -> bytes:
    """The summary of ``note`` as bytes: what the cache keeps and workers send back."""
    return pickle.dumps(summary_of(note), protocol=pickle.HIGHEST_PROTOCOL)


def note_from_summary(summary: tuple[Any, ...], *, rel: str, display: str, file: Path) -> Note:
    """A Note holding the cached facts and text; only its tokens are left empty."""
    (frontmatter, headings, links, tags, block_ids, comments, has_bom, newline, text,
     html_ids) = summary
    present, data, error, span, positions = frontmatter
    return Note(
        rel=rel,
        display=display,
        file=file,
        text=text,
        lines=split_lines(text),
        frontmatter=Frontmatter(
            present=present,
            data=data,
            error=None if error is None else YamlError(*error),
            span=_unspan(span),
            positions={path: Span(*value) for path, value in positions.items()},
        ),
        tokens=(),
        headings=tuple(Heading(h[0], h[1], h[2], Span(*h[3]), h[4]) for h in headings),
        links=tuple(
            Link(_KINDS[k], raw, target, fragment, alias, Span(*s), _unspan(ts), scheme)
            for k, raw, target, fragment, alias, s, ts, scheme in links
        ),
        tags=tuple(Tag(name, Span(*s), source) for name, s, source in tags),
        block_ids=tuple(BlockId(block, Span(*s)) for block, s in block_ids),
        comments=tuple(Comment(body, Span(*s), style) for body, s, style in comments),
        has_bom=has_bom,
        newline=newline,
        html_ids=html_ids,
        summary_only=True,
    )


# -- findings without their path -------------------------------------------------------


def finding_tuple(finding: Finding) -> FindingTuple:
    """A finding as plain data, without its path (fast to pickle, valid in any cwd)."""
    fix = finding.fix
    return (
        _span(finding.span),
        finding.code,
        finding.rule,
        int(finding.severity),
        finding.message,
        finding.suggestion,
        None if fix is None else (_span(fix.span), fix.replacement),
        finding.subject,
    )


def finding_from_tuple(path: str, data: FindingTuple) -> Finding:
    span, code, rule, severity, message, suggestion, fix, subject = data
    return Finding(
        path=path,
        span=Span(*span),
        code=code,
        rule=rule,
        severity=_SEVERITIES[severity],
        message=message,
        suggestion=suggestion,
        fix=None if fix is None else Fix(Span(*fix[0]), fix[1]),
        subject=subject,
    )


class SummaryNotes(Mapping[str, Note]):
    """Notes by ``rel``, each rebuilt from its packed summary only when a rule asks.

    A warm run of a large vault knows thousands of notes of which the rules may look
    at a few; rebuilding them all would cost more than the check. ``facts`` answers
    what the vault-wide indexes need without rebuilding anything. Only the latest
    rebuilt notes are kept: a rule that walks 100,000 notes must not hold them all.
    """

    REBUILT = 512

    def __init__(self, root: Path, display_rel: Callable[[str], str]) -> None:
        self._root = root
        self._display_rel = display_rel
        self._items: dict[str, Note | bytes] = {}
        self._facts: dict[str, NoteFacts] = {}
        self._rebuilt: dict[str, Note] = {}  # the latest rebuilt notes, oldest first

    def add_note(self, note: Note) -> None:
        self._items[note.rel] = note
        self._facts.pop(note.rel, None)
        self._rebuilt.pop(note.rel, None)

    def add_summary(self, rel: str, summary: bytes, facts: NoteFacts) -> None:
        self._items[rel] = summary
        self._facts[rel] = facts
        self._rebuilt.pop(rel, None)

    def facts(self, rel: str) -> NoteFacts:
        found = self._facts.get(rel)
        if found is None:
            found = self._facts[rel] = facts_of(self[rel])
        return found

    def __getitem__(self, rel: str) -> Note:
        item = self._items[rel]
        if isinstance(item, Note):
            return item
        note = self._rebuilt.get(rel)
        if note is None:
            note = note_from_summary(
                pickle.loads(item), rel=rel, display=self._display_rel(rel),
                file=self._root / rel,
            )
            self._rebuilt[rel] = note
            if len(self._rebuilt) > self.REBUILT:
                del self._rebuilt[next(iter(self._rebuilt))]  # the oldest
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, rel: object) -> bool:
        return rel in self._items


def parser_key(plugin_names: Iterable[str], extra: Mapping[str, str] | None = None) -> str:
    """What decides how notes parse: the syntax plugins loaded (and their versions)."""
    parts = sorted(plugin_names)
    if extra:
        parts += [f"{k}={v}" for k, v in sorted(extra.items())]
    return "|".join(parts)

