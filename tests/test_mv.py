"""``notelint mv``: moves of a note, an attachment and a folder on fixture vaults; every
link to them rewritten so that ``notelint check`` finds nothing new; refusals; atomic
writes checked by interrupting and killing a real process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notelint.cli import main
from notelint.mv import MoveError, apply_move, plan_move
from notelint.testing import lint, write_vault

LINK_CODES = ["NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107"]
FLAVORS = {"quartz": {}, "obsidian": {".obsidian/app.json": "{}\n"}}

TARGET = "# Plan\n\n## Next steps\n\nDo it. ^step-1\n"


@pytest.fixture(params=sorted(FLAVORS))
def flavor(request: pytest.FixtureRequest) -> dict[str, str]:
    return dict(FLAVORS[str(request.param)])


def move(root: Path, old: str, new: str, *, dry_run: bool = False) -> None:
    plan = plan_move(root / old, root / new, root=root, cwd=root)
    if not dry_run:
        apply_move(plan)


def link_findings(root: Path) -> list[str]:
    return lint(root, select=LINK_CODES).brief()


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_a_note_with_heading_and_block_links(tmp_path: Path, flavor: dict[str, str]) -> None:
    # a Markdown link names the heading as its publisher does: Quartz by its slug,
    # Obsidian by its text
    anchor = "Next%20steps" if ".obsidian/app.json" in flavor else "next-steps"
    write_vault(tmp_path, {
        **flavor,
        "plan.md": TARGET,
        "index.md": "[[plan]] [[plan|the plan]] [[plan#Next steps]] [[plan#^step-1|step]]\n"
                    f"![[plan#Next steps]] [md](plan.md#{anchor}) [ref][r]\n\n[r]: plan.md\n",
        "deep/inner.md": "[up](../plan.md) [[plan.md#^step-1]] <a href=\"../plan.md\">x</a>\n",
        "other.md": "[[index]] is not touched\n",
    })
    assert link_findings(tmp_path) == []
    move(tmp_path, "plan.md", "projects/2024 plan.md")
    assert not (tmp_path / "plan.md").exists()
    assert read(tmp_path, "projects/2024 plan.md") == TARGET
    assert read(tmp_path, "index.md") == (
        "[[2024 plan]] [[2024 plan|the plan]] [[2024 plan#Next steps]] "
        "[[2024 plan#^step-1|step]]\n![[2024 plan#Next steps]] "
        f"[md](projects/2024%20plan.md#{anchor}) [ref][r]\n\n[r]: projects/2024%20plan.md\n"
    )
    assert read(tmp_path, "deep/inner.md") == (
        "[up](../projects/2024%20plan.md) [[2024 plan.md#^step-1]] "
        "<a href=\"../projects/2024%20plan.md\">x</a>\n"
    )
    assert read(tmp_path, "other.md") == "[[index]] is not touched\n"
    assert link_findings(tmp_path) == []


def test_the_moved_notes_own_relative_links(tmp_path: Path, flavor: dict[str, str]) -> None:
    write_vault(tmp_path, {
        **flavor,
        "a.md": "[b](b.md) ![](img/x.png) [[b]] [self](#top) [[#Top]]\n\n# Top\n",
        "b.md": "[[a]]\n",
        "img/x.png": b"PNG",
    })
    move(tmp_path, "a.md", "one/two/a.md")
    assert read(tmp_path, "one/two/a.md") == (
        "[b](../../b.md) ![](../../img/x.png) [[b]] [self](#top) [[#Top]]\n\n# Top\n"
    )
    assert read(tmp_path, "b.md") == "[[a]]\n"  # the name still means exactly that note
    assert link_findings(tmp_path) == []


def test_an_attachment(tmp_path: Path, flavor: dict[str, str]) -> None:
    write_vault(tmp_path, {
        **flavor,
        "n.md": "![[diagram.png|300]] ![d](images/diagram.png) <img src=\"images/diagram.png\">\n"
                "[pdf](<images/diagram.png>)\n",
        "images/diagram.png": b"PNG",
    })
    move(tmp_path, "images/diagram.png", "media/flow chart.png")
    assert read(tmp_path, "n.md") == (
        "![[flow chart.png|300]] ![d](media/flow%20chart.png) "
        "<img src=\"media/flow%20chart.png\">\n[pdf](<media/flow chart.png>)\n"
    )
    assert (tmp_path / "media/flow chart.png").read_bytes() == b"PNG"
    assert link_findings(tmp_path) == []


def test_a_folder(tmp_path: Path, flavor: dict[str, str]) -> None:
    write_vault(tmp_path, {
        **flavor,
        "index.md": "[[projects/alpha]] [a](projects/alpha.md) [f](projects/) ![[logo.png]]\n"
                    "[[beta#Intro]]\n",
        "projects/alpha.md": "[b](beta.md) ![l](img/logo.png) [up](../index.md)\n",
        "projects/beta.md": "# Intro\n[[alpha]]\n",
        "projects/img/logo.png": b"PNG",
    })
    assert link_findings(tmp_path) == []
    move(tmp_path, "projects", "archive/2023")
    assert not (tmp_path / "projects").exists()
    assert read(tmp_path, "index.md") == (
        "[[alpha]] [a](archive/2023/alpha.md) [f](archive/2023/) ![[logo.png]]\n"
        "[[beta#Intro]]\n"
    )
    # links inside the folder move with it: nothing to rewrite but the way up
    assert read(tmp_path, "archive/2023/alpha.md") == (
        "[b](beta.md) ![l](img/logo.png) [up](../../index.md)\n"
    )
    assert link_findings(tmp_path) == []


def test_frontmatter_links(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "a.md": "---\nup: \"[[parent]]\"\nrelated: [\"[[parent|P]]\", \"[[other]]\"]\n---\nx\n",
        "parent.md": "x\n",
        "other.md": "x\n",
    })
    move(tmp_path, "parent.md", "hub.md")
    assert read(tmp_path, "a.md") == (
        "---\nup: \"[[hub]]\"\nrelated: [\"[[hub|P]]\", \"[[other]]\"]\n---\nx\n"
    )


def test_shortest_unique_form(tmp_path: Path) -> None:
    """Where the name alone would be ambiguous, the shortest path that is not."""
    write_vault(tmp_path, {
        "a.md": "[[plan]]\n",
        "plan.md": "x\n",
        "work/notes.md": "x\n",
        "home/notes.md": "x\n",
    })
    move(tmp_path, "plan.md", "x/notes.md")
    assert read(tmp_path, "a.md") == "[[x/notes]]\n"
    assert link_findings(tmp_path) == []


def test_bom_and_line_endings_kept(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "a.md": b"\xef\xbb\xbf# A\r\n\r\n[[old]] and [[old]]\r\n",
        "b.md": b"[x](old.md)\rline two\r",
        "old.md": "x\n",
    })
    move(tmp_path, "old.md", "new.md")
    assert (tmp_path / "a.md").read_bytes() == b"\xef\xbb\xbf# A\r\n\r\n[[new]] and [[new]]\r\n"
    assert (tmp_path / "b.md").read_bytes() == b"[x](new.md)\rline two\r"


def test_dry_run_prints_a_diff_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path, {"a.md": "see [[old]]\n", "old.md": "x\n"})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.md")}
    monkeypatch.chdir(tmp_path)
    code = main(["mv", "old.md", "new.md", "--dry-run", "--root", "."])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("rename file old.md -> new.md\n--- a/a.md\n+++ b/a.md\n")
    assert "-see [[old]]\n+see [[new]]\n" in out
    assert out.endswith("would move old.md -> new.md; 1 link rewritten in 1 note\n")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.md")} == before


def test_refuses_when_new_exists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {"a.md": "[[old]]\n", "old.md": "x\n", "new.md": "y\n"})
    code = main(["mv", str(tmp_path / "old.md"), str(tmp_path / "new.md"), "--root", str(tmp_path)])
    assert code == 2
    assert "new.md already exists" in capsys.readouterr().err
    assert read(tmp_path, "a.md") == "[[old]]\n" and read(tmp_path, "new.md") == "y\n"


def test_refuses_to_make_another_link_ambiguous(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "a.md": "[[notes]] [[old]]\n",
        "work/notes.md": "x\n",
        "old.md": "x\n",
    })
    with pytest.raises(MoveError) as caught:
        move(tmp_path, "old.md", "home/notes.md")
    assert "a.md:1:1: [[notes]] would become ambiguous" in str(caught.value)
    assert read(tmp_path, "a.md") == "[[notes]] [[old]]\n"
    assert (tmp_path / "old.md").exists()


def test_refuses_when_a_note_changed_since_planned(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "[[old]]\n", "b.md": "[[old]]\n", "old.md": "x\n"})
    plan = plan_move(tmp_path / "old.md", tmp_path / "new.md", root=tmp_path, cwd=tmp_path)
    (tmp_path / "b.md").write_text("[[old]] edited meanwhile\n")
    with pytest.raises(MoveError, match="changed while notelint planned"):
        apply_move(plan)
    assert read(tmp_path, "a.md") == "[[old]]\n"  # nothing written, nothing moved
    assert (tmp_path / "old.md").exists()


def test_refuses_other_mistakes(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "x\n", "f/b.md": "x\n", "p.png": b"x"})
    for old, new, message in [
        ("missing.md", "x.md", "no such file"),
        ("a.md", "a.txt", "keep the '.md' ending"),
        ("p.png", "p.md", "keep the '.md' ending"),
        ("f", "f/g", "into itself"),
        ("a.md", ".hidden/a.md", "dot-folder"),
    ]:
        with pytest.raises(MoveError, match=message):
            move(tmp_path, old, new)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_mv_when_tracked(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "[[old]]\n", "old.md": "x\n"})
    git = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=tmp_path, check=True)
    move(tmp_path, "old.md", "sub/new.md")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path, check=True,
                            capture_output=True, text=True).stdout
    assert "R  old.md -> sub/new.md" in status


# -- interrupted runs --------------------------------------------------------------------

MANY = 1500


def _many_linking_notes(root: Path) -> dict[str, tuple[bytes, bytes]]:
    """MANY notes linking to old.md; each note's text before and after the move."""
    files: dict[str, str | bytes] = {"old.md": "# Old\n"}
    expected: dict[str, tuple[bytes, bytes]] = {}
    for index in range(MANY):
        body = f"# Note {index}\n\n" + "Some prose here. " * 40 + "\n"
        before = f"{body}[[old]] and [x](old.md#old)\n"
        after = f"{body}[[renamed]] and [x](renamed.md#old)\n"
        files[f"n{index:04}.md"] = before
        expected[f"n{index:04}.md"] = (before.encode(), after.encode())
    write_vault(root, files)
    return expected


