"""``notelint mv OLD NEW``: rename or move a note, an attachment or a folder and rewrite
every link to it, in every note, so that nothing breaks.

A garden kept in git has no safe rename: Obsidian rewrites links only inside the app,
and a rename in the shell or on GitHub leaves every link to the note pointing at
nothing. notelint already resolves every link of the vault the way the site does; this
module resolves each link before the move and in the vault as it will be after it, and
rewrites only the links that would otherwise change meaning or break:

- wiki-links and embeds keep their ``|alias``, ``|size``, ``#heading`` and ``#^block``; the
  new target is the shortest form (name, then ever longer paths) the resolver reads as
  exactly the moved file;
- Markdown links and HTML ``src``/``href`` keep their style: a relative path is recomputed
  from each linking note, ``/root`` paths stay rooted, ``%20`` stays ``%20``, ``<a b.md>``
  keeps its brackets; reference definitions are rewritten where they are defined;
- wiki-links in frontmatter values (``up: "[[parent]]"``) are rewritten too.

Nothing is written when any link would end ambiguous or broken, when NEW exists, or when
a note changed since it was read. Every note is written atomically (temporary sibling,
then rename; BOM and line endings kept), the file or folder is moved last, with
``git mv`` when git tracks it. Ctrl-C while writing is held until the move is complete,
and even a killed process leaves each note either as it was or as it should be.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import posixpath
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote

from notelint.engine import RunRequest, Session
from notelint.fix import apply_fixes_to_text, write_atomically
from notelint.model import Fix, Link, LinkKind, Note, NoteFacts, Span
from notelint.roots import OBSIDIAN_MARKER, QUARTZ_MARKERS
from notelint.vault import (
    Resolved,
    Resolver,
    Status,
    Vault,
    facts_of,
    has_note_suffix,
    join_target,
    strip_note_suffix,
)


class MoveError(Exception):
    """The move cannot be done safely; the message says why and what to do."""


@dataclass(frozen=True)
class Rewrite:
    """One note's new text; ``rel`` is where it is now, ``new_rel`` where it will be."""

    rel: str
    new_rel: str
    file: Path
    old_text: str
    new_text: str
    has_bom: bool
    links: int

    def encoded(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.has_bom else b"") + text.encode(
            "utf-8", errors="surrogateescape"
        )


@dataclass(frozen=True)
class MovePlan:
    """Everything ``notelint mv`` will do, decided before anything is written."""

    root: Path
    old: str  # root-relative
    new: str
    folder: bool
    renames: tuple[tuple[str, str], ...]  # every file that moves, old -> new
    rewrites: tuple[Rewrite, ...]
    display: Any = field(default=None, repr=False, compare=False)  # rel -> shown path

    @property
    def links(self) -> int:
        return sum(rewrite.links for rewrite in self.rewrites)

    def shown(self, rel: str) -> str:
        return str(self.display(rel)) if self.display is not None else rel

    def diff(self) -> str:
        """A unified diff of every note's change, preceded by the renames (``--dry-run``)."""
        out: list[str] = []
        kind = "folder" if self.folder else "file"
        out.append(f"rename {kind} {self.shown(self.old)} -> {self.shown(self.new)}\n")
        for rewrite in self.rewrites:
            old_lines = rewrite.old_text.splitlines(keepends=True)
            new_lines = rewrite.new_text.splitlines(keepends=True)
            for line in difflib.unified_diff(
                old_lines,
                new_lines,
                fromfile="a/" + self.shown(rewrite.rel),
                tofile="b/" + self.shown(rewrite.new_rel),
            ):
                if not line.endswith(("\n", "\r")):
                    line += "\n\\ No newline at end of file\n"
                out.append(line)
        return "".join(out)


# -- planning ----------------------------------------------------------------------------


