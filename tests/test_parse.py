"""The parser: one Note per text, every span exact in the ORIGINAL file's coordinates.

Spans are written as (line, column, end_line, end_column), 1-based, end exclusive.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelint import syntax
from notelint.model import Link, LinkKind, Note, Span
from notelint.parse import build_markdown, github_slug, parse_note, split_lines

MD = build_markdown(syntax.notelint_configure_markdown)


def parse(text: str, *, has_bom: bool = False) -> Note:
    return parse_note(MD, rel="n.md", display="n.md", file=Path("n.md"), text=text,
                      has_bom=has_bom)


def sp(span: Span | None) -> tuple[int, int, int, int] | None:
    return None if span is None else (span.line, span.column, span.end_line, span.end_column)


def only_link(text: str) -> Link:
    links = parse(text).links
    assert len(links) == 1, links
    return links[0]


def cut(text: str, span: Span) -> str:
    """The source text a single-line span covers."""
    assert span.line == span.end_line
    return split_lines(text)[span.line - 1][span.column - 1 : span.end_column - 1]


# -- every link form of design §5 -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "raw", "target", "fragment", "alias", "span", "target_span"),
    [
        ("see [[t]] x", LinkKind.WIKILINK, "t", "t", None, None, (1, 5, 1, 10), (1, 7, 1, 8)),
        ("[[t|alias]]", LinkKind.WIKILINK, "t", "t", None, "alias", (1, 1, 1, 12), (1, 3, 1, 4)),
        ("[[t#H]]", LinkKind.WIKILINK, "t#H", "t", "H", None, (1, 1, 1, 8), (1, 3, 1, 6)),
        ("[[t#^b]]", LinkKind.WIKILINK, "t#^b", "t", "^b", None, (1, 1, 1, 9), (1, 3, 1, 7)),
        ("[[#H]]", LinkKind.WIKILINK, "#H", "", "H", None, (1, 1, 1, 7), (1, 3, 1, 5)),
        ("![[f.png|300]]", LinkKind.EMBED, "f.png", "f.png", None, "300", (1, 1, 1, 15),
         (1, 4, 1, 9)),
        ("[x](Zeon's%20Call.md)", LinkKind.MARKDOWN, "Zeon's%20Call.md", "Zeon's Call.md",
         None, None, (1, 1, 1, 22), (1, 5, 1, 21)),
        ("[x](<a b.md>)", LinkKind.MARKDOWN, "a b.md", "a b.md", None, None, (1, 1, 1, 14),
         (1, 6, 1, 12)),
        ("go [x](folder/)", LinkKind.MARKDOWN, "folder/", "folder/", None, None,
         (1, 4, 1, 16), (1, 8, 1, 15)),
        ('[x](a.md "title")', LinkKind.MARKDOWN, "a.md", "a.md", None, None, (1, 1, 1, 18),
         (1, 5, 1, 9)),
        ("[x](b.md#Sec%20x)", LinkKind.MARKDOWN, "b.md#Sec%20x", "b.md", "Sec x", None,
         (1, 1, 1, 18), (1, 5, 1, 17)),
        ("[x](c.md?q=1)", LinkKind.MARKDOWN, "c.md?q=1", "c.md", None, None, (1, 1, 1, 14),
         (1, 5, 1, 13)),
        ("![alt](img/p.png)", LinkKind.IMAGE, "img/p.png", "img/p.png", None, "alt",
         (1, 1, 1, 18), (1, 8, 1, 17)),
        ("a <https://a.org/x> b", LinkKind.AUTOLINK, "https://a.org/x", "https://a.org/x",
         None, None, (1, 3, 1, 20), (1, 4, 1, 19)),
        ("see https://b.org/y ok", LinkKind.BARE_URL, "https://b.org/y", "https://b.org/y",
         None, None, (1, 5, 1, 20), (1, 5, 1, 20)),
        ('x <a href="h.md">h</a>', LinkKind.HTML_LINK, "h.md", "h.md", None, None,
         (1, 3, 1, 18), (1, 12, 1, 16)),
        ("<img src='i.png'> x", LinkKind.HTML_IMAGE, "i.png", "i.png", None, None,
         (1, 1, 1, 18), (1, 11, 1, 16)),
    ],
)
def test_link_forms(
    text: str,
    kind: LinkKind,
    raw: str,
    target: str,
    fragment: str | None,
    alias: str | None,
    span: tuple[int, int, int, int],
    target_span: tuple[int, int, int, int],
) -> None:
    link = only_link(text + "\n")
    assert (link.kind, link.raw, link.target, link.fragment, link.alias) == (
        kind, raw, target, fragment, alias,
    )
    assert sp(link.span) == span
    assert sp(link.target_span) == target_span


def test_target_span_covers_raw_exactly() -> None:
    """A fix rewrites ``target_span``: it must cover the destination as written."""
    text = "[[a#b|c]] ![[e.png]] [x](Zeon's%20Call.md) [y](<a b.md>) <a href='q.md'>q</a>\n"
    for link in parse(text).links:
        assert link.target_span is not None
        assert cut(text, link.target_span) == link.raw


def test_external_links_keep_scheme_and_fragment() -> None:
    link = only_link("see https://x.org/a#frag and more\n")
    assert link.scheme == "https" and link.is_external
    assert link.target == "https://x.org/a" and link.fragment == "frag"
    assert only_link("<mailto:a@b.org>\n").scheme == "mailto"
    assert only_link("[x](notes/a.md)\n").is_local


def test_backslash_escapes_in_markdown_destinations() -> None:
    text = "[z](c\\)d.md) [y](a\\#b.md#Sec\\_x) [w](q\\?.md?x=1) [v](d\\\\#f)\n"
    links = parse(text).links
    assert [(link.target, link.fragment) for link in links] == [
        ("c)d.md", None), ("a#b.md", "Sec_x"), ("q?.md", None), ("d\\", "f"),
    ]
    assert [link.raw for link in links] == ["c\\)d.md", "a\\#b.md#Sec\\_x", "q\\?.md?x=1",
                                           "d\\\\#f"]
    assert only_link('<a href="a\\#b.md">x</a>\n').target == "a\\"  # HTML has no escapes


def test_reference_links_have_no_target_span() -> None:
    text = "[ref][r] and [r]\n\n[r]: target%20x.md#top\n"
    links = parse(text).links
    assert [sp(link.span) for link in links] == [(1, 1, 1, 9), (1, 14, 1, 17)]
    assert {(link.target, link.fragment, link.target_span) for link in links} == {
        ("target x.md", "top", None)
    }


def test_escaped_pipe_in_table_cell() -> None:
    text = "| a | b |\n|---|---|\n| [[x\\|y]] | [[z]] |\n"
    first, second = parse(text).links
    assert (first.target, first.alias) == ("x", "y")
    assert sp(first.span) == (3, 3, 3, 11)
    assert sp(first.target_span) == (3, 5, 3, 6)  # 'x', not the backslash after it
    assert sp(second.span) == (3, 14, 3, 19)


def test_escaped_pipe_outside_tables() -> None:
    link = only_link("[[x\\|y]]\n")
    assert (link.target, link.alias) == ("x", "y")
    assert sp(link.target_span) == (1, 3, 1, 4)


def test_same_link_twice_on_a_line_gets_two_columns() -> None:
    links = parse("text\nlazy [[a]] again [[a]]\n").links
    assert [sp(link.span) for link in links] == [(2, 6, 2, 11), (2, 18, 2, 23)]


def test_link_over_two_lines() -> None:
    link = only_link("a [multi\nline](b.md) c\n")
    assert sp(link.span) == (1, 3, 2, 12)
    assert sp(link.target_span) == (2, 7, 2, 11)


@pytest.mark.parametrize(
    "text",
    [
        "`[[a]]` `https://x.org` `[x](y.md)`\n",
        "```\n[[a]] https://x.org [x](y.md)\n```\n",
        "    [[a]] [x](y.md)\n",
        "$[[a]]$ and $[x](y.md)$\n",
        "$$\n[[a]] [x](y.md)\n$$\n",
        "<!-- [[a]] [x](y.md) <a href='z.md'> -->\n",
        "<!--\n[[a]] <img src='p.png'>\n-->\n",
        "%% [[a]] [x](y.md) %% \n",
        "%%\n[[a]]\n\n[x](y.md) #tag\n%%\n",
        "~~~python\nx = '[[a]]'  # https://x.org\n~~~\n",
    ],
)
def test_nothing_counts_inside_code_math_and_comments(text: str) -> None:
    note = parse(text)
    assert note.links == ()
    assert [tag.name for tag in note.tags] == []


def test_links_around_ignored_regions_keep_their_columns() -> None:
    text = "`[[a]]` and $[[b]]$ and <!-- [[c]] --> %% [[d]] %% [[ok]]\n"
    link = only_link(text)
    assert link.target == "ok"
    assert sp(link.span) == (1, 52, 1, 58)


def test_comments_are_collected_with_spans() -> None:
    text = "a <!-- x --> b %% y %% c\n\n%%\nblock\n%%\n"
    comments = parse(text).comments
    assert [(c.style, c.body, sp(c.span)) for c in comments] == [
        ("html", " x ", (1, 3, 1, 13)),
        ("obsidian", " y ", (1, 16, 1, 23)),
        ("obsidian", "\nblock\n", (3, 1, 5, 3)),
    ]


def test_obsidian_comment_closed_at_the_start_of_a_line() -> None:
    """'%%' opening a line closes a comment the paragraph opened; it starts none."""
    text = (
        "text %%\nhidden [[h]]\n%% after [[y]]\n\n"
        "para\n%%\nhidden [[i]]\n\nmore [[j]]\n%%\nshown [[k]]\n"
    )
    note = parse(text)
    assert [link.target for link in note.links] == ["y", "k"]
    assert [sp(c.span) for c in note.comments] == [(1, 6, 3, 3), (6, 1, 10, 3)]


def test_text_after_a_closing_percent_pair_is_markdown() -> None:
    text = (
        "%%\nhidden [[h]]\nend %% visible [[z]] #tag\n\n"
        "- item\n  %%\n  x [[h2]]\n  y %% [[li]]\n"
    )
    note = parse(text)
    assert [(link.target, sp(link.span)) for link in note.links] == [
        ("z", (3, 16, 3, 21)), ("li", (8, 8, 8, 14)),
    ]
    assert [tag.name for tag in note.tags] == ["tag"]
    assert [c.body for c in note.comments] == ["\nhidden [[h]]\nend ", "\nx [[h2]]\ny "]


def test_unclosed_obsidian_comment_hides_the_rest() -> None:
    note = parse("[[a]]\n\n%%\nhidden [[b]]\n\nstill hidden [[c]]\n")
    assert [link.target for link in note.links] == ["a"]


# -- columns in the original file -----------------------------------------------------


def test_crlf_lines_and_frontmatter() -> None:
    text = "---\r\ntags: [a, b]\r\n---\r\n# Head\r\n\r\nsee [[one]] and\r\n[x](two.md) #t\r\n"
    note = parse(text)
    assert note.newline == "\r\n"
    assert note.lines[1] == "tags: [a, b]"
    assert [sp(link.span) for link in note.links] == [(6, 5, 6, 12), (7, 1, 7, 12)]
    assert [(t.name, sp(t.span)) for t in note.tags] == [
        ("a", (2, 8, 2, 9)), ("b", (2, 11, 2, 12)), ("t", (7, 13, 7, 15)),
    ]
    assert sp(note.headings[0].span) == (4, 1, 4, 7)


def test_lone_cr_ends_lines() -> None:
    note = parse("a\r[[b]]\r")
    assert sp(note.links[0].span) == (2, 1, 2, 6)


def test_bom_is_not_a_column() -> None:
    note = parse("[[a]]\n", has_bom=True)
    assert note.has_bom
    assert sp(note.links[0].span) == (1, 1, 1, 6)


def test_tabs_cjk_and_combining_marks_count_one_column_per_code_point() -> None:
    text = "x\t[[tab]]\n日本語 [[cjk]] ![i](日本.png)\ne\u0301e\u0301 [[comb]]\n"
    links = parse(text).links
    assert [sp(link.span) for link in links] == [
        (1, 3, 1, 10), (2, 5, 2, 12), (2, 13, 2, 25), (3, 6, 3, 14),
    ]
    for link in links:
        assert cut(text, link.span).endswith(")" if link.kind is LinkKind.IMAGE else "]]")


def test_containers_lists_quotes_and_nesting() -> None:
    text = "- item [[li]]\n> quote [[q]]\n  - nested [[n]]\n1. one\n   2. [[deep]]\n"
    spans = [sp(link.span) for link in parse(text).links]
    assert spans == [(1, 8, 1, 14), (2, 9, 2, 14), (3, 12, 3, 17), (5, 7, 5, 15)]


def test_indented_continuation_lines() -> None:
    text = "- first line\n  second [[x]] line\n"
    assert sp(only_link(text).span) == (2, 10, 2, 15)


# -- headings --------------------------------------------------------------------------


def test_headings_and_github_slugs_with_duplicates() -> None:
    text = (
        "# Hello World!\n## Hello World\n## hello world\nSetext\n======\n## Foo ##\n"
        "### Ünïcode Ça va?\n## 日本語 見出し\n## `code` and [[link|Alias]]\n"
    )
    headings = parse(text).headings
    assert [(h.level, h.text, h.slug) for h in headings] == [
        (1, "Hello World!", "hello-world"),
        (2, "Hello World", "hello-world-1"),
        (2, "hello world", "hello-world-2"),
        (1, "Setext", "setext"),
        (2, "Foo", "foo"),
        (3, "Ünïcode Ça va?", "ünïcode-ça-va"),
        (2, "日本語 見出し", "日本語-見出し"),
        (2, "code and Alias", "code-and-alias"),
    ]
    assert sp(headings[0].span) == (1, 1, 1, 15)
    assert sp(headings[3].span) == (4, 1, 4, 7)
    assert headings[7].source == "`code` and [[link|Alias]]"


def test_slug_of_a_heading_named_like_a_numbered_duplicate() -> None:
    slugs = [h.slug for h in parse("# a\n# a\n# a-1\n").headings]
    assert slugs == ["a", "a-1", "a-1-1"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello, World", "hello-world"),
        ("  spaced  out ", "--spaced--out-"),
        ("C++ & Rust", "c--rust"),
        ("snake_case-ok", "snake_case-ok"),
        ("Émoji 🎉 here", "émoji--here"),
        ("e\u0301", "e\u0301"),
    ],
)
def test_github_slug(text: str, slug: str) -> None:
    assert github_slug(text) == slug


# -- tags and block ids ----------------------------------------------------------------


def test_inline_tags() -> None:
    text = "#start and #café/sub-x, (#paren) a#b #123 https://x.org/#frag `#code`\n"
    tags = parse(text).tags
    assert [(t.name, sp(t.span)) for t in tags] == [
        ("start", (1, 1, 1, 7)),
        ("café/sub-x", (1, 12, 1, 23)),
        ("paren", (1, 26, 1, 32)),
    ]
    assert {t.source for t in tags} == {"inline"}


def test_heading_is_not_a_tag_but_a_tag_in_a_heading_is() -> None:
    note = parse("# Title #topic\n")
    assert [t.name for t in note.tags] == ["topic"]
    assert note.headings[0].text == "Title #topic"


def test_trailing_slash_and_dash_are_not_part_of_a_tag() -> None:
    assert [t.name for t in parse("#a/b/ and #c-\n").tags] == ["a/b", "c"]


def test_block_ids() -> None:
    text = "A paragraph ^para-1\n\n- item ^blk\n- not^id\n- mid ^no more\n"
    ids = parse(text).block_ids
    assert [(b.id, sp(b.span)) for b in ids] == [
        ("para-1", (1, 13, 1, 20)),
        ("blk", (3, 8, 3, 12)),
    ]


# -- frontmatter -----------------------------------------------------------------------


def test_frontmatter_value_positions() -> None:
    text = "---\ntitle: \"Hi\"\ntags:\n  - one\n  - two\nmeta:\n  nested: 3\n---\nbody\n"
    fm = parse(text).frontmatter
    assert fm.present and fm.error is None
    assert fm.data == {"title": "Hi", "tags": ["one", "two"], "meta": {"nested": 3}}
    assert sp(fm.span) == (1, 1, 8, 4)
    assert sp(fm.position("title")) == (2, 8, 2, 12)
    assert sp(fm.position("title", "__key__")) == (2, 1, 2, 6)
    assert sp(fm.position("tags", 1)) == (5, 5, 5, 8)
    assert sp(fm.position("meta", "nested")) == (7, 11, 7, 12)
    assert sp(fm.position("tags", 9)) == sp(fm.position("tags"))  # falls back to parent
    assert fm.position("absent") == fm.span


def test_frontmatter_lines_are_blank_for_markdown() -> None:
    note = parse("---\ntitle: '[[not a link]]'\n---\n# H\n[[x]]\n")
    assert [link.target for link in note.links] == ["x"]
    assert sp(note.headings[0].span) == (4, 1, 4, 4)
    assert sp(note.links[0].span) == (5, 1, 5, 6)


def test_frontmatter_tags_from_list_and_string() -> None:
    listed = parse("---\ntags:\n  - #x\n  - y\n---\n")
    assert [(t.name, t.source, sp(t.span)) for t in listed.tags] == [
        ("y", "frontmatter", (4, 5, 4, 6))
    ]
    text = "---\ntag: a, b c\n---\n"
    assert [t.name for t in parse(text).tags] == ["a", "b", "c"]


def test_null_tag_item_has_a_position() -> None:
    fm = parse("---\ntags:\n  - #x\n  - y\n---\n").frontmatter
    assert fm.data == {"tags": [None, "y"]}
    assert sp(fm.position("tags", 0)) == (3, 5, 3, 7)  # the swallowed '#x'
    assert sp(fm.position("tags", 1)) == (4, 5, 4, 6)


def test_empty_item_without_comment_stays_a_point() -> None:
    fm = parse("---\ntags:\n  -\n  - y\n---\n").frontmatter
    assert sp(fm.position("tags", 0)) == (3, 4, 3, 4)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("---\ntitle: a: b\n---\n", 2, 9, "mapping values"),
        ("---\ntitle: ok\nbad: [unclosed\n---\nbody\n", 3, 6, "flow sequence"),
        ("---\na: 1\n  b: 2\n---\n", 3, 4, "mapping values"),
        ("---\n- a\n---\n", 2, 1, "not a mapping"),
        ("---\ntags: [a]\n", 1, 1, "never closed"),
        ("---\r\nx: \"open\r\n---\r\n", 2, 4, "quoted scalar"),
        # YAML breaks lines at U+0085, U+2028 and U+2029; Markdown and editors do not
        ("---\ntitle: a\u2028b: [\nx: 1\n---\n", 2, 13, "flow sequence"),
        ("---\ntags: [x\x85, y]\nk: [1\n---\n", 3, 4, "flow sequence"),
        ("---\nk: \u2029\u2029[1\n---\n", 2, 6, "expected ':'"),
    ],
)
def test_yaml_errors_point_at_their_line(text: str, line: int, column: int, words: str) -> None:
    fm = parse(text).frontmatter
    assert fm.present and fm.data is None and fm.error is not None
    assert (fm.error.line, fm.error.column) == (line, column)
    assert words in fm.error.message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("---\na: !!int abc\n---\n", 2, 4, "'!!int' cannot be read"),
        ("---\nx: 1\na: !!timestamp nope\n---\n", 3, 4, "'!!timestamp' cannot be read"),
        ("---\na: !!float x\n---\n", 2, 4, "'!!float' cannot be read"),
        ("---\na: !!binary xyz\n---\n", 2, 4, "base64"),
        ("---\na: &x [1]\nc: *nope\n---\n", 3, 4, "undefined alias"),
        ("---\n{a: 1}: 2\n---\n", 2, 1, "unhashable key"),
    ],
)
def test_values_yaml_cannot_build_are_errors_not_crashes(
    text: str, line: int, column: int, words: str
) -> None:
    error = parse(text).frontmatter.error
    assert error is not None and words in error.message
    assert (error.line, error.column) == (line, column)


def _alias_bomb() -> str:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join([*lines, f"tags: *{previous}", "---", "[[x]]", ""])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_alias_bomb(), "more than 100,000 values"),
        ("---\na: &x [*x]\n---\n", "or into itself"),
        ("---\na: &x {b: *x}\n---\n", "or into itself"),
        ("---\na: " + "[" * 3000 + "]" * 3000 + "\n---\n", "too deeply"),
    ],
)
def test_hostile_yaml_is_refused_quickly(text: str, words: str) -> None:
    """An alias bomb loads cheaply but would hang every rule walking its values."""
    note = parse(text)
    error = note.frontmatter.error
    assert error is not None and words in error.message and (error.line, error.column) == (2, 1)
    assert note.tags == ()


def test_ordinary_aliases_still_load() -> None:
    fm = parse("---\ntags: &t [a, b]\nkeywords: *t\n---\n").frontmatter
    assert fm.error is None and fm.data == {"tags": ["a", "b"], "keywords": ["a", "b"]}


def test_impossible_dates_stay_text() -> None:
    fm = parse("---\ndate: 2024-02-30\nok: 2024-02-29\n---\n").frontmatter
    assert fm.error is None and fm.data is not None
    assert fm.data["date"] == "2024-02-30" and str(fm.data["ok"]) == "2024-02-29"


def test_empty_frontmatter_is_an_empty_mapping() -> None:
    note = parse("---\n---\n[[x]]\n")
    assert note.frontmatter.present and note.frontmatter.data == {}
    assert sp(note.links[0].span) == (3, 1, 3, 6)


def test_dashes_not_on_line_one_are_no_frontmatter() -> None:
    note = parse("\n---\ntags: [a]\n---\n")
    assert not note.frontmatter.present


def test_yaml_is_loaded_safely() -> None:
    fm = parse("---\nx: !!python/object/apply:os.system ['true']\n---\n").frontmatter
    assert fm.data is None and fm.error is not None


@pytest.mark.parametrize(
    "text",
    ["", "\n", "---", "---\n", "[[", "[[]]", "![[ ]]", "%%", "<!--", "#", "^", "| a |\n|-",
     "\ufeff", "[x](", "```", "$$", "<a href=", "\x00", "\r\r\n"],
)
def test_fragments_never_crash(text: str) -> None:
    note = parse(text)
    assert note.lines == split_lines(text)


def test_task_list_items_keep_their_columns() -> None:
    """The tasklists plugin drops '[ ]' from the content after inline parsing."""
    text = "- [ ] <b>[[h]]</b> see [t](d.md)\n- [x] #done ^blk\n"
    note = parse(text)
    assert [sp(link.span) for link in note.links] == [(1, 10, 1, 15), (1, 24, 1, 33)]
    assert [sp(tag.span) for tag in note.tags] == [(2, 7, 2, 12)]
    assert [sp(block.span) for block in note.block_ids] == [(2, 13, 2, 17)]


def test_tab_indented_continuation_lines() -> None:
    """markdown-it turns the tab into spaces; columns still count the tab as one."""
    text = "- item\n\t[[a]] [t](d.md)\n"
    assert [sp(link.span) for link in parse(text).links] == [(2, 2, 2, 7), (2, 8, 2, 17)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["k: v", "t: [a, b]", "\u2028", "\x85", "\u2029", "x: :",
                                 "- i", "  n: 1", "q: 'a\u2028b'", "[", "\n"]),
                min_size=1, max_size=8))
def test_yaml_positions_stay_inside_their_lines(parts: list[str]) -> None:
    text = "---\n" + "".join(parts) + "\n---\nbody\n"
    note = parse(text)
    fm = note.frontmatter
    spans = list(fm.positions.values())
    if fm.error is not None:
        spans.append(Span(fm.error.line, fm.error.column, fm.error.line, fm.error.column))
    for span in spans:
        for line, column in ((span.line, span.column), (span.end_line, span.end_column)):
            assert 1 <= line <= len(note.lines), (text, span)
            assert 1 <= column <= len(note.lines[line - 1]) + 1, (text, span)


@pytest.mark.parametrize("blank", ["\u00a0", "\u3000", "\u2028", "\x0c", "\u00a0\u3000 "])
def test_a_paragraph_opening_with_a_line_python_strips_keeps_its_positions(blank: str) -> None:
    text = f"{blank}\n[[7]] and [t](d.md)\n"
    assert [sp(link.span) for link in parse(text).links] == [(2, 1, 2, 6), (2, 11, 2, 20)]


@pytest.mark.parametrize("prefix", ["- ", "> ", "* > ", "> - ", "- [ ] ", "1. > > "])
def test_such_a_line_behind_list_and_quote_markers_keeps_the_next_lines_positions(
    prefix: str,
) -> None:
    text = f"{prefix}\u00a0\n[[7]] and [t](d.md)\n"
    assert [sp(link.span) for link in parse(text).links] == [(2, 1, 2, 6), (2, 11, 2, 20)]


# -- every span, in any arrangement -------------------------------------------------------

PIECES = [
    "[[a]]", "[[b|x]]", "![[c.png|30]]", "[t](d.md)", "[t](<e f.md>)", "![i](g.png)",
    "<https://h.org>", "https://i.org/x", '<a href="j.md">j</a>', "<img src='k.png'>", "word",
    "日本", "e\u0301", "\t", "`code [[z]]`", "$m$", "*em*", "**[[bold]]**", "#tag", "%% c %%",
    "<!-- c -->", "\\|", "[ref][r]", "^blk", "[^1]", "#a/b", "~~[[s]]~~", "<b>[[h]]</b>",
    "[[a#H]]", "[[#^b]]", "\u00a0", "\u3000", "\u2028", "\x0c", "\x85",
]
PREFIXES = ["", "- ", "> ", "1. ", "  - ", "> - ", "## ", "    ", "\t", "> > ", ">\t",
            "- [ ] ", "- [x] ", "10) ", "  \t", "* > "]


def _document(rows: list[tuple[str, list[str], bool]], crlf: bool) -> str:
    lines: list[str] = []
    for prefix, pieces, blank in rows:
        body = " ".join(pieces)
        if prefix == "| ":
            cell = body.replace("|", "\\|")
            lines += [f"| {cell} | x |", "|---|---|", f"| {cell} | y |"]
        else:
            lines.append(prefix + body)
        if blank:
            lines.append("")
    return ("\r\n" if crlf else "\n").join(lines) + "\n\n[r]: x.md\n[^1]: note\n"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([*PREFIXES, "| "]),
                  st.lists(st.sampled_from(PIECES), min_size=1, max_size=5), st.booleans()),
        min_size=1, max_size=8,
    ),
    st.booleans(),
)
def test_every_span_covers_what_it_names(
    rows: list[tuple[str, list[str], bool]], crlf: bool
) -> None:
    text = _document(rows, crlf)
    note = parse(text)
    for link in note.links:
        if link.span.line == link.span.end_line:
            assert cut(text, link.span)[:1] in ("[", "!", "<", "h"), (text, link)
        if link.target_span is not None:
            assert cut(text, link.target_span) == link.raw, (text, link)
    for tag in note.tags:
        assert cut(text, tag.span) == "#" + tag.name, (text, tag)
    for block in note.block_ids:
        assert cut(text, block.span) == "^" + block.id, (text, block)


def test_html_ids_come_from_tags_outside_code_and_comments() -> None:
    note = parse(
        '<a id="top"></a>\n\ntext <span name="n" ID="i">x</span>, `<a id="code">`'
        ' <!-- <a id="hidden"> -->\n\n```\n<a id="fenced">\n```\n'
    )
    assert note.html_ids == ("top", "n", "i")


# -- frontmatter formats: YAML ---, TOML +++ (Hugo, Zola), JSON { } ------------------------


def test_yaml_frontmatter_is_detected_by_the_yaml_handler_and_keeps_positions() -> None:
    text = "---\ntitle: A\ntags: [x, 'y z']\n---\n# A\n"
    note = parse(text)
    assert note.frontmatter.data == {"title": "A", "tags": ["x", "y z"]}
    assert cut(text, note.frontmatter.position("tags", 1)) == "'y z'"
    assert sp(note.frontmatter.span) == (1, 1, 4, 4)


def test_four_dashes_are_a_rule_not_frontmatter() -> None:
    """python-frontmatter's boundary accepts '----'; Obsidian and Quartz do not."""
    note = parse("----\ntitle: A\n----\n")
    assert not note.frontmatter.present


