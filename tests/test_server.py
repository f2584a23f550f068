"""The language server, driven end to end over real stdio by a JSON-RPC client.

``LspClient`` starts ``python -m notelint server`` as a subprocess and speaks the base
protocol (``Content-Length`` framed JSON) to it, as an editor would. The benchmark
(``benchmarks/bench_server.py``) uses the same client.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (pip install pygls)")

from notelint.model import Span
from notelint.server import _disable_action, to_character, to_column, to_range, uri_of
from notelint.workspace import Workspace, WorkspaceOptions

TIMEOUT = 60.0


class LspClient:
    """A minimal LSP client over a subprocess's stdin/stdout."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.backlog: list[dict[str, Any]] = []
        self.next_id = 0
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- framing ------------------------------------------------------------------------

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def _drain_stderr(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        for line in stream:
            self.stderr.append(line)

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        stdin.flush()

    # -- requests and notifications -----------------------------------------------------

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout)
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def wait(self, wanted: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT
             ) -> dict[str, Any]:
        """The first message (kept ones first) for which ``wanted`` is true."""
        for index, message in enumerate(self.backlog):
            if wanted(message):
                return self.backlog.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    "timed out; server stderr:\n" + b"".join(self.stderr).decode(errors="replace")
                )
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if "method" in message and "id" in message:  # a request from the server
                self.send({"id": message["id"], "result": None})
            if wanted(message):
                return message
            self.backlog.append(message)

    def diagnostics(self, uri: str, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri``."""
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri,
            timeout,
        )
        diagnostics: list[dict[str, Any]] = message["params"]["diagnostics"]
        return diagnostics

    def initialize(self, root: Path) -> Any:
        result = self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": uri_of(root),
            "capabilities": {
                "textDocument": {"completion": {"completionItem": {"snippetSupport": False}}},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
            },
            "workspaceFolders": [{"uri": uri_of(root), "name": root.name}],
        })
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str) -> str:
        """Open ``path`` in the editor with ``text``; its URI."""
        uri = uri_of(path)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        return uri

    def actions(self, uri: str, diagnostic: dict[str, Any]) -> list[dict[str, Any]]:
        """The code actions offered for ``diagnostic``."""
        found: list[dict[str, Any]] = self.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        })
        return found

    def close(self) -> int:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def start_server(root: Path, *extra: str) -> LspClient:
    env = dict(os.environ)
    repo = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(
        [str(repo), str(repo / "rules"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    return LspClient([sys.executable, "-m", "notelint", "server", *extra], cwd=root, env=env)


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP text edits (UTF-16 positions) as an editor does."""
    lines = text.split("\n")

    def offset(position: dict[str, int]) -> int:
        line = position["line"]
        before = sum(len(item) + 1 for item in lines[:line])
        column = to_column(lines[line] if line < len(lines) else "", position["character"])
        return before + column - 1

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"],
                                             e["range"]["start"]["character"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


# -- positions ---------------------------------------------------------------------------------


def test_columns_count_utf16_units_for_astral_characters() -> None:
    line = "a😀b [[x]]"  # the emoji is one code point, two UTF-16 units
    assert to_character(line, 1) == 0
    assert to_character(line, 3) == 3  # after a and the emoji
    assert to_character(line, 5) == 5
    assert to_character(line, 5, "utf-32") == 4
    assert to_character(line, 3, "utf-8") == 5  # the emoji is four UTF-8 bytes
    assert to_column(line, 3) == 3
    assert to_column(line, 5) == 5
    assert to_column(line, 2) == 3  # inside the surrogate pair: after the emoji
    assert to_column(line, 99) == len(line) + 1


def test_range_clamps_past_the_end_of_the_document() -> None:
    lines = ("é😀", "last")
    span = Span(1, 2, 3, 1)  # ends on the line after the last one
    found = to_range(lines, span, "utf-16")
    assert (found.start.line, found.start.character) == (0, 1)
    assert (found.end.line, found.end.character) == (1, 4)


# -- end to end -----------------------------------------------------------------------------------


VAULT = {
    "index.md": "---\ntags: [home]\n---\n# Index\n\nSee [[My Projects]] and [[Garden]].\n",
    "My Projects.md": "---\ntags: [work]\n---\n# Projects\n\n## Active work\n\n## Done 😀\n",
    "Garden.md": "---\ntags: [life]\n---\n# Garden\n",
}


def write_vault(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    write_vault(root, VAULT)
    (root / "notelint.toml").write_text(
        "select = ['links', 'frontmatter']\n", encoding="utf-8"
    )
    return root


def test_broken_link_diagnostic_fix_and_completion(vault: Path) -> None:
    client = start_server(vault, "--debounce", "10")
    try:
        result = client.initialize(vault)
        capabilities = result["capabilities"]
        assert capabilities["completionProvider"]["triggerCharacters"]
        assert capabilities["codeActionProvider"]

        note = vault / "journal.md"
        # the emoji before the link makes UTF-16 and code-point columns differ
        # (an underscore: Quartz's slug of my-projects is the file's, case aside)
        text = "---\ntags: [log]\n---\n# Journal\n\n😀 see [[my_projects]] today\n"
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        diagnostics = client.diagnostics(uri)
        assert [d["code"] for d in diagnostics] == ["NL101"]
        broken = diagnostics[0]
        assert broken["source"] == "notelint"
        assert broken["severity"] == 1
        # "😀 see " is 6 code points but 7 UTF-16 units; [[my_projects]] is 15 long
        assert broken["range"] == {"start": {"line": 5, "character": 7},
                                   "end": {"line": 5, "character": 22}}
        assert "My Projects" in broken["message"]
        assert broken["codeDescription"]["href"].endswith("/broken-wikilink.md")

        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": broken["range"],
            "context": {"diagnostics": [broken]},
        })
        titles = [action["title"] for action in actions]
        assert "Replace with 'My Projects' (NL101)" in titles, titles
        assert any(t.startswith("Disable NL101") for t in titles), titles
        fix = next(a for a in actions if a.get("isPreferred"))
        edits = fix["edit"]["changes"][uri]
        fixed = apply_edits(text, edits)
        assert "😀 see [[My Projects]] today" in fixed

        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": fixed}],
        })
        assert client.diagnostics(uri) == []

        # the "disable for this line" action inserts a comment the engine honours
        broken_again = text.replace("[[my_projects]]", "[[Nowhere]]")
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"text": broken_again}],
        })
        [nowhere] = client.diagnostics(uri)
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": nowhere["range"],
            "context": {"diagnostics": [nowhere]},
        })
        disable = next(a for a in actions if a["title"].startswith("Disable NL101"))
        silenced = apply_edits(broken_again, disable["edit"]["changes"][uri])
        assert "<!-- notelint-disable-next-line NL101 -->\n😀 see [[Nowhere]]" in silenced
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 4},
            "contentChanges": [{"text": silenced}],
        })
        assert client.diagnostics(uri) == []

        # completion of wiki-link targets after [[
        typing = silenced + "Next: [["
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 5},
            "contentChanges": [{"text": typing}],
        })
        last_line = len(typing.split("\n")) - 1
        completion = client.request("textDocument/completion", {
            "textDocument": {"uri": uri},
            "position": {"line": last_line, "character": len("Next: [[")},
        })
        # notes first (by name), then the other files links may name
        labels = [item["label"] for item in
                  sorted(completion["items"], key=lambda i: i.get("sortText", i["label"]))]
        assert labels == ["Garden", "index", "journal", "My Projects", "notelint.toml"]
        item = next(i for i in completion["items"] if i["label"] == "My Projects")
        assert item["textEdit"]["range"]["start"] == {"line": last_line, "character": 8}

        # heading anchors after [[note#
        typing += "My Projects#"
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 6},
            "contentChanges": [{"text": typing}],
        })
        completion = client.request("textDocument/completion", {
            "textDocument": {"uri": uri},
            "position": {"line": last_line, "character": len("Next: [[My Projects#")},
        })
        assert [i["label"] for i in completion["items"]] == ["Projects", "Active work", "Done 😀"]
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_incremental_changes_and_save_recheck_other_notes(vault: Path) -> None:
    """Incremental edits are applied as the client sends them; saving a note that
    removes a heading re-checks the other open notes linking to it."""
    client = start_server(vault, "--debounce", "0")
    try:
        client.initialize(vault)
        linker = vault / "linker.md"
        linker_text = "---\ntags: [x]\n---\n# Linker\n\n[[My Projects#Active work]]\n"
        linker.write_text(linker_text, encoding="utf-8")
        linker_uri = client.open(linker, linker_text)
        assert client.diagnostics(linker_uri) == []

        projects_text = VAULT["My Projects.md"]
        projects_uri = client.open(vault / "My Projects.md", projects_text)
        assert client.diagnostics(projects_uri) == []
        # rename the heading "Active work" -> "Current work" with an incremental edit
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": projects_uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 5, "character": 3},
                                          "end": {"line": 5, "character": 9}},
                                "text": "Current"}],
        })
        assert client.diagnostics(projects_uri) == []
        client.notify("textDocument/didSave", {"textDocument": {"uri": projects_uri}})
        found = client.diagnostics(linker_uri)
        while not found:  # the save re-checks every open note; wait for the linker's
            found = client.diagnostics(linker_uri)
        assert [d["code"] for d in found] == ["NL104"]
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_add_word_to_the_word_list(tmp_path: Path) -> None:
    pytest.importorskip("pyspelling")
    import shutil

    if shutil.which("aspell") is None:
        pytest.skip("aspell is not installed")
    root = tmp_path / "vault"
    root.mkdir()
    (root / "notelint.toml").write_text(
        "select = ['NL501', 'NL502']\n[spelling]\n"
        "wordlists = ['words.txt']\n", encoding="utf-8")
    text = "---\ntags: [x]\n---\n# Notes\n\nThe zorblax engine works.\n"
    (root / "a.md").write_text(text, encoding="utf-8")
    (root / "words.txt").write_text("# accepted words\n", encoding="utf-8")
    client = start_server(root, "--debounce", "0")
    try:
        client.initialize(root)
        uri = client.open(root / "a.md", text)
        [typo] = client.diagnostics(uri)
        assert typo["code"] == "NL502"  # a made-up word: no confident correction
        assert typo["range"]["start"] == {"line": 5, "character": 4}
        actions = client.actions(uri, typo)
        add = next(a for a in actions if a["title"].startswith("Add 'zorblax'"))
        command = add["command"]
        assert client.request("workspace/executeCommand", {
            "command": command["command"], "arguments": command["arguments"]}) == ["zorblax"]
        assert "zorblax" in (root / "words.txt").read_text(encoding="utf-8").split()
        assert client.diagnostics(uri) == []
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_no_replacement_is_offered_for_a_links_text(tmp_path: Path) -> None:
    """[[voleyball]] is a typo the reader sees, but replacing it would retarget the link:
    the same word in prose gets its "Replace with" action, the link's text only "Add"."""
    import shutil

    if shutil.which("aspell") is None:
        pytest.skip("aspell is not installed")
    root = tmp_path / "vault"
    root.mkdir()
    (root / "notelint.toml").write_text("select = ['NL501']\n", encoding="utf-8")
    text = "---\ntags: [x]\n---\n# Notes\n\nSee [[voleyball]] and voleyball.\n"
    (root / "a.md").write_text(text, encoding="utf-8")
    client = start_server(root, "--debounce", "0")
    try:
        client.initialize(root)
        uri = client.open(root / "a.md", text)
        found = sorted(client.diagnostics(uri), key=lambda d: d["range"]["start"]["character"])
        assert [d["range"]["start"] for d in found] == [
            {"line": 5, "character": 6}, {"line": 5, "character": 22}]
        in_link, in_prose = ([a["title"] for a in client.actions(uri, d)] for d in found)
        assert not any(t.startswith("Replace with") for t in in_link), in_link
        assert "Replace with 'volleyball' (NL501)" in in_prose, in_prose
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_a_broken_configuration_is_shown_to_the_user(vault: Path) -> None:
    (vault / "notelint.toml").write_text("selekt = ['links']\n", encoding="utf-8")
    client = start_server(vault)
    try:
        client.initialize(vault)
        shown = client.wait(lambda m: m.get("method") == "window/showMessage")
        assert shown["params"]["type"] == 1
        assert "selekt" in shown["params"]["message"]
        note = vault / "index.md"
        text = note.read_text(encoding="utf-8") + "\n[[Nowhere]]\n"
        uri = client.open(note, text)
        assert client.diagnostics(uri) == []  # no configuration, no check
        # the user repairs the file: the server reads the settings and the vault again
        (vault / "notelint.toml").write_text("select = ['links']\n", encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": uri_of(vault / "notelint.toml"), "type": 2}]})
        assert [d["code"] for d in client.diagnostics(uri)] == ["NL101"]
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_disable_actions_keep_paragraphs_and_yaml_intact(tmp_path: Path) -> None:
    """Mid-paragraph the comment goes at the end of the line (a comment line would split
    the paragraph); in the frontmatter the rule is disabled for the file below it."""
    write_vault(tmp_path, {"a.md": "---\ntitle: A\n---\nFirst line\nsecond [[gone]] line\n"})
    workspace = Workspace(tmp_path, WorkspaceOptions(select=("NL101", "NL203")))
    workspace.load()
    uri = uri_of(tmp_path / "a.md")
    text = (tmp_path / "a.md").read_text(encoding="utf-8")
    findings = workspace.check("a.md")
    assert [f.code for f in findings] == ["NL203", "NL101"]
    note = workspace.note("a.md")
    assert note is not None
    for finding in reversed(findings):  # bottom-up: each edit leaves the next in place
        action = _disable_action(uri, note, finding, None, "utf-16")  # type: ignore[arg-type]
        assert action.edit is not None and action.edit.changes is not None
        [edit] = action.edit.changes[uri]
        text = apply_edits(text, [{
            "range": {"start": {"line": edit.range.start.line,
                                "character": edit.range.start.character},
                      "end": {"line": edit.range.end.line,
                              "character": edit.range.end.character}},
            "newText": edit.new_text}])
    workspace.update("a.md", text)
    assert text == ("---\ntitle: A\n---\n<!-- notelint-disable-file NL203 -->\nFirst line\n"
                    "second [[gone]] line <!-- notelint-disable-line NL101 -->\n")
    assert workspace.check("a.md") == []


def test_files_created_by_other_programs_mend_links(vault: Path) -> None:
    """The server asks to watch the vault's files; a note created outside the editor
    then resolves the link that was broken."""
    client = start_server(vault, "--debounce", "0")
    try:
        client.initialize(vault)
        registration = client.wait(lambda m: m.get("method") == "client/registerCapability")
        [entry] = registration["params"]["registrations"]
        assert entry["method"] == "workspace/didChangeWatchedFiles"
        note = vault / "todo.md"
        text = "---\ntags: [x]\n---\n# Todo\n\nAsk [[Someday]] and see ![[plan.png]]\n"
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        assert sorted(d["code"] for d in client.diagnostics(uri)) == ["NL101", "NL103"]
        (vault / "sub").mkdir()
        (vault / "sub" / "Someday.md").write_text("---\ntags: [x]\n---\n# Someday\n",
                                                   encoding="utf-8")
        (vault / "plan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": uri_of(vault / "sub" / "Someday.md"), "type": 1},
            {"uri": uri_of(vault / "plan.png"), "type": 1},
        ]})
        assert client.diagnostics(uri) == []
        (vault / "plan.png").unlink()
        client.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": uri_of(vault / "plan.png"), "type": 3}]})
        assert [d["code"] for d in client.diagnostics(uri)] == ["NL103"]
        assert client.close() == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()


