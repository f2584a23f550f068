"""Read a note's text once into the immutable ``Note`` every rule shares.

markdown-it gives block tokens line maps but no columns for inline content; this module
computes them centrally (``InlineMap``) so that no rule ever has to. Frontmatter is split
here too, and replaced by blank lines before Markdown parsing, so every token map is in
the coordinates of the original file. python-frontmatter's handlers detect the format
(YAML ``---``, TOML ``+++``, JSON ``{``); YAML is loaded with PyYAML's safe loader (what
the YAML handler calls) through the node tree, because the handler keeps no positions
and every frontmatter finding needs the line and column of its value; TOML with
``tomllib`` and JSON with ``json``, their positions read from the lines.

Engine stage: index (the parser is built in the plan stage, notes are parsed in the
index stage).
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler
from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

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

InlineRule = Callable[[StateInline, bool], bool]

#: Inline rules whose tokens get ``meta["span"]`` so links and code get exact columns.
#: Inline rules whose tokens get ``meta["span"]`` so links and code get exact columns,
#: each with the only characters it can start at: the wrapper answers "no" for any other
#: without calling the rule (inline rules are tried at every punctuation character, and
#: gfm_autolink's protocol rule copies the rest of the paragraph on each call).
POSITIONED_RULES: dict[str, frozenset[str]] = {
    "link": frozenset("["),
    "image": frozenset("!"),
    "autolink": frozenset("<"),
    "html_inline": frozenset("<"),
    "backticks": frozenset("`"),
    "math_inline": frozenset("$"),
    "math_inline_double": frozenset("$"),
    "footnote_ref": frozenset("["),
    "gfm_autolink_www": frozenset("w"),
    "gfm_autolink_protocol": frozenset(":"),
    "gfm_autolink_email": frozenset("@"),
}

SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
HTML_ATTR_RE = re.compile(
    r"<(?P<tag>a|img)\b[^>]*?\b(?P<attr>href|src)\s*=\s*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))[^>]*>?",
    re.IGNORECASE,
)
HTML_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
HTML_TAG_RE = re.compile(r"<[A-Za-z][^>]*>")
HTML_ID_RE = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
FRONTMATTER_FENCE = "---"
FRONTMATTER_CLOSERS = ("---", "...")


# -- the Markdown parser ---------------------------------------------------------------


def build_markdown(configure: Callable[[MarkdownIt], None] | None = None) -> MarkdownIt:
    """The parser notes are read with: CommonMark + GFM tables/strikethrough + plugins.

    ``configure`` is the plugin hook (notelint's own syntax and third-party syntax);
    positions are recorded on the standard rules after it ran.
    """
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # markdown-it refuses file:, data: and javascript: links (an HTML-safety measure);
    # a linter must see every link as written and let the rules judge the scheme
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    dollarmath_plugin(md, allow_space=False, allow_digits=False)
    footnote_plugin(md)
    md.core.ruler.before("footnote_tail", "notelint_keep_footnotes", _keep_unreferenced_footnotes)
    tasklists_plugin(md)
    gfm_autolink_plugin(md)
    if configure is not None:
        configure(md)
    known = set(md.inline.ruler.get_all_rules())
    for name, starts in POSITIONED_RULES.items():
        if name in known:
            md.inline.ruler.at(name, _recording_span(name, _rule_fn(md, name), starts))
    # right after inline parsing, before core rules that rewrite content (tasklists
    # drops "[ ]" from list items): spans are offsets into the content as parsed
    md.core.ruler.after("inline", "notelint_inline_source", _keep_inline_source)
    return md


def _keep_unreferenced_footnotes(state: StateCore) -> None:
    """Keep the content of footnote definitions no ``[^label]`` refers to.

    The footnote plugin drops them from the token stream (a renderer shows only referenced
    footnotes), but their text is still in the note: a broken link or a typo there is
    still the author's to fix. Renaming their delimiters leaves the content in place,
    with its line map, for the extractor.
    """
    data = state.env.get("footnotes")
    if not isinstance(data, dict):
        return
    referenced = {
        entry.get("label") for entry in (data.get("list") or {}).values() if isinstance(entry, dict)
    }
    keep = False  # the close token carries no label: it follows its open token's fate
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            keep = (token.meta or {}).get("label") not in referenced
        if keep and token.type in ("footnote_reference_open", "footnote_reference_close"):
            token.type = token.type.replace("footnote_reference", "footnote_unreferenced")


def _keep_inline_source(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline":
            token.meta = {**(token.meta or {}), "source": token.content}


def inline_source(token: Token) -> str:
    """An inline token's content as its inline rules saw it (what spans are offsets of)."""
    source = (token.meta or {}).get("source")
    return source if isinstance(source, str) else token.content


def _rule_fn(md: MarkdownIt, name: str) -> InlineRule:
    for rule in md.inline.ruler.__rules__:
        if rule.name == name:
            fn: InlineRule = rule.fn
            return fn
    raise KeyError(name)  # pragma: no cover - guarded by the caller


def _recording_span(name: str, fn: InlineRule, starts: frozenset[str]) -> InlineRule:
    """Wrap an inline rule so the first token it makes remembers the source it consumed."""

    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] not in starts:
            return False
        start, count = state.pos, len(state.tokens)
        matched = fn(state, silent)
        if matched and not silent:
            new = state.tokens[count:]
            for index, token in enumerate(new):
                if token.type != "text":  # skip the flushed pending text
                    if name.startswith("gfm_autolink") and index + 1 < len(new):
                        # these rules fire at ":" or "@" and take the scheme back from
                        # the pending text: the link starts where its shown text does
                        start = state.pos - len(new[index + 1].content)
                    token.meta = {**(token.meta or {}), "span": (start, state.pos), "rule": name}
                    break
        return matched

    return rule


