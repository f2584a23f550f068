"""Prose extraction and word splitting: what spelling sees, and where."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelint import syntax
from notelint.model import Note
from notelint.parse import build_markdown, parse_note
from notelint.prose import (
    Positions,
    SplitOptions,
    note_words,
    prose_text,
    split_words,
    vocabulary_words,
)

MD = build_markdown(syntax.notelint_configure_markdown)


def note(text: str) -> Note:
    return parse_note(MD, rel="n.md", display="n.md", file=Path("n.md"), text=text)


def words_at(text: str, **options: object) -> list[tuple[str, int, int]]:
    found = note_words(note(text), options=SplitOptions(**options))  # type: ignore[arg-type]
    return [(w.text, w.line, w.column) for w in found]


def texts(text: str, **kwargs: object) -> list[str]:
    found = note_words(note(text), **kwargs)  # type: ignore[arg-type]
    return [w.text for w in found]


# -- the mask ------------------------------------------------------------------------------


def test_mask_keeps_length_and_line_breaks() -> None:
    text = "---\ntitle: x\n---\r\nSome `code` here\r\n```\nfoo\n```\n"
    masked = prose_text(note(text))
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c in "\r\n"] == [
        i for i, c in enumerate(text) if c in "\r\n"
    ]
    assert "title" not in masked and "code" not in masked and "foo" not in masked
    assert "Some" in masked and "here" in masked


MASKED = {
    "frontmatter": "---\ntags: [qwzx]\nsummary: qwzx words\n---\nBody.\n",
    "fenced code": "Text.\n\n```python\nqwzx = 1\n```\n",
    "fence in a list": "- item\n\n  ```\n  qwzx\n  ```\n",
    "indented code": "Text.\n\n    qwzx here\n",
    "inline code": "Use `qwzx --flag` now.\n",
    "block math": "Text.\n\n$$\n\\qwzx{x}\n$$\n",
    "inline math": "So $\\qwzx x$ holds.\n",
    "bare URL": "See https://qwzx.example/qwzx/page now.\n",
    "www URL": "See www.qwzx.com now.\n",
    "autolink": "See <https://qwzx.example/> now.\n",
    "email": "Write to qwzx@mail.example now.\n",
    "link destination": "A [link](qwzx/page.md \"qwzx title\") here.\n",
    "reference label": "A [link][qwzx] here.\n\n[qwzx]: https://qwzx.example\n",
    "image destination": "An ![](qwzx.png) here.\n",
    "wiki-link to a heading": "A [[qwzx#Qwzx]] here.\n",
    "wiki-link to a path": "A [[area/qwzx]] here.\n",
    "wiki-link to a file": "A [[qwzx.pdf]] here.\n",
    "wiki-link target with alias": "A [[qwzx#Qwzx|shown]] here.\n",
    "wiki-link in a table": "| a | b |\n|---|---|\n| [[qwzx\\|shown]] | c |\n",
    "embed": "An ![[qwzx.png|300]] here.\n",
    "inline HTML": 'A <span class="qwzx">word</span> here.\n',
    "HTML block": '<div class="qwzx">\n<p>Text</p>\n</div>\n',
    "HTML comment": "A <!-- qwzx --> here.\n",
    "HTML comment block": "<!--\nqwzx\n-->\n",
    "script": "<script>\nvar qwzx = 1;\n</script>\n",
    "Obsidian comment": "A %% qwzx %% here.\n",
    "Obsidian comment block": "%%\nqwzx\n%%\n",
    "inline tag": "Filed under #qwzx today.\n",
    "nested tag": "Filed under #area/qwzx today.\n",
    "block id": "A paragraph. ^qwzx\n",
    "footnote label": "A claim[^qwzx].\n\n[^qwzx]: The source.\n",
    "callout type": "> [!qwzx] Title\n> Body.\n",
    "HTML entity": "A&qwzx;B and more.\n",
    "file name": "Open qwzx.yaml now.\n",
    "path": "Run /usr/qwzx/bin now.\n",
    "template": "Date {{qwzx:YYYY}} here.\n",
    "dataview field": "qwzx:: 5\n",
    "snake case": "Call qwzx_thing now.\n",
    "CJK": "漢字qwzx混じり text.\n",
    # leaks found on real vaults (issue 13)
    "math block after a paragraph line": "Then:\n$$\n\\qwzx{a}{b}\n$$\nafter\n",
    "math block on one line": "Then:\n$$ \\qwzx{a}{b} $$\n",
    "math block in a list item": "- item\n  $$\n  \\qwzx{a}\n  $$\n",
    "inline math cut by a table pipe": "| a | b |\n|---|---|\n| $x | \\qwzx{b}$ | c |\n",
    "bare file extension": "Save it as .qwzx files.\n",
    "dotfile": "Edit your .qwzxrc and .gitqwzx now.\n",
    "single-segment path": "Look in /qwzx now.\n",
    "single-segment path with slash": "Look in /qwzx/ now.\n",
    "home path": "Look in ~/qwzx now.\n",
    "home path to a dotfolder": "Look in ~/.gemini/qwzx for it.\n",
    "handle": "Ask @qwzx about it.\n",
    "handle with dots": "Ask @qwzx.bsky.social about it.\n",
    "URL broken by a space": "See [it](https://x.example/a qwzx) now.\n",
}


@pytest.mark.parametrize("text", MASKED.values(), ids=list(MASKED))
def test_nothing_is_checked_inside_masked_constructs(text: str) -> None:
    assert all("qwzx" not in w.casefold() for w in texts(text))


def test_the_text_a_wiki_link_shows_is_prose() -> None:
    """``[[techncial notes]]`` reads 'techncial notes' on the published page (Quartz and
    Obsidian show an alias-less target as the link's text); the target of an aliased,
    heading, folder or file link is not shown, so it stays masked."""
    assert texts("See [[techncial notes]] now.\n") == ["See", "techncial", "notes", "now"]
    assert words_at("See [[techncial notes]] now.\n")[1] == ("techncial", 1, 7)
    assert texts("See [[techncial|shown]] and [[a/techncial]] now.\n") == [
        "See", "shown", "and", "now"]


def test_check_title_unmasks_only_the_title() -> None:
    text = "---\ntitle: Qwzx notes\ntags: [qwzxtag]\n---\nBody.\n"
    assert texts(text, check_title=True) == ["Qwzx", "notes", "Body"]
    assert texts(text) == ["Body"]
    assert words_at(text)[0] == ("Body", 5, 1)


def test_title_with_yaml_error_is_not_checked() -> None:
    assert texts("---\ntitle: [unclosed\n---\nBody.\n", check_title=True) == ["Body"]


# -- positions in every kind of prose ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("Intro line.\nThe techncial part.\n", 2, 5),
        ("# The techncial part\n", 1, 7),
        ("Title\n=====\n\nx\n\n## Old techncial\n", 6, 8),
        ("- first\n- a techncial item\n", 2, 5),
        ("1. first\n   - nested techncial\n", 2, 13),
        ("| a | b |\n|---|---|\n| ok | the techncial cell |\n", 3, 12),
        ("| a | b |\n|---|---|\n| [[x\\|y]] | techncial |\n", 3, 14),
        ("See [the techncial docs](https://x.example) now.\n", 1, 10),
        ("See [[target|the techncial alias]] now.\n", 1, 18),
        ("> [!note] A techncial title\n> body\n", 1, 13),
        ("> [!note] Title\n> A techncial body\n", 2, 5),
        ("---\ntags: [a]\n---\n\nText with `code` and techncial.\n", 5, 22),
        ("Crlf line\r\nA techncial one\r\n", 2, 3),
        ("Émile wrote a techncial note.\n", 1, 15),
        ("A **techncial** word.\n", 1, 5),
        ("Tabs\tand a\ttechncial\tword.\n", 1, 12),
    ],
    ids=[
        "paragraph",
        "ATX heading",
        "setext document, ATX heading",
        "list item",
        "nested list item",
        "table cell",
        "table cell after escaped pipe",
        "markdown link text",
        "wiki-link alias",
        "callout title",
        "callout body",
        "after frontmatter and code",
        "CRLF",
        "after accented letters",
        "emphasis",
        "tabs",
    ],
)
def test_words_keep_their_file_position(text: str, line: int, column: int) -> None:
    found = [(w, ln, col) for w, ln, col in words_at(text) if w == "techncial"]
    assert found == [("techncial", line, column)]
    source_line = text.replace("\r\n", "\n").split("\n")[line - 1]
    assert source_line[column - 1 : column - 1 + len("techncial")] == "techncial"


# -- splitting ----------------------------------------------------------------------------


def split(text: str, **options: object) -> list[str]:
    masked = text
    return [w.text for w in split_words(masked, SplitOptions(**options))]  # type: ignore[arg-type]


def test_apostrophes() -> None:
    assert split("don't Zeon's ‘quoted’ users' rock'n'roll it’s") == [
        "don't",
        "Zeon",
        "quoted",
        "users",
        "rock'n'roll",
    ]


def test_curly_apostrophe_is_made_straight_at_the_same_place() -> None:
    (word,) = split_words("I don’t go", SplitOptions(min_length=4))
    assert (word.text, word.column, word.end_column) == ("don't", 3, 8)


def test_hyphenated_words_are_checked_by_part_with_the_compound() -> None:
    found = split_words("a well-known self‐hosted x-ray")
    assert [(w.text, w.column, w.compound) for w in found] == [
        ("well", 3, "well-known"),
        ("known", 8, "well-known"),
        ("self", 14, "self‐hosted"),
        ("hosted", 19, "self‐hosted"),
        ("ray", 28, "x-ray"),
    ]


def test_a_soft_hyphen_joins_the_word_it_breaks() -> None:
    """``com\u00adponents`` shows as ``components``: the whole is the compound to judge."""
    found = split_words("smaller com\u00adponents here")
    assert [(w.text, w.column, w.compound) for w in found] == [
        ("smaller", 1, None),
        ("com", 9, "components"),
        ("ponents", 13, "components"),
        ("here", 21, None),
    ]


def test_allcaps_option() -> None:
    assert split("NASA HTTP URLs APIs Word") == ["Word"]
    assert split("NASA URLs Word", ignore_allcaps=False) == ["NASA", "URLs", "Word"]


def test_camelcase_option() -> None:
    assert split("iPhone JavaScript GitHub Normal") == ["Normal"]
    assert split("iPhone GitHub", ignore_camelcase=False) == ["iPhone", "GitHub"]


def test_digits_option() -> None:
    assert split("mp3 2nd 1990s 42 abc123def word") == ["word"]
    assert split("abc123def 2nd", ignore_words_with_digits=False) == ["abc", "def"]


def test_min_length_option() -> None:
    assert split("a an the word") == ["the", "word"]
    assert split("a an the word", min_length=1) == ["a", "an", "the", "word"]
    assert split("a an the word", min_length=4) == ["word"]


def test_other_scripts_are_skipped_latin_with_accents_kept() -> None:
    assert split("Привет мир café naïve Ελλάδα 日本語 Zürich") == ["café", "naïve", "Zürich"]


def test_emphasis_underscores_are_not_identifiers() -> None:
    assert split("_emphasis_ and __strong__ but snake_case") == ["emphasis", "and", "strong", "but"]


def test_positions_round_trip() -> None:
    text = "ab\r\ncd\ref\ngh"
    pos = Positions(text)
    for offset, char in enumerate(text):
        if char not in "\r\n":
            line, column = pos.line_column(offset)
            assert pos.offset(line, column) == offset


def test_vocabulary_words() -> None:
    assert list(vocabulary_words("Zeon's self-hosting notes")) == [
        "Zeon",
        "self-hosting",
        "self",
        "hosting",
        "notes",
    ]


def test_bad_input_never_crashes() -> None:
    for text in ["", "\n", "---\n", "[[", "[[|]]", "`unclosed", "<div", "%%", "\x00\ufeff", "$$"]:
        masked = prose_text(note(text))
        assert len(masked) == len(text)
        split_words(masked)


def test_urls_in_task_items_leave_no_scheme_behind() -> None:
    assert texts("- [ ] post https://x.example/qwzx today\n") == ["post", "today"]


def test_code_in_task_items_is_masked_exactly() -> None:
    assert words_at("- [ ] do `qwzx` now\n", min_length=1) == [("do", 1, 7), ("now", 1, 17)]


MARKUP = st.sampled_from(
    ["`", "```\n", "$", "$$\n", "[[", "]]", "|", "![[", "[", "](", ")", "<", ">", "<!--",
     "-->", "%%", "#", "^", "---\n", "> [!note] ", "- [ ] ", "| a | b |\n", "\\", "*", "_",
     "https://x.y/z ", "a@b.cd", "\r\n", "\r", "\t", "    ", "漢字", "don't", "Zeon's"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(MARKUP, st.text(max_size=8)), max_size=40).map("".join))
def test_any_text_masks_to_the_same_shape_and_words_point_at_themselves(text: str) -> None:
    parsed = note(text)
    masked = prose_text(parsed, check_title=True)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c in "\r\n"] == [
        i for i, c in enumerate(text) if c in "\r\n"
    ]
    assert all(m == " " or m == t for m, t in zip(masked, text, strict=True))
    for word in split_words(masked, SplitOptions(min_length=1)):
        line = parsed.line_text(word.line)
        assert line[word.column - 1 : word.end_column - 1].replace("’", "'") == word.text


def test_what_the_leak_masks_leave_as_prose() -> None:
    """The new masks take no prose with them: sentence ends, and/or, e-mail, prices."""
    text = (
        "It ends here. Next, (see) and/or it. Mail me@mail.example now...\n"
        "Costs $5 and $10 today. \"Quoted.\" End... then\n"
    )
    assert texts(text) == [
        "ends", "here", "Next", "see", "Mail", "now",
        "Costs", "and", "today", "Quoted", "End", "then",
    ]


# -- nothing that is masked ever becomes prose (a property) -----------------------------------

CLEAN_WORDS = ["the", "garden", "notes", "every", "morning", "writing", "about", "seeds"]
JUNK = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=10)
JUNK_TEXT = st.lists(JUNK, min_size=1, max_size=3).map(" ".join)

#: Constructs whose content is never prose, and whether they stand on their own line.
INLINE = st.one_of(
    JUNK_TEXT.map(lambda j: f"`{j}`"),
    JUNK.map(lambda j: f"https://{j}.example/{j}?q={j}"),
    JUNK.map(lambda j: f"<https://{j}.example/{j}>"),
    JUNK.map(lambda j: f"[[{j}/{j}]]"),
    JUNK.map(lambda j: f"[[{j}#{j}]]"),
    JUNK.map(lambda j: f"[[{j}.pdf]]"),
    JUNK.map(lambda j: f'<span class="{j}" title="{j}">'),
    JUNK_TEXT.map(lambda j: f"%%{j}%%"),
    JUNK.map(lambda j: f"$\\{j}{{x}}$"),
    JUNK_TEXT.map(lambda j: f"$$ \\{j} $$"),
)
BLOCK = st.one_of(
    JUNK_TEXT.map(lambda j: f"```\n{j}\n```"),
    JUNK_TEXT.map(lambda j: f"~~~python\n{j}\n~~~"),
    JUNK_TEXT.map(lambda j: f"$$\n\\{j}\n$$"),
    JUNK_TEXT.map(lambda j: f"%%\n{j}\n%%"),
    JUNK_TEXT.map(lambda j: f"<!--\n{j}\n-->"),
)
CLEAN_NOTE = st.lists(
    st.lists(st.sampled_from(CLEAN_WORDS), min_size=1, max_size=8).map(" ".join),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(CLEAN_NOTE, st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), INLINE)),
       st.lists(st.tuples(st.integers(0, 50), BLOCK)))
def test_inserting_non_prose_into_a_clean_note_adds_no_word(
    lines: list[str],
    inline: list[tuple[int, int, str]],
    blocks: list[tuple[int, str]],
) -> None:
    """Code, fences, URLs, wiki-link targets, HTML attributes, comments and math inserted
    anywhere between words or lines of a clean note add no word to check."""
    clean = texts("\n".join(lines) + "\n")
    rows = [line.split(" ") for line in lines]
    for row_at, word_at, construct in inline:
        row = rows[row_at % len(rows)]
        row.insert(word_at % (len(row) + 1), construct)
    out = [" ".join(row) for row in rows]
    for line_at, construct in sorted(blocks, reverse=True):
        out.insert(line_at % (len(out) + 1), construct)
    added = Counter(texts("\n".join(out) + "\n")) - Counter(clean)
    assert not added  # (a line starting with `$$` may hide more: the parser's math block)