def plan_move(
    old: Path,
    new: Path,
    *,
    root: Path | None = None,
    config_file: Path | None = None,
    cwd: Path | None = None,
) -> MovePlan:
    """Decide the move of ``old`` to ``new`` (paths as the user gave them)."""
    cwd = (cwd or Path.cwd()).resolve()
    old_abs = _absolute(old, cwd)
    new_abs = _absolute(new, cwd)
    if not os.path.lexists(old_abs):
        raise MoveError(f"{old}: no such file or folder")
    probe = old_abs / "__notelint_probe__.md" if old_abs.is_dir() else old_abs
    session = Session(
        RunRequest(paths=[str(probe)], root=root, config_file=config_file, cwd=cwd, offline=True)
    )
    try:
        session.prepare()
    except Exception as exc:  # a configuration error: shown as check shows it
        raise MoveError(str(exc)) from None
    guessed = root is None and session.config.root is None and session.config.path is None
    if guessed and not _marked(session.root):
        raise MoveError(
            f"cannot tell where the vault holding {old} starts (no .obsidian/, "
            "quartz.config.ts, notelint configuration or .git above it), so notes "
            "linking to it from elsewhere could be missed; pass --root VAULT"
        )
    vault = session.build_vault(report=False)
    old_rel = _rel(old_abs, session.root, old)
    new_rel = _rel(new_abs, session.root, new)
    return Planner(vault, _resolver_settings(session), session.display_rel).plan(old_rel, new_rel)


def _marked(root: Path) -> bool:
    """Whether ``root`` was found by a marker (a vault, a site, a repository), not
    merely as the folder of the file given."""
    for folder in (root, root.parent):
        if (folder / OBSIDIAN_MARKER).is_dir() or (folder / ".git").exists():
            return True
        if any((folder / marker).is_file() for marker in QUARTZ_MARKERS):
            return True
    return False


def _absolute(path: Path, cwd: Path) -> Path:
    absolute = path if path.is_absolute() else cwd / path
    return Path(os.path.normpath(absolute))


def _rel(path: Path, root: Path, given: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        raise MoveError(f"{given} is outside the vault root {root}; pass --root") from None
    if rel in ("", "."):
        raise MoveError(f"{given} is the vault root itself; move a note, a file or a folder in it")
    return rel


def _resolver_settings(session: Session) -> dict[str, Any]:
    """The links rules' resolution settings (whichever rule carries them), so the move
    reads links exactly as ``notelint check`` does."""
    for options in getattr(session, "options", {}).values():
        if all(hasattr(options, key) for key in ("resolution", "virtual", "slug")):
            settings = {
                "resolution": options.resolution,
                "virtual": tuple(options.virtual),
                "slug": options.slug,
            }
            if hasattr(options, "flavor"):  # the publisher the links rules judge by
                settings["flavor"] = options.flavor
            return settings
    return {}


class _MovedNotes(Mapping[str, Note]):
    """The vault's notes under their paths after the move (nothing is copied)."""

    def __init__(self, notes: Mapping[str, Note], renames: Mapping[str, str]) -> None:
        self._notes = notes
        self._back = {new: old for old, new in renames.items()}
        self._moved_away = set(renames)
        self._paths = [renames.get(rel, rel) for rel in notes]

    def _old(self, rel: str) -> str:
        return self._back.get(rel, rel)

    def __getitem__(self, rel: str) -> Note:
        if rel in self._back:
            return self._notes[self._back[rel]]
        if rel in self._notes and rel not in self._moved_away:
            return self._notes[rel]
        raise KeyError(rel)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, rel: object) -> bool:
        if not isinstance(rel, str):
            return False
        return rel in self._back or (rel in self._notes and rel not in self._moved_away)

    def facts(self, rel: str) -> NoteFacts:
        old = self._old(rel)
        lookup = getattr(self._notes, "facts", None)
        if lookup is not None:
            found: NoteFacts = lookup(old)
            return found
        return facts_of(self._notes[old])


@dataclass
class _Edit:
    span: Span
    text: str


_FRONTMATTER_WIKI_RE = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_REFERENCE_RE = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(<[^>\n]*>|[^\s<>]+)")
_WIKI_FORBIDDEN = frozenset("|#[]^")


