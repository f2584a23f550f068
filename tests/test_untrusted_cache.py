"""A notes repository may carry a forged cache: loading it must never run code.

A repo (or a fork's pull request, or a poisoned CI cache) can commit
``.notelint-cache/`` with anything in it. Each test plants a pickle whose ``__reduce__``
creates a marker file at every name a cache file has, then runs notelint as a user
would: ``check`` of the vault, the pre-commit path (``check`` of named files) and the
language server over real stdio. The marker never appears, and the findings are those
of a run without a cache.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from notelint.cache import INDEX_FILE

NOTES = {
    "a.md": "---\ntags: [x]\n---\n# A\n\nSee [[b]] and [[gone]].\n",
    "b.md": "---\ntags: [x]\ndate: 2024-01-02\n---\n# B\n\n## Part\n",
}
REPO = Path(__file__).resolve().parents[1]


class Payload:
    """Unpickling this creates ``path``: harmless, and visible."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), str(REPO / "rules"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    return env


def _check(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--format", "json",
         "--select", "links,frontmatter", *args],
        capture_output=True, text=True, cwd=vault, timeout=120, env=_env(),
    )


def _findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    assert done.returncode in (0, 1), done.stderr
    return [(f["path"], f["line"], f["code"]) for f in json.loads(done.stdout)["findings"]]


def _plant(vault: Path, marker: Path) -> list[Path]:
    """The payload at every cache file name: those the last run wrote, and the names
    of every format so far."""
    cache = vault / ".notelint-cache"
    cache.mkdir(exist_ok=True)
    names = {p for p in cache.rglob("*") if p.is_file() and p.name != ".gitignore"}
    names |= {cache / INDEX_FILE, cache / "index.pickle", cache / "urls.json"}
    payload = pickle.dumps(Payload(marker))
    for path in names:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
    return sorted(names)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_the_payload_would_run_if_unpickled(tmp_path: Path) -> None:
    """The test's own premise: the planted bytes are a live payload."""
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(Payload(marker)))
    assert marker.exists()


def test_check_and_the_hook_path_never_unpickle_a_planted_cache(
    vault: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    expected = _findings(_check(vault, "--no-cache"))
    _check(vault)  # a cache of this version, so its file names are planted too
    planted = _plant(vault, marker)
    assert len(planted) >= 3

    assert _findings(_check(vault)) == expected
    assert not marker.exists()
    _plant(vault, marker)
    hook = _findings(_check(vault, "a.md"))
    assert hook == [f for f in expected if f[0] == "a.md"]
    assert not marker.exists()


def test_the_language_server_never_unpickles_a_planted_cache(
    vault: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pygls", reason="the language server needs pygls")
    from test_server import start_server, uri_of

    marker = tmp_path / "marker"
    _check(vault)
    _plant(vault, marker)
    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        note = vault / "a.md"
        uri = uri_of(note)
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1,
            "text": note.read_text(encoding="utf-8")}})
        codes = [d["code"] for d in client.diagnostics(uri)]
        assert codes == ["NL101"]  # [[gone]]; [[b]] resolves from the rebuilt index
    finally:
        client.close()
    assert not marker.exists()


def test_fifos_at_every_cache_file_and_the_word_list_never_block(
    vault: Path, tmp_path: Path
) -> None:
    """A FIFO opened for reading blocks until a writer comes: none ever does here."""
    _check(vault)
    cache = vault / ".notelint-cache"
    names = {p for p in cache.rglob("*") if p.is_file() and p.name != ".gitignore"}
    names |= {cache / INDEX_FILE, cache / "urls.json", vault / ".notelint-words.txt",
              vault / ".gitignore"}
    for path in names:
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    done = _check(vault)  # a hang fails through the subprocess timeout
    assert done.returncode == 1
    assert ("a.md", 6, "NL101") in _findings(done)
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--format", "json", "--select",
         "links,NL501", "--offline", "a.md"],
        capture_output=True, text=True, cwd=vault, timeout=120, env=_env(),
    )
    assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr
