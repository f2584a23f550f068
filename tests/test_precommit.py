"""The pre-commit hooks, run by the real ``pre-commit`` tool against a temporary repo.

``pre-commit try-repo`` installs notelint from this checkout into its own environment
(from the package registry for the dependencies), exactly as a user's hook would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="needs the pre-commit and git commands",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """The hook as pre-commit runs it at commit time: on ``files``, or with none given on
    what is staged (``--verbose`` shows notelint's output even when it passes)."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    selection = ["--files", *files] if files else []
    return subprocess.run(
        ["pre-commit", "try-repo", str(PROJECT), "notelint", "--verbose", *selection],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_definitions_match_the_documented_contract() -> None:
    definitions = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    hooks = {hook["id"]: hook for hook in definitions}
    assert hooks["notelint"]["entry"] == "notelint check --offline --report-dependents"
    assert hooks["notelint"]["types"] == ["markdown"]
    assert hooks["notelint"]["require_serial"] is True
    assert hooks["notelint"]["always_run"] is True  # commits that only delete
    assert hooks["notelint-urls"]["stages"] == ["manual"]


def test_hook_fails_on_a_broken_link_and_passes_once_fixed(tmp_path: Path) -> None:
    repo = tmp_path / "notes"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    (repo / "a.md").write_text("---\ntags: [x]\n---\nSee [[b]] and [[missing]].\n")
    (repo / "b.md").write_text("---\ntags: [x]\n---\nHello.\n")
    _git(repo, "add", "-A")

    failing = _try_repo(repo, tmp_path / "home", "a.md")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "a.md:4:" in failing.stdout and "NL101" in failing.stdout

    (repo / "a.md").write_text("---\ntags: [x]\n---\nSee [[b]].\n")
    _git(repo, "add", "-A")
    passing = _try_repo(repo, tmp_path / "home", "a.md")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def _repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "t@example.org")
    _git(path, "config", "user.name", "t")
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    _git(path, "add", "-A")
    return path


def _notelint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "notelint", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300,
    )


def test_quartz_repository_the_hook_and_the_folder_share_one_root(tmp_path: Path) -> None:
    """Notes under content/, no config, no quartz.config.ts: the hook (files), `check
    content/` and `words --add` at the repository top all use content/ as the root."""
    repo = _repo(tmp_path / "site", {
        "content/index.md": "---\ntags: [x]\n---\nSee [[notes/b]] about Zorblat.\n",
        "content/notes/b.md": "---\ntags: [x]\n---\nSee [[/index]].\n",
        "README.md": "The site. See [[nowhere]].\n",
    })
    added = _notelint(repo, "words", "--add", "Zorblat")
    assert added.returncode == 0, added.stderr
    assert (repo / "content" / ".notelint-words.txt").read_text().split() == ["Zorblat"]
    assert not (repo / ".notelint-words.txt").exists()
    _git(repo, "add", "-A")

    folder = _notelint(repo, "check", "--offline", "--format", "json", "content/")
    assert json.loads(folder.stdout)["root"] == "content", folder.stderr
    assert json.loads(folder.stdout)["findings"] == []  # Zorblat is in the word list

    hook = _try_repo(repo, tmp_path / "home", "content/index.md", "content/notes/b.md",
                     "README.md")
    assert hook.returncode == 0, hook.stdout + hook.stderr
    assert "not checked, outside the vault root content: README.md" in hook.stdout
    assert "No problems found (2 files checked)" in hook.stdout
    assert (repo / "content" / ".notelint-cache").is_dir()  # one cache, where check keeps it
    assert not (repo / ".notelint-cache").exists()


def test_obsidian_vault_at_the_repository_top(tmp_path: Path) -> None:
    """No .obsidian/ in the checkout, no config: the repository top is the vault, for a
    note in a subfolder (the hook) as for the subfolder itself."""
    repo = _repo(tmp_path / "vault", {
        "journal/today.md": "---\ntags: [x]\n---\nSee [[ideas]] and [[missing]].\n",
        "projects/ideas.md": "---\ntags: [x]\n---\nIdeas.\n",
    })
    folder = _notelint(repo, "check", "--offline", "--format", "json", "journal/")
    report = json.loads(folder.stdout)
    assert report["root"] == "."
    assert [(f["code"], f["column"]) for f in report["findings"]] == [("NL101", 19)]

    hook = _try_repo(repo, tmp_path / "home", "journal/today.md")
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "journal/today.md:4:19: NL101" in hook.stdout  # [[missing]]; [[ideas]] resolves
    assert hook.stdout.count("NL101") == 1
    assert (repo / ".notelint-cache").is_dir()
    assert not (repo / "journal" / ".notelint-cache").exists()


def test_a_commit_that_only_deletes_a_note_reports_the_notes_linking_to_it(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path / "site", {
        "content/a.md": "---\ntags: [x]\n---\nRead [[Zeon's Call]].\n",
        "content/Zeon's Call.md": "---\ntags: [x]\n---\nHello.\n",
        "content/c.md": "---\ntags: [x]\n---\nUnrelated.\n",
    })
    _git(repo, "commit", "-q", "-m", "notes")
    _git(repo, "rm", "-q", "content/Zeon's Call.md")

    hook = _try_repo(repo, tmp_path / "home")  # what `git commit` runs: nothing to pass
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "content/a.md:4:6: NL101" in hook.stdout
    assert "content/c.md" not in hook.stdout and "Skipped" not in hook.stdout

    _git(repo, "commit", "-q", "-m", "delete")
    quiet = _try_repo(repo, tmp_path / "home")  # nothing staged: nothing to report
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr


def test_the_hook_reports_only_findings_the_baseline_does_not_hold(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "garden", {
        "notelint.toml": 'baseline = "notelint-baseline.json"\n',
        "a.md": "---\ntags: [x]\n---\nOld gap: [[missing]].\n",
    })
    written = _notelint(repo, "baseline", "--offline")
    assert written.returncode == 0, written.stderr
    _git(repo, "add", "-A")
    passing = _try_repo(repo, tmp_path / "home", "a.md")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "1 hidden by the baseline" in passing.stdout

    (repo / "a.md").write_text("---\ntags: [x]\n---\nNew line.\nOld gap: [[missing]]. [[new]]\n")
    _git(repo, "add", "-A")
    failing = _try_repo(repo, tmp_path / "home", "a.md")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "a.md:5:23: NL101" in failing.stdout and failing.stdout.count("NL101") == 1
