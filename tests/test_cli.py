"""The ``notelint`` command: exit codes, options, stdin, ``rules`` and ``explain``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from notelint import __version__
from notelint.cli import main
from notelint.testing import write_vault

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "notelint" / "schema" / "report-v1.json").read_text()
)
FM = "---\ntags: [a]\n---\n"
VAULT = {
    "ok.md": FM + "# Fine\n[[bad-tag]]\n",
    "bad-tag.md": "---\ntags: [reading notes]\n---\n",  # NL204, a warning
    "nofm.md": "# No frontmatter\n[[gone]]\n",  # NL201 and NL101, errors
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_vault(tmp_path, VAULT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def lines(out: str) -> list[str]:
    return out.splitlines()


# -- exit codes ------------------------------------------------------------------------


def test_errors_exit_1_with_ruff_like_lines(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "check", ".", "--select", "NL101,NL201,NL204")
    assert code == 1
    assert lines(out) == [
        "bad-tag.md:2:8: NL204 [tag-format] tag 'reading notes' contains spaces; use "
        "'reading-notes'",
        "nofm.md:1:1: NL201 [missing-frontmatter] note has no frontmatter; add a '---' block "
        "at the top with: tags",
        "nofm.md:2:1: NL101 [broken-wikilink] [[gone]] points to nothing: no note or file "
        "named 'gone' in the vault; create it or correct the name",
        "wanted: 'gone' \u2190 1 note",
        "Found 2 errors, 1 warning in 2 files (3 files checked).",
    ]
    assert err == ""


def test_clean_run_exits_0(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "check", "ok.md", "--select", "NL101")
    assert code == 0
    assert out == "No problems found (1 file checked).\n"


def test_warnings_alone_exit_0_unless_fail_on_warning(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "check", "--select", "NL204")[0] == 0
    assert cli(capsys, "check", "--select", "NL204", "--fail-on", "warning")[0] == 1
    assert cli(capsys, "check", "--select", "NL204", "--fail-on", "info")[0] == 1
    assert cli(capsys, "check", "--select", "NL201", "--fail-on", "error")[0] == 1


def test_fail_on_from_config(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vault / "notelint.toml").write_text('fail-on = "warning"\n')
    assert cli(capsys, "check", "--select", "NL204")[0] == 1
    assert cli(capsys, "check", "--select", "NL204", "--fail-on", "error")[0] == 0


def test_exit_zero(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "check", "--select", "NL201", "--exit-zero")
    assert code == 0 and "NL201" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "--select", "NL999"], "--select: unknown rule 'NL999'"),
        (["check", "--ignore", "nonsense"], "--ignore: unknown rule 'nonsense'"),
        (["check", "missing-folder"], "missing-folder: no such file or folder"),
        (["check", "--format", "xml"], "unknown --format 'xml' (choose from "),
        (["check", "--config", "nope.toml"], "nope.toml does not exist"),
        (["check", "--root", "nope"], "is not a folder"),
        (["check", "/etc", "--root", "."], "outside the vault root"),
        (["explain", "NL999"], "no rule 'NL999'"),
    ],
)
def test_usage_errors_exit_2(
    vault: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert words in err and "Traceback" not in err


def test_bad_config_exits_2_even_with_exit_zero(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "notelint.toml").write_text("selekt = 1\n")
    code, out, err = cli(capsys, "check", "--exit-zero")
    assert code == 2 and out == ""
    assert "unknown key 'selekt'" in err and "notelint.toml" in err


def test_argparse_errors_exit_2(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "check", "--fail-on", "fatal")[0] == 2
    assert cli(capsys, "check", "--no-such-option")[0] == 2
    code, _, err = cli(capsys, "check", "--jobs", "0")
    assert code == 2 and "--jobs: must be a whole number of at least 1, not '0'" in err
    assert cli(capsys, "check", "--jobs", "many")[0] == 2
    code, _, err = cli(capsys)
    assert code == 2 and "usage:" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out == f"notelint {__version__}\n"


def test_path_without_subcommand_means_check(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "nofm.md", "--select", "NL201")
    assert code == 1 and out.startswith("nofm.md:1:1: NL201")


# -- selection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ("NL201", ["NL201"]),
        ("missing-frontmatter", ["NL201"]),
        ("NL20", ["NL204", "NL201"]),
        ("frontmatter", ["NL204", "NL201"]),
        ("NL101,tag-format", ["NL204", "NL101"]),
    ],
)
def test_select_by_code_name_prefix_family(
    vault: Path, capsys: pytest.CaptureFixture[str], select: str, expected: list[str]
) -> None:
    _, out, _ = cli(capsys, "check", "--select", select, "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == expected


def test_select_repeated_and_ignore(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "check", "--select", "NL101", "--select", "frontmatter",
                    "--ignore", "NL204", "--ignore", "missing-frontmatter", "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["NL101"]


def test_select_in_config_and_on_the_command_line(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "notelint.toml").write_text('select = ["NL204"]\n')
    _, out, _ = cli(capsys, "check", "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["NL204"]
    _, out, _ = cli(capsys, "check", "--format", "json", "--select", "NL201")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["NL201"]


# -- output ----------------------------------------------------------------------------


def test_json_output_validates_against_the_schema(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "check", "--select", "NL1,NL2", "--format", "json")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert code == 1 and err == ""
    assert document["files"] == 3 and document["root"] == "."
    assert document["summary"] == {"error": 2, "warning": 1, "info": 0}
    assert [(f["path"], f["line"], f["code"]) for f in document["findings"]] == [
        ("bad-tag.md", 2, "NL204"), ("nofm.md", 1, "NL201"), ("nofm.md", 2, "NL101"),
    ]


def test_paths_are_relative_to_the_working_directory(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (vault / "sub").mkdir()
    monkeypatch.chdir(vault / "sub")
    _, out, _ = cli(capsys, "check", "..", "--select", "NL201", "--format", "json")
    document = json.loads(out)
    assert document["root"] == ".."
    assert [f["path"] for f in document["findings"]] == ["../nofm.md"]


def test_output_file(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "check", "--select", "NL201", "--output", "report.txt",
                         "--color", "always")
    assert code == 1 and out == "" and err == ""
    text = (vault / "report.txt").read_text()
    assert text.startswith("nofm.md:1:1: NL201") and "\x1b[" not in text
    code, out, _ = cli(capsys, "check", "--select", "NL201", "--format", "json",
                       "--output", "report.json")
    assert out == "" and json.loads((vault / "report.json").read_text())["files"] == 3


def test_output_file_that_cannot_be_written(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "check", "--select", "NL201", "--output", "no/such/dir/r.txt")
    assert code == 2 and out == ""
    assert "cannot write the report to no/such/dir/r.txt" in err


def test_statistics(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vault / "more.md").write_text("x\n")
    _, out, _ = cli(capsys, "check", "--select", "NL101,NL201", "--statistics")
    assert lines(out)[-4:] == [
        "     2  NL201  missing-frontmatter",
        "     1  NL101  broken-wikilink",
        "wanted: 'gone' \u2190 1 note",
        "Found 3 errors in 2 files (4 files checked).",
    ]


def test_colour_only_when_asked_or_on_a_tty(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, plain, _ = cli(capsys, "check", "--select", "NL201")
    assert "\x1b[" not in plain
    _, coloured, _ = cli(capsys, "check", "--select", "NL201", "--color", "always")
    assert "\x1b[31mNL201\x1b[0m" in coloured


# -- editors: stdin ---------------------------------------------------------------------


def test_stdin_filename_with_json(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unsaved = FM + "[[ok]] and [[nowhere]]\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(unsaved))
    code, out, err = cli(capsys, "check", "--stdin-filename", "nofm.md", "--format", "json",
                         "--select", "NL101,NL201")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA)
    assert code == 1 and err == ""
    assert document["files"] == 1
    assert [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]] == [
        ("nofm.md", 4, 12, "NL101"),
    ]


def test_stdin_for_a_new_file_in_a_new_folder_uses_the_config(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (vault / "notelint.toml").write_text('[frontmatter]\nrequired = ["title"]\n')
    monkeypatch.setattr(sys, "stdin", io.StringIO("no frontmatter\n"))
    code, out, _ = cli(capsys, "check", "--stdin-filename", "drafts/new/idea.md",
                       "--format", "json", "--select", "NL201")
    findings = json.loads(out)["findings"]
    assert code == 1 and [f["path"] for f in findings] == ["drafts/new/idea.md"]
    assert findings[0]["message"].endswith("with: title")


def test_stdin_text_replaces_the_file_on_disk(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(FM))
    code, out, _ = cli(capsys, "check", "--stdin-filename", "nofm.md", "--select", "NL101,NL201")
    assert code == 0 and out == "No problems found (1 file checked).\n"


# -- rules and explain -------------------------------------------------------------------


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    by_code = {row["code"]: row for row in rows}
    assert by_code["NL001"] == {
        "code": "NL001", "name": "unreadable-file", "family": "files", "severity": "error",
        "enabled": True, "fixable": False, "summary": "binary, undecodable or unreadable file",
    }
    assert by_code["NL403"]["enabled"] is False and by_code["NL403"]["fixable"] is True
    assert [row["code"] for row in rows] == sorted(by_code)
    assert {"NL201", "NL202", "NL203", "NL204", "NL205", "NL206"} <= set(by_code)


def test_rules_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "rules")
    assert code == 0
    row = next(line for line in lines(out) if line.startswith("NL204"))
    assert "tag-format" in row and "warning" in row


@pytest.mark.parametrize("rule", ["NL202", "nl202", "invalid-frontmatter"])
def test_explain(capsys: pytest.CaptureFixture[str], rule: str) -> None:
    code, out, _ = cli(capsys, "explain", rule)
    assert code == 0
    assert out.startswith("# NL202 invalid-frontmatter\n")
    assert "## Bad" in out and "## Good" in out


def test_explain_shows_options(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "explain", "NL206")
    assert "`allowed-tags`" in out and "`date-fields`" in out


# -- the real process ------------------------------------------------------------------


def test_python_dash_m(vault: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--select", "NL201", "--format", "json"],
        capture_output=True, text=True, cwd=vault, timeout=60,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["error"] == 1


def test_closed_pipe_is_no_traceback(vault: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "notelint", "rules", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=vault,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before notelint writes: `| head -0`
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_stdin_is_read_as_utf8_whatever_the_locale(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes from stdin are UTF-8 even when the locale's encoding (here Latin-1) is not."""
    for data, expected in (
        ("日本 [[gone]]\n".encode(), [(1, 4, "NL101")]),
        (b"ok\n" + b"caf\xe9\n", [(2, 4, "NL001")]),
    ):
        stdin = io.TextIOWrapper(io.BytesIO(data), encoding="latin-1")
        monkeypatch.setattr(sys, "stdin", stdin)
        code, out, _ = cli(capsys, "check", "--stdin-filename", "s.md", "--select",
                           "NL101,NL001", "--format", "json")
        findings = json.loads(out)["findings"]
        assert code == 1
        assert [(f["line"], f["column"], f["code"]) for f in findings] == expected


def test_file_name_that_is_not_utf8_is_printed_escaped(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        with open(os.fsencode(vault) + b"/caf\xe9.md", "wb") as handle:
            handle.write(b"x\n")
    except OSError:  # pragma: no cover - a file system that insists on UTF-8 names
        pytest.skip("file system refuses non-UTF-8 names")
    # capsys, like most desktop terminals, encodes strictly: a surrogate would raise
    code, out, err = cli(capsys, "check", "--select", "NL201")
    assert code == 1 and "Traceback" not in err
    assert out.startswith("caf\\udce9.md:1:1: NL201")
    code, out, _ = cli(capsys, "check", "--select", "NL201", "--format", "json")
    assert json.loads(out)["findings"][0]["path"] == "caf\udce9.md"  # round-trips


def _git_vault(tmp_path: Path) -> Path:
    repo = tmp_path / "notes"
    write_vault(repo, {"sub/a.md": "---\ntags: [x]\n---\nA zorblat [[missing]].\n"})
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_words_add_writes_the_list_the_check_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _git_vault(tmp_path)
    monkeypatch.chdir(repo / "sub")
    check = ("check", "--offline", "--no-cache", "--select", "NL501,NL502", "a.md")
    code, out, _ = cli(capsys, *check)
    assert code == 0 and "zorblat" in out
    code, _, err = cli(capsys, "words", "--add", "zorblat")
    assert code == 0 and str(repo / ".notelint-words.txt") in err
    assert (repo / ".notelint-words.txt").read_text().splitlines()[-1] == "zorblat"
    code, out, _ = cli(capsys, *check)
    assert "zorblat" not in out


def test_words_add_never_edits_a_configured_list_outside_the_vault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _git_vault(tmp_path)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("zeta\nalpha\n")  # unsorted: a rewrite would sort it
    (repo / "notelint.toml").write_text(f"[spelling]\nwordlists = [{str(outside)!r}]\n")
    monkeypatch.chdir(repo / "sub")
    code, _, err = cli(capsys, "words", "--add", "zorblat")
    assert code == 2
    assert "outside the vault" in err and f"--wordlist {outside}" in err
    assert outside.read_text() == "zeta\nalpha\n"
    code, _, err = cli(capsys, "words", "--add", "zorblat", "--wordlist", str(outside))
    assert code == 0 and "zorblat" in outside.read_text()  # asked for by name


def test_words_add_refuses_a_fifo_as_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _git_vault(tmp_path)
    os.mkfifo(repo / ".notelint-words.txt")
    monkeypatch.chdir(repo / "sub")
    code, _, err = cli(capsys, "words", "--add", "zorblat")
    assert code == 2 and "not a regular file" in err


def test_paths_inside_the_root_are_shown_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _git_vault(tmp_path)
    monkeypatch.chdir(repo / "sub")
    code, out, _ = cli(capsys, "check", "--offline", "--no-cache", "--select", "NL101", "a.md")
    assert code == 1
    assert lines(out)[0].startswith("a.md:4:11: NL101")


# -- typos and empty selections ----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("chek", "unknown command 'chek'; did you mean 'check'?"),
        ("explian", "unknown command 'explian'; did you mean 'explain'?"),
        ("frobnicate", "unknown command 'frobnicate', and no file or folder of that name"),
    ],
)
def test_a_mistyped_command_is_named_as_such(
    vault: Path, capsys: pytest.CaptureFixture[str], word: str, said: str
) -> None:
    code, out, err = cli(capsys, word)
    assert code == 2 and out == "" and said in err


def test_an_existing_folder_named_like_a_command_is_still_checked(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(vault, {"chek/n.md": FM + "fine\n"})
    code, out, err = cli(capsys, "chek")
    assert code == 0 and "1 file checked" in out, err


def test_a_folder_without_notes_is_a_usage_error(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "empty").mkdir()
    code, out, err = cli(capsys, "check", "empty/")
    assert code == 2 and out == ""
    assert "empty/: no notes in this folder" in err and "check the path" in err


def test_named_files_all_excluded_exit_0_with_one_line(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(vault, {"notelint.toml": 'exclude = ["templates/**"]\n',
                        "templates/daily.md": "[[{{date}}]]\n",
                        "templates/weekly.md": "[[{{week}}]]\n"})
    code, out, err = cli(capsys, "check", "templates/daily.md", "templates/weekly.md")
    assert code == 0, out + err
    said = [line for line in err.splitlines() if "not checked" in line]
    assert said == [
        "notelint: 2 named files not checked, excluded by 'exclude' in "
        f"{vault / 'notelint.toml'}: templates/daily.md, templates/weekly.md"
    ]
    assert "0 files checked" in out


# -- help and messages that say how to fix ---------------------------------------------


def test_check_help_lists_every_format_and_explains_color(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(capsys, "check", "--help")
    flat = " ".join(out.split())
    assert code == 0
    assert "output format: github, html, json, sarif, text (default)" in flat
    assert "--color {auto,always,never} colour the text output" in flat


def test_rules_has_a_header_and_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "rules")
    rows = out.splitlines()
    assert code == 0 and rows[0].split() == ["CODE", "NAME", "SEVERITY", "FLAGS", "SUMMARY"]
    assert rows[-1].startswith("FLAGS: off = not run unless selected")
    assert "[*] = fixable with 'check --fix'" in rows[-1]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "--select", "broken-wikilnk"], "did you mean 'broken-wikilink'?"),
        (["check", "--ignore", "NL1011"], "did you mean 'NL101'?"),
        (["check", "--select", "spellign"], "did you mean 'spelling'?"),
        (["explain", "misspeling"], "no rule 'misspeling'; did you mean 'misspelling'?"),
    ],
)
def test_rule_names_get_a_did_you_mean(
    vault: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, _, err = cli(capsys, *args)
    assert code == 2 and said in err


def test_every_unknown_config_key_is_reported_at_once(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "notelint.toml").write_text(
        "selekt = 1\nexlude = []\n[linkz]\na = 1\n[links]\nresolutoin = 'x'\n")
    code, _, err = cli(capsys, "check")
    errors = [line for line in err.splitlines() if line.startswith("notelint: error:")]
    assert code == 2 and len(errors) == 4, err
    for words in ("unknown key 'selekt'; did you mean 'select'?",
                  "unknown key 'exlude'; did you mean 'exclude'?",
                  "unknown key or table 'linkz'; did you mean 'links'?",
                  "unknown key 'links.resolutoin'; did you mean 'resolution'?"):
        assert any(words in line and "notelint.toml" in line for line in errors), words


@pytest.mark.parametrize(
    "table", ['[links]\nresolution = "nearest"\n', '[dates]\norder = "sideways"\n'])
def test_option_errors_name_the_file(
    vault: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    (vault / "notelint.toml").write_text(table)
    code, _, err = cli(capsys, "check")
    assert code == 2 and f"{vault / 'notelint.toml'}: " in err and "must be one of" in err


def test_invalid_frontmatter_says_how_to_fix_it(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "y.md").write_text("---\ntags: [a\nx: 1\n---\n")
    code, out, _ = cli(capsys, "check", "--select", "NL202", "y.md")
    assert code == 1 and "NL202" in out and "; fix the YAML here:" in out