def test_toml_frontmatter_values_tags_and_positions() -> None:
    text = ('+++\ntitle = "Hugo note"\ntags = ["one", "two words"]\n'
            'aliases = [\n  "first",\n  "second",\n]\ndate = 2024-03-05\n'
            '[extra]\nx = 1\n+++\n# Body\n\nSee [[first]].\n')
    note = parse(text)
    fm = note.frontmatter
    assert fm.present and fm.error is None
    assert fm.data["title"] == "Hugo note" and fm.data["extra"] == {"x": 1}
    assert str(fm.data["date"]) == "2024-03-05"
    assert [tag.name for tag in note.tags if tag.source == "frontmatter"] == ["one", "two words"]
    assert cut(text, fm.position("title")) == '"Hugo note"'
    assert cut(text, fm.position("tags", 1)) == '"two words"'
    assert cut(text, fm.position("aliases", 1)) == '"second"'
    assert sp(fm.position("extra", "x")) == sp(fm.span)  # inside a table: the block
    assert sp(fm.span) == (1, 1, 11, 4)
    assert [link.target for link in note.links] == ["first"]
    assert note.headings[0].span.line == 12  # the block's lines are kept blank


def test_invalid_toml_is_an_error_at_its_line() -> None:
    note = parse('+++\ntitle = "ok"\ntags = [unquoted]\n+++\n')
    error = note.frontmatter.error
    assert error is not None and (error.line, error.column) == (3, 9)
    assert "(TOML); fix the TOML here" in error.message


