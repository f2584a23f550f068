"""Discovery: notes, attachments and folders, minus dot-folders, excludes and .gitignore."""

from __future__ import annotations

import os
from pathlib import Path

from notelint.config import config_from_mapping
from notelint.discover import discover, relative_to_root
from notelint.testing import lint, write_vault

FILES = {
    "a.md": "x", "notes/b.markdown": "x", "notes/deep/c.md": "x", "img/p.png": "x",
    "notes/data.csv": "x", ".obsidian/app.md": "x", ".trash/old.md": "x",
    "notes/.hidden/h.md": "x", ".gitignore": "build/\n*.tmp.md\n",
    "build/out.md": "x", "draft.tmp.md": "x", "notes/.gitignore": "private.md\n",
    "notes/private.md": "x", "private.md": "x",
}


def found(root: Path, **config: object) -> tuple[list[str], list[str], list[str]]:
    discovery, _ = discover(root, config_from_mapping(config))
    return discovery.notes, discovery.attachments, sorted(discovery.folders)


def test_notes_attachments_and_folders(tmp_path: Path) -> None:
    write_vault(tmp_path, FILES)
    notes, attachments, folders = found(tmp_path)
    assert notes == ["a.md", "notes/b.markdown", "notes/deep/c.md", "private.md"]
    assert attachments == ["img/p.png", "notes/data.csv"]
    assert folders == ["img", "notes", "notes/deep"]


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    write_vault(tmp_path, FILES)
    notes, _, folders = found(tmp_path, **{"respect-gitignore": False})
    assert notes == ["a.md", "build/out.md", "draft.tmp.md", "notes/b.markdown",
                     "notes/deep/c.md", "notes/private.md", "private.md"]
    assert "build" in folders


def test_exclude_globs_and_include(tmp_path: Path) -> None:
    write_vault(tmp_path, FILES)
    notes, attachments, folders = found(tmp_path, exclude=["notes/deep/", "*.png"],
                                        include=["*.md"])
    assert notes == ["a.md", "private.md"]
    assert attachments == ["notes/b.markdown", "notes/data.csv"]
    assert "notes/deep" not in folders


def test_gitignore_above_the_root_up_to_the_repository_top(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        ".gitignore": "content/secret/\n",  # above the repository: not read
        "repo/.git/HEAD": "x",
        "repo/.gitignore": "content/secret/\n/content/top-only.md\n",
        "repo/content/secret/s.md": "x",
        "repo/content/top-only.md": "x",
        "repo/content/keep.md": "x",
    })
    notes, _, _ = found(tmp_path / "repo" / "content")
    assert notes == ["keep.md"]
    write_vault(tmp_path, {"outer.md": "x", "repo/content/other/deep.md": "x"})
    (tmp_path / ".gitignore").write_text("deep.md\n")
    assert found(tmp_path / "repo" / "content")[0] == ["keep.md", "other/deep.md"]


def test_gitignore_negation(tmp_path: Path) -> None:
    write_vault(tmp_path, {".gitignore": "*.md\n!keep.md\n", "keep.md": "x", "drop.md": "x"})
    assert found(tmp_path)[0] == ["keep.md"]


def test_symlinked_note_and_loop(tmp_path: Path) -> None:
    write_vault(tmp_path, {"real/n.md": "x"})
    os.symlink("real/n.md", tmp_path / "alias.md")
    os.symlink("..", tmp_path / "real" / "up")
    discovery, _ = discover(tmp_path, config_from_mapping({}))
    assert discovery.notes == ["alias.md", "real/n.md"]
    assert [p.rel for p in discovery.problems] == ["real/up"]


def test_excluded_symlink_loop_is_not_a_problem(tmp_path: Path) -> None:
    write_vault(tmp_path, {"real/n.md": "x"})
    os.symlink("..", tmp_path / "real" / "up")
    discovery, _ = discover(tmp_path, config_from_mapping({"exclude": ["real/up"]}))
    assert discovery.problems == []


def test_relative_to_root(tmp_path: Path) -> None:
    assert relative_to_root(tmp_path / "a" / "b.md", tmp_path) == "a/b.md"
    assert relative_to_root(tmp_path, tmp_path) == "."
    assert relative_to_root(tmp_path.parent, tmp_path) is None


# -- what gets reported ------------------------------------------------------------------


