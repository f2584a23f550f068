"""Fixes: applied atomically, byte-faithfully (BOM, CRLF, mode), only what was reported."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from notelint import hookimpl, syntax
from notelint.fix import apply_fixes, apply_fixes_to_text, write_atomically
from notelint.model import Finding, Fix, Note, Span
from notelint.parse import build_markdown, parse_note
from notelint.rule import Rule, RuleContext
from notelint.testing import lint


def fix(line: int, column: int, end_line: int, end_column: int, text: str) -> Fix:
    return Fix(Span(line, column, end_line, end_column), text)


# -- text --------------------------------------------------------------------------------


def test_replacements_on_several_lines() -> None:
    text = "one two\nthree four\n"
    new, applied, skipped = apply_fixes_to_text(text, [fix(2, 7, 2, 11, "4"), fix(1, 1, 1, 4, "1")])
    assert (new, applied, skipped) == ("1 two\nthree 4\n", 2, 0)


def test_crlf_and_lone_cr_line_endings_are_kept() -> None:
    text = "a\r\nbb\r\ncc\rdd"
    new, applied, _ = apply_fixes_to_text(text, [fix(2, 1, 2, 3, "B"), fix(4, 2, 4, 3, "D")])
    assert new == "a\r\nB\r\ncc\rdD" and applied == 2


def test_insertion_deletion_and_multi_line_span() -> None:
    text = "abc\ndef\nghi\n"
    assert apply_fixes_to_text(text, [fix(1, 4, 1, 4, "!")])[0] == "abc!\ndef\nghi\n"
    assert apply_fixes_to_text(text, [fix(1, 2, 3, 2, "")])[0] == "ahi\n"


def test_overlapping_fixes_after_the_first_are_skipped() -> None:
    text = "abcdef\n"
    new, applied, skipped = apply_fixes_to_text(
        text, [fix(1, 2, 1, 5, "X"), fix(1, 4, 1, 6, "Y"), fix(1, 6, 1, 7, "Z")]
    )
    assert (new, applied, skipped) == ("aXeZ\n", 2, 1)


@pytest.mark.parametrize(
    "bad", [fix(0, 1, 1, 1, "x"), fix(9, 1, 9, 2, "x"), fix(1, 9, 1, 10, "x"),
            fix(1, 3, 1, 2, "x")],
)
def test_fixes_outside_the_text_are_skipped(bad: Fix) -> None:
    assert apply_fixes_to_text("abc\n", [bad]) == ("abc\n", 0, 1)


def test_column_past_the_end_of_a_line_is_never_into_the_next() -> None:
    assert apply_fixes_to_text("ab\ncd\n", [fix(1, 4, 1, 4, "!")]) == ("ab\ncd\n", 0, 1)
    assert apply_fixes_to_text("ab\ncd\n", [fix(1, 3, 1, 3, "!")])[0] == "ab!\ncd\n"


# -- files -------------------------------------------------------------------------------


MD = build_markdown(syntax.notelint_configure_markdown)


def note_at(path: Path) -> Note:
    data = path.read_bytes()
    has_bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3 if has_bom else 0 :].decode()
    return parse_note(MD, rel=path.name, display=path.name, file=path, text=text,
                      has_bom=has_bom)


def test_bom_crlf_and_mode_survive(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"\xef\xbb\xbfold\r\nkeep\r\n")
    path.chmod(0o640)
    outcome = apply_fixes(note_at(path), [fix(1, 1, 1, 4, "new")])
    assert outcome.applied == 1 and outcome.message is None
    assert path.read_bytes() == b"\xef\xbb\xbfnew\r\nkeep\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["n.md"]  # no temporary file left


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("old\n")
    note = note_at(path)
    path.write_text("edited meanwhile\n")
    outcome = apply_fixes(note, [fix(1, 1, 1, 4, "new")])
    assert outcome.applied == 0 and "changed while notelint ran" in (outcome.message or "")
    assert path.read_text() == "edited meanwhile\n"


def test_a_file_removed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("old\n")
    note = note_at(path)
    path.unlink()
    outcome = apply_fixes(note, [fix(1, 1, 1, 4, "new")])
    assert outcome.applied == 0 and "not fixed" in (outcome.message or "")
    assert not path.exists()


def test_no_applicable_fix_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("old\n")
    before = path.stat().st_mtime_ns
    assert apply_fixes(note_at(path), [fix(5, 1, 5, 2, "x")]).applied == 0
    assert path.stat().st_mtime_ns == before


def test_write_atomically_cleans_up_when_the_rename_fails(tmp_path: Path) -> None:
    target = tmp_path / "folder.md"
    target.mkdir()
    (target / "inside").write_text("x")  # a non-empty folder cannot be replaced by a file
    with pytest.raises(OSError):
        write_atomically(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.md"]


# -- through the engine --------------------------------------------------------------


class Shout(Rule):
    """``TODO`` must be written ``todo`` (a fixable test rule)."""

    code, name, family, summary = "FX001", "no-shouting-todo", "fx", "s"
    fixable = True

    def check_note(self, note: Note, ctx: RuleContext) -> Iterator[Finding]:
        for number, line in enumerate(note.lines, 1):
            column = line.find("TODO")
            if column >= 0:
                span = Span(number, column + 1, number, column + 5)
                yield self.finding(note, span, "write todo", fix=Fix(span, "todo"))


class Unfixable(Shout):
    """Offers a fix but is not declared fixable: the engine must not apply it."""

    code, name = "FX002", "not-fixable"
    fixable = False


class Pack:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [Shout, Unfixable]


def test_fix_applies_reported_fixes_then_reports_what_is_left(tmp_path: Path) -> None:
    files = {"a.md": "TODO one\r\nand TODO two\r\n", "b.md": "TODO\n",
             "c.md": "<!-- notelint-disable-file -->\nTODO\n"}
    result = lint(tmp_path, files, select=["FX001"], fix=True, extra_plugins=[Pack()])
    assert result.fixed == 3
    assert result.findings == [] and result.exit_code == 0
    assert (tmp_path / "a.md").read_bytes() == b"todo one\r\nand todo two\r\n"
    assert (tmp_path / "b.md").read_text() == "todo\n"
    assert (tmp_path / "c.md").read_text() == "<!-- notelint-disable-file -->\nTODO\n"


def test_fix_touches_only_the_reported_paths(tmp_path: Path) -> None:
    files = {"a.md": "TODO\n", "b.md": "TODO\n"}
    result = lint(tmp_path, files, select=["FX001"], fix=True, paths=["a.md"],
                  extra_plugins=[Pack()])
    assert result.fixed == 1
    assert (tmp_path / "a.md").read_text() == "todo\n"
    assert (tmp_path / "b.md").read_text() == "TODO\n"


def test_fix_of_a_rule_not_declared_fixable_is_not_applied(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "TODO\n"}, select=["FX002"], fix=True,
                  extra_plugins=[Pack()])
    assert result.fixed == 0 and result.brief() == ["a.md:1:1: FX002"]
    assert (tmp_path / "a.md").read_text() == "TODO\n"


def test_without_fix_nothing_is_written(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "TODO\n"}, select=["FX001"], extra_plugins=[Pack()])
    assert result.brief() == ["a.md:1:1: FX001"] and result.exit_code == 1
    assert (tmp_path / "a.md").read_text() == "TODO\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only folders")
def test_fix_in_a_read_only_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "a.md").write_text("TODO\n")
    (tmp_path / "ro").chmod(0o555)
    try:
        result = lint(tmp_path, {}, select=["FX001"], fix=True, extra_plugins=[Pack()])
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert result.fixed == 0 and result.brief() == ["ro/a.md:1:1: FX001"]
    assert any("ro/a.md: not fixed" in message for message in result.messages)


def test_multi_line_replacement_follows_the_note_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"a\r\nb\r\n")
    assert apply_fixes(note_at(path), [fix(1, 2, 1, 2, "\nx\r\ny")]).applied == 1
    assert path.read_bytes() == b"a\r\nx\r\ny\r\nb\r\n"


# -- never outside the root; links, read-only notes, leftovers --------------------------------


def test_fix_never_writes_through_a_symlink_out_of_the_root(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault).mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.md").write_text("TODO\n")
    os.symlink(tmp_path / "outside", vault / "linkdir")
    for config in ({}, {"follow-symlinks-outside": True}):
        lint(vault, {}, select=["FX001"], fix=True, extra_plugins=[Pack()], config=config)
        assert (tmp_path / "outside" / "o.md").read_text() == "TODO\n"
    result = lint(vault, {}, select=["FX001"], fix=True, extra_plugins=[Pack()],
                  config={"follow-symlinks-outside": True})
    assert any("outside the vault" in m for m in result.messages)
    assert os.path.islink(vault / "linkdir")


def test_fix_through_stdin_filename_never_writes_out_of_the_root(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.md").write_text("TODO\n")
    os.symlink(tmp_path / "outside", vault / "lnk")
    lint(vault, {}, select=["FX001"], fix=True, extra_plugins=[Pack()],
         stdin=("lnk/x.md", "TODO\n"))
    assert (tmp_path / "outside" / "x.md").read_text() == "TODO\n"


def test_a_symlinked_note_in_the_vault_is_fixed_through_the_link(tmp_path: Path) -> None:
    files = {"real.md": "TODO\n"}
    os.symlink("real.md", tmp_path / "alias.md")
    result = lint(tmp_path, files, select=["FX001"], fix=True, extra_plugins=[Pack()])
    assert result.fixed >= 1
    assert os.path.islink(tmp_path / "alias.md")
    assert (tmp_path / "real.md").read_text() == "todo\n"


def test_a_hard_linked_note_keeps_its_inode(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("TODO\n")
    os.link(tmp_path / "a.md", tmp_path / "twin.txt")
    inode = (tmp_path / "a.md").stat().st_ino
    result = lint(tmp_path, {}, select=["FX001"], fix=True, extra_plugins=[Pack()])
    assert result.fixed == 1
    assert (tmp_path / "a.md").stat().st_ino == inode
    assert (tmp_path / "twin.txt").read_text() == "todo\n"


def test_a_read_only_note_is_not_rewritten(tmp_path: Path) -> None:
    note = tmp_path / "a.md"
    note.write_text("TODO\n")
    note.chmod(0o444)
    try:
        result = lint(tmp_path, {}, select=["FX001"], fix=True, extra_plugins=[Pack()])
    finally:
        note.chmod(0o644)
    assert result.fixed == 0 and note.read_text() == "TODO\n"
    assert [f.message for f in result.findings] == [
        "write todo — not fixed: the note is read-only; make it writable "
        "(chmod u+w a.md) to fix it"
    ]
    assert not any("not fixed" in m for m in result.messages)


def _cli(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(repo / "rules")]))
    return subprocess.run([sys.executable, "-m", "notelint", "check", "--offline", *args],
                          cwd=vault, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("form", ["text", "json"])
def test_fix_on_a_read_only_note_says_so_in_its_findings(tmp_path: Path, form: str) -> None:
    """``--fix`` on a 0444 note, through the CLI: the fixable finding says why it was
    not fixed and how to allow it; the note keeps its bytes, mode, owner and times. The
    mode bits decide, so this holds when the run is root (CI), who could write it."""
    (tmp_path / "notelint.toml").write_text("select = ['NL302']\n", encoding="utf-8")
    note = tmp_path / "journal 1.md"
    note.write_text("# Log\n\n## 2024/3/5\n\nText.\n", encoding="utf-8")
    note.chmod(0o444)
    before = note.stat()
    try:
        done = _cli(tmp_path, "--fix", "--no-cache", "--format", form, ".")
        after = note.stat()
        content = note.read_bytes()
    finally:
        note.chmod(0o644)
    said = ("— not fixed: the note is read-only; make it writable "
            "(chmod u+w 'journal 1.md') to fix it")
    if form == "json":
        messages = [f["message"] for f in json.loads(done.stdout)["findings"]]
    else:
        messages = [line for line in done.stdout.splitlines() if "NL302" in line]
    assert len(messages) == 1 and messages[0].endswith(said), done.stdout
    assert "not fixed" not in done.stderr and done.returncode == 0  # NL302 is a warning
    assert content == b"# Log\n\n## 2024/3/5\n\nText.\n"
    assert stat.S_IMODE(after.st_mode) == 0o444
    assert (after.st_uid, after.st_gid, after.st_ino, after.st_mtime_ns) == (
        before.st_uid, before.st_gid, before.st_ino, before.st_mtime_ns)


def test_a_stale_temp_file_of_a_killed_run_is_recognised(tmp_path: Path) -> None:
    from notelint.fix import TEMP_NAME, remove_stale_temp

    write_atomically(tmp_path / "n.md", b"x")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".n.md.notelint-{dead.pid}-abc123.tmp"
    stale.write_text("half")
    live = tmp_path / f".n.md.notelint-{os.getppid()}-abc123.tmp"
    live.write_text("being written")
    assert TEMP_NAME.match(stale.name) and TEMP_NAME.match(live.name)
    assert remove_stale_temp(stale) and not stale.exists()
    assert not remove_stale_temp(live) and live.exists()
    assert not remove_stale_temp(tmp_path / "n.md")


def test_a_fifo_in_a_notes_place_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("TODO\n")
    note = note_at(path)
    path.unlink()
    os.mkfifo(path)  # replaced between the check and the fix: opening it would block
    outcome = apply_fixes(note, [fix(1, 1, 1, 5, "todo")], tmp_path)
    assert outcome.applied == 0 and "regular file" in (outcome.message or "")


class Squash(Rule):
    """``aa`` is written ``a``: every occurrence, overlapping ones included."""

    code, name, family, summary = "FX003", "squash-double-a", "fx", "s"
    fixable = True

    def check_note(self, note: Note, ctx: RuleContext) -> Iterator[Finding]:
        for number, line in enumerate(note.lines, 1):
            for index in range(len(line) - 1):
                if line[index : index + 2] == "aa":
                    span = Span(number, index + 1, number, index + 3)
                    yield self.finding(note, span, "one a", fix=Fix(span, "a"))


class SquashPack:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [Squash]


def test_overlapping_fixes_are_applied_in_one_run(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": "baaaad\n"}, select=["FX003"], fix=True,
                  extra_plugins=[SquashPack()])
    assert (tmp_path / "n.md").read_text() == "bad\n"
    assert result.findings == [] and result.fixed == 3