def test_unclosed_toml_block_says_which_line_to_add() -> None:
    error = parse('+++\ntitle = "x"\n').frontmatter.error
    assert error is not None and "never closed; add a line holding only '+++'" in error.message


def test_json_frontmatter_and_a_brace_that_is_no_frontmatter() -> None:
    text = '{\n  "title": "J",\n  "tags": ["a"]\n}\nBody [[x]]\n'
    note = parse(text)
    assert note.frontmatter.data == {"title": "J", "tags": ["a"]}
    assert cut(text, note.frontmatter.position("title")) == '"J"'
    assert [link.span.line for link in note.links] == [5]
    plain = parse("{\nnot json, just a brace\n}\n")
    assert not plain.frontmatter.present and plain.frontmatter.error is None


@pytest.mark.parametrize(("text", "expected"), [
    ("<div><img src=X\n\n", (1, 6, 1, 16)),
    ("<div><img src=X alt=y\n\nmore\n", (1, 6, 1, 22)),
    ("<div><img src='X'>\n", (1, 6, 1, 19)),
])
def test_an_unclosed_html_tag_ends_on_its_own_line(
    text: str, expected: tuple[int, int, int, int]
) -> None:
    (link,) = parse(text).links
    assert sp(link.span) == expected
    assert expected[3] <= len(text.split("\n")[expected[2] - 1]) + 1