def test_workspace_follows_edits_to_aliases_headings_and_files(tmp_path: Path) -> None:
    """The warm index shares name indexes between edits only while names stay the same:
    a new alias, a new note and a deleted note are all seen."""
    write_vault(tmp_path, {
        "a.md": "---\ntags: [x]\n---\n[[Nick]] and [[b#Later]] and [[c]]\n",
        "b.md": "---\ntags: [x]\n---\n# B\n",
    })
    workspace = Workspace(tmp_path, WorkspaceOptions(select=("links",)))
    workspace.load()
    assert sorted(f.code for f in workspace.check("a.md")) == ["NL101", "NL101", "NL104"]
    vault_before = workspace.vault
    workspace.update("b.md", "---\ntags: [x]\n---\n# B\n\n## Later\n")  # same names
    assert workspace.vault is not None and vault_before is not None
    assert workspace.vault.name_index is vault_before.name_index  # shared, not rebuilt
    assert sorted(f.code for f in workspace.check("a.md")) == ["NL101", "NL101"]
    workspace.update("b.md", "---\ntags: [x]\naliases: [Nick]\n---\n# B\n\n## Later\n")
    assert [f.message.split(" ")[0] for f in workspace.check("a.md")] == ["[[c]]"]
    (tmp_path / "c.md").write_text("# C\n", encoding="utf-8")
    workspace.file_changed("c.md", open_rels=["a.md"])
    assert workspace.check("a.md") == []
    (tmp_path / "c.md").unlink()
    workspace.file_changed("c.md", open_rels=["a.md"])
    assert [f.code for f in workspace.check("a.md")] == ["NL101"]
    # closing b's buffer brings back the disk version (no alias, no "Later" heading)
    workspace.revert("b.md")
    assert sorted(f.code for f in workspace.check("a.md")) == ["NL101", "NL101", "NL104"]
    names = [name for name, _ in workspace.link_targets()]
    assert names == ["a", "b"]


def test_per_note_findings_follow_edits_of_the_buffer(tmp_path: Path) -> None:
    """Per-note rules check the buffer as it is now, not the note as first checked."""
    write_vault(tmp_path, {"a.md": "---\ntitle: A\n---\nText\n"})
    workspace = Workspace(tmp_path, WorkspaceOptions(select=("NL203", "NL501")))
    workspace.load()
    assert [f.code for f in workspace.check("a.md")] == ["NL203"]
    workspace.update("a.md", "---\ntitle: A\ntags: [x]\n---\nText\n")
    assert workspace.check("a.md") == []
    workspace.update("a.md", "---\ntitle: A\n---\nText\n")
    assert [f.code for f in workspace.check("a.md")] == ["NL203"]


# -- completion ranking --------------------------------------------------------------------------


def test_wiki_link_completion_ranks_prefix_then_word_start_then_fuzzy(tmp_path: Path) -> None:
    """`[[sho` lists short-pieces first though many names containing 'sho' sort before
    it; `![[nt` finds nt.jpg first though 600 notes containing 'nt' come before it in the
    alphabet (the old cap of 500 lost it)."""
    root = tmp_path / "vault"
    files = {f"aant {index:03d}.md": "x\n" for index in range(600)}
    files.update({f"a-bishop {index}.md": "x\n" for index in range(20)})
    files.update({
        "short-pieces.md": "x\n", "Big Shoes.md": "x\n", "s-h-o-w.md": "x\n",
        "nt.jpg": "", "index.md": "x\n",
    })
    write_vault(root, files)
    (root / "notelint.toml").write_text("select = ['links']\n", encoding="utf-8")
    client = start_server(root, "--debounce", "10")
    try:
        client.initialize(root)
        note = root / "index.md"
        uri = uri_of(note)

        def complete(text: str) -> list[dict[str, Any]]:
            client.notify("textDocument/didOpen" if not opened else "textDocument/didChange",
                          {"textDocument": {"uri": uri, "languageId": "markdown",
                                            "version": len(opened) + 1, "text": text},
                           "contentChanges": [{"text": text}]})
            opened.append(text)
            client.diagnostics(uri)  # the vault is loaded and the edit seen
            reply = client.request("textDocument/completion", {
                "textDocument": {"uri": uri},
                "position": {"line": 0, "character": len(text)},
            })
            return sorted(reply["items"], key=lambda item: item["sortText"])

        opened: list[str] = []
        labels = [item["label"] for item in complete("[[sho")]
        assert labels[:2] == ["short-pieces", "Big Shoes"]  # prefix, then word start
        assert labels.index("a-bishop 0") < labels.index("s-h-o-w")  # substring, then fuzzy
        embeds = complete("![[nt")
        assert embeds[0]["label"] == "nt.jpg" and embeds[0]["detail"] == "nt.jpg"
    finally:
        client.close()


