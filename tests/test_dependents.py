"""Which notes a staged rename or deletion breaks, asked of a real git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from notelint import syntax
from notelint.dependents import StagedChange, find_dependents, parse_name_status, staged_changes
from notelint.model import Note
from notelint.parse import build_markdown, parse_note

MD = build_markdown(syntax.notelint_configure_markdown)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(repo: Path, files: dict[str, str]) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "user.name", "Test")
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")


def notes_under(root: Path) -> dict[str, Note]:
    notes = {}
    for path in sorted(root.rglob("*.md")):
        if ".git" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        notes[rel] = parse_note(MD, rel=rel, display=rel, file=path, text=path.read_text())
    return notes


VAULT = {
    "content/a.md": "# A\n",
    "content/sub/b.md": "# B\n",
    "content/links-a.md": "[[a]] and [[a#A|alias]]\n",
    "content/links-a-path.md": "[x](./a.md)\n",
    "content/sub/links-b.md": "[[sub/b]] [y](b.md)\n",
    "content/unrelated.md": "[[elsewhere]] https://a.md/x\n",
}


@needs_git
def test_rename_reports_the_notes_linking_the_old_name(tmp_path: Path) -> None:
    make_repo(tmp_path, VAULT)
    git(tmp_path, "mv", "content/a.md", "content/renamed.md")
    root = tmp_path / "content"
    found = find_dependents(root, ["renamed.md"], notes_under(root))
    assert found == {"links-a.md", "links-a-path.md"}


@needs_git
def test_deletion_counts_even_though_it_is_never_passed(tmp_path: Path) -> None:
    make_repo(tmp_path, VAULT)
    git(tmp_path, "rm", "-q", "content/sub/b.md")
    root = tmp_path / "content"
    assert find_dependents(root, [], notes_under(root)) == {"sub/links-b.md"}


@needs_git
def test_renames_of_notes_not_passed_are_left_alone(tmp_path: Path) -> None:
    make_repo(tmp_path, VAULT)
    git(tmp_path, "mv", "content/a.md", "content/renamed.md")
    root = tmp_path / "content"
    assert find_dependents(root, ["unrelated.md"], notes_under(root)) == frozenset()


@needs_git
def test_paths_are_relative_to_the_vault_root_and_unicode_survives(tmp_path: Path) -> None:
    make_repo(tmp_path, {"vault/Zeon's Cäll.md": "", "vault/n.md": "[[Zeon's Cäll]]\n"})
    git(tmp_path, "mv", "vault/Zeon's Cäll.md", "vault/moved.md")
    changes = staged_changes(tmp_path / "vault")
    assert changes == [StagedChange("Zeon's Cäll.md", "moved.md")]


def test_no_repository_means_no_dependents(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[[b]]\n")
    assert staged_changes(tmp_path) == []
    assert find_dependents(tmp_path, ["a.md"], notes_under(tmp_path)) == frozenset()


def test_parse_name_status() -> None:
    output = "R087\0old.md\0new.md\0D\0gone.md\0M\0kept.md\0A\0added.md\0C100\0x.md\0y.md\0"
    assert parse_name_status(output) == [
        StagedChange("old.md", "new.md"),
        StagedChange("gone.md", None),
    ]
    assert parse_name_status("") == []
    assert parse_name_status("R100\0truncated") == []


def _engine_brief(root: Path, *, dependents: bool) -> list[str]:
    from notelint.engine import RunRequest, run

    result = run(
        RunRequest(
            paths=[str(root / "renamed.md")],
            config={},
            root=root,
            select=["links"],
            offline=True,
            use_cache=True,
            cwd=root,
            report_dependents=dependents,
        )
    )
    return [f"{f.path}:{f.span.line}:{f.span.column}: {f.code}" for f in result.findings]


@needs_git
def test_engine_reports_dependents_only_when_asked(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "old.md": "# Old\n",
            "linker.md": "See [[old]].\n",
            "bystander.md": "See [[linker]].\n",
        },
    )
    from notelint.engine import RunRequest, run

    run(RunRequest(paths=[str(tmp_path)], config={}, root=tmp_path, offline=True, cwd=tmp_path))
    git(tmp_path, "mv", "old.md", "renamed.md")
    assert _engine_brief(tmp_path, dependents=False) == []
    # linker.md was only in the index cache; it must be parsed in full to be reported
    assert _engine_brief(tmp_path, dependents=True) == ["linker.md:1:5: NL101"]


@needs_git
def test_a_link_naming_the_old_note_by_its_quartz_slug_is_a_dependent(tmp_path: Path) -> None:
    """[[red-fox]] names "red fox.md" on Quartz: deleting the note breaks it."""
    make_repo(tmp_path, {
        "content/red fox.md": "# Fox\n",
        "content/by-slug.md": "[[red-fox]] and [[Folder/red-fox]]\n",
        "content/other.md": "[[red fix]]\n",
    })
    git(tmp_path, "rm", "-q", "content/red fox.md")
    root = tmp_path / "content"
    assert find_dependents(root, [], notes_under(root)) == {"by-slug.md"}