class Planner:
    """Plans one move in one vault (old and new resolvers share the vault's notes)."""

    def __init__(self, vault: Vault, settings: Mapping[str, Any], display: Any = None) -> None:
        self.vault = vault
        self.settings = dict(settings)
        self.display = display or (lambda rel: rel)
        self.before: Resolver = vault.resolver(**self.settings)

    def plan(self, old: str, new: str) -> MovePlan:
        vault = self.vault
        old, new = old.strip("/"), new.strip("/")
        folder = old in vault.folders
        if not folder and old not in vault.notes and old not in vault.attachments:
            raise MoveError(
                f"{self.display(old)} is not a note, file or folder of the vault (is it "
                "excluded, ignored by git or in a dot-folder?)"
            )
        if os.path.lexists(vault.root / new):
            raise MoveError(f"{self.display(new)} already exists; notelint mv never overwrites")
        if folder and (new + "/").startswith(old + "/"):
            raise MoveError(f"cannot move the folder {self.display(old)} into itself")
        if any(part.startswith(".") for part in new.split("/")):
            raise MoveError(
                f"{self.display(new)} is inside a dot-folder or hidden: notelint (and the "
                "site) would no longer see it"
            )
        if not folder and (old in vault.notes) != has_note_suffix(new):
            what = "a note" if old in vault.notes else "a file that is no note"
            raise MoveError(
                f"{self.display(old)} is {what}; keep the '.md' ending as it is "
                f"({self.display(new)} would change what it is)"
            )
        renames = self._renames(old, new, folder)
        folders = self._folders(old, new, folder)
        after_vault = Vault(
            root=vault.root,
            notes=_MovedNotes(vault.notes, renames),
            attachments=frozenset(renames.get(rel, rel) for rel in vault.attachments),
            folders=frozenset(folders),
            reported=frozenset(),
        )
        self.after: Resolver = after_vault.resolver(**self.settings)
        self.renames = renames
        self.folder_map = (old, new) if folder else None
        rewrites: list[Rewrite] = []
        problems: list[str] = []
        for rel in sorted(vault.notes):
            note = vault.notes[rel]
            edits = self._note_edits(note, problems)
            if not edits:
                continue
            fixes = [Fix(edit.span, edit.text) for edit in edits]
            new_text, applied, _ = apply_fixes_to_text(note.text, fixes)
            if new_text != note.text:
                rewrites.append(
                    Rewrite(rel, renames.get(rel, rel), note.file, note.text, new_text,
                            note.has_bom, applied)
                )
        if problems:
            listed = "\n".join(f"  {problem}" for problem in problems[:10])
            more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
            raise MoveError(
                f"moving {self.display(old)} to {self.display(new)} would leave links "
                f"ambiguous or broken; nothing was changed:\n{listed}{more}"
            )
        return MovePlan(vault.root, old, new, folder, tuple(sorted(renames.items())),
                        tuple(rewrites), self.display)

    def _renames(self, old: str, new: str, folder: bool) -> dict[str, str]:
        if not folder:
            return {old: new}
        prefix = old + "/"
        return {
            rel: new + "/" + rel[len(prefix):]
            for rel in (*self.vault.notes, *self.vault.attachments)
            if rel.startswith(prefix)
        }

    def _folders(self, old: str, new: str, folder: bool) -> set[str]:
        found: set[str] = set()
        for rel in self.vault.folders:
            if folder and (rel == old or rel.startswith(old + "/")):
                rel = new + rel[len(old):]
            found.add(rel)
        parent = posixpath.dirname(new)
        while parent:
            found.add(parent)
            parent = posixpath.dirname(parent)
        if folder:
            found.add(new)
        return found

    def _map(self, rel: str, status: Status) -> str:
        if status is Status.FOLDER or rel in self.vault.folders:
            if self.folder_map is not None:
                old, new = self.folder_map
                if rel == old or rel.startswith(old + "/"):
                    return new + rel[len(old):]
            return rel
        return self.renames.get(rel, rel)

    # -- per note ---------------------------------------------------------------------

    def _note_edits(self, note: Note, problems: list[str]) -> list[_Edit]:
        source = note.rel
        new_source = self.renames.get(source, source)
        edits: dict[Span, _Edit] = {}
        for link, span, context in self._links(note):
            if span in edits:
                continue
            text = self._rewrite(note, link, span, context, source, new_source, problems)
            if text is not None:
                edits[span] = _Edit(span, text)
        return list(edits.values())

    def _links(self, note: Note) -> Iterator[tuple[Link, Span, str]]:
        """(link, the span of the written target to rewrite, how it is written)."""
        seen: set[Span] = set()
        for link in note.links:
            if not _is_local(link):
                continue
            span = link.target_span
            if span is None:
                if link.kind in (LinkKind.MARKDOWN, LinkKind.IMAGE):
                    yield from self._reference(note, link, seen)
                continue
            seen.add(span)
            yield link, span, self._context(note, span)
        yield from self._frontmatter_links(note, seen)

    def _context(self, note: Note, span: Span) -> str:
        line = note.line_text(span.line)
        before = line[span.column - 2] if span.column >= 2 else ""
        after = line[span.end_column - 1] if span.end_column - 1 < len(line) else ""
        return "angle" if before == "<" and after == ">" else "plain"

    def _reference(
        self, note: Note, link: Link, seen: set[Span]
    ) -> Iterator[tuple[Link, Span, str]]:
        """The definition line ``[label]: dest`` a reference-style link takes its target from."""
        for index, line in enumerate(note.lines, start=1):
            match = _REFERENCE_RE.match(line)
            if match is None:
                continue
            dest = match.group(2)
            angle = dest.startswith("<")
            raw = dest[1:-1] if angle else dest
            if unquote(raw.partition("#")[0]) != link.target:
                continue
            start = match.start(2) + (1 if angle else 0)
            span = Span(index, start + 1, index, start + 1 + len(raw))
            if span in seen:
                continue
            seen.add(span)
            yield link._replace(raw=raw, target_span=span), span, "angle" if angle else "plain"

    def _frontmatter_links(
        self, note: Note, seen: set[Span]
    ) -> Iterator[tuple[Link, Span, str]]:
        block = note.frontmatter.span
        if block is None or not note.frontmatter.present:
            return
        for line_no in range(block.line + 1, block.end_line):
            line = note.line_text(line_no)
            for match in _FRONTMATTER_WIKI_RE.finditer(line):
                inner = match.group(2)
                raw = inner.split("|", 1)[0]
                target, _, fragment = raw.partition("#")
                start = match.start(2) + 1
                span = Span(line_no, start, line_no, start + len(raw))
                if span in seen or not target.strip():
                    continue
                seen.add(span)
                kind = LinkKind.EMBED if match.group(1) else LinkKind.WIKILINK
                yield (
                    Link(kind, raw, target.strip(), fragment or None, None, span, span),
                    span,
                    "plain",
                )

    def _rewrite(
        self,
        note: Note,
        link: Link,
        span: Span,
        context: str,
        source: str,
        new_source: str,
        problems: list[str],
    ) -> str | None:
        """The new written target of ``link``, or None when it stays as it is."""
        target = link.target.strip()
        if not target:
            return None  # "[[#heading]]": this note, wherever it is
        wiki = link.kind.is_wiki
        before = self.before.resolve(target, source, wiki=wiki)
        if not (before.status.found or before.status is Status.FOLDER) or before.rel is None:
            return None  # broken or generated before the move: not ours to judge
        expected = self._map(before.rel, before.status)
        moved = expected != before.rel or new_source != source
        after = self.after.resolve(target, new_source, wiki=wiki)
        # a relative Markdown path is recomputed even where the root frame still finds
        # it: GitHub and plain Markdown viewers read it relative to the note
        relative = moved and not wiki and _written_relative(target, source, before)
        if self._same(before, after, expected) and not relative:
            return None
        where = f"{note.display}:{link.span.line}:{link.span.column}"
        if not moved:
            if before.status is Status.OK:
                problems.append(
                    f"{where}: {_written(link)} would become {_outcome(after)} "
                    f"(it means '{before.rel}')"
                )
            return None
        new_raw = self._new_form(link, span, context, source, new_source, before, expected)
        if new_raw is None:
            problems.append(
                f"{where}: {_written(link)} cannot be rewritten to a link that means only "
                f"'{expected}'"
            )
        return new_raw if new_raw != link.raw else None

    @staticmethod
    def _same(before: Resolved, after: Resolved, expected: str) -> bool:
        if after.rel != expected:
            return False
        if before.status is Status.OK or before.status is Status.FOLDER:
            return after.status is before.status
        return after.status in (before.status, Status.OK)

    def _new_form(
        self,
        link: Link,
        span: Span,
        context: str,
        source: str,
        new_source: str,
        before: Resolved,
        expected: str,
    ) -> str | None:
        raw = link.raw
        wiki = link.kind.is_wiki
        cut = [index for index in (raw.find("#"), -1 if wiki else raw.find("?")) if index >= 0]
        path_part = raw[: min(cut)] if cut else raw
        rest = raw[len(path_part):]
        if path_part.endswith("\\"):  # "[[a\|b]]" in a table: the escape belongs to the pipe
            path_part, rest = path_part[:-1], "\\" + rest
        is_folder = before.status is Status.FOLDER or before.rel in self.vault.folders
        keep_md = has_note_suffix(link.target) or is_folder
        trailing = "/" if path_part.endswith("/") else ""
        if wiki:
            candidates = self._wiki_candidates(expected, keep_md, is_folder)
            style = getattr(getattr(self.after, "flavor", None), "new_link_format", "shortest")
            if style in ("absolute", "relative"):  # Obsidian's "New link format" setting
                path = next(reversed(list(self._wiki_candidates(expected, keep_md, is_folder))))
                if style == "relative":
                    path = posixpath.relpath(path, posixpath.dirname(new_source) or ".")
                candidates = iter([path])
            for candidate in candidates:
                if self._means(candidate + trailing, new_source, True, expected, is_folder):
                    if any(char in candidate for char in _WIKI_FORBIDDEN):
                        return None
                    return candidate + trailing + rest
            return None
        for candidate in self._path_candidates(path_part, link, source, new_source, expected,
                                               keep_md, before):
            if self._means(candidate + trailing, new_source, False, expected, is_folder):
                return _encode(candidate, path_part, context, link.kind) + trailing + rest
        return None

    def _means(self, candidate: str, source: str, wiki: bool, expected: str, folder: bool) -> bool:
        found = self.after.resolve(candidate, source, wiki=wiki)
        wanted = Status.FOLDER if folder else Status.OK
        return found.status is wanted and found.rel == expected

    @staticmethod
    def _wiki_candidates(expected: str, keep_md: bool, folder: bool) -> Iterator[str]:
        path = expected if keep_md or folder else strip_note_suffix(expected)
        parts = path.split("/")
        for size in range(1, len(parts) + 1):
            yield "/".join(parts[-size:])

    def _path_candidates(
        self,
        path_part: str,
        link: Link,
        source: str,
        new_source: str,
        expected: str,
        keep_md: bool,
        before: Resolved,
    ) -> Iterator[str]:
        target = expected if keep_md else strip_note_suffix(expected)
        folder = posixpath.dirname(new_source)
        relative = posixpath.relpath(target, folder or ".")
        if path_part.startswith("./") and not relative.startswith("../"):
            relative = "./" + relative
        decoded = link.target.strip()
        if decoded.startswith("/"):
            yield "/" + target
            return
        if _written_relative(decoded, source, before):
            yield relative
            yield target
            return
        if "/" in decoded.rstrip("/"):
            yield target
            yield relative
            return
        yield target.rsplit("/", 1)[-1]  # a bare name, as written
        yield relative
        yield target


