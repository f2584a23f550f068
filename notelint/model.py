"""The immutable data every rule shares: spans, findings and the parsed ``Note``.

Everything here is produced once by the parser (``notelint.parse``) and read by many rules,
so all of it is immutable. The small records a vault holds by the hundred thousand
(``Span``, ``Link``, ``Heading``, ``Tag``, ``BlockId``, ``Comment``) are named tuples:
built, compared and unpickled several times faster than dataclasses.

Positions are 1-based ``line``/``column`` in the ORIGINAL file (frontmatter lines
counted, BOM not counted), the end exclusive; a column counts Unicode code points, a tab
being one column, as ruff and markdownlint do.

Engine stage: none: the immutable values every stage passes on (notes, findings, spans).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it.token import Token


class Severity(enum.IntEnum):
    """How serious a finding is; the order lets ``--fail-on`` compare."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read ``"error"``, ``"warning"`` or ``"info"`` (any case)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; use one of: error, warning, info"
            ) from None


class Span(NamedTuple):
    """A region of a file: 1-based, ``end_*`` exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1) -> Span:
        """A zero-width span, for findings about a place rather than a region."""
        return cls(line, column, line, column)

    @classmethod
    def whole_line(cls, line: int, text: str) -> Span:
        """The span covering ``text``, the content of ``line``."""
        return cls(line, 1, line, len(text) + 1)


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace the text in ``span`` with ``replacement`` (applied by the engine)."""

    span: Span
    replacement: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule at one place.

    ``path`` is the note's display path (relative to the working directory, ``/``
    separated); rules never build it themselves, ``Rule.finding`` does. ``subject`` is
    what the finding is about — the link target, the word, the tag — stable when the
    note is edited elsewhere: baselines match findings by it, and broken-link subjects
    rank the wanted notes.
    """

    path: str
    span: Span
    code: str
    rule: str
    severity: Severity
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    subject: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


class LinkKind(enum.Enum):
    """Where a link came from; rules pick the kinds they judge."""

    WIKILINK = "wikilink"  # [[target]]
    EMBED = "embed"  # ![[target]]
    MARKDOWN = "markdown"  # [text](target), [text][ref]
    IMAGE = "image"  # ![alt](target)
    AUTOLINK = "autolink"  # <https://...>
    BARE_URL = "bare-url"  # https://... in prose
    HTML_LINK = "html-link"  # <a href="...">
    HTML_IMAGE = "html-image"  # <img src="...">

    @property
    def is_wiki(self) -> bool:
        return self in (LinkKind.WIKILINK, LinkKind.EMBED)

    @property
    def is_image_like(self) -> bool:
        return self in (LinkKind.EMBED, LinkKind.IMAGE, LinkKind.HTML_IMAGE)


class Link(NamedTuple):
    """A link as written, with its exact place.

    ``raw`` is the destination exactly as in the source (``Zeon's%20Call.md#x``);
    ``target`` the path part with percent-escapes decoded and fragment and query removed
    (``""`` for a same-note ``#anchor``); ``fragment`` what followed ``#`` (decoded), or
    ``None``. ``target_span`` covers ``raw`` in the file, so a fix can rewrite it; it is
    ``None`` for reference-style links, whose destination lives elsewhere.
    """

    kind: LinkKind
    raw: str
    target: str
    fragment: str | None
    alias: str | None
    span: Span
    target_span: Span | None
    scheme: str | None = None  # "https", "mailto", "file", ... ; None for local paths

    @property
    def is_external(self) -> bool:
        return self.scheme in ("http", "https")

    @property
    def is_local(self) -> bool:
        return self.scheme is None


class Heading(NamedTuple):
    """A Markdown heading: ``text`` is the plain text (markup stripped)."""

    level: int
    text: str
    slug: str  # github-slugger anchor, with -1, -2 ... for duplicates in the note
    span: Span
    source: str  # the heading's inline source, markup kept ("[[2024-11-29]]")


class Tag(NamedTuple):
    """A tag without its ``#``; ``source`` is "frontmatter" or "inline"."""

    name: str
    span: Span
    source: str


class BlockId(NamedTuple):
    """An Obsidian block id ``^id`` closing a paragraph or list item."""

    id: str
    span: Span


class Comment(NamedTuple):
    """An HTML ``<!-- -->`` or Obsidian ``%% %%`` comment (body without delimiters)."""

    body: str
    span: Span
    style: str  # "html" or "obsidian"


@dataclass(frozen=True, slots=True)
class YamlError:
    """Why a frontmatter block could not be read, and where (file coordinates)."""

    message: str
    line: int
    column: int


@dataclass(frozen=True)
class Frontmatter:
    """The YAML block at the top of a note.

    ``present`` is False when the note has none; ``data`` is the loaded mapping, or
    ``None`` when there is no block or it failed to load (then ``error`` says why).
    ``positions`` maps a key path to the span of its value: ``("tags",)`` for the value
    of ``tags``, ``("tags", 2)`` for its third item.
    """

    present: bool = False
    data: Mapping[str, Any] | None = None
    error: YamlError | None = None
    span: Span | None = None  # the whole block, delimiters included
    positions: Mapping[tuple[str | int, ...], Span] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return default if self.data is None else self.data.get(key, default)

    def position(self, *path: str | int) -> Span | None:
        """The span of the value at ``path``, falling back to its nearest parent."""
        while path:
            span = self.positions.get(path)
            if span is not None:
                return span
            path = path[:-1]
        return self.span


def note_stem(rel: str) -> str:
    """The file name of the note ``rel`` without its extension."""
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


class NoteFacts(NamedTuple):
    """What every vault-wide index needs of each note: its names, whether it holds
    suppression directives, whether it is a draft. Kept beside a cached summary, so
    that indexing a vault of thousands does not rebuild every note."""

    aliases: tuple[str, ...]
    title: str
    tags: tuple[str, ...]
    directives: bool
    draft: bool


@dataclass(frozen=True)
class Note:
    """One Markdown file, read and parsed once; every rule shares it.

    ``rel`` is the path relative to the vault root (``/`` separated); ``display`` the
    path reported to users (relative to the working directory). ``text`` is the decoded
    text with the BOM removed and line endings as in the file; ``lines`` is the text
    split into lines without their endings.
    """

    rel: str
    display: str
    file: Path
    text: str
    lines: tuple[str, ...]
    frontmatter: Frontmatter
    tokens: tuple[Token, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    tags: tuple[Tag, ...]
    block_ids: tuple[BlockId, ...]
    comments: tuple[Comment, ...]
    has_bom: bool = False
    newline: str = "\n"
    #: ``id``/``name`` values of HTML tags: anchors a ``#fragment`` may point at.
    html_ids: tuple[str, ...] = ()
    #: True when ``tokens`` is empty: the note's own rules have run and the parse tree was
    #: let go, or it was rebuilt from the cache; its cross-file facts and text remain.
    summary_only: bool = False

    @property
    def stem(self) -> str:
        """The file name without ``.md``: what ``[[wiki-links]]`` name."""
        return note_stem(self.rel)

    @property
    def title(self) -> str:
        """The frontmatter ``title`` when it is a string, else the file name, as Quartz."""
        title = self.frontmatter.get("title")
        return title if isinstance(title, str) and title.strip() else self.stem

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line``, or ``""`` past the end."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""
