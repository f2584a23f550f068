"""The pre-commit hooks, run by the real ``pre-commit`` tool against a temporary repo.

``pre-commit try-repo`` installs notelint from this checkout into its own environment
(from the package registry for the dependencies), exactly as a user's hook would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        ["pre-commit", "try-repo", str(PROJECT), "notelint", "--files", *files],
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
