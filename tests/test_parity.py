"""The CLI and the language server compose the same engine stages, so they agree.

For one vault and one edited buffer, ``notelint check --stdin-filename`` and the language
server (over real stdio, after a CLI run left a warm cache with per-note results) report
the same findings: same codes, positions, severities and messages. Note rules, vault
rules, a ``notelint`` comment and ``per-file-ignores`` all take part.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (pip install pygls)")

from test_server import start_server, write_vault

from notelint.server import uri_of

CONFIG = """\
select = ["links", "frontmatter", "dates"]

[per-file-ignores]
"ignored/*" = ["NL101"]
"""

VAULT = {
    "index.md": "---\ntitle: Index\n---\n# Index\n\nSee [[Garden]] and [[nowhere]].\n",
    "Garden.md": "---\ntags: [life]\n---\n# Garden\n\n## Beds\n",
    "ignored/old.md": "---\ntags: [old]\n---\n[[gone]]\n",
}

# the buffer as the editor holds it: unsaved, unlike the file on disk
BUFFER = (
    "---\ntags: ['two words']\n---\n# Index\n\n"
    "See [[Garden#Beds]], [[Garden#Paths]] and [[elsewhere]].\n"
    "<!-- notelint-disable-next-line NL101 -->\n"
    "Also [[silenced]].\n"
    "Then [[also missing]].\n"
)

SEVERITIES = {1: "error", 2: "warning", 3: "info", 4: "info"}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    repo = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(
        [str(repo), str(repo / "rules"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    return env


def _cli(root: Path, *args: str, stdin: str | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--format", "json", *args],
        cwd=root, env=_env(), input=stdin, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def _shown(finding: dict[str, Any]) -> str:
    """The message as an editor shows it: with the suggestion when it does not say it."""
    message = str(finding["message"])
    suggestion = finding.get("suggestion")
    if suggestion and suggestion not in message:
        message += f" (did you mean {suggestion!r}?)"
    return message


def test_cli_and_server_report_the_same_findings_for_one_buffer(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_vault(root, VAULT)
    (root / "notelint.toml").write_text(CONFIG, encoding="utf-8")
    # a whole-vault run first: the server then starts warm, per-note results cached
    whole = _cli(root, ".")
    assert any(f["code"] == "NL203" for f in whole["findings"])  # type: ignore[union-attr]

    by_cli = _cli(root, "--stdin-filename", "index.md", stdin=BUFFER)
    expected = sorted(
        (f["code"], f["line"] - 1, f["column"] - 1, f["severity"], _shown(f))
        for f in by_cli["findings"]  # type: ignore[union-attr]
    )
    codes = {item[0] for item in expected}
    assert {"NL101", "NL104"} <= codes  # vault rules
    assert "NL203" not in codes and len(codes) > 2  # note rules, on the buffer
    assert all(item[1] != 7 for item in expected)  # the silenced link is not reported

    client = start_server(root, "--debounce", "10")
    try:
        client.initialize(root)
        uri = uri_of(root / "index.md")
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": BUFFER}})
        diagnostics = client.diagnostics(uri)
    finally:
        client.close()
    by_server = sorted(
        (d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
         SEVERITIES[d["severity"]], d["message"])
        for d in diagnostics
    )
    assert by_server == expected