def test_match_tiers() -> None:
    from notelint.workspace import match_tier, rank_link_targets

    assert match_tier("sho", "short-pieces") == 0
    assert match_tier("pie", "short-pieces") == 1
    assert match_tier("pie", "folder/pieces") == 0  # the last path part counts as a name
    assert match_tier("shoe", "BigShoes") == 1  # camelCase starts a word
    assert match_tier("hort", "short") == 2
    assert match_tier("sps", "short-pieces") == 3
    assert match_tier("zz", "short-pieces") is None
    targets = [("nt note", "nt note.md"), ("nt.jpg", "nt.jpg")]
    assert rank_link_targets("nt", targets, embed=True, limit=5)[0][0] == ("nt.jpg", "nt.jpg")
    assert rank_link_targets("nt", targets, embed=False, limit=5)[0][0][0] == "nt note"
    assert rank_link_targets("", targets, embed=False, limit=1) == ([("nt note", "nt note.md")],
                                                                    True)


# -- the base protocol: bad messages get answers, and the session goes on ----------------------


def _raw(client: LspClient, data: bytes) -> None:
    stdin = client.process.stdin
    assert stdin is not None
    stdin.write(data)
    stdin.flush()


def _request_error(client: LspClient, ident: int) -> dict[str, Any]:
    reply = client.wait(lambda m: m.get("id") == ident and "method" not in m)
    assert "error" in reply, reply
    error: dict[str, Any] = reply["error"]
    return error