def _written_relative(target: str, source: str, before: Resolved) -> bool:
    """Whether a Markdown target is a path read from the linking note's folder."""
    if target.startswith("/"):
        return False
    if target.startswith(("./", "../")):
        return True
    if "/" not in target.rstrip("/") and posixpath.dirname(source) == "":
        # a bare name at the root: relative and by-name readings agree only there
        joined: str | None = target.rstrip("/")
    else:
        joined = join_target(posixpath.dirname(source), target.rstrip("/"))
    rel = before.rel or ""
    return joined is not None and joined in (rel, strip_note_suffix(rel))


def _encode(path: str, written: str, context: str, kind: LinkKind) -> str:
    """A path as the link writes it: ``%20`` for spaces unless the link used ``<...>`` or
    literal spaces (HTML attributes may)."""
    if context == "angle":
        return path
    if kind in (LinkKind.HTML_LINK, LinkKind.HTML_IMAGE) and " " in written:
        return path
    text = path.replace("%", "%25") if "%" in path else path
    return text.replace(" ", "%20")


def _is_local(link: Link) -> bool:
    if link.kind in (LinkKind.AUTOLINK, LinkKind.BARE_URL):
        return False
    if link.scheme is None:
        return True
    return link.kind.is_wiki and "://" not in link.raw


