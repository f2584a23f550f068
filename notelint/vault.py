"""The vault index: every note and attachment under the root, with name lookups.

Cross-file facts (which names exist, which notes link where) come from here and never
from rules re-reading files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from notelint.model import Note


def name_key(name: str) -> str:
    """How names are compared: case-folded (``[[Note]]`` matches ``note.md``)."""
    return name.casefold()


def strip_note_suffix(name: str) -> str:
    """``foo.md`` -> ``foo``; other files keep their extension."""
    lower = name.lower()
    for suffix in (".md", ".markdown"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class Vault:
    """All notes (parsed) and attachments (paths only) under ``root``.

    ``reported`` holds the notes whose findings the user asked for; rules resolve links
    against the whole vault but report only on those.
    """

    root: Path
    notes: Mapping[str, Note]
    attachments: frozenset[str]
    folders: frozenset[str]
    reported: frozenset[str]
    _by_name: dict[str, list[str]] = field(init=False, repr=False)
    _by_alias: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[str]] = defaultdict(list)
        for rel in self.notes:
            basename = rel.rsplit("/", 1)[-1]
            by_name[name_key(strip_note_suffix(basename))].append(rel)
            by_name[name_key(basename)].append(rel)
        for rel in self.attachments:
            by_name[name_key(rel.rsplit("/", 1)[-1])].append(rel)
        by_alias: dict[str, list[str]] = defaultdict(list)
        for rel, note in self.notes.items():
            for alias in aliases_of(note):
                by_alias[name_key(alias)].append(rel)
        self._by_name = dict(by_name)
        self._by_alias = dict(by_alias)

    @property
    def all_files(self) -> Iterable[str]:
        yield from self.notes
        yield from self.attachments

    def reported_notes(self) -> Iterable[Note]:
        """The notes being reported on, in path order."""
        for rel in sorted(self.reported):
            yield self.notes[rel]

    def note(self, rel: str) -> Note | None:
        return self.notes.get(rel)

    def exists(self, rel: str) -> bool:
        """True for a note, an attachment or a folder at exactly ``rel``."""
        rel = rel.strip("/")
        return rel in self.notes or rel in self.attachments or rel in self.folders or rel == ""

    def by_name(self, name: str) -> list[str]:
        """Files whose name (``.md`` optional for notes) equals ``name``, ignoring case."""
        return list(self._by_name.get(name_key(name), ()))

    def by_alias(self, alias: str) -> list[str]:
        """Notes listing ``alias`` in their frontmatter ``aliases``, ignoring case."""
        return list(self._by_alias.get(name_key(alias), ()))


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