# -- frontmatter -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Split:
    frontmatter: Frontmatter
    body_start: int  # 0-based index of the first line after the block


class _TomlHandler(BaseHandler):
    """TOML between ``+++`` lines, as Hugo and Zola gardens write it.

    python-frontmatter defines its own TOML handler only when the third-party ``toml``
    package is installed; this one has the same boundary and loads with the standard
    library's ``tomllib`` (data only, like the YAML safe loader).
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


@dataclass(frozen=True)
class _Format:
    """One frontmatter format: python-frontmatter's handler detects it; the exact
    opening and closing lines are checked here (a ``----`` rule is no frontmatter in
    Obsidian or Quartz), and the loader keeps positions."""

    handler: Any
    opener: str
    closers: tuple[str, ...]
    load: Callable[[str, Span], Frontmatter | None]
    name: str


def split_frontmatter(lines: Sequence[str]) -> _Split:
    """Find the frontmatter block on line 1 (YAML ``---``, TOML ``+++`` or JSON ``{``)
    and load it with positions in file coordinates."""
    if not lines:
        return _Split(Frontmatter(), 0)
    first = lines[0].rstrip()
    for fmt in _FORMATS:
        if first != fmt.opener or not fmt.handler.detect(lines[0]):
            continue
        for index in range(1, len(lines)):
            if lines[index].rstrip() in fmt.closers:
                span = Span(1, 1, index + 1, len(lines[index]) + 1)
                inner = lines[1:index]
                if fmt.name == "JSON":  # the braces belong to the JSON text
                    inner = lines[: index + 1]
                loaded = fmt.load("\n".join(inner), span)
                if loaded is None:  # not frontmatter after all (a note opening with '{')
                    return _Split(Frontmatter(), 0)
                return _Split(loaded, index + 1)
        if fmt.name == "JSON":
            return _Split(Frontmatter(), 0)
        closer = fmt.closers[0]
        error = YamlError(
            f"frontmatter opened with '{fmt.opener}' on line 1 is never closed; "
            f"add a line holding only '{closer}' after the last field",
            1,
            1,
        )
        span = Span(1, 1, 1, len(fmt.opener) + 1)
        return _Split(Frontmatter(present=True, error=error, span=span), 0)
    return _Split(Frontmatter(), 0)


_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_KEY = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=\s*""")
_TOML_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def load_toml(text: str, span: Span) -> Frontmatter:
    """``tomllib``-load ``text`` (which starts on file line 2); errors at their line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_ERROR_AT.search(message)
        if message.startswith(("Cannot overwrite", "Cannot declare")):
            # at the end of the block tomllib says "at end of document": the last line
            row = int(found[1]) if found is not None else len(text.rstrip().split("\n"))
            repeated = _toml_repeated(text, row)
            if repeated is not None:
                return Frontmatter(present=True, error=repeated, span=span)
        if found is not None:
            line, column = int(found[1]) + 1, int(found[2])
            problem = message[: found.start()]
        else:  # "at end of document": the closing '+++' is where it is missing
            line, column, problem = span.end_line, 1, message.replace(" (at end of document)", "")
        error = YamlError(
            f"{problem} (TOML); fix the TOML here: quote text values "
            "('title = \"My note\"'), write lists as 'tags = [\"a\", \"b\"]'",
            line,
            max(column, 1),
        )
        return Frontmatter(present=True, error=error, span=span)
    return Frontmatter(present=True, data=data, span=span, positions=_toml_positions(text))


_TOML_PART = r"""(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)"""
_TOML_DOTTED = re.compile(rf"\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*)\s*=")
_TOML_HEADER = re.compile(rf"\s*\[\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*)\s*\]")


def _toml_name(raw: str) -> str:
    return re.sub(r"\s*\.\s*", ".", raw)


def _toml_repeated(text: str, row: int) -> YamlError | None:
    """A key or ``[table]`` that ``tomllib`` refused as written twice, at the second
    one (``tomllib`` points past the value), naming the first; None for other errors."""
    rows = text.split("\n")
    if not 1 <= row <= len(rows):
        return None
    source = rows[row - 1]
    header = _TOML_HEADER.match(source)
    key = None if header is not None else _TOML_DOTTED.match(source)
    found = header or key
    if found is None:
        return None
    name = _toml_name(found[1])
    label = f"[{name}]" if header is not None else name
    first = None
    for index in range(row - 2, -1, -1):
        other = rows[index]
        other_header = _TOML_HEADER.match(other)
        if header is None and other_header is not None:
            break  # keys repeat only within one table
        other_found = other_header if header is not None else _TOML_DOTTED.match(other)
        if other_found is not None and _toml_name(other_found[1]) == name:
            first = index + 2
    kind = "table" if header is not None else "key"
    said = (
        f"appears twice (first at line {first}"
        if first is not None
        else "sets a value already set above (through a dotted key or table"
    )
    return YamlError(
        f"the {kind} '{label}' {said}; TOML allows each once): "
        "remove one of them, or merge their values under the first",
        row + 1,
        len(source) - len(source.lstrip()) + 1,
    )


def _toml_positions(text: str) -> dict[tuple[str | int, ...], Span]:
    """Spans of the top-level values (and of string items of a top-level array), found
    by reading the lines: ``tomllib`` keeps no positions. Keys inside ``[tables]`` fall
    back to the block, as a parent's span does for YAML."""
    positions: dict[tuple[str | int, ...], Span] = {}
    rows = text.split("\n")
    index = 0
    while index < len(rows):
        source = rows[index]
        line = index + 2
        if source.lstrip().startswith("["):
            break  # a table header: what follows is not top-level
        key = _TOML_KEY.match(source)
        index += 1
        if key is None:
            continue
        name = key[1] or key[2] or key[3]
        value = source[key.end() :].rstrip()
        positions[(name,)] = Span(line, key.end() + 1, line, key.end() + len(value) + 1)
        if not value.startswith("["):
            continue
        item, depth, row, start = 0, 0, line, key.end()
        text_row = source
        while True:
            for match in _TOML_STRING.finditer(text_row, start):
                positions[(name, item)] = Span(row, match.start() + 1, row, match.end() + 1)
                item += 1
            depth += text_row.count("[", start) - text_row.count("]", start)
            if depth <= 0 or index >= len(rows):
                break
            text_row, start, row = rows[index], 0, index + 2
            index += 1
    return positions


