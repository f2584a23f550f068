"""NL501 misspelling, end to end through the engine with real aspell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notelint.model import Span
from notelint.spell import aspell_available
from notelint.testing import lint

pytestmark = pytest.mark.skipif(
    not aspell_available(), reason="aspell is not installed (apt-get install aspell aspell-en)"
)

#: Both spelling rules: tests about where words are found, whatever the verdict.
BOTH = ["NL501", "NL502"]


def places(result: object) -> list[str]:
    """``path:line:col`` of every finding, NL501 or NL502."""
    return [b.rsplit(": ", 1)[0] for b in result.brief()]  # type: ignore[attr-defined]


JOURNAL = """---
tags: [journal]
title: Journal
---
# 2024-05-01

Worked on the techncial side of the home network today.

## 2024-04-30

- Reviewed the langauge settings of the new router.
- Wrote it down in [[router]] and `iperf3 --langauge-test`.
"""


def test_journal_note_gives_exactly_its_two_typos(tmp_path: Path) -> None:
    result = lint(
        tmp_path, {"journal.md": JOURNAL, "router.md": "# Router\n"}, select=["NL501", "NL502"]
    )
    assert result.brief() == ["journal.md:7:15: NL501", "journal.md:11:16: NL501"]
    first, second = result.findings
    assert first.message.startswith(
        "'techncial' is probably 'technical' (1 edit, at least 5,600× more common); "
    )
    assert first.suggestion == "technical" and first.subject == "techncial"
    assert first.fix is None  # --fix rewrites words only when autofix-unique is on
    assert second.message.startswith(
        "'langauge' is probably 'language' (a common misspelling; 1 edit, 2,500× more"
    )
    assert second.subject == "langauge"
    assert "notelint words --add langauge" in second.message
    assert (first.span.end_column - first.span.column) == len("techncial")
    assert result.exit_code == 0  # warnings do not fail by default
    assert lint(tmp_path, {}, select=["NL501"]).brief() == result.brief()  # no NL502 here


PLACES = {
    "paragraph.md": ("Intro.\n\nA paragraph with a techncial word.\n", "3:20"),
    "heading.md": ("# Heading\n\n## The techncial heading\n", "3:8"),
    "list.md": ("- one\n- two with techncial\n  - nested techncial\n", "2:12 3:12"),
    "table.md": ("| a | b |\n|---|---|\n| ok | techncial cell |\n", "3:8"),
    "link.md": ("See [the techncial docs](https://x.example/) and [[router|techncial alias]].\n",
                "1:10 1:59"),
    "callout.md": ("> [!note] A techncial title\n> Body with techncial words.\n", "1:13 2:13"),
}


def test_typos_found_at_exact_positions_everywhere_prose_lives(tmp_path: Path) -> None:
    files = {name: text for name, (text, _) in PLACES.items()}
    files["router.md"] = "# Router\n"
    result = lint(tmp_path, files, select=BOTH)
    expected = sorted(
        f"{name}:{place}"
        for name, (_, places) in PLACES.items()
        for place in places.split()
    )
    assert sorted(places(result)) == expected
    for finding in result.findings:
        line = (tmp_path / finding.path).read_text(encoding="utf-8").splitlines()[
            finding.span.line - 1
        ]
        assert line[finding.span.column - 1 : finding.span.end_column - 1] == "techncial"


MASKED_NOTE = """---
title: techncial frontmatter
summary: techncial summary
tags: [techncial]
---
```
techncial in a fence
```

    techncial indented code

Inline `techncial code` and $techncial$ math.

$$
\\techncial
$$

