"""The workspace's check of a huge buffer's leading part (``Workspace.check_part``).

The language server checks only the start of a note too big to check in full as the
user types. What it shows there must be what ``notelint check`` says of the whole note:
a finding may be missing, never wrong. Two properties carry that: the leading part reads
exactly as the same lines of the whole note (links, headings, tags, block ids,
frontmatter), and the rules kept (``holds_on_part``) give the same findings on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from notelint import syntax
from notelint.model import Note
from notelint.parse import build_markdown, parse_note
from notelint.workspace import Workspace, WorkspaceOptions, leading_part, part_lines

MD = build_markdown(syntax.notelint_configure_markdown)


def parse(text: str) -> Note:
    return parse_note(MD, rel="n.md", display="n.md", file=Path("n.md"), text=text)


def facts(note: Note, lines: int) -> dict[str, object]:
    """What rules read of a note, on its first ``lines`` lines."""
    return {
        "links": [link for link in note.links if link.span.line <= lines],
        "headings": [h for h in note.headings if h.span.line <= lines],
        "tags": [t for t in note.tags if t.span.line <= lines],
        "block_ids": [b for b in note.block_ids if b.span.line <= lines],
        "frontmatter": (note.frontmatter.present, note.frontmatter.data,
                        note.frontmatter.error, note.frontmatter.span),
    }


# pieces whose meaning a later line could change: fences, math, comments, HTML blocks,
# lists, quotes, tables, definitions, setext underlines, lazy continuations
PIECES = [
    "[[a]] and [b](b.md) and ![[c.png]]", "# Heading [[h]]", "Setext", "===", "---",
    "```", "~~~", "$$", "%%", "%% x %%", "<!--", "-->", "<div>", "</div>", "<pre>",
    "</pre>", "- item [[l]]", "  continued [[m]]", "> quote [[q]]", "| a | [[t]] |",
    "|---|---|", "[ref]: r.md", "[x][ref] [y]", "[^1] and [^1](f.md)", "[^1]: note [[n]]",
    "    indented [[i]]", "text ^block", "#tag and #other", "[z](<a b.md>)", "<a href=\"h.md\">",
    "[[wiki\nacross]]", "tags: [a]", "- $$", "> $$ [[k]]", "`$$` [[c]]", "x %% y", "", "",
    "$$x$$ [[after math]]", "$$ a $$ [[b]]", "$$y = 1", "y = 2$$",
]


@st.composite
def cut_documents(draw: st.DrawFn) -> tuple[str, int]:
    """A note of pieces, each ending its line or followed by a blank line, and a limit."""
    pieces = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(["\n", "\n\n"])),
                           min_size=1, max_size=30))
    text = "".join(piece + end for piece, end in pieces)
    if draw(st.booleans()):
        text = "---\ntags: [x]\n---\n" + text
    return text, draw(st.integers(min_value=1, max_value=len(text)))


@settings(max_examples=500, deadline=None)
@given(cut_documents())
# found by Hypothesis on main: a footnote defined before the cut, referred to after it
@example(("[^1]: note [[n]]\n# Heading [[h]]\n\n[^1] and [^1](f.md)\n", 34))
# and an HTML comment the cut leaves open, whose HTML would be read for links
@example(("[[a]] and [b](b.md) and ![[c.png]]\n<!--\n<a href=\"h.md\">\n\n-->\n", 57))
def test_the_leading_part_reads_as_the_same_lines_of_the_whole_note(case: tuple[str, int]
                                                                    ) -> None:
    text, limit = case
    found = leading_part(text, limit, parse)
    if isinstance(found, str):  # refused: nothing is checked, so nothing can be wrong
        return
    cut, part = found
    assert cut <= limit and part.text == text[:cut]
    lines = part_lines(part)
    whole = parse(text)
    assert facts(part, lines) == facts(whole, lines)


def test_a_part_is_refused_when_the_rest_could_change_it() -> None:
    head = "[x][ref] and [[a]]\n\n"

    def cut(text: str, limit: int) -> int | str:
        found = leading_part(text, limit, parse)
        return found if isinstance(found, str) else found[0]

    assert cut(head + "more\n", len(head)) == len(head)
    assert "definition" in str(cut(head + "[ref]: there.md\n", len(head)))
    assert "definition" in str(cut(head + "> [^1]: foot\n", len(head)))
    assert "disable-file" in str(cut(head + "<!-- notelint-disable-file -->\n", len(head)))
    assert "blank line" in str(cut("one long line\n" * 3, 20))
    assert "frontmatter" in str(cut("---\ntags: [x]\n\nmore: 1\n---\n", 20))
    # a math block the cut would leave open: the part ends above it
    math = head + "$$\n[[not a link]]\n\nx = 1\n$$\n"
    assert cut(math, len(math) - 8) == len(head)
    inline = head + "$$x$$ and [[a link]]\n\nmore\n"
    assert cut(inline, len(inline) - 3) == len(head) + len("$$x$$ and [[a link]]\n\n")


def big_vault(tmp_path: Path, late: str = "") -> Path:
    """A vault with a note whose broken links run past a 2,000-character part."""
    (tmp_path / "page.md").write_text("---\ntags: [x]\n---\n# Page\n\n## Real\n",
                                      encoding="utf-8")
    body = "".join(
        f"Line {i}: [[gone {i}]], [[page#Real]], [[page#Missing {i}]], [[#Late]], "
        f"[[pagee]] #Tag{i % 3} teh wrod\n\n### 2024-02-3{i % 2}\n\n" for i in range(80)
    )
    (tmp_path / "big.md").write_text(
        f"---\ntags: [x]\n---\n{body}## Late\n{late}", encoding="utf-8")
    return tmp_path / "big.md"


def test_the_part_gives_the_whole_notes_findings_of_the_rules_that_hold_there(
    tmp_path: Path,
) -> None:
    big = big_vault(tmp_path)
    workspace = Workspace(tmp_path, WorkspaceOptions())
    workspace.load()
    text = big.read_text(encoding="utf-8")
    whole = workspace.check("big.md")
    part = workspace.check_part("big.md", text, 2_000)
    assert part.reason is None and 0 < part.lines < len(text.splitlines())
    kept = set(workspace.part_rules())
    assert "NL104" not in kept  # [[#Late]]: the heading is past the part
    expected = [f for f in whole if f.code in kept and f.span.line <= part.lines]
    assert part.findings == expected
    assert {f.code for f in part.findings} >= {"NL101", "NL301"}
    # the vault keeps the whole note: another note's [[big#Late]] still resolves
    assert workspace.vault is not None
    assert workspace.vault.notes["big.md"].text == text


def test_a_disable_file_comment_past_the_part_leaves_nothing_to_show(tmp_path: Path) -> None:
    big = big_vault(tmp_path, late="\n<!-- notelint-disable-file -->\n")
    workspace = Workspace(tmp_path, WorkspaceOptions())
    workspace.load()
    assert workspace.check("big.md") == []
    part = workspace.check_part("big.md", big.read_text(encoding="utf-8"), 2_000)
    assert part.findings == [] and "disable-file" in str(part.reason)


@pytest.mark.timeout(120)  # a hang guard, not a speed goal: the quadratic search took hours
def test_looking_for_definitions_does_not_hang_on_a_huge_note() -> None:
    """A huge note of lines opening with '[' (or holding ']:') is searched in one pass:
    the regex search from every line start took a minute on 120 KB of such lines."""
    for body in ("[a\n" * 200_000, "x ]: y\n" * 200_000):
        found = leading_part("Intro.\n\n" + body, 100, parse)
        assert not isinstance(found, str) or "definition" not in found
