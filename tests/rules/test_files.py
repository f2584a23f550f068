"""NL001 unreadable-file: what cannot be read as a note is reported, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notelint.testing import lint

OK = "---\ntags: [a]\n---\nfine\n"


def test_readable_vault_has_no_findings(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": OK, "b/c.md": "\ufeffplain text\r\n"}, select=["NL001"])
    assert result.findings == [] and result.exit_code == 0


def test_binary_file(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": OK, "bin.md": b"PK\x03\x04\x00\x00junk"}, select=["NL001"])
    assert result.brief() == ["bin.md:1:1: NL001"]
    finding = result.findings[0]
    assert "binary" in finding.message and "exclude" in finding.message
    assert finding.rule == "unreadable-file" and result.exit_code == 1


def test_invalid_utf8_at_exact_line_and_column(tmp_path: Path) -> None:
    files = {"latin.md": b"ok\nline two caf\xe9 x\n", "cjk.md": "日本 ".encode() + b"\xff\n"}
    result = lint(tmp_path, files, select=["NL001"])
    assert result.brief() == ["cjk.md:1:4: NL001", "latin.md:2:13: NL001"]
    assert "0xe9" in result.by_code("NL001")[1].message
    assert "UTF-8" in result.findings[0].message


def test_invalid_utf8_after_a_bom_counts_no_bom_column(tmp_path: Path) -> None:
    result = lint(tmp_path, {"b.md": b"\xef\xbb\xbfab\xc3(\n"}, select=["NL001"])
    assert result.brief() == ["b.md:1:3: NL001"]


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    files = {"bom.md": b"\xef\xbb\xbf" + OK.encode(), "crlf.md": OK.replace("\n", "\r\n")}
    result = lint(tmp_path, files, select=["NL001", "NL201", "NL202", "NL203"])
    assert result.findings == []


def test_file_over_max_file_size(tmp_path: Path) -> None:
    result = lint(tmp_path, {"big.md": "x" * 3000, "small.md": OK},
                  select=["NL001", "NL201"], config={"max-file-size": 2048})
    assert result.brief() == ["big.md:1:1: NL001"]
    message = result.findings[0].message
    assert "2.9 KiB" in message and "2.0 KiB" in message and "max-file-size" in message


def test_symlink_loop_is_reported_once_and_walk_continues(tmp_path: Path) -> None:
    (tmp_path / "loop").mkdir()
    os.symlink("..", tmp_path / "loop" / "back")
    result = lint(tmp_path, {"a.md": OK, "loop/x.md": OK, "z.md": "no frontmatter\n"},
                  select=["NL001", "NL201"])
    assert result.brief() == ["loop/back:1:1: NL001", "z.md:1:1: NL201"]
    assert "symlink loop" in result.findings[0].message


def test_symlinked_folder_elsewhere_is_reported_unless_following_is_asked(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "n.md").write_text("no frontmatter\n")
    vault = tmp_path / "vault"
    vault.mkdir()
    os.symlink(outside / "sub", vault / "linked")
    result = lint(vault, {"a.md": OK}, select=["NL001", "NL201"])
    assert result.brief() == ["linked:1:1: NL001"]
    followed = lint(vault, select=["NL001", "NL201"], config={"follow-symlinks-outside": True})
    assert followed.brief() == ["linked/n.md:1:1: NL201"]


def test_broken_symlink(tmp_path: Path) -> None:
    os.symlink("nowhere.md", tmp_path / "broken.md")
    os.symlink("nowhere.png", tmp_path / "broken.png")  # not a note: nothing to say
    result = lint(tmp_path, {"a.md": OK}, select=["NL001"])
    assert result.brief() == ["broken.md:1:1: NL001"]
    assert "broken symlink" in result.findings[0].message
    assert "nowhere.md" in result.findings[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text(OK)
    (tmp_path / "secret.md").chmod(0)
    try:
        result = lint(tmp_path, {"a.md": OK}, select=["NL001"])
    finally:
        (tmp_path / "secret.md").chmod(0o644)
    assert result.brief() == ["secret.md:1:1: NL001"]
    assert "cannot read" in result.findings[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_folder(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0)
    try:
        result = lint(tmp_path, {"a.md": OK}, select=["NL001"])
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert result.brief() == ["locked:1:1: NL001"]


def test_folder_named_like_a_note_is_a_folder(tmp_path: Path) -> None:
    """A folder ``x.md/`` is walked into, never read as a note (even as root)."""
    result = lint(tmp_path, {"x.md/inner.md": OK}, select=["NL001", "NL201"])
    assert result.findings == [] and result.exit_code == 0


def test_problem_outside_the_reported_paths_is_not_reported(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": OK, "other/bin.md": b"\x00"}, select=["NL001"],
                  paths=["a.md"])
    assert result.findings == []


def test_problem_in_an_excluded_folder_is_not_reported(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": OK, "attic/bin.md": b"\x00", ".trash/b.md": b"\x00"},
                  select=["NL001"], config={"exclude": ["attic/"]})
    assert result.findings == []


def test_unreadable_file_can_be_ignored_per_file(tmp_path: Path) -> None:
    result = lint(tmp_path, {"bin.md": b"\x00"}, select=["NL001"],
                  config={"per-file-ignores": {"bin.md": ["unreadable-file"]}})
    assert result.findings == [] and result.exit_code == 0


def test_a_named_pipe_is_reported_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    # a walk reports it as naming it does, and neither waits on it
    assert lint(tmp_path, {"a.md": OK}, select=["NL001"]).brief() == ["pipe.md:1:1: NL001"]
    result = lint(tmp_path, {}, select=["NL001"], paths=["pipe.md"])
    assert result.brief() == ["pipe.md:1:1: NL001"]