def _start_mv(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "notelint", "mv", "old.md", "renamed.md", "--root", str(root)],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_for_first_write(root: Path, expected: dict[str, tuple[bytes, bytes]],
                          process: subprocess.Popen[bytes]) -> None:
    """Poll the notes (last first: written last) until one holds its new text."""
    names = sorted(expected)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        for name in (names[0], names[len(names) // 4]):
            if (root / name).read_bytes() == expected[name][1]:
                return
        time.sleep(0.001)


def test_killed_mid_write_leaves_every_note_old_or_new(tmp_path: Path) -> None:
    expected = _many_linking_notes(tmp_path)
    process = _start_mv(tmp_path)
    _wait_for_first_write(tmp_path, expected, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    states = {"old": 0, "new": 0}
    for name, (before, after) in expected.items():
        data = (tmp_path / name).read_bytes()
        assert data in (before, after), f"{name} is half-written"
        states["old" if data == before else "new"] += 1
    assert process.returncode == -signal.SIGKILL, "the move finished before the kill"
    assert states["new"] >= 1
    # no temporary file is taken for a note
    assert not [p for p in tmp_path.glob("*.md") if p.name not in expected and p.name != "old.md"
                and p.name != "renamed.md"]


def test_ctrl_c_mid_write_completes_the_move(tmp_path: Path) -> None:
    expected = _many_linking_notes(tmp_path)
    process = _start_mv(tmp_path)
    _wait_for_first_write(tmp_path, expected, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    for name, (_, after) in expected.items():
        assert (tmp_path / name).read_bytes() == after, name
    assert (tmp_path / "renamed.md").exists() and not (tmp_path / "old.md").exists()
    if process.returncode == 130:  # the signal came while writing: held, then obeyed
        assert b"interrupted" in err
    else:  # it came after the last write
        assert process.returncode == 0


def test_a_folder_named_in_another_case(tmp_path: Path) -> None:
    """``[[library]]`` finds the folder ``Library`` only ignoring case (NL106); moving the
    folder must not leave it broken: it gets the folder's new path, spelled right."""
    write_vault(tmp_path, {"a.md": "a [[library]].\n", "Library/core.md": "x\n"})
    move(tmp_path, "Library", "archive/Library")
    assert read(tmp_path, "a.md") == "a [[archive/Library]].\n"
    assert link_findings(tmp_path) == []


@pytest.mark.parametrize(
    ("link_format", "written"),
    [("shortest", "[[plan]]"), ("absolute", "[[work/plan]]"), ("relative", "[[../work/plan]]")],
)
def test_obsidian_new_link_format(tmp_path: Path, link_format: str, written: str) -> None:
    """Obsidian writes new links as its "New link format" setting says; so does mv."""
    write_vault(tmp_path, {
        ".obsidian/app.json": f'{{"newLinkFormat": "{link_format}"}}\n',
        "notes/a.md": "see [[old]]\n",
        "old.md": "x\n",
    })
    move(tmp_path, "old.md", "work/plan.md")
    assert read(tmp_path, "notes/a.md") == f"see {written}\n"
    assert link_findings(tmp_path) == []


def test_table_escaped_pipes_are_kept(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "n.md": "| a | b |\n|---|---|\n| [[old\\|alias]] | ![[pic.png\\|100]] |\n",
        "old.md": "x\n",
        "pic.png": b"P",
    })
    move(tmp_path, "old.md", "sub/new one.md")
    move(tmp_path, "pic.png", "img/p.png")
    assert read(tmp_path, "n.md") == (
        "| a | b |\n|---|---|\n| [[new one\\|alias]] | ![[p.png\\|100]] |\n"
    )
    assert link_findings(tmp_path) == []


def test_refuses_to_guess_the_vault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No marker above the note: the vault might be larger than its folder, and links
    from outside it would be missed; with a marker the move goes ahead."""
    write_vault(tmp_path, {"other.md": "[[x]]\n", "a/x.md": "x\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["mv", "a/x.md", "a/y.md"]) == 2
    assert "pass --root" in capsys.readouterr().err
    assert read(tmp_path, "other.md") == "[[x]]\n"
    (tmp_path / ".obsidian").mkdir()
    assert main(["mv", "a/x.md", "a/y.md"]) == 0
    assert read(tmp_path, "other.md") == "[[y]]\n"
