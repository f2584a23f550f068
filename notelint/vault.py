"""The vault index: every note and attachment under the root, with name lookups.

Cross-file facts (which names exist, which notes link where) come from here and never
from rules re-reading files. The link resolver lives here too (``Vault.resolver``), so
every rule, the benchmark and ``dependents`` resolve a link the same way: the way Quartz
and Obsidian do (design §5).

Engine stage: check (the merged index vault rules read; built by the index stage).
"""

from __future__ import annotations

import enum
import functools
import heapq
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import chain
from pathlib import Path
from typing import Any

from notelint.flavor import ANCHOR_STYLES, RESOLUTION_MODES, Flavor, detect, overridden
from notelint.model import Link, LinkKind, Note, NoteFacts
from notelint.parse import github_slug

__all__ = ["RESOLUTION_MODES", "SLUG_MODES", "Flavor", "Resolver", "Vault"]

#: Anchor styles: GitHub/Quartz slugs, or Obsidian's literal heading text.
SLUG_MODES = ANCHOR_STYLES
#: How close a name must be to be offered as the intended target.
SIMILARITY = 0.7

NOTE_SUFFIXES = (".md", ".markdown")


def name_key(name: str) -> str:
    """How names are compared: case-folded (``[[Note]]`` matches ``note.md``)."""
    return name.casefold()


def strip_note_suffix(name: str) -> str:
    """``foo.md`` -> ``foo``; other files keep their extension."""
    lower = name.lower()
    for suffix in NOTE_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def has_note_suffix(name: str) -> bool:
    return name.lower().endswith(NOTE_SUFFIXES)


def loose_key(text: str) -> str:
    """A spelling-insensitive key: case, ``-``/``_``/``%20``/space runs, apostrophes and
    ``.md`` ignored.

    ``[[my-note]]``, ``[[My Note]]`` and ``my%20note.md`` all mean ``my note.md`` to a
    person; the suggestion index uses this to find them.
    """
    text = strip_note_suffix(text.replace("%20", " ")).casefold()
    text = _QUOTES_RE.sub("", text)
    return " ".join(_SEPARATORS_RE.split(text)).strip()


_QUOTES_RE = re.compile(r"['\u2019\"]")
_SEPARATORS_RE = re.compile(r"[\s_-]+")


