"""The aspell session: real aspell, commands built by pyspelling, word lists, caches."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from notelint.spell import (
    KnownWords,
    Speller,
    SpellError,
    add_words,
    aspell_available,
    base_language,
    edit_distance,
    load_dictionary,
    read_wordlist,
    system_wordlists,
)

needs_aspell = pytest.mark.skipif(
    not aspell_available(), reason="aspell is not installed (apt-get install aspell aspell-en)"
)


# -- word lists (no aspell needed) ---------------------------------------------------------


def test_read_wordlist_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# our names\nnotelint\n\n  Zeon   # a ship\n#gone\n", encoding="utf-8")
    assert read_wordlist(path) == ["notelint", "Zeon"]


def test_read_wordlist_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(SpellError, match=r"cannot read word list .*nope\.txt"):
        read_wordlist(tmp_path / "nope.txt")


def test_add_words_sorts_dedupes_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# header\nzeta\nZeon  # a ship\nalpha\n", encoding="utf-8")
    added = add_words(path, ["beta", "alpha", "Beta", "beta", "gamma"])
    assert added == ["Beta", "beta", "gamma"]
    assert path.read_text(encoding="utf-8") == (
        "# header\nalpha\nBeta\nbeta\ngamma\nZeon  # a ship\nzeta\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["words.txt"]  # no temporary left


def test_add_words_creates_the_list_and_skips_unstorable_words(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "words.txt"
    assert add_words(path, ["two words", "C#", "ok"]) == ["ok"]
    assert path.read_text(encoding="utf-8") == "ok\n"
    assert add_words(path, ["ok"]) == []


def test_known_words_follow_aspell_case_rules() -> None:
    known = KnownWords(["notelint", "Zeon"])
    assert "notelint" in known and "Notelint" in known and "NOTELINT" in known
    assert "Zeon" in known and "ZEON" in known
    assert "zeon" not in known


def test_base_language() -> None:
    assert base_language("en_US") == "en"
    assert base_language("de-DE") == "de"
    assert base_language("en") == "en"


# -- the aspell session -------------------------------------------------------------------


@needs_aspell
def test_list_command_is_pyspellings() -> None:
    with Speller("en_GB") as speller:
        command = speller.list_command()
    assert command[:2] == ["aspell", "list"]
    assert command[command.index("--lang") + 1] == "en_GB"
    assert command[command.index("--mode") + 1] == "none"
    assert command[command.index("--encoding") + 1] == "utf-8"
    assert "--add-extra-dicts" not in command  # no word lists, no dictionary
    assert Speller("en_GB").suggest_command()[1] == "-a"


@needs_aspell
def test_check_finds_misspellings_with_suggestions(tmp_path: Path) -> None:
    with Speller(cache_dir=tmp_path) as speller:
        bad = speller.check(["techncial", "bandwith", "hello", "don't", "technical", "hello"])
    assert set(bad) == {"techncial", "bandwith"}
    assert bad["techncial"][0] == "technical"
    assert "bandwidth" in bad["bandwith"]
    assert all(len(s) <= 3 for s in bad.values())
    assert speller.aspell_runs == 2  # one list, one suggestion session


@needs_aspell
def test_no_suggestion_session_when_all_words_are_right(tmp_path: Path) -> None:
    with Speller(cache_dir=tmp_path, dictionaries=()) as speller:
        assert speller.check(["hello", "world"]) == {}
    assert speller.aspell_runs == 1


def test_system_word_lists_spare_aspell(tmp_path: Path) -> None:
    words = tmp_path / "big-list"
    words.write_text("durations\nstoryline\nAachen\nAachen's\n", encoding="utf-8")
    with Speller(cache_dir=tmp_path, dictionaries=[words]) as speller:
        assert speller.check(["durations", "Storyline", "Aachen"]) == {}
        assert speller.aspell_runs == 0  # a set lookup, no aspell process
        assert set(speller.check(["aachen", "techncial"])) == {"aachen", "techncial"}


@pytest.mark.skipif(not system_wordlists(["en_US"]), reason="apt-get install wamerican-huge")
def test_installed_huge_list_knows_what_aspell_does_not() -> None:
    known = load_dictionary(system_wordlists(["en_US", "en_GB"]))
    assert {"durations", "storyline", "transformative", "personalization"} <= {
        w for w in ["durations", "storyline", "transformative", "personalization"] if w in known
    }
    assert "techncial" not in known and "recieve" not in known


@needs_aspell
def test_languages_are_passes_over_what_the_earlier_rejected(tmp_path: Path) -> None:
    with Speller(["en_US", "en_GB"], cache_dir=tmp_path, dictionaries=()) as speller:
        bad = speller.check(["colour", "color", "techncial"])
    assert set(bad) == {"techncial"}  # colour: British; color: American
    assert speller.aspell_runs == 3  # two lists (one per language), one suggestion session
    with Speller("en_US", cache_dir=tmp_path / "us", dictionaries=()) as american:
        assert set(american.check(["colour", "techncial"])) == {"colour", "techncial"}


def test_edit_distance() -> None:
    assert edit_distance("techncial", "technical") == 1  # a swap
    assert edit_distance("lexographical", "lexicographical") == 2
    assert edit_distance("abc", "xyz") == 3


@needs_aspell
def test_per_word_cache_spares_aspell_on_the_next_run(tmp_path: Path) -> None:
    with Speller(cache_dir=tmp_path) as first:
        expected = first.check(["techncial", "hello"])
    with Speller(cache_dir=tmp_path) as second:
        assert second.check(["techncial", "hello"]) == expected
        assert second.aspell_runs == 0
        assert second.check(["techncial", "recieve"])["recieve"][0] == "receive"
        assert second.aspell_runs == 2  # only the new word was asked about


@needs_aspell
def test_without_cache_nothing_is_written(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("Zeonic\n", encoding="utf-8")
    with Speller("en_US", [words], cache_dir=tmp_path / "cache", use_cache=False) as speller:
        assert speller.check(["techncial"])
        dictionary = speller.dictionary()
        assert dictionary is not None and dictionary.exists()
    assert not dictionary.exists()  # the temporary folder is gone
    assert not (tmp_path / "cache").exists()


@needs_aspell
def test_wordlist_words_are_known_and_compiled_once(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("# names\nZeonic\nnotelint\nwell-known-ish\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with Speller("en_US", [words], cache_dir=cache) as speller:
        assert speller.check(["Zeonic", "Notelint", "notelintt", "well-known-ish"]) == {
            "notelintt": speller.check(["notelintt"])["notelintt"]
        }
        dictionary = speller.dictionary()
    assert dictionary is not None and dictionary.parent == (cache / "spelling").resolve()
    built = dictionary.stat().st_mtime_ns
    # aspell itself accepts the compiled words (not only notelint's own filter)
    command = Speller("en_US", [words], cache_dir=cache).list_command()
    out = subprocess.run(
        command, input="Zeonic\nnotelint\nZeonnic\n", capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["Zeonnic"]
    # unchanged list: the same dictionary, not rebuilt
    with Speller("en_US", [words], cache_dir=cache) as again:
        assert again.dictionary() == dictionary
    assert dictionary.stat().st_mtime_ns == built
    # changed list: a new dictionary
    words.write_text("Zeonic\nnotelint\nFlancian\n", encoding="utf-8")
    with Speller("en_US", [words], cache_dir=cache) as changed:
        assert changed.dictionary() != dictionary
        assert changed.check(["Flancian"]) == {}


def test_missing_aspell_names_how_to_install(tmp_path: Path) -> None:
    speller = Speller(cache_dir=tmp_path, binary=str(tmp_path / "no-aspell"), dictionaries=())
    with speller, pytest.raises(SpellError) as caught:
        speller.check(["hello"])
    message = str(caught.value)
    assert "apt-get install aspell aspell-en" in message
    assert "brew install aspell" in message
    assert "\n" not in message


@needs_aspell
def test_missing_dictionary_names_the_language(tmp_path: Path) -> None:
    with Speller("zz_ZZ", cache_dir=tmp_path) as speller, pytest.raises(SpellError) as caught:
        speller.check(["hello"])
    assert "'zz_ZZ'" in str(caught.value)
    assert "apt-get install aspell aspell-en" in str(caught.value)


@needs_aspell
def test_streamed_feeds_keep_words_and_suggestions_paired(tmp_path: Path) -> None:
    letters = "bcdfghjklmnpqrstvwxz"
    nonsense = [f"zq{a}{b}{c}x" for a in letters[:9] for b in letters[:9] for c in "vw"]
    typos = {"techncial": "technical", "bandwith": "bandwidth", "recieve": "receive"}
    words = [*nonsense[:150], "techncial", *nonsense[150:], "bandwith", "recieve", "hello"]
    with Speller(cache_dir=tmp_path, jobs=3) as speller:
        session = speller.session()
        for start in range(0, len(words), 37):
            session.feed(words[start : start + 37])
        session.feed(words)  # repeats are ignored
        bad = session.finish()
    assert "hello" not in bad
    assert set(bad) >= set(typos) and len(bad) == len(words) - 1
    for typo, right in typos.items():
        assert bad[typo][0] == right
    # one list, three quick suggestion sessions, one more thorough for the nonsense words
    assert speller.aspell_runs == 5


@needs_aspell
def test_words_quick_mode_cannot_help_get_thorough_suggestions(tmp_path: Path) -> None:
    with Speller(cache_dir=tmp_path) as speller:
        bad = speller.check(["lexographical", "invidivuals", "techncial"])
    assert bad["lexographical"][0] == "lexicographical"  # aspell's ultra mode has none
    assert "individuals" in bad["invidivuals"]  # ultra's are far off (infidels, intervals)
    assert bad["techncial"][0] == "technical"


@needs_aspell
def test_words_known_to_the_lists_never_reach_aspell(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("techncial\n", encoding="utf-8")
    with Speller("en_US", [words], cache_dir=tmp_path / "c") as speller:
        assert speller.check(["techncial", "Techncial"]) == {}
    assert speller.aspell_runs == 0


def test_add_words_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("alpha\n", encoding="utf-8")
    path.chmod(0o640)
    add_words(path, ["beta"])
    assert path.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.txt"
    add_words(fresh, ["beta"])
    assert fresh.stat().st_mode & 0o044  # readable by others, like any new file


@needs_aspell
def test_an_abandoned_session_stops_aspell(tmp_path: Path) -> None:
    with Speller(cache_dir=tmp_path) as speller:
        try:
            with speller.session() as session:
                session.feed(["techncial", "bandwith"])
                pipeline = session._pipeline
                assert pipeline is not None
                raise KeyError("reading a note failed")
        except KeyError:
            pass
    assert pipeline.lister.poll() is not None  # the process has ended
    assert all(s.process.poll() is not None for s in pipeline.suggesters)


def test_common_misspellings_come_from_codespell_data_read_as_text(tmp_path: Path) -> None:
    from notelint.spell import _read_misspellings, listed_misspelling

    listing = tmp_path / "dictionary.txt"
    listing.write_text(
        "succesful->successful\nteh->the, tea,\nno arrow here\n->nothing\nbad->\n"
        "__import__('os').system('x')->y\n",
        encoding="utf-8",
    )
    found = _read_misspellings(listing)
    assert found["succesful"] == ("successful",) and found["teh"] == ("the", "tea")
    assert "no arrow here" not in found and "bad" not in found and "" not in found
    assert found["__import__('os').system('x')"] == ("y",)  # only ever a string
    assert _read_misspellings(tmp_path / "absent.txt") == {}
    pytest.importorskip("codespell_lib")
    assert "successful" in listed_misspelling("Succesful")
    assert listed_misspelling("successful") == ()


@needs_aspell
def test_a_changed_list_of_misspellings_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language server outlives an upgrade of codespell: the evidence comes from the
    list the verdict cache's key names, never from the one read first."""
    import notelint.spell as spell

    listing = tmp_path / "dictionary.txt"
    listing.write_text("succesful->successful\n", encoding="utf-8")
    monkeypatch.setattr(spell, "misspellings_file", lambda: listing)

    def listed() -> tuple[str, ...]:
        with Speller(cache_dir=tmp_path / "cache", dictionaries=()) as speller:
            session = speller.session()
            session.feed(["succesful"])
            return session.verdicts()["succesful"].evidence.listed

    assert listed() == ("successful",)
    listing.write_text("abandonned->abandoned\n", encoding="utf-8")
    os.utime(listing, ns=(1, 1))  # a new identity even within the same clock tick
    assert listed() == ()
