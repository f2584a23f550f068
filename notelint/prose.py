"""The prose of a note, for spelling: what a reader reads, at its exact place in the file.

A spell checker fed raw Markdown flags code, URLs, link targets and YAML keys; one fed
rendered text loses the positions. So this module starts from the file text and blanks
every character that is not prose (spaces, newlines kept), using what the parser already
found in the ``Note`` (tokens with file spans, links, tags, comments, frontmatter) and a
few patterns for what Markdown leaves as text (URLs in tables, e-mail addresses, file
names, HTML entities, footnote labels, callout types). Offsets in the masked text are
offsets in the file, so every word keeps its line and column.

Then ``split_words`` cuts the prose into checkable words, following rules documented on
``SplitOptions``: words in scripts an English dictionary cannot judge (CJK, Cyrillic...)
are dropped here rather than masked, which keeps the mask simple.

Engine stage: check (the words of a note the spelling rules read).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from notelint.model import LinkKind, Note, Span

#: Block tokens whose lines are never prose.
_CODE_BLOCKS = frozenset(
    {"fence", "code_block", "math_block", "math_block_label", "obsidian_comment_block"}
)
#: Inline tokens (with a file span from the parser) that are never prose.
_CODE_INLINE = frozenset(
    {"code_inline", "math_inline", "math_inline_double", "html_inline", "footnote_ref"}
)
#: What an inline source holds when it may have code, math, HTML or a footnote reference.
_MAY_HOLD_CODE = re.compile(r"[`$<]|\[\^")
#: Links shown as their destination: nothing in them is prose.
_WHOLE_LINKS = frozenset({LinkKind.EMBED, LinkKind.AUTOLINK, LinkKind.BARE_URL})

#: What Markdown leaves as plain text but is not prose, matched on the masked text. Each
#: pattern comes with a literal it cannot match without, so a note pays only for the
#: patterns it may need (scanning every note with every pattern costs more than the rest of
#: the masking). Dotted names, e-mail addresses and paths are left to ``split_words``.
_NOT_PROSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (guard, re.compile(pattern))
    for guard, pattern in (
        ("]:", r"(?m:^[ \t>]*\[[^\]\n]+\]:(?=[ \t])[^\n]*)"),  # reference definitions
        ("<", r"<(?:script|style)\b[\s\S]*?</(?:script|style)\s*>"),  # scripts in HTML blocks
        ("<", r"<!--[\s\S]*?-->"),  # HTML comments the parser left in text
        ("%%", r"%%[\s\S]*?%%"),  # Obsidian comments inside HTML blocks
        ("<", r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"),  # HTML tags in HTML blocks
        ("&", r"&#?[A-Za-z0-9]+;"),  # HTML entities (&nbsp;)
        ("[^", r"\[\^[^\]\s]+\]"),  # footnote labels [^note]
        ("[!", r"\[![\w-]+\][+-]?"),  # callout types > [!note]
        ("{{", r"\{\{[^\n]*?\}\}"),  # template placeholders
        ("{%", r"\{%[^\n]*?%\}"),
        ("::", r"\b[\w-]+::"),  # dataview inline fields key::
        # display math wherever a `$$` stands, across lines or on one line: Obsidian and
        # Quartz render it so even without the blank line CommonMark's parser wants
        ("$$", r"(?<!\\)\$\$[\s\S]+?(?<!\\)\$\$"),
        # inline math the parser did not see: in a table row it was cut at a `|` inside it
        ("$", r"\$(?<=(?<![\\$\w])\$)(?=[^\s$])[^$\n]*?[^\s$\\]\$(?![\w$])"),
        # bare file extensions and dotfiles (.onepkg, .gitignore), not a sentence's end
        # (each starts with its literal, the lookbehind after it, so the scan is quick)
        (".", r"\.(?<=(?<![^\s(\[\"'`,;*_])\.)[A-Za-z][\w-]*"),
        # single-segment and home-relative paths (/sbin, /bak/, ~/bin, ./run): not and/or
        ("/", r"/(?<=(?<![^\s(\[\"'`,;*_~.])/)[\w.-]+(?:/[\w.-]+)*/?"),
        # @handles (not e-mail addresses, which have a word before the @)
        ("@", r"@(?<=(?<![\w.@])@)\w[\w.-]*"),
        # a link whose address holds a space is not a link: the rest of its parenthesis,
        # after the address (blanked already as a URL), is no prose either
        ("](", r"\]\( {4,}[^()\n]*\)"),
    )
)

_URL = re.compile(r"\b(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>()\[\]]+")

_NEWLINE = re.compile(r"\r\n|\r|\n")
_NOT_NEWLINE = re.compile(r"[^\r\n]")


def blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space."""
    if "\n" not in text and "\r" not in text:
        return " " * len(text)
    return _NOT_NEWLINE.sub(" ", text)