@dataclass
class Vault:
    """All notes (parsed) and attachments (paths only) under ``root``.

    ``reported`` holds the notes whose findings the user asked for; rules resolve links
    against the whole vault but report only on those. The names in ``notes``,
    ``attachments`` and ``folders`` are the spellings on disk (from directory entries),
    which is what case-mismatch detection relies on.
    """

    root: Path
    notes: Mapping[str, Note]
    attachments: frozenset[str]
    folders: frozenset[str]
    reported: frozenset[str]
    #: Notes (``.md``) that exist but could not be read (NL001): still link targets, since
    #: the file is there and will be published or opened; their anchors are unknown.
    unreadable: frozenset[str] = frozenset()
    #: Broken links of one note that get a suggestion (``None``: all). The language server
    #: shows a note's first ``DIAGNOSTICS_LIMIT`` findings only, and looking for the
    #: closest name or heading is most of the check of a generated note with 100,000
    #: broken links; the CLI keeps ``None``, so its verdicts never depend on it.
    suggestions_per_note: int | None = None
    _resolvers: dict[tuple[Any, ...], Resolver] = field(init=False, repr=False)
    _flavors: dict[str, Flavor] = field(init=False, repr=False)
    _names: dict[str, list[str]] | None = field(init=False, repr=False)
    _aliases: dict[str, list[str]] | None = field(init=False, repr=False)
    _facts: dict[str, tuple[Note, NoteFacts]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # the indexes are built when first asked for: a run whose vault findings come
        # from the cache never needs them
        self._names = None
        self._aliases = None
        self._facts = {}
        self._resolvers = {}
        self._flavors = {}

    def publisher(self, wanted: str = "auto") -> Flavor:
        """The vault's flavor (``links.flavor``: auto, quartz or obsidian), its settings
        read from the vault's own Quartz config or ``.obsidian/`` once per vault."""
        found = self._flavors.get(wanted)
        if found is None:
            found = self._flavors[wanted] = detect(self.root, wanted)
        return found

    @property
    def name_index(self) -> dict[str, list[str]]:
        """Name key -> the files of that name (notes with and without ``.md``)."""
        if self._names is None:
            by_name: dict[str, list[str]] = defaultdict(list)
            for rel in (*self.notes, *self.unreadable):
                basename = rel.rsplit("/", 1)[-1]
                stripped = strip_note_suffix(basename)
                by_name[name_key(stripped)].append(rel)
                if stripped != basename:
                    by_name[name_key(basename)].append(rel)
            for rel in self.attachments:
                by_name[name_key(rel.rsplit("/", 1)[-1])].append(rel)
            self._names = dict(by_name)
        return self._names

    @property
    def alias_index(self) -> dict[str, list[str]]:
        """Alias, spelled as written -> the notes listing it (a published alias is a page
        at its own slug, whose case matters)."""
        if self._aliases is None:
            by_alias: dict[str, list[str]] = defaultdict(list)
            for rel in self.notes:
                for alias in self.facts(rel).aliases:
                    by_alias[alias].append(rel)
            self._aliases = dict(by_alias)
        return self._aliases

    def build_indexes(self) -> None:
        """Build the name and alias indexes now (copies of the vault then share them)."""
        if self._names is None:
            self.name_index  # noqa: B018 - the property builds and keeps it
        if self._aliases is None:
            self.alias_index  # noqa: B018

    def facts(self, rel: str) -> NoteFacts:
        """The names and directives of the note ``rel``, without rebuilding a cached one."""
        lookup = getattr(self.notes, "facts", None)
        if lookup is not None:
            found: NoteFacts = lookup(rel)
            return found
        note = self.notes[rel]
        memo = self._facts.get(rel)
        if memo is None or memo[0] is not note:
            memo = self._facts[rel] = (note, facts_of(note))
        return memo[1]

    @property
    def all_files(self) -> Iterable[str]:
        yield from self.notes
        yield from self.attachments

    def reported_notes(self) -> Iterable[Note]:
        """The notes being reported on, in path order."""
        for rel in sorted(self.reported):
            note = self.notes.get(rel)
            if note is not None:
                yield note

    def note(self, rel: str) -> Note | None:
        return self.notes.get(rel)

    def exists(self, rel: str) -> bool:
        """True for a note, an attachment or a folder at exactly ``rel``."""
        rel = rel.strip("/")
        return (
            rel in self.notes
            or rel in self.attachments
            or rel in self.folders
            or rel in self.unreadable
            or rel == ""
        )

    def by_name(self, name: str) -> list[str]:
        """Files whose name (``.md`` optional for notes) equals ``name``, ignoring case."""
        return list(self.name_index.get(name_key(name), ()))

    def by_alias(self, alias: str) -> list[str]:
        """Notes listing ``alias`` in their frontmatter ``aliases``, spelled exactly."""
        return list(self.alias_index.get(alias, ()))

    def resolver(
        self,
        resolution: str | None = None,
        virtual: Sequence[str] = ("tags/**",),
        slug: str | None = None,
        flavor: str = "auto",
    ) -> Resolver:
        """The (cached) resolver for these settings; its indexes are built once.

        ``resolution`` and ``slug`` left ``None`` come from the flavor (the vault's own
        settings)."""
        key = (resolution, tuple(virtual), slug, flavor)
        found = self._resolvers.get(key)
        if found is None:
            found = self._resolvers[key] = Resolver(self, resolution, virtual, slug, flavor)
        return found


def aliases_of(note: Note) -> list[str]:
    """The note's frontmatter ``aliases`` (``alias`` too), as Obsidian reads them."""
    found: list[str] = []
    for key in ("aliases", "alias"):
        value = note.frontmatter.get(key)
        if isinstance(value, str):
            found.extend(part.strip() for part in value.split(",") if part.strip())
        elif isinstance(value, list):
            found.extend(str(item).strip() for item in value if item is not None)
    return found


def facts_of(note: Note) -> NoteFacts:
    """The facts vault-wide indexes need of ``note`` (see ``NoteFacts``)."""
    from notelint.suppress import has_directives

    return NoteFacts(
        aliases=tuple(aliases_of(note)),
        title=note.title,
        tags=tuple(tag.name for tag in note.tags),
        directives=has_directives(note),
        draft=is_draft(note),
    )


def is_draft(note: Note) -> bool:
    """``draft: true`` in the frontmatter (Quartz's RemoveDrafts drops the page)."""
    value = note.frontmatter.get("draft")
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return value is True


# -- resolution results ----------------------------------------------------------------


class Status(enum.Enum):
    """What a link target turned out to be."""

    OK = "ok"  # exactly one file, spelled as on disk
    FOLDER = "folder"  # an existing folder (the site lists it)
    VIRTUAL = "virtual"  # a page the site generator makes (links.virtual)
    AMBIGUOUS = "ambiguous"  # several files match; ``rel`` is the one tools pick
    CASE_MISMATCH = "case"  # matches only when case is ignored; ``rel`` is that file
    MISSING = "missing"  # nothing
    OUTSIDE = "outside"  # ``..`` climbs above the vault root

    @property
    def found(self) -> bool:
        return self in (Status.OK, Status.AMBIGUOUS, Status.CASE_MISMATCH)

    @property
    def broken(self) -> bool:
        return self in (Status.MISSING, Status.OUTSIDE)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved target: ``rel`` the file or folder (``None`` when missing).

    ``candidates`` lists every file that matched for AMBIGUOUS and CASE_MISMATCH (the
    on-disk spellings), best first.
    """

    status: Status
    rel: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    """Whether a ``#fragment`` exists in the target note; ``choices`` when it does not."""

    ok: bool
    block: bool = False
    choices: tuple[str, ...] = ()


_WIKI_KINDS = frozenset({LinkKind.WIKILINK, LinkKind.EMBED})
MISSING = Resolved(Status.MISSING)
OUTSIDE = Resolved(Status.OUTSIDE)

_OBSIDIAN_STRIP_RE = re.compile(r"[#|^:\[\]%\\]")


def compile_globs(globs: Iterable[str], *, ignore_case: bool = True) -> re.Pattern[str] | None:
    """One regex for ``links.virtual``: ``**`` any depth, ``*``/``?`` within a segment.

    ``tags/**`` also matches ``tags`` itself (Quartz makes the tag index page too).
    Matching ignores case by default: generated pages are named from tags, whose case
    varies; Quartz's ``ignorePatterns`` are matched with their case.
    """
    parts: list[str] = []
    for glob in globs:
        glob = glob.strip().strip("/")
        if not glob:
            continue
        regex = ""
        index = 0
        while index < len(glob):
            if glob.startswith("/**", index) and index + 3 == len(glob):
                regex += "(?:/.*)?"
                index += 3
            elif glob.startswith("**/", index) and (index == 0 or glob[index - 1] == "/"):
                regex += "(?:.*/)?"  # any folders, none included ("**/*.md" matches "a.md")
                index += 3
            elif glob.startswith("**", index):
                regex += ".*"
                index += 2
            elif glob[index] == "*":
                regex += "[^/]*"
                index += 1
            elif glob[index] == "?":
                regex += "[^/]"
                index += 1
            else:
                regex += re.escape(glob[index])
                index += 1
        parts.append(regex)
    if not parts:
        return None
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile("(?:" + "|".join(parts) + r")/?\Z", flags)


def _folded(index: Mapping[str, list[str]], fold: Any) -> dict[str, list[str]]:
    """``index`` re-keyed with case ignored (the values of colliding keys joined)."""
    folded: dict[str, list[str]] = defaultdict(list)
    for key, rels in index.items():
        folded[fold(key)].extend(rels)
    return dict(folded)


def _prefix_filters(filters: Iterable[str]) -> list[Any]:
    """Obsidian's excluded-files filters: ``/regex/``, else a path prefix."""
    tests: list[Any] = []
    for item in filters:
        item = item.strip()
        if len(item) > 2 and item.startswith("/") and item.endswith("/"):
            try:
                tests.append(re.compile(item[1:-1]).search)
            except re.error:
                continue
        elif item:
            prefix = item.lstrip("/")
            tests.append(lambda rel, prefix=prefix: rel.startswith(prefix))
    return tests


def join_target(folder: str, target: str) -> str | None:
    """``target`` relative to ``folder`` (both vault-relative), or None above the root."""
    if "/." not in "/" + target and "//" not in target and not target.startswith("/"):
        joined_fast = f"{folder}/{target}" if folder else target  # nothing to normalise
        return joined_fast.rstrip("/")
    joined = posixpath.normpath(posixpath.join("/", folder, target))
    if not joined.startswith("/"):  # pragma: no cover - normpath of an absolute path
        return None
    # normpath clamps "/.." to "/", so detect climbing separately.
    depth = 0
    for part in posixpath.join(folder, target).split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return None
        elif part not in ("", "."):
            depth += 1
    return joined.strip("/")


class Resolver:
    """Resolves link targets of one vault as its publisher (the ``Flavor``) does.

    Indexes (names and paths keyed the flavor's way, and with case ignored; suggestion
    n-grams) are built once; results are cached per (target, linking folder, link style),
    so a vault's ~50k links cost mostly dictionary look-ups. ``resolution`` and ``slug``
    given here override what the vault's own settings say.
    """

    def __init__(
        self,
        vault: Vault,
        resolution: str | None = None,
        virtual: Sequence[str] = ("tags/**",),
        slug: str | None = None,
        flavor: Flavor | str = "auto",
    ) -> None:
        if resolution is not None and resolution not in RESOLUTION_MODES:
            raise ValueError(
                f"links.resolution must be one of {', '.join(RESOLUTION_MODES)}, not {resolution!r}"
            )
        if slug is not None and slug not in SLUG_MODES:
            raise ValueError(f"links.slug must be one of {', '.join(SLUG_MODES)}, not {slug!r}")
        base = vault.publisher(flavor) if isinstance(flavor, str) else flavor
        self.flavor: Flavor = overridden(base, resolution, slug)
        self.vault = vault
        self.resolution = self.flavor.resolution
        self.slug = self.flavor.anchors
        self._virtual = compile_globs(virtual)
        self._ignored = compile_globs(self.flavor.ignore, ignore_case=False)
        self._unchecked = _prefix_filters(self.flavor.unchecked)
        self._cache: dict[tuple[str, str, bool], Resolved] = {}
        self._anchors: dict[str, _Anchors] = {}
        self._suggest_cache: dict[tuple[str, str, bool], tuple[str, ...]] = {}
        self._hidden: dict[str, str | None] = {}
        self.memo: dict[str, Any] = {}  # for rules sharing one analysis per run
        self._build_indexes()
        self._suggest_indexes: _SuggestIndexes | None = None

    def _build_indexes(self) -> None:
        """Names and paths, keyed as the flavor compares them, and folded (case ignored).

        Files the publisher leaves out (Quartz's ``ignorePatterns``) are not indexed: a
        link to them breaks on the site. Where aliases are pages (Quartz), each alias is
        indexed at its slug beside the note's own name.
        """
        key, fold = self.flavor.key, self.flavor.fold
        names: dict[str, list[str]] = defaultdict(list)
        paths: dict[str, list[str]] = defaultdict(list)
        vault = self.vault
        notes = [rel for rel in (*vault.notes, *vault.unreadable) if not self.ignored(rel)]
        for rel in notes:
            path = key(strip_note_suffix(rel))
            paths[path].append(rel)
            names[path.rpartition("/")[2]].append(rel)
        for rel in vault.attachments:
            if not self.ignored(rel):
                path = key(rel)
                paths[path].append(rel)
                names[path.rpartition("/")[2]].append(rel)
        # case mismatches are told against files only: an alias is no file to respell to
        self._fold_names = _folded(names, fold)
        self._fold_paths = _folded(paths, fold)
        if self.flavor.aliases_are_targets:
            for rel in notes:
                if rel not in vault.notes:
                    continue
                folder = rel.rpartition("/")[0]
                for alias in vault.facts(rel).aliases:
                    if not alias.strip():
                        continue
                    path = key(self.flavor.alias_path(alias, folder))
                    if rel not in paths[path]:
                        paths[path].append(rel)
                    last = path.rpartition("/")[2]
                    if rel not in names[last]:
                        names[last].append(rel)
        folders: dict[str, list[str]] = defaultdict(list)
        for rel in vault.folders:
            if not self.ignored(rel):
                folders[key(rel)].append(rel)
        self._names = dict(names)
        self._paths = dict(paths)
        self._folders = dict(folders)
        self._fold_folders = _folded(self._folders, fold)

    # -- what the publisher leaves out ---------------------------------------------

    def ignored(self, rel: str) -> bool:
        """True when the publisher leaves ``rel`` out: not a target, not checked."""
        pattern = self._ignored
        if pattern is None:
            return False
        parts = rel.split("/")
        return any(pattern.match("/".join(parts[:end])) for end in range(1, len(parts) + 1))

    def checks(self, rel: str) -> bool:
        """Whether the links of the note ``rel`` are checked (not ignored or excluded)."""
        if self.ignored(rel):
            return False
        return not any(matches(rel) for matches in self._unchecked)

    def hidden(self, rel: str) -> str | None:
        """Why the existing note ``rel`` will not be on the site (a draft, unpublished)."""
        if rel not in self._hidden:
            publish = None
            if self.flavor.explicit_publish and rel in self.vault.notes:
                publish = self.vault.notes[rel].frontmatter.get("publish")
            self._hidden[rel] = self.flavor.hidden(self.vault.facts(rel).draft, publish)
        return self._hidden[rel]

    # -- targets --------------------------------------------------------------------

    def resolve_link(self, link: Link, from_rel: str) -> Resolved:
        """Resolve a local ``link`` written in the note at ``from_rel``."""
        if not link.target.strip():  # "[[#Heading]]": this very note, never a cached one
            return Resolved(Status.OK, from_rel)
        wiki = link.kind in _WIKI_KINDS
        key = (link.target, from_rel.rpartition("/")[0], wiki)
        found = self._cache.get(key)  # the hot path: one tuple, one dict look-up
        if found is None:
            found = self.resolve(link.target, from_rel, wiki=wiki)
        return found

    def resolve(self, target: str, from_rel: str, *, wiki: bool = True) -> Resolved:
        """Resolve ``target`` (decoded path, no fragment) written in ``from_rel``.

        ``wiki`` selects wiki-link precedence (vault root first) over Markdown/HTML
        precedence (the linking note's folder first, as GitHub renders it).
        """
        if not target.strip():
            # the same note: results are cached per folder, and two notes of one folder
            # must never share their same-note anchors
            return Resolved(Status.OK, from_rel)
        folder = from_rel.rpartition("/")[0]
        key = (target, folder, wiki)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(target, folder, from_rel, wiki)
        return found

    def _resolve(self, target: str, folder: str, from_rel: str, wiki: bool) -> Resolved:
        written = target.strip()
        read = self.flavor.target(written, wiki=wiki)
        found = self._resolve_read(read, folder, from_rel, wiki)
        if read != written and found.status.broken:
            # a file may hold the escape literally ("%00.md"): never call a link broken
            # for a decoding it did not need
            literal = self._resolve_read(written, folder, from_rel, wiki)
            if not literal.status.broken:
                return literal
        return found

    def _resolve_read(self, target: str, folder: str, from_rel: str, wiki: bool) -> Resolved:
        if not target:
            return Resolved(Status.OK, from_rel)
        folder_only = target.endswith("/") and target.strip("/") != ""
        if target.startswith("/"):
            return self._by_paths([join_target("", target)], folder_only)
        explicit = target.startswith(("./", "../")) or target in (".", "..")
        if explicit or self.resolution == "relative":
            return self._by_paths([join_target(folder, target)], folder_only)
        if self.resolution == "absolute":
            return self._by_paths([join_target("", target)], folder_only)
        bare = target.rstrip("/")
        if "/" in bare:
            root_first = [join_target("", target), join_target(folder, target)]
            found = self._by_paths(root_first if wiki else root_first[::-1], folder_only)
            if found.status is Status.MISSING and self.flavor.path_suffixes and not folder_only:
                return self._by_suffix(bare, folder) or found
            return found
        if folder_only:
            return self._by_paths([join_target("", target), join_target(folder, target)], True)
        if not wiki:
            near = self._exact(join_target(folder, target))
            if near is not None:
                return near
        by_name = self._by_name(target, folder)
        if by_name is not None:
            return by_name
        return self._by_paths([join_target("", target)], False)

    def _by_name(self, name: str, folder: str) -> Resolved | None:
        """Shortest-path lookup: every file (and, where they are pages, alias) whose
        name keys as ``name`` does; then the same ignoring case (a mismatch)."""
        flavor = self.flavor
        wanted = flavor.key(strip_note_suffix(name))
        matches = self._names.get(wanted)
        if matches and len(matches) > 1 and flavor.exact_file_names:
            written = name.rpartition("/")[2].casefold()
            exact = [rel for rel in matches if rel.rpartition("/")[2].casefold() == written]
            matches = exact or matches
        if matches:
            ranked = self._rank(matches, folder)
            root = self._paths.get(wanted)
            root_match = self._prefer(root, name) if root else None
            if root_match is not None and not flavor.case_sensitive and not _spelled(
                root_match, name
            ):
                # Obsidian's exact path is spelled as written: 'Social Coop.md' is not
                # the path of [[social coop]] (a case-sensitive disk may hold both)
                root_match = None
            chosen = flavor.choose(ranked, folder, root_match)
            if chosen is not None:
                return Resolved(Status.OK, chosen, tuple(ranked))
            return Resolved(Status.AMBIGUOUS, ranked[0], tuple(ranked))
        folded = self._fold_names.get(flavor.fold(wanted))
        if folded:
            ranked = self._rank(folded, folder)
            return Resolved(Status.CASE_MISMATCH, ranked[0], tuple(ranked))
        return None

    def _by_suffix(self, path: str, folder: str) -> Resolved | None:
        """A partial path (``[[sub/note]]`` for ``deep/sub/note.md``), where the flavor
        resolves one: the files whose path ends with it, chosen as same-named files are."""
        wanted = "/" + self.flavor.key(strip_note_suffix(path.strip("/")))
        index = self.memo.get("paths by last segment")
        if index is None:
            index = defaultdict(list)
            for key, rels in self._paths.items():
                index[key.rpartition("/")[2]].append((key, rels))
            self.memo["paths by last segment"] = index
        matches = [
            rel
            for key, rels in index.get(wanted.rpartition("/")[2], ())
            if ("/" + key).endswith(wanted)
            for rel in rels
        ]
        if not matches:
            return None
        ranked = self._rank(matches, folder)
        chosen = self.flavor.choose(ranked, folder, None)
        if chosen is None:
            return Resolved(Status.AMBIGUOUS, ranked[0], tuple(ranked))
        return Resolved(Status.OK, chosen, tuple(ranked))

    def _rank(self, rels: Iterable[str], folder: str) -> list[str]:
        rank_key = self.flavor.rank_key
        return sorted(set(rels), key=lambda rel: rank_key(rel, folder))

    @staticmethod
    def _prefer(rels: Sequence[str], written: str) -> str:
        """Among files of one key (``a b.md`` and ``a-b.md`` are one Quartz slug), the one
        spelled as written, else the first in path order. A file named exactly as written
        comes before a note that is so named without ``.md``: ``x.png`` is the address of
        the image ``x.png``, whose name the note ``x.png.md`` shares as a slug."""
        name = written.rpartition("/")[2]
        for rel in sorted(rels):
            if rel.rpartition("/")[2] == name:
                return rel
        for rel in sorted(rels):
            if _spelled(rel, name):
                return rel
        return sorted(rels)[0]

    def _exact(self, path: str | None) -> Resolved | None:
        if path is None:
            return None
        if path == "":
            return Resolved(Status.FOLDER, "")
        key = self.flavor.key(strip_note_suffix(path))
        found = self._paths.get(key)
        if found:
            return Resolved(Status.OK, self._prefer(found, path))
        folders = self._folders.get(key)
        if folders:
            return Resolved(Status.FOLDER, self._prefer(folders, path))
        return None

    def _by_paths(self, paths: Sequence[str | None], folder_only: bool) -> Resolved:
        """The first frame where the path exists; then case-insensitively; then virtual."""
        valid = [path for path in paths if path is not None]
        if not valid:
            return OUTSIDE
        key, fold = self.flavor.key, self.flavor.fold
        for path in valid:
            if folder_only:
                if path == "":
                    return Resolved(Status.FOLDER, "")
                found = self._folders.get(key(path))
                if found:
                    return Resolved(Status.FOLDER, self._prefer(found, path))
                continue
            exact = self._exact(path)
            if exact is not None:
                return exact
        for path in valid:
            folded = fold(key(strip_note_suffix(path)))
            spelled = [] if folder_only else list(self._fold_paths.get(folded, ()))
            spelled += self._fold_folders.get(fold(key(path)), [])
            if spelled:
                ranked = sorted(set(spelled))
                return Resolved(Status.CASE_MISMATCH, ranked[0], tuple(ranked))
        if self._virtual is not None and any(self._virtual.match(path) for path in valid):
            return Resolved(Status.VIRTUAL, valid[0])
        return MISSING

    def left_out(self, name: str) -> list[str]:
        """The files named ``name`` that exist but the publisher leaves out (ignored)."""
        if self._ignored is None:
            return []
        wanted = self.flavor.fold(self.flavor.key(strip_note_suffix(name.rstrip("/"))))
        index = self.memo.get("left out")
        if index is None:
            index = defaultdict(list)
            for rel in (*self.vault.notes, *self.vault.unreadable, *self.vault.attachments):
                if self.ignored(rel):
                    path = self.flavor.fold(self.flavor.key(strip_note_suffix(rel)))
                    index[path].append(rel)
                    index[path.rpartition("/")[2]].append(rel)
            self.memo["left out"] = index
        return sorted(set(index.get(wanted, ())))

    def aliases_like(self, name: str) -> list[tuple[str, str]]:
        """``(note, alias)`` for every alias loosely equal to ``name`` (case, separators):
        what a link naming an alias most likely meant."""
        wanted = loose_key(name)
        found: list[tuple[str, str]] = []
        index = self.memo.get("loose aliases")
        if index is None:
            index = defaultdict(list)
            # in path order: which note a message names must not depend on which notes
            # came from the cache (they join the vault before the ones parsed anew)
            for rel in sorted(self.vault.notes):
                for alias in self.vault.facts(rel).aliases:
                    index[loose_key(alias)].append((rel, alias))
            self.memo["loose aliases"] = index
        found.extend(index.get(wanted, ()))
        return found

    def virtual(self, path: str) -> bool:
        """True when ``path`` (vault-relative) is a page the site generator makes."""
        return self._virtual is not None and self._virtual.match(path.strip("/")) is not None

    # -- anchors --------------------------------------------------------------------

    def check_anchor(
        self, rel: str, fragment: str, *, wiki: bool = True, suggest: bool = True
    ) -> AnchorCheck:
        """Whether ``#fragment`` names a heading or ``^block`` in the note ``rel``.

        Non-note targets (a PDF's ``#page=3``) and empty fragments always pass. Without
        ``suggest`` a missing anchor gets no ``choices`` (nor the cost of finding them).
        """
        fragment = fragment.strip()
        if rel not in self.vault.notes or not fragment:
            return AnchorCheck(True)
        anchors = self._anchors.get(rel)
        if anchors is None:  # the note is rebuilt from the cache once, not per link
            anchors = self._anchors[rel] = _Anchors(self.vault.notes[rel])
        if fragment.startswith("^"):
            block = fragment[1:].casefold()
            if block in anchors.blocks:
                return AnchorCheck(True, block=True)
            return AnchorCheck(
                False, True, _closest(block, anchors.block_spellings) if suggest else ()
            )
        if self.slug == "obsidian":
            if anchors.obsidian_chain(fragment):
                return AnchorCheck(True)
            wanted = _obsidian_key(fragment.split("#")[-1])
            return AnchorCheck(False, False, _closest(wanted, anchors.texts) if suggest else ())
        last = fragment.rsplit("#", 1)[-1]
        for candidate in (fragment, github_slug(fragment), last, github_slug(last)):
            if candidate in anchors.slugs or candidate in anchors.ids:
                return AnchorCheck(True)
        if not suggest:
            return AnchorCheck(False)
        wanted = github_slug(last)
        pool = anchors.texts if wiki else anchors.slug_list
        choices = _closest(wanted if not wiki else last.casefold(), pool)
        return AnchorCheck(False, False, choices)

    # -- suggestions ----------------------------------------------------------------

    def suggest(self, target: str, from_rel: str, *, wiki: bool = True) -> tuple[str, ...]:
        """Existing targets close to a missing ``target``, best first, in link form.

        Name-style targets get names back (``Foo Bar``, ``img.png``); path-style targets
        get paths in the frame the link was written in. Looks first for a spelling that
        differs only by case, ``-``/``_``/space/``%20`` or ``.md``, then for names with
        ``difflib`` similarity of at least 0.7.
        """
        target = target.strip()
        folder = from_rel.rpartition("/")[0]
        bare = target.rstrip("/")
        if not bare:
            return ()
        key = (target, folder, wiki)
        cached = self._suggest_cache.get(key)
        if cached is None:
            cached = self._suggest_cache[key] = self._suggest(bare, folder, wiki)
        return cached

    def _suggest(self, bare: str, folder: str, wiki: bool) -> tuple[str, ...]:
        keep_md = has_note_suffix(bare)
        relative = self._relative_frame(bare, wiki)
        pathlike = "/" in bare or bare.startswith(".") or self.resolution != "shortest"
        if not pathlike:
            names = self._indexes().names.closest(bare)
            notes = self._indexes().note_names
            return tuple(name + ".md" if keep_md and name in notes else name for name in names)
        absolute = join_target(folder if relative else "", bare)
        if absolute is None:
            return ()
        indexes = self._indexes()
        found = list(indexes.paths.closest(absolute))
        if not found:  # moved to another folder: the same name elsewhere
            found = indexes.by_loose_name.get(loose_key(absolute.rsplit("/", 1)[-1]), [])[:3]
        rendered = []
        for path in found:
            if bare.startswith("/"):
                text = "/" + path
            elif relative:
                text = posixpath.relpath(path, folder or ".")
                if bare.startswith("./") and not text.startswith("../"):
                    text = "./" + text
            else:
                text = path
            is_note = path not in self.vault.attachments and path not in self.vault.folders
            rendered.append(text + ".md" if keep_md and is_note else text)
        return tuple(rendered)

    def _relative_frame(self, bare: str, wiki: bool) -> bool:
        """Whether a suggestion for ``bare`` is written relative to the linking note."""
        if bare.startswith("/"):
            return False
        if bare.startswith(("./", "../")) or self.resolution == "relative":
            return True
        return self.resolution == "shortest" and not wiki

    def _indexes(self) -> _SuggestIndexes:
        if self._suggest_indexes is None:
            self._suggest_indexes = _SuggestIndexes(self.vault, self.ignored)
        return self._suggest_indexes


class _SuggestIndexes:
    """The names and paths a missing target may be compared with (built on first need)."""

    @functools.cached_property
    def names(self) -> _FuzzyIndex:
        return _FuzzyIndex(self._names)

    @functools.cached_property
    def paths(self) -> _FuzzyIndex:
        return _FuzzyIndex(self._paths)

    def __init__(self, vault: Vault, left_out: Any = None) -> None:
        names: set[str] = set()
        paths: set[str] = set()
        note_names: set[str] = set()
        by_loose: dict[str, list[str]] = defaultdict(list)
        for rel in (*vault.notes, *vault.attachments):
            if left_out is not None and left_out(rel):
                continue  # not on the site: no use suggesting it
            path = strip_note_suffix(rel)
            name = path.rsplit("/", 1)[-1]
            names.add(name)
            paths.add(path)
            if rel in vault.notes:
                note_names.add(name)
            by_loose[loose_key(name)].append(path)
        paths.update(vault.folders)
        self.note_names = frozenset(note_names)
        self._names, self._paths = names, paths
        self.by_loose_name = {
            key: sorted(values, key=lambda v: (v.count("/"), v)) for key, values in by_loose.items()
        }


def _spelled(rel: str, name: str) -> bool:
    """True when the file at ``rel`` is named exactly ``name`` (``.md`` optional)."""
    basename = rel.rsplit("/", 1)[-1]
    return basename == name or strip_note_suffix(basename) == name


class _Anchors:
    """The anchors of one note, indexed for both slug styles."""

    def __init__(self, note: Note) -> None:
        self.slugs = frozenset(heading.slug for heading in note.headings)
        self.slug_list = tuple(heading.slug for heading in note.headings)
        self.texts = tuple(heading.text for heading in note.headings)
        # Obsidian links a heading by its text as written: "# Use `run`" is
        # [[#Use `run`]]; the plain text (markup stripped) is accepted too
        self._obsidian = [
            {_obsidian_key(heading.text), _obsidian_key(heading.source)}
            for heading in note.headings
        ]
        self.block_spellings = tuple(block.id for block in note.block_ids)
        self.blocks = frozenset(block.id.casefold() for block in note.block_ids)
        self.ids = frozenset(note.html_ids)

    def obsidian_chain(self, fragment: str) -> bool:
        """``A#B``: heading ``A``, then a heading ``B`` after it (Obsidian's subpaths)."""
        parts = [_obsidian_key(part) for part in fragment.split("#") if part.strip()]
        start = 0
        for part in parts:
            for index in range(start, len(self._obsidian)):
                if part in self._obsidian[index]:
                    start = index + 1
                    break
            else:
                return False
        return True


def _obsidian_key(text: str) -> str:
    return " ".join(_OBSIDIAN_STRIP_RE.sub(" ", text).casefold().split())


def _closest(wanted: str, pool: Iterable[str]) -> tuple[str, ...]:
    """Members of ``pool`` at least ``SIMILARITY`` alike ``wanted`` (loosely), best first."""
    key = loose_key(wanted)
    scored: list[tuple[float, str]] = []
    for item in dict.fromkeys(pool):
        other = loose_key(item)
        score = 1.0 if other == key else SequenceMatcher(None, key, other).ratio()
        if score >= SIMILARITY:
            scored.append((score, item))
    scored.sort(key=lambda pair: -pair[0])
    return tuple(item for _, item in scored)


class _FuzzyIndex:
    """Closest-name search over many names without comparing against every one.

    Loosely equal names (``loose_key``) come from a dict; otherwise trigram overlap picks
    a few dozen candidates and ``SequenceMatcher`` scores only those.
    """

    SHORTLIST = 20
    RARE = 40  # trigrams shared by more names than this are not counted
    MIN_DICE = 0.2  # of the counted trigrams; names 70% alike share far more
    SCANNED_QUERIES = 4  # answered by scanning before the trigram index is built

    def __init__(self, names: Iterable[str]) -> None:
        self._by_key: dict[str, list[str]] = defaultdict(list)
        for name in names:
            self._by_key[loose_key(name)].append(name)
        # The trigram index pays off over many queries; the pre-commit path asks a few,
        # so the first queries scan the names instead and the index is built after them.
        self._padded = [(key, f"  {key} ") for key in self._by_key]
        self._grams: dict[str, list[str]] | None = None
        self._scanned: dict[str, list[str]] = {}
        self._sizes: dict[str, int] = {}
        self._queries = 0
        self._cache: dict[str, tuple[str, ...]] = {}

    def _postings(self, gram: str) -> list[str]:
        """The keys holding ``gram``, in the same order whether indexed or scanned."""
        if self._grams is not None:
            return self._grams.get(gram, [])
        found = self._scanned.get(gram)
        if found is None:
            found = self._scanned[gram] = [key for key, padded in self._padded if gram in padded]
        return found

    def _build_index(self) -> None:
        grams: dict[str, list[str]] = defaultdict(list)
        for key in self._by_key:
            found = _trigrams(key)
            self._sizes[key] = len(found)
            for gram in found:
                grams[gram].append(key)
        self._grams = dict(grams)
        self._scanned = {}

    def closest(self, wanted: str) -> tuple[str, ...]:
        """The names closest to ``wanted``: the loosely equal ones alone when any exist,
        else those scoring at least 0.7, best first."""
        key = loose_key(wanted)
        cached = self._cache.get(key)
        if cached is None:
            exact = self._by_key.get(key)
            cached = tuple(sorted(exact)) if exact else self._fuzzy(key)
            self._cache[key] = cached
        return cached

    def _fuzzy(self, key: str) -> tuple[str, ...]:
        self._queries += 1
        if self._grams is None and self._queries > self.SCANNED_QUERIES:
            self._build_index()
        grams = _trigrams(key)
        postings = {gram: self._postings(gram) for gram in grams}
        # Frequent trigrams ("  a", "ing") say little and cost the most: count only the
        # rare ones (at least the three rarest). A name 70% alike shares a run of
        # characters, hence some of its rarer trigrams.
        # ties broken by the trigram itself: set order changes with the hash seed, and
        # the same vault must get the same suggestions in every process
        ranked = sorted(grams, key=lambda gram: (len(postings[gram]), gram))
        rare = [gram for gram in ranked if len(postings[gram]) <= self.RARE] or ranked[:3]
        if len(rare) < 3:
            rare = ranked[:3]
        counts = Counter(chain.from_iterable(postings[gram] for gram in rare))
        # SequenceMatcher's ratio 2M/T >= 0.7 bounds the other name's length.
        low = len(key) * SIMILARITY / (2 - SIMILARITY)
        high = len(key) * (2 - SIMILARITY) / SIMILARITY
        size = len(grams)
        sizes = self._sizes
        if self._grams is None:  # scanning: sizes only of the names met so far
            for other in counts:
                if other not in sizes:
                    sizes[other] = len(_trigrams(other))
        pool = [
            (2 * count / (size + sizes[other]), other)
            for other, count in counts.items()
            if low <= len(other) <= high and 2 * count >= self.MIN_DICE * (size + sizes[other])
        ]
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(key)  # the side SequenceMatcher indexes: once per query
        scored: list[tuple[float, str]] = []
        for _, other in heapq.nlargest(self.SHORTLIST, pool):
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
                continue
            score = matcher.ratio()
            if score >= SIMILARITY:
                scored.append((score, other))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return tuple(name for _, other in scored for name in sorted(self._by_key[other]))


def confident(wanted: str, suggestion: str) -> bool:
    """Whether replacing ``wanted`` by ``suggestion`` is safe to do unasked (a fix).

    Only when the two differ in case, ``-``/``_``/space/``%20``, apostrophes or ``.md``
    alone. Merely similar names stay suggestions: on real vaults ``misinformation`` ->
    ``information`` and ``centralized`` -> ``decentralized`` score above 0.85, and a
    same-named file in another folder (``go/agora-server`` -> ``agora server``) may be
    another thing altogether.
    """
    return loose_key(wanted) == loose_key(suggestion)


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def link_kind_label(kind: LinkKind) -> str:
    """How a message names a link kind."""
    return {
        LinkKind.WIKILINK: "wiki-link",
        LinkKind.EMBED: "embed",
        LinkKind.MARKDOWN: "link",
        LinkKind.IMAGE: "image",
        LinkKind.HTML_LINK: "HTML link",
        LinkKind.HTML_IMAGE: "HTML image",
        LinkKind.AUTOLINK: "link",
        LinkKind.BARE_URL: "URL",
    }[kind]