def test_only_the_given_paths_are_reported_but_all_are_indexed(tmp_path: Path) -> None:
    files = {"a.md": "[[b]] [[gone]]\n", "b.md": "[[gone]]\n", "sub/c.md": "[[gone]]\n"}
    result = lint(tmp_path, files, select=["NL101"], paths=["a.md", "sub"])
    assert result.brief() == ["a.md:1:7: NL101", "sub/c.md:1:1: NL101"]


def test_an_explicitly_named_gitignored_note_is_checked(tmp_path: Path) -> None:
    files = {".gitignore": "scratch.md\n", "scratch.md": "[[gone]]\n", "a.md": "[[scratch]]\n"}
    # ignored, it is not in the vault: the link to it is broken, its own link unseen
    assert lint(tmp_path, files, select=["NL101"]).brief() == ["a.md:1:1: NL101"]
    result = lint(tmp_path, {}, select=["NL101"], paths=["scratch.md"])
    assert result.brief() == ["scratch.md:1:1: NL101"]


def test_an_explicitly_named_excluded_note_is_not_checked(tmp_path: Path) -> None:
    result = lint(tmp_path, {"x.md": "[[gone]]\n"}, select=["NL101"], paths=["x.md"],
                  config={"exclude": ["x.md"]})
    assert result.findings == [] and result.exit_code == 0


def test_attachments_are_link_targets_not_notes(tmp_path: Path) -> None:
    files = {"a.md": "![[p.png]] [x](data.csv) ![[missing.png]]\n", "p.png": b"\x89PNG\x00",
             "data.csv": "a,b\n"}
    result = lint(tmp_path, files, select=["NL001", "NL101", "NL102", "NL103"])
    assert result.brief() == ["a.md:1:26: NL103"]


# -- symlinks that leave the root, and files that are not files ---------------------------


def _outside_world(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    write_vault(vault, {"in.md": "[[o]]\n", "real/inner.md": "x"})
    write_vault(tmp_path / "outside", {"o.md": "TODO outside\n"})
    os.symlink(tmp_path / "outside", vault / "linkdir")
    os.symlink("/", vault / "rootlink")
    os.symlink("/proc/self/status", vault / "status.md")
    os.symlink("real", vault / "inside")  # stays in the vault: followed
    return vault


def test_a_symlink_out_of_the_root_is_one_problem_naming_the_link(tmp_path: Path) -> None:
    vault = _outside_world(tmp_path)
    discovery, _ = discover(vault, config_from_mapping({}))
    assert discovery.notes == ["in.md", "inside/inner.md", "real/inner.md"]
    problems = {p.rel: p.message for p in discovery.problems}
    assert sorted(problems) == ["linkdir", "rootlink", "status.md"]
    assert "points outside the vault" in problems["rootlink"]
    assert "follow-symlinks-outside" in problems["linkdir"]
    result = lint(vault, {}, select=["NL001", "NL101"])
    assert result.brief() == ["in.md:1:1: NL101", "linkdir:1:1: NL001",
                              "rootlink:1:1: NL001", "status.md:1:1: NL001"]
    assert not any("VmRSS" in f.message for f in result.findings)  # nothing quoted


def test_follow_symlinks_outside_follows_them(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write_vault(vault, {"in.md": "[[o]]\n"})
    write_vault(tmp_path / "outside", {"o.md": "x\n"})
    os.symlink(tmp_path / "outside", vault / "linkdir")
    discovery, _ = discover(vault, config_from_mapping({"follow-symlinks-outside": True}))
    assert discovery.notes == ["in.md", "linkdir/o.md"] and discovery.problems == []


def test_a_fifo_named_like_a_note_is_reported_never_opened(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "x\n"})
    os.mkfifo(tmp_path / "x.md")
    os.mkfifo(tmp_path / ".gitignore")
    discovery, _ = discover(tmp_path, config_from_mapping({}))  # would block if opened
    assert discovery.notes == ["a.md"]
    assert [p.rel for p in discovery.problems] == ["x.md"]
    assert any(".gitignore is not a regular file" in w for w in discovery.warnings)
    result = lint(tmp_path, {}, select=["NL001"])
    assert result.brief() == ["x.md:1:1: NL001"]


def test_a_killed_fix_leaves_nothing_a_later_run_keeps(tmp_path: Path) -> None:
    import subprocess

    write_vault(tmp_path, {"n.md": "x\n"})
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".n.md.notelint-{dead.pid}-k1ll3d.tmp"
    stale.write_text("half a note")
    discovery, _ = discover(tmp_path, config_from_mapping({}))
    assert discovery.notes == ["n.md"] and not stale.exists()
