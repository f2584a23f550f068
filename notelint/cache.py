"""The per-file index cache: what other notes need to know of a note, kept between runs.

Checking five changed notes in a vault of thousands must not re-parse the thousands.
Rules look at the notes they report on in full, but at other notes only through the
vault index: names, frontmatter, headings, links, tags, block ids, text. Those facts
are stored here per file, keyed by the file's size and modification time, and a note that
is not reported and has not changed is rebuilt from them without being read.

The cache is one pickle of plain tuples (fast to load), written atomically; a cache
from another notelint version or plugin set, or one that fails to load, is ignored.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notelint import __version__
from notelint.fix import write_atomically
from notelint.model import (
    BlockId,
    Comment,
    Frontmatter,
    Heading,
    Link,
    LinkKind,
    Note,
    Span,
    Tag,
    YamlError,
)
from notelint.parse import split_lines

CACHE_FORMAT = 3  # 2: parser fixes changed spans, escapes and comments; 3: html_ids
INDEX_FILE = "index.pickle"

SpanTuple = tuple[int, int, int, int]
_KINDS = {kind.value: kind for kind in LinkKind}


@dataclass(frozen=True)
class FileStamp:
    """What says a file did not change: its size and modification time."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns)


class IndexCache:
    """Note summaries by root-relative path, valid for one parser configuration."""

    def __init__(self, folder: Path, parser_key: str) -> None:
        self.path = folder / INDEX_FILE
        self.key = (CACHE_FORMAT, __version__, parser_key)
        self.entries: dict[str, tuple[FileStamp, tuple[Any, ...]]] = {}
        self.dirty = False
        self.warning: str | None = None

    def load(self) -> IndexCache:
        """Read the cache file; anything unexpected leaves the cache empty."""
        try:
            with self.path.open("rb") as handle:
                key, entries = pickle.load(handle)
        except FileNotFoundError:
            return self
        except Exception as exc:  # a corrupt cache costs a re-parse, never the run
            self.warning = f"ignoring unreadable cache {self.path}: {type(exc).__name__}"
            self.dirty = True
            return self
        if key == self.key and isinstance(entries, dict):
            self.entries = entries
        else:
            self.dirty = True
        return self

    def note(self, rel: str, stamp: FileStamp | None, display: str, file: Path) -> Note | None:
        """The cached summary of ``rel`` as a Note, if the file is unchanged."""
        entry = self.entries.get(rel)
        if entry is None or stamp is None or entry[0] != stamp:
            return None
        try:
            return note_from_summary(entry[1], rel=rel, display=display, file=file)
        except Exception:  # a summary of another shape: parse the file instead
            return None

    def store(self, note: Note, stamp: FileStamp | None) -> None:
        if stamp is None:
            return
        self.entries[note.rel] = (stamp, summary_of(note))
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
            data = pickle.dumps((self.key, self.entries), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(self.path, data)
        except OSError as exc:
            self.warning = f"could not write the cache {self.path}: {exc.strerror or exc}"


def prepare_cache_dir(folder: Path) -> None:
    """Create the cache folder holding a ``.gitignore`` of ``*``.

    Like ruff's, mypy's and pytest's caches, it then never lands in a commit through
    ``git add -A`` (which would make pre-commit report the hook as modifying files).
    """
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# created by notelint: the cache is never committed\n*\n",
                          encoding="utf-8")


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


def parser_key(plugin_names: Iterable[str], extra: Mapping[str, str] | None = None) -> str:
    """What decides how notes parse: the syntax plugins loaded (and their versions)."""
    parts = sorted(plugin_names)
    if extra:
        parts += [f"{k}={v}" for k, v in sorted(extra.items())]
    return "|".join(parts)