class Positions:
    """Converts between 1-based (line, column) and offsets in a note's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text)
        if "\r" in text:
            self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        else:  # the common case, several times faster than a regex scan
            self.starts = list(accumulate([len(line) + 1 for line in text.split("\n")], initial=0))
            self.starts.pop()

    def offset(self, line: int, column: int) -> int:
        """The offset of (line, column), clamped to the text."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return self.size
        return min(self.starts[line - 1] + max(column, 1) - 1, self.size)

    def span_offsets(self, span: Span) -> tuple[int, int]:
        """Offsets of ``span``'s start and end (called for every link: kept inline)."""
        starts = self.starts
        line, end_line = span.line, span.end_line
        if 0 < line <= end_line < len(starts) and span.column > 0 and span.end_column > 0:
            # both ends on lines followed by a line break: no clamping needed
            return starts[line - 1] + span.column - 1, starts[end_line - 1] + span.end_column - 1
        return self.offset(line, span.column), self.offset(end_line, span.end_column)

    def line_column(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


# -- masking -------------------------------------------------------------------------------


def prose_text(note: Note, *, check_title: bool = False, positions: Positions | None = None) -> str:
    """The note's text with everything that is not prose blanked (same length, same lines).

    Blanked: the frontmatter block (but the ``title`` value when ``check_title``), fenced
    and indented code, math, HTML tags and comments, ``%% %%`` comments, inline code,
    URLs and autolinks, embeds, link destinations (the text and a wiki-link's alias stay,
    as they are read), wiki-link targets, inline ``#tags``, ``^block-ids``, footnote
    labels, callout types, e-mail addresses, paths and file names, HTML entities.
    """
    pos = positions or Positions(note.text)
    cuts: list[tuple[int, int]] = []
    cuts.extend(_frontmatter_cuts(note, pos, check_title))
    cuts.extend(_token_cuts(note, pos))
    cuts.extend(_link_cuts(note, pos))
    cuts.extend(pos.span_offsets(comment.span) for comment in note.comments)
    cuts.extend(pos.span_offsets(block_id.span) for block_id in note.block_ids)
    for tag in note.tags:
        if tag.source == "inline":
            cuts.append(pos.span_offsets(tag.span))
    if "://" in note.text or "www." in note.text:
        # from the file text, not the masked one: a URL whose parsed span is off by a
        # few characters must not leave its scheme behind as a "word"
        cuts.extend(m.span() for m in _URL.finditer(note.text))
    masked = _apply(note.text, cuts)
    for guard, pattern in _NOT_PROSE_PATTERNS:
        if guard in masked:
            masked = pattern.sub(_blank_match, masked)
    return masked


def _blank_match(match: re.Match[str]) -> str:
    return blank(match.group())


def _apply(text: str, cuts: Sequence[tuple[int, int]]) -> str:
    """Blank the ``cuts`` (offset ranges, any order, may overlap) in ``text``."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(cuts):
        start = max(start, done)
        if end <= start:
            continue
        pieces.append(text[done:start])
        pieces.append(blank(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _lines_cut(pos: Positions, first: int, last: int) -> tuple[int, int]:
    """Offsets covering 0-based lines ``first`` to ``last`` (exclusive)."""
    end = pos.offset(last + 1, 1) if last < len(pos.starts) else len(pos.text)
    return pos.offset(first + 1, 1), end


def _frontmatter_cuts(
    note: Note, pos: Positions, check_title: bool
) -> Iterator[tuple[int, int]]:
    frontmatter = note.frontmatter
    if not frontmatter.present or frontmatter.span is None:
        return
    start, end = pos.span_offsets(frontmatter.span)
    title_span = frontmatter.positions.get(("title",)) if check_title else None
    if title_span is not None and isinstance(frontmatter.get("title"), str):
        title_start, title_end = pos.span_offsets(title_span)
        yield start, title_start
        yield title_end, end
    else:
        yield start, end


def _token_cuts(note: Note, pos: Positions) -> Iterator[tuple[int, int]]:
    for token in note.tokens:
        if token.type in _CODE_BLOCKS and token.map is not None:
            yield _lines_cut(pos, token.map[0], token.map[1])
        if not token.children or not _MAY_HOLD_CODE.search(token.content):
            continue  # no backtick, dollar, angle bracket nor footnote: nothing to cut here
        for child in token.children:
            if child.type in _CODE_INLINE:
                span = (child.meta or {}).get("file_span")
                if isinstance(span, Span):
                    yield pos.span_offsets(span)


#: A wiki-link whose target is shown as its text and reads as words: no alias, heading,
#: block, folder or file extension (``[[note name]]``, not ``[[a/b]]`` or ``[[x.pdf]]``).
_SHOWN_TARGET = re.compile(r"\[\[[^\[\]|#^/\\.\n]+\]\]")


def shown_link_spans(note: Note) -> dict[int, list[Span]]:
    """The spans of the note's wiki-links whose target the page shows as their text
    (``[[note name]]``: read as prose, but correcting a word there retargets the link),
    by line."""
    found: dict[int, list[Span]] = {}
    for link in note.links:
        span = link.span
        if link.kind is LinkKind.WIKILINK and span.line == span.end_line:
            text = note.line_text(span.line)[span.column - 1 : span.end_column - 1]
            if _SHOWN_TARGET.fullmatch(text):
                found.setdefault(span.line, []).append(span)
    return found


def in_shown_link(span: Span, shown: dict[int, list[Span]]) -> bool:
    """Whether ``span`` lies inside one of the ``shown`` link spans."""
    return any(
        link.column <= span.column and span.end_column <= link.end_column
        for link in shown.get(span.line, ())
    )


def _link_cuts(note: Note, pos: Positions) -> Iterator[tuple[int, int]]:
    # A vault has tens of thousands of links: this loop stays lean on purpose.
    text = note.text
    span_offsets = pos.span_offsets
    wikilink = LinkKind.WIKILINK
    for link in note.links:
        kind = link.kind
        start, end = span_offsets(link.span)
        if kind is wikilink:
            bar = text.find("|", start, end)
            if bar < 0 and _SHOWN_TARGET.fullmatch(text, start, end):
                # [[note name]]: the page shows the target as the link's text
                yield start, start + 2
                yield end - 2, end
            else:
                yield start, (bar + 1 if bar >= 0 else end)
        elif kind in _WHOLE_LINKS:
            yield start, end
        elif link.target_span is not None:
            # [text](destination "title"): from the destination to the closing paren
            target_start = span_offsets(link.target_span)[0]
            yield (target_start, end) if start <= target_start <= end else (start, end)
        else:
            # [text][label]: the label names a definition, it is not read
            label = text.rfind("][", start, end)
            if label >= 0:
                yield label + 1, end


def vocabulary_words(name: str) -> Iterator[str]:
    """The words a name or title contributes to the vault's vocabulary.

    ``self-hosting notes`` gives ``self-hosting``, ``self``, ``hosting`` and ``notes``;
    a possessive is dropped (``Zeon's`` gives ``Zeon``). No length or case filter: a
    vocabulary entry only ever accepts words.
    """
    for match in _NAME_TOKEN.finditer(name):
        token = match.group().replace("’", "'").strip("_'")
        if not token:
            continue
        parts = _HYPHENS.split(token)
        if len(parts) > 1:
            yield token
        for part in parts:
            part = part.strip("_'")
            if part.endswith("'s"):
                part = part[:-2]
            if part:
                yield part


# -- words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitOptions:
    """How prose is cut into words to check.

    - Apostrophes (``'`` and ``’``) inside a word keep it whole (``don't``); a possessive
      ``'s`` is checked without it (``Zeon's`` is checked as ``Zeon``); quotes around a
      word are dropped.
    - Hyphenated words are checked part by part (``well-known``), and the whole is kept
      in ``Word.compound`` so a vocabulary entry like ``self-hosting`` accepts it.
    - ``snake_case`` and other words with ``_`` are identifiers: skipped.
    - Words with letters outside the Latin script (CJK, Cyrillic, Greek...) are skipped:
      an English dictionary cannot judge them.
    - ``ignore_allcaps``: skip ``NASA``, ``HTTP`` and their plurals (``URLs``).
    - ``ignore_camelcase``: skip words with a capital after the first letter
      (``iPhone``, ``JavaScript``); otherwise they are checked as written.
    - ``ignore_words_with_digits``: skip ``mp3``, ``2nd``, ``1990s``; otherwise their
      letter runs are checked.
    - ``min_length``: skip words with fewer letters.
    """

    ignore_allcaps: bool = True
    ignore_camelcase: bool = True
    ignore_words_with_digits: bool = True
    min_length: int = 3


@dataclass(frozen=True, slots=True)
class Word:
    """A word to check: ``text`` as aspell should see it (``’`` made ``'``) and its span."""

    text: str
    line: int
    column: int
    end_column: int
    compound: str | None = None  # the hyphenated whole this word is part of

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.line, self.end_column)


#: A run of word characters joined by apostrophes, hyphens and the separators of file
#: names, addresses and paths (``rock'n'roll``, ``x-ray``, ``notes.md``, ``a@b.org``).
#: A soft hyphen (U+00AD, invisible unless the line breaks there) joins too: ``com\u00ad
#: ponents`` is one word, ``components``, not ``com`` and ``ponents``.
_TOKEN = re.compile(r"[\w'’]+(?:[-‐./@:\u00ad]+[\w'’]+)*")
#: Letters outside Latin (basic, Latin-1, Extended-A/B, IPA, Extended Additional).
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02AF\u1E00-\u1EFF]")
_NAME_TOKEN = re.compile(r"[\w'’]+(?:[-‐][\w'’]+)*")  # names split at dots and slashes too
_NOT_WORDS = re.compile(r"\w[./@:]|_\w")  # dotted.names, a@b, paths, key:value, snake_case
_DIGIT = re.compile(r"\d")
_LETTER_RUN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ALLCAPS_PLURAL = re.compile(r"[A-Z]{2,}'?s")
_HYPHENS = re.compile(r"[-‐\u00ad]")
_SOFT_HYPHEN = "\u00ad"
_QUOTES = "'’"