def test_a_request_with_bad_params_gets_an_error_reply(vault: Path) -> None:
    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        for ident, method in ((901, "textDocument/codeAction"), (902, "textDocument/completion")):
            client.send({"id": ident, "method": method, "params": None})
            assert _request_error(client, ident)["code"] == -32602
        client.send({"id": 903, "method": "textDocument/completion",
                     "params": {"textDocument": 5}})
        assert _request_error(client, 903)["code"] == -32602
        uri = client.open(vault / "index.md", (vault / "index.md").read_text(encoding="utf-8"))
        assert client.diagnostics(uri) == []  # still serving
    finally:
        client.close()


@pytest.mark.parametrize("header", [
    b"Content-Length: abc\r\n\r\n",
    b"Content-Length: -5\r\n\r\n",
    b"Content-Type: application/json\r\n\r\n",  # no Content-Length at all
])
def test_after_a_bad_header_the_server_keeps_serving(vault: Path, header: bytes) -> None:
    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        lost = json.dumps({"jsonrpc": "2.0", "id": 950, "method": "shutdown"}).encode()
        _raw(client, header + lost)
        note = vault / "journal.md"
        text = "---\ntags: [log]\n---\n[[nowhere]]\n"
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        assert [d["code"] for d in client.diagnostics(uri)] == ["NL101"]
        result = client.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": 3, "character": 2}})
        assert result is not None
    finally:
        client.close()