def _written(link: Link) -> str:
    if link.kind is LinkKind.WIKILINK:
        return f"[[{link.raw}]]"
    if link.kind is LinkKind.EMBED:
        return f"![[{link.raw}]]"
    return f"link '{link.raw}'"


def _outcome(found: Resolved) -> str:
    if found.status is Status.AMBIGUOUS:
        return f"ambiguous ({', '.join(found.candidates[:4])})"
    if found.status.broken:
        return "broken"
    if found.status is Status.CASE_MISMATCH:
        return f"a case mismatch with '{found.rel}'"
    return f"a link to '{found.rel}'"


# -- doing it ----------------------------------------------------------------------------


class _HoldInterrupts:
    """Ctrl-C (SIGINT, SIGTERM) waits until the move is complete, then is delivered."""

    def __enter__(self) -> _HoldInterrupts:
        self.received: int | None = None
        self._previous: dict[int, Any] = {}
        with contextlib.suppress(ValueError):  # not the main thread: nothing to hold
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._hold)
        return self

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if self.received == signal.SIGINT:
            raise KeyboardInterrupt
        if self.received is not None:
            os.kill(os.getpid(), self.received)


def apply_move(plan: MovePlan) -> None:
    """Rewrite the notes (each atomically), then move the file or folder."""
    root = plan.root
    if os.path.lexists(root / plan.new):
        raise MoveError(f"{plan.shown(plan.new)} already exists; notelint mv never overwrites")
    for rewrite in plan.rewrites:  # nothing is written unless every note is as planned
        try:
            current = rewrite.file.read_bytes()
        except OSError as exc:
            raise MoveError(f"{plan.shown(rewrite.rel)}: cannot read: {exc.strerror}") from None
        if current != rewrite.encoded(rewrite.old_text):
            raise MoveError(
                f"{plan.shown(rewrite.rel)} changed while notelint planned the move; "
                "nothing was changed, run it again"
            )
    with _HoldInterrupts():
        for rewrite in plan.rewrites:
            write_atomically(rewrite.file, rewrite.encoded(rewrite.new_text))
        _move(root, plan.old, plan.new)