#: A word inside a token: (offset in the token, text to check, hyphenated whole or None).
Piece = tuple[int, str, str | None]


def tokens(masked: str) -> set[str]:
    """The distinct tokens of ``masked``: cheap, so a whole vault can be judged per token."""
    return set(_TOKEN.findall(masked))


def tokens_by_line(
    masked: str, wanted: set[str]
) -> Iterator[tuple[int, list[tuple[str, int]]]]:
    """(line, [(token, column), ...]) for each line of ``masked`` holding a ``wanted``
    token, with every token of that line (1-based line and column)."""
    for index, line in enumerate(_NEWLINE.split(masked)):
        if wanted.isdisjoint(_TOKEN.findall(line)):
            continue
        yield index + 1, [(m.group(), m.start() + 1) for m in _TOKEN.finditer(line)]


@lru_cache(maxsize=262144)
def token_words(token: str, options: SplitOptions) -> tuple[Piece, ...]:
    """The checkable words of one token (see ``SplitOptions``), cached across a run."""
    if _NOT_WORDS.search(token.strip("_")) or _NON_LATIN.search(token):
        return ()
    parts = _HYPHENS.split(token)
    # the whole is what the writer sees: soft hyphens are invisible, so not in it
    compound = token.replace("’", "'").replace(_SOFT_HYPHEN, "") if len(parts) > 1 else None
    pieces: list[Piece] = []
    offset = 0
    for part in parts:
        for text, start in _checkable(part, offset, options):
            pieces.append((start, text, compound))
        offset += len(part) + 1
    return tuple(pieces)


