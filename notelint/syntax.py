"""notelint's own Markdown syntax: wiki-links, embeds, ``%% comments %%``, ``#tags``, ``^ids``.

This is a built-in plugin of the engine (not a check): it implements
``notelint_configure_markdown`` like any third-party syntax plugin would. Every token it
makes carries ``meta["span"] = (start, end)``, offsets into the inline source, which the
parser turns into file positions.

Engine stage: plan (a parser plugin, installed when the parser is built).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from notelint import hookimpl

#: A tag: letters (any script), digits, ``_``, ``-`` and ``/`` for nesting; not all digits.
TAG_RE = re.compile(r"#([\w/-]+)", re.UNICODE)
BLOCK_ID_RE = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*(?=\n|$)")
_TAG_MAY_FOLLOW = frozenset(" \t\n(")


@hookimpl
def notelint_configure_markdown(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.inline.ruler.before("emphasis", "obsidian_comment", obsidian_comment_rule)
    md.inline.ruler.after("wikilink", "tag", tag_rule)
    md.inline.ruler.after("tag", "block_id", block_id_rule)
    md.block.ruler.before(
        "paragraph",
        "obsidian_comment_block",
        obsidian_comment_block_rule,
        {"alt": ["paragraph"]},
    )


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[target#frag|alias]]`` and ``![[embed]]`` on one line."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    inner_start = pos + (3 if embed else 2)
    close = src.find("]]", inner_start)
    if close < 0:
        return False
    inner = src[inner_start:close]
    if not inner.strip() or "\n" in inner or "[[" in inner:
        return False
    if inner.startswith("["):
        # ``[[[noah]]]``: a target never starts with '[' (Quartz's wiki-link pattern
        # excludes brackets, Obsidian forbids them in names); the link is the ``[[noah]]``
        # that starts one character later, the outer brackets are text.
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = inner
        token.markup = "![[" if embed else "[["
        token.meta = {"span": (pos, close + 2), "inner": (inner_start, close)}
    state.pos = close + 2
    return True


def obsidian_comment_rule(state: StateInline, silent: bool) -> bool:
    """``%% hidden %%`` inside a paragraph (may run over lines of the same block)."""
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    close = src.find("%%", pos + 2)
    end = state.posMax if close < 0 else close + 2
    if not silent:
        token = state.push("obsidian_comment", "", 0)
        token.content = src[pos + 2 : close if close >= 0 else end]
        token.meta = {"span": (pos, end)}
    state.pos = end
    return True


def tag_rule(state: StateInline, silent: bool) -> bool:
    """``#tag`` after a space or at the start; ``#123`` (an issue number) is no tag."""
    src, pos = state.src, state.pos
    if src[pos] != "#" or (pos > 0 and src[pos - 1] not in _TAG_MAY_FOLLOW):
        return False
    match = TAG_RE.match(src, pos)
    if match is None or match.group(1).isdigit():
        return False
    name = match.group(1).rstrip("/-")
    if not name:
        return False
    if not silent:
        token = state.push("tag", "", 0)
        token.content = name
        token.meta = {"span": (pos, pos + 1 + len(name))}
    state.pos = pos + 1 + len(name)
    return True


def block_id_rule(state: StateInline, silent: bool) -> bool:
    """``^block-id`` closing a line, after a space, as Obsidian writes block references."""
    src, pos = state.src, state.pos
    if src[pos] != "^" or (pos > 0 and src[pos - 1] not in " \t\n"):
        return False
    match = BLOCK_ID_RE.match(src, pos)
    if match is None:
        return False
    if not silent:
        token = state.push("block_id", "", 0)
        token.content = match.group(1)
        token.meta = {"span": (pos, pos + 1 + len(match.group(1)))}
    state.pos = match.end()
    return True


def obsidian_comment_block_rule(
    state: StateBlock, start_line: int, end_line: int, silent: bool
) -> bool:
    """A ``%%`` comment opening a line; it may span paragraphs, to the file's end if open."""
    first = _block_line(state, start_line)
    if state.sCount[start_line] - state.blkIndent >= 4 or not first.startswith("%%"):
        return False
    if silent and _closes_an_inline_comment(state, start_line):
        return False  # "text %%" above opened a comment this "%%" closes: one paragraph
    closing = first.find("%%", 2)
    if closing >= 0:
        if first[closing + 2 :].strip():
            return False  # "%% x %% prose": an inline comment inside a paragraph
        last = start_line
    else:
        last = start_line + 1
        while last < end_line and "%%" not in _block_line(state, last):
            last += 1
        last = min(last, end_line - 1)
    if silent:
        return True
    closing_line = _block_line(state, last)
    end = closing_line.find("%%") + 2 if last > start_line and "%%" in closing_line else -1
    token = state.push("obsidian_comment_block", "", 0)
    token.map = [start_line, last + 1]
    lines = [_block_line(state, n) for n in range(start_line, last + 1)]
    if end > 0 and closing_line[end:].strip():
        # "end %% more text": the comment stops at its '%%'; the rest of the line is
        # read as Markdown by moving the line's start past the comment
        lines[-1] = closing_line[:end]
        state.bMarks[last] += state.tShift[last] + end
        rest = closing_line[end:]
        state.tShift[last] = len(rest) - len(rest.lstrip(" \t"))
        state.sCount[last] = state.blkIndent
        state.line = last
    else:
        state.line = last + 1
    token.content = "\n".join(lines)
    return True


def _closes_an_inline_comment(state: StateBlock, line: int) -> bool:
    """Whether the paragraph running into ``line`` left a ``%%`` open."""
    count = 0
    previous = line - 1
    while previous >= 0 and not state.isEmpty(previous):
        count += _block_line(state, previous).count("%%")
        previous -= 1
    return count % 2 == 1


def _block_line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
