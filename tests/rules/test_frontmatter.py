"""The frontmatter family NL201-NL206, each with passing and failing fixture vaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelint.testing import lint

GOOD = "---\ntitle: Fine\ntags: [garden, notes/daily]\ndate: 2024-03-05\n---\n# Fine\n"


def spans(result: object) -> list[tuple[str, int, int, int, int, str]]:
    findings = result.findings  # type: ignore[attr-defined]
    return [(f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.code)
            for f in findings]


def test_good_notes_pass_every_frontmatter_rule(tmp_path: Path) -> None:
    files = {
        "a.md": GOOD,
        "b.md": "---\ntag: garden, notes\n---\n",  # 'tag' and a comma string, as Quartz reads
        "c.md": (
            "---\ntags: garden notes\ncreated: March 5, 2024\n"
            "updated: 2024-03-05T10:00Z\n---\n"
        ),
        "d.md": "\ufeff---\r\ntags:\r\n  - garden\r\n---\r\nbody\r\n",
    }
    result = lint(tmp_path, files, select=["frontmatter"])
    assert result.findings == [] and result.exit_code == 0


# -- NL201 missing-frontmatter ----------------------------------------------------------


def test_missing_frontmatter(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "# Reading list\n", "b.md": GOOD}, select=["NL201"])
    assert spans(result) == [("a.md", 1, 1, 1, 15, "NL201")]
    assert "tags" in result.findings[0].message and "'---'" in result.findings[0].message


def test_missing_frontmatter_in_an_empty_note(tmp_path: Path) -> None:
    result = lint(tmp_path, {"empty.md": ""}, select=["NL201"])
    assert spans(result) == [("empty.md", 1, 1, 1, 1, "NL201")]


def test_missing_frontmatter_is_fine_when_nothing_is_required(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "# x\n"}, select=["NL201", "NL203"],
                  config={"frontmatter": {"required": []}})
    assert result.findings == []


def test_missing_frontmatter_names_the_required_fields(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "x\n"}, select=["NL201"],
                  config={"frontmatter": {"required": ["title", "tags"]}})
    assert "title, tags" in result.findings[0].message


# -- NL202 invalid-frontmatter ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("---\ntitle: Notes: part 2\ntags: [a]\n---\n", (2, 13), "mapping values"),
        ("---\ntags: [a]\ntitle: ok\nbad: [unclosed\n---\n", (4, 6), "flow sequence"),
        ("---\ntags: [a]\nx: \"open\n---\n", (3, 4), "quoted scalar"),
        ("---\ntags: [a]\n\tindent: tab\n---\n", (3, 1), "tab"),
        ("---\n- just\n- a list\n---\n", (2, 1), "not a mapping"),
        ("---\njust text\n---\n", (2, 1), "not a mapping"),
        ("---\ntags: [a]\nno closing line\n", (1, 1), "never closed"),
        ("---\r\ntitle: a: b\r\n---\r\n", (2, 9), "mapping values"),
    ],
)
def test_invalid_frontmatter_at_the_yaml_error(
    tmp_path: Path, text: str, where: tuple[int, int], words: str
) -> None:
    result = lint(tmp_path, {"bad.md": text}, select=["frontmatter"])
    assert result.brief() == [f"bad.md:{where[0]}:{where[1]}: NL202"]
    assert words in result.findings[0].message
    assert result.findings[0].message.startswith("invalid frontmatter: ")


def test_bom_does_not_shift_the_yaml_error(tmp_path: Path) -> None:
    result = lint(tmp_path, {"bad.md": b"\xef\xbb\xbf---\ntitle: a: b\n---\n"}, select=["NL202"])
    assert result.brief() == ["bad.md:2:9: NL202"]


# -- NL203 missing-tags ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "words"),
    [
        ("---\ntitle: x\n---\n", (1, 1, 3, 4), "has no 'tags'"),
        ("---\n---\n", (1, 1, 2, 4), "has no 'tags'"),
        ("---\ntags: []\n---\n", (2, 1, 2, 5), "'tags' is empty"),
        ("---\ntags: ''\n---\n", (2, 1, 2, 5), "'tags' is empty"),
        ("---\ntags:\n---\n", (2, 1, 2, 5), "'tags' is empty"),
        ("---\ntag: []\n---\n", (2, 1, 2, 4), "'tag' is empty"),
        ("---\ntags: ' , '\n---\n", (2, 1, 2, 5), "'tags' is empty"),
    ],
)
def test_missing_tags(
    tmp_path: Path, text: str, span: tuple[int, int, int, int], words: str
) -> None:
    result = lint(tmp_path, {"n.md": text, "ok.md": GOOD}, select=["NL203"])
    assert spans(result) == [("n.md", *span, "NL203")]
    assert words in result.findings[0].message


def test_missing_tags_is_not_reported_without_frontmatter_or_with_broken_yaml(
    tmp_path: Path,
) -> None:
    """NL201 and NL202 already speak for those notes: one finding per problem."""
    files = {"none.md": "x\n", "broken.md": "---\ntags: [a\n---\n"}
    result = lint(tmp_path, files, select=["NL201", "NL202", "NL203"])
    assert result.codes() == ["NL202", "NL201"]


def test_tags_not_required(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": "---\ntitle: x\n---\n"}, select=["NL203"],
                  config={"frontmatter": {"required": ["title"]}})
    assert result.findings == []


# -- NL204 tag-format -----------------------------------------------------------------


def test_tag_format_problems_each_at_their_item(tmp_path: Path) -> None:
    text = (
        "---\ntags:\n  - #journal\n  - \"#ideas\"\n  - reading notes\n  - 2024\n"
        "  - ok/nested_1-x\n  - bad!\n  - café\n---\n"
    )
    result = lint(tmp_path, {"n.md": text}, select=["NL204"])
    assert spans(result) == [
        ("n.md", 3, 5, 3, 13, "NL204"),
        ("n.md", 4, 5, 4, 13, "NL204"),
        ("n.md", 5, 5, 5, 18, "NL204"),
        ("n.md", 6, 5, 6, 9, "NL204"),
        ("n.md", 8, 5, 8, 9, "NL204"),
    ]
    messages = [f.message for f in result.findings]
    assert "'- #tag' is a comment" in messages[0]
    assert "write 'ideas'" in messages[1]
    assert "'reading-notes'" in messages[2]
    assert "only a number" in messages[3]
    assert "'!'" in messages[4]


def test_tag_format_in_a_string_value(tmp_path: Path) -> None:
    files = {"n.md": "---\ntags: \"a, #b\"\n---\n", "m.md": "---\ntags: 123\n---\n"}
    result = lint(tmp_path, files, select=["NL204"])
    assert result.brief() == ["m.md:2:7: NL204", "n.md:2:7: NL204"]
    assert "'#b'" in result.findings[1].message


def test_tag_that_is_not_text(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": "---\ntags:\n  - {a: 1}\n  - [x]\n  - true\n---\n"},
                  select=["NL204"])
    assert result.brief() == ["n.md:3:5: NL204", "n.md:4:5: NL204", "n.md:5:5: NL204"]
    assert all("not text" in f.message for f in result.findings)


def test_good_tags_pass_tag_format(tmp_path: Path) -> None:
    text = "---\ntags: [a, b-c, d_e, f/g, 日本, x2024]\n---\n"
    assert lint(tmp_path, {"n.md": text}, select=["NL204"]).findings == []


# -- NL205 tag-inconsistent -----------------------------------------------------------


def test_tag_case_inconsistency_across_the_vault(tmp_path: Path) -> None:
    files = {
        "a.md": "---\ntags: [journal]\n---\nsee #journal\n",
        "b.md": "---\ntags: [journal]\n---\n",
        "c.md": "---\ntags: [Journal]\n---\nand #JOURNAL too\n",
        "d.md": "---\ntags: [reading_notes, reading-notes]\n---\n",
    }
    result = lint(tmp_path, files, select=["NL205"])
    assert spans(result) == [
        ("c.md", 2, 8, 2, 15, "NL205"),
        ("c.md", 4, 5, 4, 13, "NL205"),
        ("d.md", 2, 23, 2, 36, "NL205"),
    ]
    assert "'Journal' is written 'journal' in 3 other places" in result.findings[0].message


def test_tag_inconsistency_counts_notes_outside_the_reported_paths(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [Idea]\n---\n", "b.md": "---\ntags: [idea]\n---\n",
             "c.md": "---\ntags: [idea]\n---\n"}
    result = lint(tmp_path, files, select=["NL205"], paths=["a.md"])
    assert result.brief() == ["a.md:2:8: NL205"]
    assert lint(tmp_path, {}, select=["NL205"], paths=["b.md"]).findings == []


def test_consistent_tags_pass(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [x, y/z]\n---\n#x\n", "b.md": "---\ntags: [x]\n---\n"}
    assert lint(tmp_path, files, select=["NL205"]).findings == []


def test_allowed_tags(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [garden, garden/deep, other]\n---\n#stray\n"}
    result = lint(tmp_path, files, select=["NL205"],
                  config={"frontmatter": {"allowed-tags": ["garden"]}})
    assert result.brief() == ["a.md:2:29: NL205", "a.md:4:1: NL205"]
    assert "'other' is not in allowed-tags (garden)" in result.findings[0].message


# -- NL206 missing-field ------------------------------------------------------------


def test_required_fields(tmp_path: Path) -> None:
    files = {
        "a.md": "---\ntags: [a]\n---\n",
        "b.md": "---\ntags: [a]\ntitle: ''\n---\n",
        "c.md": "---\ntags: [a]\ntitle: Hi\n---\n",
    }
    result = lint(tmp_path, files, select=["NL206"],
                  config={"frontmatter": {"required": ["tags", "title"]}})
    assert spans(result) == [("a.md", 1, 1, 3, 4, "NL206"), ("b.md", 1, 1, 4, 4, "NL206")]
    assert "required frontmatter field 'title' is missing" in result.findings[0].message


def test_title_is_optional_by_default(tmp_path: Path) -> None:
    assert lint(tmp_path, {"a.md": "---\ntags: [a]\n---\n"}, select=["NL206"]).findings == []


@pytest.mark.parametrize(
    "value", ["2024-03-05", "2024-03-05 10:00", "2024/03/05", "March 5, 2024", "5 March 2024",
              "2024-03-05T10:00:00+01:00", "2024-03-05T10:00:00Z", "'2024-03-05'"],
)
def test_date_fields_that_parse(tmp_path: Path, value: str) -> None:
    result = lint(tmp_path, {"a.md": f"---\ntags: [a]\ndate: {value}\n---\n"}, select=["NL206"])
    assert result.findings == []


@pytest.mark.parametrize("value", ["2024-13-45", "soon", "2024-02-30", "12", "[2024-03-05]"])
def test_date_fields_that_do_not_parse(tmp_path: Path, value: str) -> None:
    result = lint(tmp_path, {"a.md": f"---\ntags: [a]\nupdated: {value}\n---\n"},
                  select=["NL206"])
    assert spans(result) == [("a.md", 3, 10, 3, 10 + len(value), "NL206")]
    assert "is not a date" in result.findings[0].message


def test_configured_date_fields(tmp_path: Path) -> None:
    text = "---\ntags: [a]\ndate: nope\ndue: nope\n---\n"
    result = lint(tmp_path, {"a.md": text}, select=["NL206"],
                  config={"frontmatter": {"date-fields": ["due"]}})
    assert result.brief() == ["a.md:4:6: NL206"]


def test_frontmatter_options_are_validated(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": GOOD}, select=["NL206"],
                  config={"frontmatter": {"required": "title"}})
    assert result.exit_code == 2
    assert "frontmatter.required" in result.messages[-1]
    result = lint(tmp_path, {}, select=["NL206"], config={"frontmatter": {"requird": ["x"]}})
    assert result.exit_code == 2 and "'frontmatter.requird'" in result.messages[-1]


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        ("---\nsource: [[moloch]], [[maitreya]]\n---\n", (2, 19), "'key: \"[[note]]\"'"),
        ("---\nrelated:\n  - [[a]]\n  - [[b]] and more\n---\n", (4, 11), "wiki-links"),
        ("---\ntitle: Notes: part 2\n---\n", (2, 13), "quote a value that contains ': '"),
    ],
)
def test_invalid_frontmatter_says_how_to_repair_common_mistakes(
    tmp_path: Path, text: str, where: tuple[int, int], hint: str
) -> None:
    result = lint(tmp_path, {"n.md": text}, select=["NL202"])
    assert result.brief() == [f"n.md:{where[0]}:{where[1]}: NL202"]
    assert hint in result.findings[0].message


# -- the same rules on TOML (+++) and JSON frontmatter ----------------------------------


def test_toml_frontmatter_gets_the_same_rules_at_their_lines(tmp_path: Path) -> None:
    files = {
        "good.md": '+++\ntitle = "Fine"\ntags = ["garden"]\ndate = 2024-03-05\n+++\n# Fine\n',
        "tags.md": '+++\ntitle = "T"\ntags = ["reading notes"]\n+++\n',
        "untagged.md": '+++\ntitle = "U"\n+++\n',
        "broken.md": '+++\ntitle = "B"\ntags = [garden]\n+++\n',
        "date.md": '+++\ntitle = "D"\ntags = ["x"]\ndate = "soon"\n+++\n',
    }
    result = lint(tmp_path, files, select=["frontmatter"],
                  config={"frontmatter": {"required": ["tags", "title"]}})
    assert spans(result) == [
        ("broken.md", 3, 9, 3, 9, "NL202"),
        ("date.md", 4, 8, 4, 14, "NL206"),
        ("tags.md", 3, 9, 3, 24, "NL204"),
        ("untagged.md", 1, 1, 3, 4, "NL203"),
    ]


def test_json_frontmatter_gets_the_same_rules(tmp_path: Path) -> None:
    files = {"j.md": '{\n  "title": "J",\n  "tags": []\n}\nBody\n'}
    result = lint(tmp_path, files, select=["frontmatter"])
    assert [(f.code, f.span.line) for f in result.findings] == [("NL203", 3)]


# -- NL202: a key written twice ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "key", "first"),
    [
        ("---\ntitle: x\ntitle: y\ntags: [x]\n---\n# E\n", (3, 1), "title", "line 2, column 1"),
        ("---\ntags: [x]\n\"title\": x\ntitle: y\n---\n", (4, 1), "title", "line 3, column 1"),
        ("---\ntags: [x]\nmeta:\n  a: 1\n  b: 2\n  a: 3\n---\n", (6, 3), "a", "line 4, column 3"),
        ("---\ntags: [x]\nm: {k: 1, k: 2}\n---\n", (3, 11), "k", "line 3, column 5"),
    ],
)
def test_a_key_written_twice_is_invalid_frontmatter(
    tmp_path: Path, text: str, where: tuple[int, int], key: str, first: str
) -> None:
    """Quartz's YAML parser rejects a mapping with a repeated key, losing the whole
    block; PyYAML would silently keep the last value."""
    result = lint(tmp_path, {"e.md": text}, select=["frontmatter"])
    assert result.brief() == [f"e.md:{where[0]}:{where[1]}: NL202"]
    message = result.findings[0].message
    assert f"'{key}' appears twice" in message
    assert f"first at {first}" in message
    assert "remove one" in message


@pytest.mark.parametrize(
    "text",
    [
        "---\ntags: [x]\nitems:\n  - name: a\n  - name: b\n---\n",  # one per mapping
        "---\ntags: [x]\na: {k: 1}\nb: {k: 2}\n---\n",
        "---\ntags: [x]\n~: 1\n'~': 2\n---\n",  # null and the text '~' differ
        "---\ntags: [x]\nbase: &b {k: 1}\nm:\n  <<: *b\n  k: 2\n---\n",  # merge keys
    ],
)
def test_the_same_key_in_different_mappings_is_fine(tmp_path: Path, text: str) -> None:
    result = lint(tmp_path, {"ok.md": text}, select=["NL202"])
    assert result.brief() == []


@pytest.mark.parametrize(
    ("text", "where", "key", "first"),
    [
        ('+++\ntitle = "x"\ntitle = "y"\ntags = ["x"]\n+++\n', (3, 1), "title", "line 2"),
        ('+++\ntags = ["x"]\ntitle = "x"\ntitle = "y"\n+++\n', (4, 1), "title", "line 3"),
        ('+++\ntags = ["x"]\n[meta]\na = 1\n[meta]\nb = 2\n+++\n', (5, 1), "[meta]", "line 3"),
    ],
)
def test_a_toml_key_written_twice_points_at_the_second(
    tmp_path: Path, text: str, where: tuple[int, int], key: str, first: str
) -> None:
    result = lint(tmp_path, {"t.md": text}, select=["NL202"])
    assert result.brief() == [f"t.md:{where[0]}:{where[1]}: NL202"]
    message = result.findings[0].message
    assert f"'{key}' appears twice" in message
    assert f"first at {first}" in message