def _move(root: Path, old: str, new: str) -> None:
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    if _tracked(root, old):
        done = subprocess.run(
            ["git", "mv", "--", old, new], cwd=root, capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return
        # the tracked file may be staged differently; a plain rename is still correct
    os.rename(root / old, root / new)


def _tracked(root: Path, rel: str) -> bool:
    if shutil.which("git") is None:
        return False
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", rel], cwd=root, capture_output=True, check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and bool(done.stdout.strip(b"\0"))


# -- the command -------------------------------------------------------------------------


def command(args: Any) -> int:
    """``notelint mv OLD NEW [--dry-run]``: 0 moved (or the diff shown), 2 refused."""
    import sys

    try:
        plan = plan_move(args.old, args.new, root=args.root, config_file=args.config)
        if args.dry_run:
            sys.stdout.write(plan.diff())
            sys.stdout.write(_summary(plan, "would move"))
            return 0
        try:
            apply_move(plan)
        except KeyboardInterrupt:  # held while writing: the move is complete
            sys.stdout.write(_summary(plan, "moved"))
            print("notelint: interrupted (after the move was completed)", file=sys.stderr)
            return 130
    except MoveError as exc:
        print(f"notelint: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"notelint: error: the move failed: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(_summary(plan, "moved"))
    return 0


def _summary(plan: MovePlan, verb: str) -> str:
    files = len(plan.renames)
    what = f" ({files} file{'s' if files != 1 else ''})" if plan.folder else ""
    notes = len(plan.rewrites)
    return (
        f"{verb} {plan.shown(plan.old)} -> {plan.shown(plan.new)}{what}; "
        f"{plan.links} link{'s' if plan.links != 1 else ''} rewritten in "
        f"{notes} note{'s' if notes != 1 else ''}\n"
    )
