"""Every suppression form of design §8, applied centrally by the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelint import syntax
from notelint.model import Finding, Severity, Span
from notelint.parse import build_markdown, parse_note
from notelint.suppress import suppressions_for
from notelint.testing import lint

FM = "---\ntags: [a]\n---\n"


def broken(tmp_path: Path, body: str, **kwargs: object) -> list[int]:
    """Lines of the NL101 findings left in a note made of ``FM + body``."""
    result = lint(tmp_path, {"n.md": FM + body}, select=["NL101", "NL201"], **kwargs)  # type: ignore[arg-type]
    assert result.exit_code in (0, 1), result.messages
    return [f.span.line for f in result.findings]


def test_without_directives_everything_is_reported(tmp_path: Path) -> None:
    assert broken(tmp_path, "[[a]]\n[[b]]\n") == [4, 5]


@pytest.mark.parametrize("style", ["<!-- {} -->", "%% {} %%"])
def test_disable_line(tmp_path: Path, style: str) -> None:
    body = f"[[a]] {style.format('notelint-disable-line NL101')}\n[[b]]\n"
    assert broken(tmp_path, body) == [5]


@pytest.mark.parametrize("style", ["<!-- {} -->", "%% {} %%"])
def test_disable_next_line(tmp_path: Path, style: str) -> None:
    body = f"{style.format('notelint-disable-next-line broken-wikilink')}\n[[a]]\n[[b]]\n"
    assert broken(tmp_path, body) == [6]


@pytest.mark.parametrize("style", ["<!-- {} -->", "%% {} %%"])
def test_disable_and_enable_block(tmp_path: Path, style: str) -> None:
    body = (
        "[[a]]\n"
        f"{style.format('notelint-disable NL101')}\n\n[[b]]\n\n[[c]]\n\n"
        f"{style.format('notelint-enable NL101')}\n\n[[d]]\n"
    )
    assert broken(tmp_path, body) == [4, 13]


def test_disable_without_enable_runs_to_the_end(tmp_path: Path) -> None:
    assert broken(tmp_path, "[[a]]\n<!-- notelint-disable -->\n[[b]]\n\n[[c]]\n") == [4]


def test_enable_without_rules_closes_every_block(tmp_path: Path) -> None:
    body = "<!-- notelint-disable NL101 NL102 -->\n[[a]]\n<!-- notelint-enable -->\n[[b]]\n"
    assert broken(tmp_path, body) == [7]


@pytest.mark.parametrize("style", ["<!-- {} -->", "%% {} %%"])
def test_disable_file(tmp_path: Path, style: str) -> None:
    body = f"[[a]]\n\n{style.format('notelint-disable-file NL101')}\n\n[[b]]\n"
    assert broken(tmp_path, body) == []


def test_disable_file_for_another_rule_changes_nothing(tmp_path: Path) -> None:
    assert broken(tmp_path, "[[a]]\n<!-- notelint-disable-file NL102 -->\n") == [4]


def test_directive_without_rules_silences_all_rules(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": "<!-- notelint-disable-file -->\n[[a]]\n"},
                  select=["NL101", "NL201"])
    assert result.findings == []


def test_several_rules_by_code_and_name_with_commas(tmp_path: Path) -> None:
    text = "<!-- notelint-disable-file NL101, missing-frontmatter -->\n[[a]]\n"
    assert lint(tmp_path, {"n.md": text}, select=["NL101", "NL201"]).findings == []


def test_unknown_rule_in_a_directive_is_ignored_not_fatal(tmp_path: Path) -> None:
    body = "<!-- notelint-disable-next-line NL999 -->\n[[a]]\n"
    assert broken(tmp_path, body) == [5]


def test_multiline_comment_directive(tmp_path: Path) -> None:
    body = "<!--\nnotelint-disable-next-line NL101\n-->\n[[a]]\n[[b]]\n"
    assert broken(tmp_path, body) == [8]


def test_directive_inside_code_is_not_a_directive(tmp_path: Path) -> None:
    body = "```\n<!-- notelint-disable-file -->\n```\n`%% notelint-disable-file %%`\n[[a]]\n"
    assert broken(tmp_path, body) == [8]


def test_comment_that_merely_mentions_notelint_is_not_a_directive(tmp_path: Path) -> None:
    body = "<!-- see notelint-disable-file docs -->\n[[a]]\n"
    assert broken(tmp_path, body) == [5]


@pytest.mark.parametrize("value", ["[NL101]", "broken-wikilink", "[broken-wikilink, NL201]"])
def test_frontmatter_disable(tmp_path: Path, value: str) -> None:
    text = f"---\ntags: [a]\nnotelint:\n  disable: {value}\n---\n[[a]]\n"
    result = lint(tmp_path, {"n.md": text}, select=["NL101"])
    assert result.findings == []


def test_frontmatter_disable_of_another_rule(tmp_path: Path) -> None:
    text = "---\ntags: [a]\nnotelint: {disable: [NL102]}\n---\n[[a]]\n"
    assert lint(tmp_path, {"n.md": text}, select=["NL101"]).brief() == ["n.md:5:1: NL101"]


def test_odd_frontmatter_switch_is_harmless(tmp_path: Path) -> None:
    text = "---\ntags: [a]\nnotelint: [disable]\n---\n[[a]]\n"
    assert lint(tmp_path, {"n.md": text}, select=["NL101"]).brief() == ["n.md:5:1: NL101"]


def test_suppressions_apply_to_vault_rules(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [Idea]\n---\n", "b.md": "---\ntags: [idea]\nx: 1\n---\n",
             "c.md": "---\ntags: [idea]\n---\n"}
    assert lint(tmp_path, files, select=["NL205"]).brief() == ["a.md:2:8: NL205"]
    files["a.md"] = "---\ntags: [Idea]\n---\n<!-- notelint-disable-file tag-inconsistent -->\n"
    assert lint(tmp_path, files, select=["NL205"]).findings == []


def test_suppressions_for_reads_each_directive_once() -> None:
    md = build_markdown(syntax.notelint_configure_markdown)
    text = (
        "<!-- notelint-disable-next-line NL101 bogus -->\nx\n"
        "<!-- notelint-disable NL102 -->\n\ny\n"
    )
    note = parse_note(md, rel="n.md", display="n.md", file=Path("n.md"), text=text)
    known = {"NL101": "NL101", "NL102": "NL102"}
    found = suppressions_for(note, known.get)
    assert found.unknown == ((1, "bogus"),)

    def at(line: int, code: str) -> Finding:
        return Finding("n.md", Span.point(line), code, "r", Severity.ERROR, "m")

    assert found.suppresses(at(2, "NL101"))
    assert not found.suppresses(at(2, "NL102"))
    assert not found.suppresses(at(1, "NL101"))
    assert found.suppresses(at(5, "NL102")) and found.suppresses(at(999, "NL102"))
    assert not found.suppresses(at(2, "NL103"))


def test_unknown_rule_in_a_directive_is_named_on_stderr(tmp_path: Path) -> None:
    text = FM + "<!-- notelint-disable-next-line NL10, broken-wikilnk -->\n[[a]]\n"
    result = lint(tmp_path, {"n.md": text}, select=["NL101"])
    assert result.brief() == ["n.md:5:1: NL101"]
    assert result.exit_code == 1
    assert [m for m in result.messages if "unknown rule" in m] == [
        "notelint: n.md:4: unknown rule 'NL10' in a notelint comment, which silences nothing; "
        "'notelint rules' lists codes and names",
        "notelint: n.md:4: unknown rule 'broken-wikilnk' in a notelint comment, which silences "
        "nothing; 'notelint rules' lists codes and names",
    ]


def test_a_reason_after_two_dashes_is_not_a_rule(tmp_path: Path) -> None:
    body = (
        "<!-- notelint-disable-next-line NL101 -- the note is written later -->\n[[a]]\n"
        "%% notelint-disable-next-line -- generated %%\n[[b]]\n[[c]]\n"
    )
    result = lint(tmp_path, {"n.md": FM + body}, select=["NL101"])
    assert result.brief() == ["n.md:8:1: NL101"]
    assert result.messages == []


def test_enable_one_rule_inside_a_disable_all_block(tmp_path: Path) -> None:
    body = (
        "<!-- notelint-disable -->\n[[a]] [x](a.md)\n"  # 4, 5
        "<!-- notelint-enable broken-wikilink -->\n[[b]] [x](b.md)\n"  # 6, 7
        "<!-- notelint-disable NL101 -->\n[[c]] [x](c.md)\n"  # 8, 9
        "<!-- notelint-enable NL101 -->\n[[d]] [x](d.md)\n"  # 10, 11
        "<!-- notelint-enable -->\n[[e]] [x](e.md)\n"  # 12, 13
    )
    result = lint(tmp_path, {"n.md": FM + body}, select=["NL101", "NL102"])
    assert result.brief() == [
        "n.md:7:1: NL101", "n.md:11:1: NL101", "n.md:13:1: NL101", "n.md:13:7: NL102",
    ]


def test_disable_all_twice_then_enable_once(tmp_path: Path) -> None:
    body = (
        "<!-- notelint-disable -->\n<!-- notelint-disable -->\n[[a]]\n"
        "<!-- notelint-enable -->\n[[b]]\n"
    )
    assert broken(tmp_path, body) == [8]


@pytest.mark.parametrize(
    ("value", "silenced"),
    [("[]", False), ("''", False), ("true", True), ("all", True), ("[ALL]", True),
     ("false", False)],
)
def test_frontmatter_disable_values(tmp_path: Path, value: str, silenced: bool) -> None:
    text = f"---\ntags: [a]\nnotelint:\n  disable: {value}\n---\n[[a]]\n"
    result = lint(tmp_path, {"n.md": text}, select=["NL101"])
    assert result.brief() == ([] if silenced else ["n.md:6:1: NL101"])
    assert result.messages == []


def test_all_in_a_comment_means_every_rule(tmp_path: Path) -> None:
    assert broken(tmp_path, "<!-- notelint-disable-next-line ALL -->\n[[a]]\n[[b]]\n") == [6]
