"""The frontmatter family (NL201–NL206): the YAML block Quartz and Obsidian read.

Defaults fit a Quartz garden: ``tags`` is required, ``title`` is optional (Quartz falls
back to the file name). ``tags`` and ``tag`` are both read, as a list or as a string of
comma- or space-separated names, as Quartz accepts them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from notelint.model import Finding, Note, Severity, Span, Tag
from notelint.rule import NoteContext, Rule, RuleContext
from notelint.vault import Vault

TAG_KEYS = ("tags", "tag")
VALID_TAG_RE = re.compile(r"^[\w/-]+$", re.UNICODE)
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y.%m.%d", "%B %d, %Y", "%d %B %Y", "%b %d, %Y")


@dataclass(frozen=True)
class FrontmatterOptions:
    required: tuple[str, ...] = field(
        default=("tags",),
        metadata={"help": "fields every note must have; `tags` is checked by NL203"},
    )
    date_fields: tuple[str, ...] = field(
        default=("date", "created", "modified", "lastmod", "updated", "published"),
        metadata={"help": "fields that, when present, must hold a date"},
    )
    allowed_tags: tuple[str, ...] = field(
        default=(),
        metadata={"help": "the only tags allowed (nested `a/b` allowed by `a`); empty: any"},
    )


def _start(note: Note) -> Span:
    return Span(1, 1, 1, len(note.line_text(1)) + 1)


def _block_span(note: Note) -> Span:
    return note.frontmatter.span or _start(note)


def _tag_key(note: Note) -> str | None:
    data = note.frontmatter.data or {}
    return next((key for key in TAG_KEYS if key in data), None)


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):  # "tags: ' , '" names no tag either
        return not value.replace(",", " ").strip()
    return value is None or (isinstance(value, list | dict) and not value)


class MissingFrontmatter(Rule):
    """A note has no frontmatter block although fields are required.

    Quartz and Obsidian read tags, titles and dates from the YAML block at the top of a
    note; without it, a note required to carry them cannot.

    ## Bad
    ```markdown
    # Reading list
    ```

    ## Good
    ```markdown
    ---
    tags: [reading]
    ---
    # Reading list
    ```
    """

    code = "NL201"
    holds_on_part = True
    name = "missing-frontmatter"
    family = "frontmatter"
    summary = "no frontmatter block where fields are required"
    Options = FrontmatterOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        if note.frontmatter.present or not self.options.required:
            return
        fields = ", ".join(self.options.required)
        yield self.finding(
            note,
            _start(note),
            f"note has no frontmatter; add a '---' block at the top with: {fields}",
            subject="frontmatter",
        )


class InvalidFrontmatter(Rule):
    """The frontmatter is not valid YAML, or not a mapping of keys to values.

    A broken block loses every field in it: Quartz drops the tags and title, Obsidian
    shows the raw text. The finding points at the line and column where YAML gave up.
    A key written twice in one mapping is an error too: PyYAML would keep the last
    value, but Quartz's YAML parser rejects the block.

    ## Bad
    ```markdown
    ---
    title: Notes: part 2
    ---
    ```

    ## Good
    ```markdown
    ---
    title: "Notes: part 2"
    ---
    ```
    """

    code = "NL202"
    holds_on_part = True
    name = "invalid-frontmatter"
    family = "frontmatter"
    summary = "YAML that fails to parse or is not a mapping"

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        error = note.frontmatter.error
        if error is None:
            return
        yield self.finding(
            note,
            Span.point(error.line, error.column),
            f"invalid frontmatter: {error.message}",
        )


class MissingTags(Rule):
    """A note has no ``tags`` (or ``tag``), or an empty one.

    Tags are how a garden is browsed: Quartz builds its tag pages from them. A note
    without any is hard to find.

    ## Bad
    ```markdown
    ---
    title: Sourdough
    tags: []
    ---
    ```

    ## Good
    ```markdown
    ---
    title: Sourdough
    tags: [baking, recipes]
    ---
    ```
    """

    code = "NL203"
    holds_on_part = True
    name = "missing-tags"
    family = "frontmatter"
    summary = "no `tags`, or an empty one"
    Options = FrontmatterOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        fm = note.frontmatter
        if "tags" not in self.options.required or fm.data is None:
            return
        key = _tag_key(note)
        if key is None:
            yield self.finding(
                note, _block_span(note), "frontmatter has no 'tags'; add e.g. 'tags: [topic]'",
                subject="tags",
            )
        elif _is_empty(fm.data[key]):
            span = fm.position(key, "__key__") or _block_span(note)
            yield self.finding(note, span, f"'{key}' is empty; list at least one tag", subject=key)


class TagFormat(Rule):
    """A frontmatter tag is malformed.

    Obsidian and Quartz accept letters, digits, ``_``, ``-`` and ``/`` in tags, and no
    tag made only of digits. Watch out for ``- #tag`` in a YAML list: ``#`` starts a
    comment there, so the item is empty (null) and the tag silently disappears.

    ## Bad
    ```markdown
    ---
    tags:
      - #journal
      - "#ideas"
      - reading notes
    ---
    ```

    ## Good
    ```markdown
    ---
    tags:
      - journal
      - ideas
      - reading-notes
    ---
    ```
    """

    code = "NL204"
    holds_on_part = True
    name = "tag-format"
    family = "frontmatter"
    severity = Severity.WARNING
    summary = "tag with spaces, leading `#`, null item, or bad characters"

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        key = _tag_key(note)
        if key is None:
            return
        value = (note.frontmatter.data or {})[key]
        items = value if isinstance(value, list) else [value] if value is not None else []
        for index, item in enumerate(items):
            problem = _tag_problem(item, in_list=isinstance(value, list))
            if problem:
                path = (key, index) if isinstance(value, list) else (key,)
                yield self.finding(
                    note,
                    note.frontmatter.position(*path) or _start(note),
                    problem,
                    subject="" if item is None else str(item),
                )


def _tag_problem(item: Any, *, in_list: bool) -> str | None:
    if item is None:
        return (
            "empty tag: in a YAML list '- #tag' is a comment, not a tag; "
            "write '- tag' without '#'"
        )
    if not isinstance(item, str):
        if isinstance(item, int | float) and not isinstance(item, bool):
            return f"tag {item!r} is only a number; tags need at least one letter"
        return f"tag {item!r} is not text; write it as a plain name"
    names = [item] if in_list else [part for part in re.split(r"[,\s]+", item) if part]
    for name in names:
        text = name.strip()
        if text.startswith("#"):
            bare = text.lstrip("#")
            return f"tag '{text}' starts with '#'; write '{bare}' (no '#' in frontmatter)"
        if " " in text:
            return f"tag '{text}' contains spaces; use '{_hyphenate(text)}'"
        if text and text.isdigit():
            return f"tag '{text}' is only digits; tags need at least one letter"
        if text and not VALID_TAG_RE.match(text):
            bad = "".join(sorted({c for c in text if not re.match(r"[\w/-]", c)}))
            return f"tag '{text}' has characters tags cannot hold: {bad!r}"
    return None


def _hyphenate(text: str) -> str:
    return re.sub(r"\s+", "-", text)


class TagInconsistent(Rule):
    """The same tag is written in different ways across the vault, or is not allowed.

    ``#Journal`` and ``#journal`` become one tag page on some sites and two on others;
    either way readers meet both spellings. With ``allowed-tags`` set, any other tag
    is reported, keeping a curated vocabulary curated.

    ## Bad
    ```markdown
    tags: [Journal]     (in one note)
    tags: [journal]     (in ten others)
    ```

    ## Good
    ```markdown
    tags: [journal]     (everywhere)
    ```
    """

    code = "NL205"
    name = "tag-inconsistent"
    family = "frontmatter"
    severity = Severity.WARNING
    summary = "same tag in different case or spelling; tag outside `allowed-tags`"
    Options = FrontmatterOptions

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterator[Finding]:
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for rel in vault.notes:  # names only: no note needs rebuilding from the cache
            for name in vault.facts(rel).tags:
                spellings[_tag_identity(name)][name] += 1
        allowed = self.options.allowed_tags
        for note in vault.reported_notes():
            for tag in note.tags:
                message = self._problem(tag, spellings[_tag_identity(tag.name)], allowed)
                if message:
                    yield self.finding(note, tag.span, message, subject=tag.name)

    @staticmethod
    def _problem(tag: Tag, variants: Counter[str], allowed: tuple[str, ...]) -> str | None:
        if allowed and not _allowed(tag.name, allowed):
            return f"tag '{tag.name}' is not in allowed-tags ({', '.join(allowed)})"
        if len(variants) < 2:
            return None
        preferred, count = max(
            variants.items(), key=lambda item: (item[1], item[0] == item[0].lower())
        )
        if tag.name == preferred:
            return None
        return (
            f"tag '{tag.name}' is written '{preferred}' in {count} other "
            f"place{'s' if count != 1 else ''}; use one spelling"
        )


def _tag_identity(name: str) -> str:
    """Spellings that are one tag to a reader: case, ``_`` and ``-`` ignored."""
    return name.casefold().replace("_", "-")


def _allowed(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == a or name.startswith(a.rstrip("/") + "/") for a in allowed)


class MissingField(Rule):
    """A required field is missing, or a date field holds no date.

    Set ``required`` to the fields your site templates expect (``title``, ``date``...).
    Date fields must parse, or Quartz shows no date (or a wrong one).

    ## Bad
    ```markdown
    ---
    tags: [x]
    date: 2024-13-45
    ---
    ```

    ## Good
    ```markdown
    ---
    tags: [x]
    date: 2024-03-05
    ---
    ```
    """

    code = "NL206"
    holds_on_part = True
    name = "missing-field"
    family = "frontmatter"
    summary = "configured required field missing, or a date field that does not parse"
    Options = FrontmatterOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        data = note.frontmatter.data
        if data is None:
            return
        for key in self.options.required:
            if key in TAG_KEYS:
                continue
            if key not in data or _is_empty(data[key]):
                yield self.finding(
                    note,
                    _block_span(note),
                    f"required frontmatter field '{key}' is missing",
                    subject=key,
                )
        for key in self.options.date_fields:
            if key in data and data[key] is not None and not _is_date(data[key]):
                yield self.finding(
                    note,
                    note.frontmatter.position(key) or _block_span(note),
                    f"'{key}: {data[key]}' is not a date; write it as YYYY-MM-DD",
                    subject=key,
                )


def _is_date(value: Any) -> bool:
    if isinstance(value, date | datetime):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(text, fmt)
            return True
        except ValueError:
            continue
    return False


RULES: list[type[Rule]] = [
    MissingFrontmatter,
    InvalidFrontmatter,
    MissingTags,
    TagFormat,
    TagInconsistent,
    MissingField,
]