def split_words(
    masked: str, options: SplitOptions | None = None, *, positions: Positions | None = None
) -> list[Word]:
    """The words of ``masked`` (from ``prose_text``) worth checking, in file order."""
    opts = options or SplitOptions()
    pos = positions or Positions(masked)
    words: list[Word] = []
    for match in _TOKEN.finditer(masked):
        for offset, text, compound in token_words(match.group(), opts):
            line, column = pos.line_column(match.start() + offset)
            words.append(Word(text, line, column, column + len(text), compound))
    return words


def _checkable(part: str, offset: int, opts: SplitOptions) -> Iterator[tuple[str, int]]:
    """The word(s) of one hyphen-free ``part`` at ``offset`` that pass the options."""
    stripped = part.lstrip("_" + _QUOTES)
    offset += len(part) - len(stripped)
    stripped = stripped.rstrip("_" + _QUOTES)
    if stripped[-2:] in ("'s", "’s") and len(stripped) > 2:
        stripped = stripped[:-2]
    if not stripped:
        return
    if _DIGIT.search(stripped):
        if opts.ignore_words_with_digits:
            return
        for run in _LETTER_RUN.finditer(stripped):
            yield from _checkable(run.group(), offset + run.start(), opts)
        return
    text = stripped.replace("’", "'")
    letters = len(text) - text.count("'")
    if letters < opts.min_length:
        return
    allcaps = text.isupper() or _ALLCAPS_PLURAL.fullmatch(text) is not None
    if allcaps and opts.ignore_allcaps:
        return
    if opts.ignore_camelcase and not allcaps and text[1:] != text[1:].lower():
        return
    yield text, offset


def note_words(
    note: Note, *, check_title: bool = False, options: SplitOptions | None = None
) -> list[Word]:
    """The checkable words of ``note``'s prose, with their file positions."""
    positions = Positions(note.text)
    masked = prose_text(note, check_title=check_title, positions=positions)
    return split_words(masked, options, positions=positions)