def load_json(text: str, span: Span) -> Frontmatter | None:
    """A JSON object from ``{`` to ``}`` lines (Hugo); ``None`` when the text is not a
    JSON object, since a note may open with a brace that is no frontmatter at all."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    positions: dict[tuple[str | int, ...], Span] = {}
    for index, source in enumerate(text.split("\n")):
        key = re.match(r'\s*"((?:[^"\\]|\\.)*)"\s*:\s*', source)
        if key is not None and index > 0:
            value = source[key.end() :].rstrip().rstrip(",")
            line = index + 1
            positions.setdefault(
                (key[1],), Span(line, key.end() + 1, line, key.end() + len(value) + 1)
            )
    return Frontmatter(present=True, data=data, span=span, positions=positions)


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoteLoader(_BaseLoader):  # type: ignore[misc]
    """PyYAML's safe loader, except that an impossible date stays a string.

    ``date: 2024-13-45`` would otherwise abort the whole block with a ValueError; kept
    as text, the date rules can point at it and every other field survives.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoteLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoteLoader.construct_yaml_timestamp)


def load_yaml(text: str, span: Span) -> Frontmatter:
    """Safe-load ``text`` (which starts on file line 2) keeping each value's position."""
    loader = _NoteLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _YAML_ONLY_BREAKS.search(text):
            _renumber_marks(node, _line_starts(text))
        too_big = _too_big(node) if node is not None else None
        if too_big is not None:
            return Frontmatter(present=True, error=YamlError(too_big, 2, 1), span=span)
        repeated = _repeated_key(node) if node is not None else None
        if repeated is not None:
            return Frontmatter(present=True, error=repeated, span=span)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        return Frontmatter(present=True, error=_yaml_error(exc, text), span=span)
    except yaml.YAMLError as exc:
        return Frontmatter(present=True, error=YamlError(str(exc), 2, 1), span=span)
    except Exception as exc:  # an explicit tag PyYAML cannot build: "!!int abc"
        return Frontmatter(present=True, error=_construct_error(exc, text), span=span)
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        error = YamlError(
            f"frontmatter is a YAML {kind}, not a mapping of keys to values "
            "(write 'key: value' lines)",
            2,
            1,
        )
        return Frontmatter(present=True, error=error, span=span)
    positions: dict[tuple[str | int, ...], Span] = {}
    if node is not None:
        _collect_positions(node, (), positions, depth=0)
        _widen_empty_items(positions, text.split("\n"))
    return Frontmatter(present=True, data=data, span=span, positions=positions)