Links: [text](techncial/page.md "techncial title") ![](techncial.png) [[techncial]]
[[techncial#Techncial|shown]] ![[techncial.png]] <https://techncial.example/>
https://techncial.example/path www.techncial.com mail@techncial.example

<div class="techncial">
<!-- techncial comment -->
</div>

Inline <span title="techncial">text</span> and <!-- techncial --> and %% techncial %%.

%%
techncial block comment
%%

Tagged #techncial and #area/techncial. Block ^techncial

A claim[^techncial].

[^techncial]: Source.

> [!techncial] Title

Files techncial.md, paths /usr/techncial/bin and snake_techncial_case.
Other scripts: 技術的 техничный.
"""


def test_nothing_inside_masked_constructs(tmp_path: Path) -> None:
    result = lint(tmp_path, {"masked.md": MASKED_NOTE}, select=BOTH)
    assert places(result) == []


def test_check_title_checks_the_title_only(tmp_path: Path) -> None:
    result = lint(
        tmp_path,
        {"note.md": "---\ntitle: A techncial title\nsummary: techncial\n---\nBody.\n"},
        select=BOTH,
        config={"spelling": {"check-title": True}},
    )
    assert places(result) == ["note.md:2:10"]


def test_vault_vocabulary_is_known(tmp_path: Path) -> None:
    files = {
        "Zeonic Drive.md": "# Zeonic Drive\n",
        "people/Qwertyan.md": "---\naliases: [Flancian]\ntags: [agoran]\n---\nHi.\n",
        "Hyperwidgetry/index.md": "Folder note.\n",
        "diagram-xylofonics.png": b"\x89PNG",
        "self-hostingish.md": "x\n",
        "uses.md": (
            "Zeonic's notes by Qwertyan, Flancian and the agoran crowd, on Hyperwidgetry, "
            "xylofonics and self-hostingish setups.\n"
        ),
    }
    result = lint(tmp_path, files, select=["NL501"])
    assert places(result) == []


def test_a_title_vouches_only_when_known_elsewhere(tmp_path: Path) -> None:
    """A note's own name is no evidence for a word (a typo in a title must be found);
    the same word in another note's name or title is."""
    files = {"Techncial notes.md": "# Techncial notes\n", "b.md": "The Zeonic line.\n"}
    assert places(lint(tmp_path, files, select=BOTH)) == [
        "Techncial notes.md:1:3", "b.md:1:5",
    ]
    files = {"Zeonic.md": "x\n", "Zeonic Drive.md": "# Zeonic Drive\n"}
    assert places(lint(tmp_path, files, select=BOTH)) == ["Techncial notes.md:1:3"]


def test_note_word_list_in_frontmatter(tmp_path: Path) -> None:
    files = {
        "a.md": "---\nnotelint:\n  words: [techncial]\n---\nA techncial note.\n",
        "b.md": "Another techncial note.\n",
    }
    result = lint(tmp_path, files, select=BOTH)
    assert places(result) == ["b.md:1:9"]


def test_wordlists_are_known(tmp_path: Path) -> None:
    files = {
        "words/team.txt": "# our words\ntechncial\nLangauge  # sic\n",
        "a.md": "A techncial note about Langauge, not langauge or Recieve.\n",
    }
    result = lint(
        tmp_path, files, select=BOTH, config={"spelling": {"wordlists": ["words/team.txt"]}}
    )
    # "Langauge" with a capital accepts only itself (and BANDWITH), as aspell does
    assert places(result) == ["a.md:1:38", "a.md:1:50"]


def test_only_reported_notes_get_findings(tmp_path: Path) -> None:
    files = {"a.md": "A techncial note.\n", "b.md": "B techncial note.\n"}
    result = lint(tmp_path, files, select=BOTH, paths=["a.md"])
    assert places(result) == ["a.md:1:3"]


def test_options_change_what_is_checked(tmp_path: Path) -> None:
    files = {"a.md": "QWZXQ iQwzx qwzx9 qw.\n"}
    assert places(lint(tmp_path, files, select=BOTH)) == []
    config = {
        "spelling": {
            "ignore-allcaps": False,
            "ignore-camelcase": False,
            "ignore-words-with-digits": False,
            "min-length": 2,
            "foreign-ratio": 0,  # a line of unknown words would pass for another language
        }
    }
    result = lint(tmp_path, {}, select=BOTH, config=config)
    assert places(result) == [
        "a.md:1:1",
        "a.md:1:7",
        "a.md:1:13",
        "a.md:1:19",
    ]


def test_fix_only_for_one_confident_correction(tmp_path: Path) -> None:
    files = {"a.md": "The techncial side of langauge, and xqzzyplonk, at the end.\n"}
    assert all(f.fix is None for f in lint(tmp_path, files, select=BOTH).findings)  # default
    on = {"spelling": {"autofix-unique": True}}
    plain = lint(tmp_path, {}, select=BOTH, config=on)
    assert [(f.code, f.subject, f.fix.replacement if f.fix else None) for f in plain.findings] == [
        ("NL501", "techncial", "technical"),  # one confident correction
        ("NL501", "langauge", "language"),
        ("NL502", "xqzzyplonk", None),  # nothing to offer
    ]
    result = lint(tmp_path, {}, select=BOTH, config=on, fix=True)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (
        "The technical side of language, and xqzzyplonk, at the end.\n"
    )
    assert result.brief() == ["a.md:1:37: NL502"]


def test_missing_dictionary_fails_spelling_alone(tmp_path: Path) -> None:
    files = {"a.md": "A techncial note with a [[missing]] link.\n"}
    config = {"spelling": {"lang": "zz_ZZ"}}
    selected = lint(tmp_path, files, select=["NL501", "NL101"], config=config)
    assert selected.exit_code == 2
    assert selected.codes() == ["NL101"]  # the link rule still ran
    (message,) = [m for m in selected.messages if "NL501" in m]
    assert "apt-get install aspell aspell-en" in message and "brew install aspell" in message


def test_a_damaged_model_fails_spelling_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import notelint_rules.spelling as spelling

    def damaged() -> None:
        raise ValueError("the typo model's weight 'gain' is 'oops', not a finite number")

    monkeypatch.setattr(spelling, "shipped_model", damaged)
    files = {"a.md": "A techncial note with a [[missing]] link.\n"}
    selected = lint(tmp_path, files, select=["NL501", "NL101"])
    assert selected.exit_code == 2 and selected.codes() == ["NL101"]
    (message,) = [m for m in selected.messages if "NL501" in m]
    assert "typo-model.json installed with notelint is damaged" in message
    assert "'gain' is 'oops'" in message and "reinstall notelint" in message


def test_spelling_not_selected_explicitly_does_not_exit_2(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [x]\n---\nA fine note.\n"}
    config = {"spelling": {"lang": "zz_ZZ"}}
    result = lint(tmp_path, files, ignore=["NL201", "NL203"], config=config)
    assert result.exit_code != 2
    assert any("NL501" in m and "apt-get install aspell" in m for m in result.messages)


def test_a_word_broken_by_a_soft_hyphen_is_judged_whole(tmp_path: Path) -> None:
    files = {"a.md": "The smaller com\u00adponents fit, the techn\u00adcial ones too.\n"}
    result = lint(tmp_path, files, select=BOTH)
    # 'components' is right, so neither part is reported; 'technical' broken as
    # 'techn-cial' is wrong as a whole, so its parts aspell rejects are
    assert "ponents" not in {f.subject for f in result.findings}
    assert "techn" in {f.subject for f in result.findings}


def test_a_word_cut_short_by_an_ellipsis_is_no_confident_typo(tmp_path: Path) -> None:
    files = {"a.md": 'A quote: "we moved the registratio…" and a techncial note.\n'}
    result = lint(tmp_path, files, select=BOTH)
    assert [(f.code, f.subject) for f in result.findings] == [
        ("NL502", "registratio"), ("NL501", "techncial"),
    ]
    assert "cut short before an ellipsis" in result.findings[0].message


def test_unknown_word_message_reads_well(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "We met Qwzxy at the pub.\n"}, select=["NL502"])
    (finding,) = result.findings
    assert finding.code == "NL502" and finding.subject == "Qwzxy"
    assert finding.message.startswith("'Qwzxy' is not in the dictionary (")
    assert finding.message.endswith("(if it is right, add it with `notelint words --add Qwzxy`)")


def test_nl502_is_off_by_default(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "---\ntags: [x]\n---\nWe met Qwzxy at the pub.\n"})
    assert "NL502" not in result.codes()
    assert lint(tmp_path, {}, select=["NL502"]).codes() == ["NL502"]


SPANISH = (
    "Lo que me está pasando podría ser considerado raro, por lo que prefiero escribirlo "
    "acá antes de olvidarlo. Ayer fuimos con mis amigos a la casa de campo y hablamos "
    "durante horas sobre literatura argentina, Borges y la novela del siglo pasado.\n"
)


def test_notes_in_another_language_are_skipped(tmp_path: Path) -> None:
    files = {
        "es.md": SPANISH,
        "es-declared.md": "---\nlang: es\n---\nUna nota corta.\n",
        "en.md": "An English note with one techncial typo.\n",
    }
    assert places(lint(tmp_path, files, select=BOTH)) == ["en.md:1:26"]
    every = lint(tmp_path, {}, select=BOTH, config={"spelling": {"foreign-ratio": 0}})
    # the guess is off; a declared language still counts
    assert {f.path for f in every.findings} == {"es.md", "en.md"}


def test_declared_english_is_always_checked(tmp_path: Path) -> None:
    files = {"en.md": "---\nlang: en-GB\n---\n" + SPANISH}
    assert len(lint(tmp_path, files, select=BOTH).findings) > 10


def test_a_line_in_another_language_is_skipped(tmp_path: Path) -> None:
    note = (
        "# Journal\n\n"
        "- Met the team about the techncial plan.\n"
        "- Amadeo me preguntó sobre recursos para aprender.\n"
        "- Fixed the langauge graph.\n"
    )
    result = lint(tmp_path, {"j.md": note}, select=BOTH)
    assert places(result) == ["j.md:3:26", "j.md:5:13"]


def test_default_word_list_at_the_root(tmp_path: Path) -> None:
    files = {".notelint-words.txt": "techncial\n", "a.md": "A techncial and langauge note.\n"}
    assert places(lint(tmp_path, files, select=BOTH)) == ["a.md:1:17"]


def test_missing_word_list_is_named(tmp_path: Path) -> None:
    config = {"spelling": {"wordlists": ["nope.txt"]}}
    result = lint(tmp_path, {"a.md": "A techncial note.\n"}, select=["NL501"], config=config)
    assert result.exit_code == 2
    assert any("nope.txt" in m for m in result.messages)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_word_list_is_skipped_with_one_warning(tmp_path: Path) -> None:
    """A FIFO planted at a word list path is not read (it would block or fail): the
    list is skipped with one warning naming it, and the other lists and the run go on."""
    files = {"words/team.txt": "techncial\n", "a.md": "A techncial and langauge note.\n"}
    (tmp_path / "words").mkdir()
    os.mkfifo(tmp_path / "words" / "pipe.txt")
    config = {"spelling": {"wordlists": ["words/pipe.txt", "words/team.txt"]}}
    result = lint(tmp_path, files, select=BOTH, config=config)
    assert places(result) == ["a.md:1:17"]  # team.txt still read, langauge still found
    assert result.exit_code == 0
    warnings = [m for m in result.messages if "pipe.txt" in m]
    assert len(warnings) == 1 and "warning" in warnings[0]
    assert "not a regular file" in warnings[0] and "skipped" in warnings[0]


def test_a_typo_in_a_links_text_is_found_but_never_fixed(tmp_path: Path) -> None:
    """[[voleyball]] reads 'voleyball' on the page; correcting it would retarget the link."""
    files = {"a.md": "The sport is [[voleyball]] here.\n"}
    on = {"spelling": {"autofix-unique": True}}
    (finding,) = lint(tmp_path, files, select=BOTH, config=on).findings
    assert (finding.code, finding.subject, finding.fix) == ("NL501", "voleyball", None)
    assert finding.span == Span(1, 16, 1, 25)
    assert "in a link's text: correcting it changes the link's target" in finding.message
    assert finding.suggestion is None  # an editor applying it would retarget the link
    # written in prose too, the prose place is fixed and the link's text is left alone
    both = "The sport is [[voleyball]] here.\nWe play voleyball.\n"
    lint(tmp_path, {"a.md": both}, select=BOTH, config=on, fix=True)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (
        "The sport is [[voleyball]] here.\nWe play volleyball.\n")
    # an alias is the link's own text: correcting it leaves the target alone
    lint(tmp_path, {"a.md": "I played [[Target|voleyball]] today.\n"}, select=BOTH, config=on,
         fix=True)
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (
        "I played [[Target|volleyball]] today.\n")
    # an aliased link shows its alias, not the target
    aliased = lint(tmp_path, {"a.md": "The sport is [[voleyball|volleyball]] here.\n"},
                   select=BOTH)
    assert aliased.findings == []


def test_cached_findings_follow_a_new_list_of_misspellings(tmp_path: Path) -> None:
    """The vault findings' cache key holds codespell's list: after an upgrade that drops
    a word from it, a cached run says what a fresh run says."""
    import json
    import subprocess
    import sys

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "notelint.toml").write_text("", encoding="utf-8")
    (vault / "a.md").write_text("---\ntags: [x]\n---\nIt was a succesful day.\n",
                                encoding="utf-8")
    fake = tmp_path / "fake" / "codespell_lib"
    (fake / "data").mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "data" / "dictionary.txt").write_text("abandonned->abandoned\n", encoding="utf-8")

    def found(*extra: str, fake_list: bool = False) -> list[tuple[str, str]]:
        env = {**os.environ, "PYTHONPATH": str(fake.parent)} if fake_list else None
        done = subprocess.run(
            [sys.executable, "-m", "notelint", "check", "--select", "NL501,NL502",
             "--format", "json", "--offline", *extra, str(vault)],
            capture_output=True, text=True, env=env, check=False,
        )
        return [(f["code"], f["message"]) for f in json.loads(done.stdout)["findings"]]

    cache = ["--cache-dir", str(tmp_path / "cache")]
    with_list = found(*cache)
    assert "a common misspelling" in with_list[0][1]
    assert found(*cache, fake_list=True) == found("--no-cache", fake_list=True)