def test_diagnostics_are_capped_with_one_summary(vault: Path) -> None:
    from notelint.server import DIAGNOSTICS_LIMIT

    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        note = vault / "many.md"
        text = "---\ntags: [x]\n---\n" + "".join(f"[[gone {i}]]\n" for i in range(1500))
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        diagnostics = client.diagnostics(uri)
        assert len(diagnostics) == DIAGNOSTICS_LIMIT + 1
        assert all(d["code"] == "NL101" for d in diagnostics[:DIAGNOSTICS_LIMIT])
        assert diagnostics[-1]["message"].startswith("500 more findings not shown")
    finally:
        client.close()


def test_the_capped_diagnostics_keep_their_suggestions(vault: Path) -> None:
    """Suggestions are looked for only for the broken links the server can show: the
    ones it shows read exactly as the CLI's findings (``did you mean``)."""
    from notelint.server import DIAGNOSTICS_LIMIT

    (vault / "target page.md").write_text("# T\n", encoding="utf-8")
    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        note = vault / "many.md"
        text = "---\ntags: [x]\n---\n" + "[[target pag]]\n" * (DIAGNOSTICS_LIMIT + 5)
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        diagnostics = client.diagnostics(uri)
        assert len(diagnostics) == DIAGNOSTICS_LIMIT + 1
        assert all("did you mean 'target page'?" in d["message"]
                   for d in diagnostics[:DIAGNOSTICS_LIMIT])
    finally:
        client.close()


def test_a_huge_note_is_checked_on_its_leading_part_with_one_summary(vault: Path) -> None:
    """A buffer over ``PART_LIMIT`` characters: the server answers about its leading
    part only, with the findings that hold there for the whole note, and says so once.
    A same-note anchor to a heading past the part is not reported broken."""
    from notelint.server import PART_LIMIT

    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        note = vault / "huge.md"
        filler = "Plain words in a long generated note.\n\n" * (PART_LIMIT // 30)
        text = ("---\ntags: [x]\n---\n[[gone early]] and [[#Late heading]]\n\n" + filler
                + "[[gone late]]\n\n## Late heading\n")
        note.write_text(text, encoding="utf-8")
        uri = client.open(note, text)
        diagnostics = client.diagnostics(uri)
        assert [d["code"] for d in diagnostics] == ["NL101", "notelint"]
        assert diagnostics[0]["message"].startswith("[[gone early]]")
        summary = diagnostics[-1]["message"]
        assert "too big to check in full as you type" in summary
        assert "run `notelint check` on it for every finding" in summary
    finally:
        client.close()
    # the CLI judges the whole note: both broken links, the anchor resolved
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(repo / "rules")]))
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--no-cache",
         "--format", "json", "huge.md"],
        cwd=vault, capture_output=True, text=True, check=False, env=env,
    )
    found = json.loads(done.stdout)["findings"]
    late = text.count("\n") - 2
    assert [(f["code"], f["line"]) for f in found] == [("NL101", 4), ("NL101", late)]