_FORMATS = (
    _Format(YAMLHandler(), FRONTMATTER_FENCE, FRONTMATTER_CLOSERS, load_yaml, "YAML"),
    _Format(_TomlHandler(), "+++", ("+++",), load_toml, "TOML"),
    _Format(JSONHandler(), "{", ("}",), load_json, "JSON"),
)
FRONTMATTER_FORMATS = ",".join(fmt.name for fmt in _FORMATS)  # part of the cache key


#: Characters YAML counts as line breaks and Markdown (and notelint's lines) do not.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line_starts(text: str) -> list[int]:
    """Offsets where notelint's lines of ``text`` begin (after LF, CRLF or a lone CR)."""
    return [0, *(match.end() for match in re.finditer(r"\r\n|\r|\n", text))]


def _renumber(mark: Any, starts: list[int]) -> Any:
    """``mark`` at the line and column of its offset in notelint's lines: PyYAML also
    breaks lines at U+0085, U+2028 and U+2029, which would point past a line's end."""
    if mark is None:
        return None
    line = bisect.bisect_right(starts, mark.index) - 1
    return yaml.Mark(mark.name, mark.index, line, mark.index - starts[line], None, 0)


def _renumber_marks(node: yaml.Node, starts: list[int], depth: int = 0) -> None:
    node.start_mark = _renumber(node.start_mark, starts)
    node.end_mark = _renumber(node.end_mark, starts)
    if depth > 6:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _renumber_marks(key, starts, depth + 1)
            _renumber_marks(value, starts, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _renumber_marks(item, starts, depth + 1)


def _yaml_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    if _YAML_ONLY_BREAKS.search(text):
        starts = _line_starts(text)
        exc.problem_mark = _renumber(exc.problem_mark, starts)
        exc.context_mark = _renumber(exc.context_mark, starts)
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and mark.index >= len(text.rstrip()) and exc.context_mark is not None:
        # "found end of stream" lands on the closing '---'; the unclosed '[' or quote
        # where the context began is the place to repair
        mark = exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "maximum nesting depth" in problem:  # PyYAML >= 6.0.4 stops there by itself
        return YamlError(NESTED_TOO_DEEPLY, mark.line + 2 if mark else 2, 1)
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        problem += " (a tab: indent YAML with spaces only)"
    context = f" ({exc.context})" if exc.context else ""
    line = mark.line + 2 if mark is not None else 2
    column = mark.column + 1 if mark is not None else 1
    return YamlError(f"{problem}{context}{_yaml_hint(exc, text, line)}", line, column)


MAX_YAML_VALUES = 100_000
NESTED_TOO_DEEPLY = "frontmatter nests lists or mappings too deeply to be read"


def _too_big(root: yaml.Node) -> str | None:
    """Why a block is not read: alias bombs (nine lists of nine aliases, nine deep),
    self-reference, nesting deeper than Python can follow; None when it is fine.

    Aliases share nodes, so loading is cheap; but every rule that walks the values would
    walk the expansion, hanging the run on one crafted note.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise OverflowError("self-reference")
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_YAML_VALUES:
                raise OverflowError("too many values")
        active.discard(key)
        sizes[key] = total
        return total

    try:
        size(root)
    except OverflowError:
        return (
            f"frontmatter expands to more than {MAX_YAML_VALUES:,} values, or into itself, "
            "through YAML aliases (&anchor / *alias); not read"
        )
    except RecursionError:
        return NESTED_TOO_DEEPLY
    return None


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _repeated_key(root: yaml.Node) -> YamlError | None:
    """The first key written twice in one mapping, at the second one; None when none is.

    PyYAML keeps the last value without a word, but Quartz's YAML parser (js-yaml)
    rejects such a block and the note loses every field in it. Two keys count as the
    same only when both text and resolved type match (``1`` and ``'1'`` may differ for
    another parser, and a missed duplicate is cheaper than a wrong one); ``<<`` merge
    keys may repeat.
    """
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # an alias: its mapping was checked where anchored
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], yaml.Node] = {}
            for key_node, value_node in node.value:
                stack.append(value_node)
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                earlier = first.setdefault((key_node.tag, key_node.value), key_node)
                if earlier is not key_node:
                    return _repeated_key_error(key_node, earlier)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _repeated_key_error(key_node: yaml.Node, earlier: yaml.Node) -> YamlError:
    mark, first = key_node.start_mark, earlier.start_mark
    return YamlError(
        f"the key '{key_node.value}' appears twice in the same mapping "
        f"(first at line {first.line + 2}, column {first.column + 1}); Quartz rejects a "
        "block with a repeated key and drops every field in it: remove one of them, or "
        "merge their values under the first",
        mark.line + 2,
        mark.column + 1,
    )


def _construct_error(exc: Exception, text: str) -> YamlError:
    """A value the loader could not build; explicit ``!!tags`` are the usual cause."""
    for index, source in enumerate(text.split("\n")):
        column = source.find("!!")
        if column >= 0:
            return YamlError(
                f"the value tagged '{source[column:].split()[0]}' cannot be read "
                f"({type(exc).__name__}: {exc}); remove the tag or fix the value",
                index + 2,
                column + 1,
            )
    return YamlError(f"a value cannot be read ({type(exc).__name__}: {exc})", 2, 1)


def _yaml_hint(exc: yaml.MarkedYAMLError, text: str, line: int) -> str:
    """How to repair the two mistakes notes make most: wiki-links and ': ' in values."""
    lines = text.split("\n")
    source = lines[line - 2] if 0 <= line - 2 < len(lines) else ""
    if "[[" in source:
        return "; quote a value holding wiki-links: 'key: \"[[note]]\"'"
    if "mapping values are not allowed" in (exc.problem or ""):
        return "; quote a value that contains ': ', e.g. 'title: \"Notes: part 2\"'"
    return (
        "; fix the YAML here: indent with spaces, keep one 'key: value' per line, and "
        "quote a value that holds ': ' or ' #' or starts with [ { * & ! | > % @"
    )


def _collect_positions(
    node: yaml.Node,
    path: tuple[str | int, ...],
    out: dict[tuple[str | int, ...], Span],
    depth: int,
) -> None:
    if depth > 4:
        return
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = (*path, str(key_node.value))
                out[child] = _node_span(value_node)
                out.setdefault((*child, "__key__"), _node_span(key_node))
                _collect_positions(value_node, child, out, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = _node_span(item)
            _collect_positions(item, (*path, index), out, depth + 1)


def _widen_empty_items(
    positions: dict[tuple[str | int, ...], Span], yaml_lines: Sequence[str]
) -> None:
    """An empty list item followed by a comment (``- #tag``) spans that comment.

    YAML reads ``#tag`` there as a comment and the item as null; pointing at the
    swallowed text shows the reader what vanished.
    """
    for path, span in positions.items():
        if not path or not isinstance(path[-1], int) or span.line != span.end_line:
            continue
        if span.column != span.end_column:
            continue
        source = yaml_lines[span.line - 2] if 0 <= span.line - 2 < len(yaml_lines) else ""
        rest = source[span.column - 1 :]
        comment = rest.lstrip(" \t")
        if comment.startswith("#"):
            start = span.column + len(rest) - len(comment)
            positions[path] = Span(span.line, start, span.line, start + len(comment.rstrip()))


def _node_span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 2, start.column + 1, end.line + 2, end.column + 1)


# -- inline positions ------------------------------------------------------------------


class InlineMap:
    """Maps offsets in an inline token's content to (line, column) in the file.

    markdown-it strips list markers, ``>`` and indentation from block lines and the
    table parser unescapes ``\\|``; each content line is located in its source line
    (as a suffix, or searched for, or aligned over removed backslashes).
    """

    def __init__(
        self,
        content: str,
        first_line: int,
        last_line: int,
        lines: Sequence[str],
        cursor: dict[int, int] | None = None,
    ) -> None:
        self._starts: list[int] = []
        self._rows: list[tuple[int, int, list[int] | None]] = []
        # markdown-it strips a paragraph with Python's str.strip, which also takes a first
        # line of only U+00A0, U+3000, U+2028 or a form feed: the content starts below it
        while (
            content.count("\n") + 1 < last_line - first_line
            and first_line < len(lines)
            and not _BLOCK_PREFIX.sub("", lines[first_line], count=1).strip()
        ):
            first_line += 1
        offset = 0
        for k, part in enumerate(content.split("\n")):
            index = min(first_line + k, max(last_line - 1, first_line))
            source = lines[index] if index < len(lines) else ""
            column, columns = _locate(part, source, cursor, index)
            self._starts.append(offset)
            self._rows.append((index + 1, column, columns))
            offset += len(part) + 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of content ``offset``."""
        row = bisect.bisect_right(self._starts, offset) - 1
        line, column, columns = self._rows[row]
        delta = offset - self._starts[row]
        if columns is not None:
            if delta < len(columns):
                return line, columns[delta] + 1
            return line, (columns[-1] + 2 if columns else column + 1) + delta - len(columns)
        return line, column + delta + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        # end is exclusive: one past the last character, so a column map that skipped a
        # removed backslash after it (``x\\|``) does not stretch the span over it
        end_line, last_column = self.position(end - 1)
        return Span(line, column, end_line, last_column + 1)


#: What markdown-it takes off a line before a paragraph's content: quote markers and list
#: markers (with a task box) in any nesting (``> - ``, ``* > ``), indentation.
_BLOCK_PREFIX = re.compile(
    r"^(?:[ \t]+|>|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?(?=[ \t]|$))*"
)


def _locate(
    part: str, source: str, cursor: dict[int, int] | None, index: int
) -> tuple[int, list[int] | None]:
    """Where ``part`` starts in ``source`` (0-based), with a column map when unescaped."""
    if cursor is None:
        stripped = source.rstrip()
        if part and stripped.endswith(part):
            return len(stripped) - len(part), None
        found = source.find(part)
        if found >= 0:
            return found, None
        # markdown-it turns a tab of a continuation line's indent into spaces: find the
        # text after them and count the spaces back from it
        text = part.lstrip(" \t").rstrip()
        lead = len(part) - len(part.lstrip(" \t"))
        if text and stripped.endswith(text):
            return len(stripped) - len(text) - lead, None
        return _indent_of(source), None
    start = cursor.get(index, 0)
    found = source.find(part, start)
    if found >= 0:
        cursor[index] = found + len(part)
        return found, None
    columns = _align_unescaped(part, source, start)
    if columns is not None:
        cursor[index] = (columns[-1] + 1) if columns else start
        return (columns[0] if columns else start), columns
    return start, None


def _align_unescaped(part: str, source: str, start: int) -> list[int] | None:
    """Columns of ``part``'s characters in ``source`` when ``\\|`` became ``|``."""
    escaped = part.replace("|", "\\|")
    found = source.find(escaped, start)
    if found < 0:
        return None
    columns: list[int] = []
    j = found
    for char in part:
        if char == "|" and source[j] == "\\":
            j += 1
        columns.append(j)
        j += 1
    return columns


def _indent_of(source: str) -> int:
    return len(source) - len(source.lstrip())


# -- the note --------------------------------------------------------------------------


def split_lines(text: str) -> tuple[str, ...]:
    """Lines without endings; CRLF and lone CR end lines as markdown-it reads them."""
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def detect_newline(text: str) -> str:
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    return "\n"


def parse_note(
    md: MarkdownIt,
    *,
    rel: str,
    display: str,
    file: Path,
    text: str,
    has_bom: bool = False,
) -> Note:
    """Parse decoded ``text`` (BOM already removed) into a ``Note``."""
    lines = split_lines(text)
    split = split_frontmatter(lines)
    body = "\n" * split.body_start + "\n".join(lines[split.body_start :])
    tokens = md.parse(body, {})
    extracted = _Extractor(md, lines).run(tokens)
    tags = (*frontmatter_tags(split.frontmatter), *extracted.tags)
    return Note(
        rel=rel,
        display=display,
        file=file,
        text=text,
        lines=lines,
        frontmatter=split.frontmatter,
        tokens=tuple(tokens),
        headings=tuple(extracted.headings),
        links=tuple(extracted.links),
        tags=tuple(tags),
        block_ids=tuple(extracted.block_ids),
        comments=tuple(extracted.comments),
        html_ids=tuple(extracted.html_ids),
        has_bom=has_bom,
        newline=detect_newline(text),
    )


def frontmatter_tags(frontmatter: Frontmatter) -> Iterator[Tag]:
    """Tags from ``tags``/``tag``: a list, or a string split on commas and spaces."""
    for key in ("tags", "tag"):
        value = frontmatter.get(key)
        if isinstance(value, str):
            span = frontmatter.position(key) or Span.point(1)
            for name in re.split(r"[,\s]+", value):
                if name.strip():
                    yield Tag(name.strip(), span, "frontmatter")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if item is not None and str(item).strip():
                    span = frontmatter.position(key, index) or Span.point(1)
                    yield Tag(str(item).strip(), span, "frontmatter")


class _Extractor:
    """One walk over the token tree collecting headings, links, tags, ids and comments."""

    def __init__(self, md: MarkdownIt, lines: Sequence[str]) -> None:
        self.md = md
        self.lines = lines
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.tags: list[Tag] = []
        self.block_ids: list[BlockId] = []
        self.comments: list[Comment] = []
        self.html_ids: list[str] = []
        self._slugs: dict[str, int] = {}
        self._cell_cursor: dict[int, int] = {}

    def run(self, tokens: Sequence[Token]) -> _Extractor:
        in_cell = False
        heading: Token | None = None
        for token in tokens:
            if token.type in ("th_open", "td_open"):
                in_cell = True
            elif token.type in ("th_close", "td_close"):
                in_cell = False
            elif token.type == "heading_open":
                heading = token
            elif token.type == "inline" and token.map is not None:
                # table cells always advance the row's cursor; other blocks need columns
                # only when something inline was positioned (most paragraphs are plain)
                if in_cell or any(c.meta and "span" in c.meta for c in token.children or ()):
                    inline_map = InlineMap(
                        inline_source(token),
                        token.map[0],
                        token.map[1],
                        self.lines,
                        self._cell_cursor if in_cell else None,
                    )
                    self._inline(token, inline_map)
                if heading is not None:
                    self._heading(heading, token)
                    heading = None
            elif token.type == "html_block" and token.map is not None:
                self._html_block(token)
            elif token.type == "obsidian_comment_block" and token.map is not None:
                self._comment_block(token)
        return self

    # headings

    def _heading(self, open_token: Token, inline: Token) -> None:
        assert open_token.map is not None
        level = int(open_token.tag[1:])
        text = plain_text(inline.children or [])
        first = open_token.map[0]
        last = open_token.map[1] - 1
        if open_token.markup.startswith(("=", "-")):  # setext: text lines, then underline
            last -= 1
        span = Span(first + 1, 1, last + 1, len(self._line(last)) + 1)
        slug = self._unique_slug(github_slug(text))
        self.headings.append(Heading(level, text, slug, span, inline.content))

    def _unique_slug(self, base: str) -> str:
        slug = base
        while slug in self._slugs:
            self._slugs[base] += 1
            slug = f"{base}-{self._slugs[base]}"
        self._slugs[slug] = 0
        return slug

    # inline content

    def _inline(self, inline: Token, inline_map: InlineMap) -> None:
        src = inline_source(inline)
        children = inline.children or []
        for child in children:
            raw_span = (child.meta or {}).get("span")
            if raw_span is None:
                continue
            start, end = raw_span
            span = inline_map.span(start, end)
            child.meta["file_span"] = span
            kind = child.type
            if kind == "wikilink":
                self.links.append(self._wikilink(child, inline_map))
            elif kind in ("link_open", "image"):
                link = self._markdown_link(child, src, start, end, inline_map)
                if link is not None:
                    self.links.append(link)
            elif kind == "html_inline":
                self._html(child.content, start, inline_map)
            elif kind == "tag":
                self.tags.append(Tag(child.content, span, "inline"))
            elif kind == "block_id":
                self.block_ids.append(BlockId(child.content, span))
            elif kind == "obsidian_comment":
                self.comments.append(Comment(child.content, span, "obsidian"))

    def _wikilink(self, token: Token, inline_map: InlineMap) -> Link:
        inner_start = token.meta["inner"][0]
        inner = token.content
        raw, alias = _split_alias(inner)
        target_part = raw.rstrip("\\")
        target, _, fragment = target_part.partition("#")
        has_fragment = "#" in target_part
        kind = LinkKind.EMBED if token.markup == "![[" else LinkKind.WIKILINK
        lead = len(target_part) - len(target_part.lstrip())
        raw_text = target_part.strip()
        target_span = inline_map.span(inner_start + lead, inner_start + lead + len(raw_text))
        return Link(
            kind=kind,
            raw=raw_text,
            target=target.strip(),
            fragment=fragment.strip() if has_fragment else None,
            alias=alias,
            span=token.meta["file_span"],
            target_span=target_span,
            scheme=_scheme(target.strip()),
        )

    def _markdown_link(
        self, token: Token, src: str, start: int, end: int, inline_map: InlineMap
    ) -> Link | None:
        rule = token.meta.get("rule", "")
        href = token.attrGet("src" if token.type == "image" else "href")
        if not isinstance(href, str):
            return None
        if rule == "autolink":
            raw, raw_start = src[start + 1 : end - 1], start + 1
            kind = LinkKind.AUTOLINK
        elif rule.startswith("gfm_autolink"):
            raw, raw_start = src[start:end], start
            kind = LinkKind.BARE_URL
        else:
            kind = LinkKind.IMAGE if token.type == "image" else LinkKind.MARKDOWN
            found = self._inline_destination(src, start, end, href)
            raw, raw_start = found if found is not None else (unquote(href), -1)
        target_span = (
            inline_map.span(raw_start, raw_start + len(raw)) if raw_start >= 0 else None
        )
        alias = plain_text(token.children or []) if token.type == "image" else None
        return make_link(kind, raw, token.meta["file_span"], target_span, alias)

    def _inline_destination(
        self, src: str, start: int, end: int, href: str
    ) -> tuple[str, int] | None:
        """The destination as written in ``[text](dest)``, found by re-normalising."""
        search = start
        while True:
            opener = src.find("](", search, end)
            if opener < 0:
                return None
            pos = opener + 2
            while pos < end and src[pos] in " \t\n":
                pos += 1
            result = parseLinkDestination(src, pos, end)
            if result.ok and self.md.normalizeLink(result.str) == href:
                written = src[pos : result.pos]
                if written.startswith("<") and written.endswith(">"):
                    return written[1:-1], pos + 1
                return written, pos
            search = opener + 2

    # HTML and comments

    def _html(self, html: str, base: int, inline_map: InlineMap) -> None:
        for comment in HTML_COMMENT_RE.finditer(html):
            span = inline_map.span(base + comment.start(), base + comment.end())
            self.comments.append(Comment(comment.group(1), span, "html"))
        if "=" in html:
            uncommented = HTML_COMMENT_RE.sub("", html)
            for tag in HTML_TAG_RE.finditer(uncommented):
                self.html_ids.extend(HTML_ID_RE.findall(tag.group()))
        for match in _html_attrs(html):
            group = _value_group(match)
            raw = match.group(group)
            # an unclosed tag (``<img src=X`` then a blank line) ends at its last character,
            # not past the line's end on the whitespace that followed it
            end = len(html[: match.end()].rstrip())
            span = inline_map.span(base + match.start(), base + max(end, match.end(group)))
            target_span = inline_map.span(base + match.start(group), base + match.end(group))
            is_image = match.group("tag").lower() == "img"
            kind = LinkKind.HTML_IMAGE if is_image else LinkKind.HTML_LINK
            self.links.append(make_link(kind, raw, span, target_span, None))

    def _html_block(self, token: Token) -> None:
        assert token.map is not None
        inline_map = InlineMap(token.content.rstrip("\n"), token.map[0], token.map[1], self.lines)
        self._html(token.content, 0, inline_map)

    def _comment_block(self, token: Token) -> None:
        assert token.map is not None
        first, last = token.map[0], token.map[1] - 1
        span = Span(first + 1, 1, last + 1, len(self._line(last)) + 1)
        body = token.content.strip()
        body = body[2:] if body.startswith("%%") else body
        body = body[:-2] if body.endswith("%%") else body
        self.comments.append(Comment(body, span, "obsidian"))

    def _line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""


def _html_attrs(html: str) -> Iterator[re.Match[str]]:
    """``href``/``src`` attributes of ``<a>``/``<img>`` tags outside HTML comments."""
    comments = [(m.start(), m.end()) for m in HTML_COMMENT_RE.finditer(html)]
    for match in HTML_ATTR_RE.finditer(html):
        if not any(a <= match.start() < b for a, b in comments):
            yield match


def _value_group(match: re.Match[str]) -> str:
    for group in ("dq", "sq", "bare"):
        if match.group(group) is not None:
            return group
    return "bare"  # pragma: no cover - the pattern always sets one


def _split_alias(inner: str) -> tuple[str, str | None]:
    """``target|alias`` -> (target, alias); ``\\|`` (escaped in tables) also separates."""
    index = inner.find("|")
    if index < 0:
        return inner, None
    return inner[:index], inner[index + 1 :]


def _scheme(raw: str) -> str | None:
    if raw.startswith("//"):
        return "https"
    match = SCHEME_RE.match(raw)
    return match.group(1).lower() if match else None


def make_link(
    kind: LinkKind, raw: str, span: Span, target_span: Span | None, alias: str | None
) -> Link:
    """A Markdown, HTML or URL link: decode the path, split off fragment and query."""
    scheme = _scheme(raw.strip())
    if kind in (LinkKind.BARE_URL, LinkKind.AUTOLINK) and scheme is None:
        scheme = "mailto" if "@" in raw else "http"
    escapes = kind in (LinkKind.MARKDOWN, LinkKind.IMAGE)  # CommonMark: "a\\)b.md"
    path, hash_sign, fragment = _partition(raw.strip(), "#", escapes)
    if scheme is None:
        path = _partition(path, "?", escapes)[0]
        path = unquote(_unescape(path) if escapes else path)
        fragment = unquote(_unescape(fragment) if escapes else fragment)
    return Link(
        kind=kind,
        raw=raw,
        target=path,
        fragment=fragment if hash_sign else None,
        alias=alias,
        span=span,
        target_span=target_span,
        scheme=scheme,
    )


_ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(text: str) -> str:
    """Backslash-escaped ASCII punctuation, as CommonMark reads a link destination."""
    return _ESCAPED_RE.sub(r"\1", text)


def _partition(text: str, separator: str, escapes: bool) -> tuple[str, str, str]:
    """``str.partition`` that, with ``escapes``, skips a separator written ``\\#``."""
    if not escapes:
        return text.partition(separator)
    index = 0
    while True:
        index = text.find(separator, index)
        if index < 0:
            return text, "", ""
        backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
        if backslashes % 2 == 0:
            return text[:index], separator, text[index + 1 :]
        index += 1


def plain_text(children: Sequence[Token]) -> str:
    """The text a reader sees: markup removed, wiki-links shown as alias or target."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "math_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            target, alias = _split_alias(child.content)
            parts.append(alias if alias is not None else target.rstrip("\\"))
        elif child.type == "tag":
            parts.append("#" + child.content)
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    return "".join(parts).strip()


def github_slug(text: str) -> str:
    """An anchor as GitHub and Quartz make it: lower case, punctuation dropped, ``-``."""
    kept: list[str] = []
    for char in text.lower():
        if char.isalnum() or char in "-_ " or unicodedata.category(char).startswith("M"):
            kept.append(char)
    return "".join(kept).replace(" ", "-")


def token_file_span(token: Token) -> Span | None:
    """The file span the parser stored on an inline token (links, code, math, tags...)."""
    meta: Mapping[str, Any] = token.meta or {}
    span = meta.get("file_span")
    return span if isinstance(span, Span) else None
