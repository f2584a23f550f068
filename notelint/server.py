"""``notelint server``: a Language Server over stdio, so editors show findings as you type.

The server loads the vault once (``notelint.workspace``) and, after each pause in typing,
re-parses only the edited buffer and checks that note against the warm index. It offers
the findings' fixes as code actions, plus "disable this rule for this line" and, for
misspellings, "add the word to the word list"; and completes wiki-link targets after
``[[`` and heading anchors after ``[[note#``.

All engine work runs on one worker thread, one operation at a time, so the event loop
keeps answering completions while a check runs, and the workspace is never touched by
two threads at once. Requests that arrive while a check of the same note is running are
coalesced: only the newest text is checked next.

Engine stage: none: the editor protocol over a ``Workspace`` (plan and index kept, check
and policy per buffer).
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from notelint import __version__
from notelint.config import CONFIG_FILES, ConfigError
from notelint.discover import relative_to_root
from notelint.engine import UsageError
from notelint.model import Finding, Note, Severity, Span
from notelint.prose import in_shown_link, shown_link_spans
from notelint.reporters.sarif import docs_url
from notelint.workspace import Workspace, WorkspaceOptions, guess_root, rank_link_targets

log = logging.getLogger("notelint.server")

T = TypeVar("T")

#: Milliseconds of quiet after an edit before the note is checked.
DEFAULT_DEBOUNCE_MS = 50
ADD_WORD_COMMAND = "notelint.addWord"
#: At most this many completion items; the list is marked incomplete past it.
COMPLETION_LIMIT = 500
#: At most this many diagnostics per document, then one that says how many were left out:
#: a generated 5 MB note with 100,000 findings would otherwise stall the editor.
DIAGNOSTICS_LIMIT = 1000
#: A buffer longer than this (in characters) is checked as you type on its leading part
#: only, cut at a blank line: parsing and checking cost about 2 s per MB, so a 5 MB
#: note checked in full would answer after ten seconds or more (see
#: ``benchmarks/bench_server_bignote.py``). One summary diagnostic says so.
PART_LIMIT = 200_000

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


# -- positions -----------------------------------------------------------------------------
#
# notelint columns count code points from 1; LSP characters count from 0 in the negotiated
# encoding's units (UTF-16 unless the client offers another): an astral character such as
# an emoji is one notelint column but two UTF-16 units.


def _units(char: str, encoding: str) -> int:
    code = ord(char)
    if encoding == types.PositionEncodingKind.Utf8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if code >= 0x10000 else 1


def to_character(line_text: str, column: int, encoding: str = "utf-16") -> int:
    """The LSP character of 1-based code-point ``column`` in ``line_text`` (clamped)."""
    prefix = line_text[: max(column - 1, 0)]
    if encoding == types.PositionEncodingKind.Utf32:
        return len(prefix)
    return sum(_units(char, encoding) for char in prefix)


def to_column(line_text: str, character: int, encoding: str = "utf-16") -> int:
    """The 1-based code-point column of LSP ``character`` in ``line_text`` (clamped).

    A character pointing inside a surrogate pair (or a UTF-8 sequence) lands after it.
    """
    seen = 0
    for index, char in enumerate(line_text):
        if seen >= character:
            return index + 1
        seen += _units(char, encoding)
    return len(line_text) + 1


def to_position(lines: Sequence[str], line: int, column: int, encoding: str) -> types.Position:
    """An LSP position for notelint's (line, column); past the end clamps to the end."""
    if not lines:
        return types.Position(line=0, character=0)
    if line < 1:
        return types.Position(line=0, character=0)
    if line > len(lines):
        last = len(lines) - 1
        return types.Position(line=last, character=to_character(lines[last], 1 << 30, encoding))
    return types.Position(line=line - 1, character=to_character(lines[line - 1], column, encoding))


def to_range(lines: Sequence[str], span: Span, encoding: str) -> types.Range:
    start = to_position(lines, span.line, span.column, encoding)
    end = to_position(lines, span.end_line, span.end_column, encoding)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start=start, end=end)


# -- what the server remembers per open document --------------------------------------------


@dataclass
class Checked:
    """The last findings of one document, with the note they were computed on."""

    version: int | None
    note: Note
    findings: list[Finding]
    messages: list[str]
    #: For a buffer over ``PART_LIMIT``: what was checked of it, for the summary.
    partial: str | None = None


class NotelintServer(LanguageServer):
    """The language server; state lives here, handlers are registered below."""

    def __init__(self, options: WorkspaceOptions | None = None,
                 debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> None:
        super().__init__("notelint", __version__)
        self.options = options or WorkspaceOptions()
        self.debounce = debounce_ms / 1000
        self.root_override: Path | None = None
        self.notelint: Workspace | None = None
        self.load_error: str | None = None
        self.load_started = False
        self.loaded_root: Path | None = None
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.running: set[str] = set()
        self.dirty: set[str] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notelint")
        self._targets_cache: tuple[object, list[tuple[str, str]]] | None = None

    # -- the base protocol: framing that survives a bad message ------------------------

    def _start_io_async(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls's stdio loop, with ``read_messages`` as the reader (see there)."""
        from threading import Event

        from pygls.io_ import StdinAsyncReader, StdoutWriter

        self._stop_event = Event()
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(read_messages(self, reader))
        except BrokenPipeError:
            log.error("the connection to the editor was lost; stopping")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    # -- running work on the worker thread ----------------------------------------------

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, function, *args)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def document(self, uri: str) -> TextDocument | None:
        """The open document ``uri`` (pygls keys them by the percent-decoded URI)."""
        found: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return found

    def open_uris(self) -> list[str]:
        """The URIs of the open documents, as the client spelled them."""
        return [document.uri for document in self.workspace.text_documents.values()]

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    # -- the vault ----------------------------------------------------------------------

    def is_config(self, path: Path) -> bool:
        """Whether ``path`` is a configuration file the loaded vault may have read."""
        if self.options.config_file is not None:
            return path.resolve() == self.options.config_file.resolve()
        return path.name in CONFIG_FILES

    def load(self, root: Path) -> None:
        """Load the vault at ``root`` (worker thread). A broken config is shown, once."""
        self.loaded_root = root
        self._targets_cache = None
        workspace = Workspace(root, self.options)
        try:
            workspace.load()
        except (ConfigError, UsageError) as exc:
            self.notelint = None
            self.load_error = str(exc)
            return
        self.notelint = workspace
        self.load_error = None
        # the loaded vault lives as long as the server: keep the collector from walking
        # its millions of objects again at every full collection (pauses of a second)
        gc.collect()
        gc.freeze()

    def rel_of(self, uri: str) -> str | None:
        path = to_fs_path(uri)
        if self.notelint is None or path is None:
            return None
        return self.notelint.rel_for(Path(path))

    def check_now(self, uri: str, text: str) -> Checked | None:
        """Update the note from ``text`` and check it (worker thread)."""
        workspace = self.notelint
        rel = self.rel_of(uri)
        if workspace is None or rel is None:
            return None
        if workspace.vault is not None:  # suggestions only for the findings it can show
            workspace.vault.suggestions_per_note = DIAGNOSTICS_LIMIT
        if len(text) > PART_LIMIT:
            return self.check_part(workspace, rel, text)
        note = workspace.update(rel, text)
        if workspace.vault is not None:  # a new vault when the note's names changed
            workspace.vault.suggestions_per_note = DIAGNOSTICS_LIMIT
        findings = workspace.check(rel)
        return Checked(None, note, findings, workspace.messages)

    def check_part(self, workspace: Workspace, rel: str, text: str) -> Checked:
        """Check a buffer too big to check in full as the user types: its leading part,
        with the rules whose findings hold there (``Workspace.check_part``)."""
        part = workspace.check_part(rel, text, PART_LIMIT)
        size = f"{len(text.encode('utf-8', 'surrogatepass')) / 1e6:.1f} MB"
        if part.reason is None:
            codes = ", ".join(workspace.part_rules())
            said = (f"this note is {size}, too big to check in full as you type: notelint "
                    f"checked its first {part.lines:,} lines, with the rules whose findings "
                    f"there hold for the whole note ({codes})")
        else:
            said = f"this note is {size}, too big to check as you type, and {part.reason}"
        said += "; run `notelint check` on it for every finding"
        return Checked(None, part.note, part.findings, workspace.messages, said)

    async def check_document(self, uri: str) -> None:
        """Check the open document ``uri`` as it is now and publish; coalesces bursts."""
        if uri in self.running:
            self.dirty.add(uri)
            return
        self.running.add(uri)
        try:
            while True:
                self.dirty.discard(uri)
                document = self.document(uri)
                if document is None:
                    return
                version, text = document.version, document.source
                try:
                    checked = await self.run(self.check_now, uri, text)
                except Exception:  # a bug must cost this check, not the server
                    self.log(f"notelint: internal error checking {uri}; please report "
                             f"this:\n{traceback.format_exc()}", types.MessageType.Error)
                    return
                if self.document(uri) is None:  # closed meanwhile: nothing to show
                    return
                if uri not in self.dirty:
                    self.publish(uri, version, checked)
                    return
        finally:
            self.running.discard(uri)

    def publish(self, uri: str, version: int | None, checked: Checked | None) -> None:
        diagnostics: list[types.Diagnostic] = []
        if checked is not None:
            checked.version = version
            self.checked[uri] = checked
            for message in checked.messages:  # a rule that could not run, say
                self.log(message, types.MessageType.Warning)
            lines = checked.note.lines
            findings = checked.findings
            diagnostics = [self.diagnostic(lines, finding)
                           for finding in findings[:DIAGNOSTICS_LIMIT]]
            summary = []
            if checked.partial is not None:
                summary.append(checked.partial)
            if len(findings) > DIAGNOSTICS_LIMIT:
                summary.append(f"{len(findings) - DIAGNOSTICS_LIMIT} more findings not shown "
                               f"(showing the first {DIAGNOSTICS_LIMIT}); run `notelint "
                               "check` on this note for all of them")
            if summary:  # one diagnostic, at the top, says what was left out
                diagnostics.append(types.Diagnostic(
                    range=types.Range(start=types.Position(line=0, character=0),
                                      end=types.Position(line=0, character=0)),
                    severity=types.DiagnosticSeverity.Information,
                    source="notelint",
                    code="notelint",
                    message="; ".join(summary),
                ))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def diagnostic(self, lines: Sequence[str], finding: Finding) -> types.Diagnostic:
        message = finding.message
        if finding.suggestion and finding.suggestion not in message:
            message += f" (did you mean {finding.suggestion!r}?)"
        return types.Diagnostic(
            range=to_range(lines, finding.span, self.encoding),
            severity=_SEVERITIES[finding.severity],
            code=finding.code,
            code_description=types.CodeDescription(href=docs_url(finding.rule)),
            source="notelint",
            message=message,
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds of quiet (restarted by each edit)."""
        loop = asyncio.get_running_loop()
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

        def fire() -> None:
            self.pending.pop(uri, None)
            task = loop.create_task(self.check_document(uri))
            self.tasks.add(task)  # a task nobody references may be collected mid-run
            task.add_done_callback(self.tasks.discard)

        if delay <= 0:
            fire()
        else:
            self.pending[uri] = loop.call_later(delay, fire)

    def link_targets(self) -> list[tuple[str, str]]:
        workspace = self.notelint
        if workspace is None or workspace.vault is None:
            return []
        # vaults share their name index until a name changes: it identifies the names
        names = workspace.vault.name_index
        if self._targets_cache is None or self._targets_cache[0] is not names:
            self._targets_cache = (names, workspace.link_targets())
        return self._targets_cache[1]


server = NotelintServer()


# -- lifecycle and document sync ---------------------------------------------------------------


@server.feature(types.INITIALIZED)
async def _initialized(ls: NotelintServer, params: types.InitializedParams) -> None:
    root = ls.root_override
    if root is None:
        folders = ls.workspace.folders
        first = next(iter(folders.values()), None) if folders else None
        uri = first.uri if first is not None else ls.workspace.root_uri
        path = to_fs_path(uri) if uri else None
        root = Path(path) if path else None
    if root is None:
        ls.log("notelint: no workspace folder; the vault is found from the first opened note")
        return
    ls.load_started = True
    await ls.run(ls.load, root)
    report_load(ls)
    _watch_files(ls)


def _watch_files(ls: NotelintServer) -> None:
    """Ask the client to report files created, changed or deleted by other programs
    (when it can), so links to them are judged against the vault as it is."""
    dynamic = ls.client_capabilities.workspace
    watched = dynamic.did_change_watched_files if dynamic is not None else None
    if watched is None or not watched.dynamic_registration:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
    )
    ls.client_register_capability(types.RegistrationParams(registrations=[
        types.Registration(id="notelint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                           register_options=options)
    ]))


def report_load(ls: NotelintServer) -> None:
    if ls.load_error is not None:
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error, message=f"notelint: {ls.load_error}"))
    elif ls.notelint is not None:
        count = len(ls.notelint.vault.notes) if ls.notelint.vault else 0
        ls.log(f"notelint: {count} notes indexed under {ls.notelint.root}")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def _did_open(ls: NotelintServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    if not ls.load_started:
        path = to_fs_path(uri)
        if path is not None:  # no workspace folder: find the vault around the note
            ls.load_started = True
            await ls.run(ls.load, guess_root(Path(path)))
            report_load(ls)
    ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: NotelintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def _did_save(ls: NotelintServer, params: types.DidSaveTextDocumentParams) -> None:
    # a saved note may break or mend links in the other open notes: check them all
    for uri in ls.open_uris():
        ls.schedule(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def _did_close(ls: NotelintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    ls.checked.pop(uri, None)
    rel = ls.rel_of(uri)
    if ls.notelint is not None and rel is not None:
        await ls.run(ls.notelint.revert, rel)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def _watched(ls: NotelintServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [Path(path) for change in params.changes
             if (path := to_fs_path(change.uri)) is not None]
    if ls.loaded_root is not None and any(ls.is_config(path) for path in paths):
        # new settings may change every rule: read the vault again, as a new CLI run would
        await ls.run(ls.load, ls.loaded_root)
        report_load(ls)
        for uri in ls.open_uris():
            ls.schedule(uri, 0)
        return
    workspace = ls.notelint
    if workspace is None:
        return
    open_rels = {ls.rel_of(uri) for uri in ls.open_uris()}
    for change in params.changes:
        path = to_fs_path(change.uri)
        rel = relative_to_root(Path(path), workspace.root) if path is not None else None
        if rel:
            await ls.run(workspace.file_changed, rel, {r for r in open_rels if r})
    for uri in ls.open_uris():
        ls.schedule(uri, ls.debounce)


# -- code actions ---------------------------------------------------------------------------------


def _overlaps(a: types.Range, b: types.Range) -> bool:
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def _code_action(ls: NotelintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    checked = ls.checked.get(uri)
    if checked is None:
        return []
    lines = checked.note.lines
    actions: list[types.CodeAction] = []
    for finding in checked.findings:
        found_range = to_range(lines, finding.span, ls.encoding)
        if not _overlaps(found_range, params.range):
            continue
        diagnostic = ls.diagnostic(lines, finding)
        actions.extend(code_actions(ls, uri, checked.note, finding, diagnostic))
    return actions


def code_actions(
    ls: NotelintServer, uri: str, note: Note, finding: Finding, diagnostic: types.Diagnostic
) -> Iterable[types.CodeAction]:
    """The quick fixes for one finding: its fix, a spelling choice, silencing, word list."""
    encoding = ls.encoding
    if finding.fix is not None:
        fix = finding.fix
        shown = fix.replacement if len(fix.replacement) <= 60 else fix.replacement[:57] + "..."
        title = f"Replace with '{shown}'" if fix.replacement else "Remove it"
        yield _edit_action(
            f"{title} ({finding.code})",
            uri,
            [types.TextEdit(range=to_range(note.lines, fix.span, encoding),
                            new_text=fix.replacement)],
            diagnostic,
            preferred=True,
        )
    if finding.code in ("NL501", "NL502"):  # a misspelling or an unknown word
        yield from _spelling_actions(ls, uri, note, finding, diagnostic)
    yield _disable_action(uri, note, finding, diagnostic, encoding)


def _edit_action(
    title: str, uri: str, edits: list[types.TextEdit], diagnostic: types.Diagnostic,
    *, preferred: bool = False,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=preferred or None,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


_SUGGESTIONS_RE = re.compile(r"'([^']+)'")


def _spelling_actions(
    ls: NotelintServer, uri: str, note: Note, finding: Finding, diagnostic: types.Diagnostic
) -> Iterable[types.CodeAction]:
    span = finding.span
    word = note.line_text(span.line)[span.column - 1 : span.end_column - 1]
    suggestions: list[str] = []
    # a [[link]]'s text: replacing the word would retarget the link, so none is offered
    if not in_shown_link(span, shown_link_spans(note)):
        if finding.suggestion:
            suggestions.append(finding.suggestion)
        # the message lists aspell's other suggestions quoted; offer the first few too
        for quoted in _SUGGESTIONS_RE.findall(finding.message):
            if quoted != word and quoted not in suggestions and " " not in quoted:
                suggestions.append(quoted)
    replaced = finding.fix.replacement if finding.fix is not None else None
    for suggestion in suggestions[:5]:
        if suggestion == replaced:
            continue
        yield _edit_action(
            f"Replace with '{suggestion}' (NL501)",
            uri,
            [types.TextEdit(range=to_range(note.lines, span, ls.encoding), new_text=suggestion)],
            diagnostic,
        )
    workspace = ls.notelint
    wordlist = workspace.wordlist() if workspace is not None else None
    if word and wordlist is not None:
        yield types.CodeAction(
            title=f"Add '{word}' to the word list {wordlist.name}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            command=types.Command(
                title=f"Add '{word}' to {wordlist.name}",
                command=ADD_WORD_COMMAND,
                arguments=[word],
            ),
        )


def _disable_action(
    uri: str, note: Note, finding: Finding, diagnostic: types.Diagnostic, encoding: str
) -> types.CodeAction:
    """Silence the rule where the finding is, changing how the note renders as little as
    possible.

    A comment line above a line that starts a block (after a blank line, or a heading)
    is invisible; above a paragraph's second line or a list's next item it would split
    the paragraph or the list, so there the comment goes at the end of the line instead.
    Inside the frontmatter a comment would break the YAML: the rule is disabled for the
    file, just below it.
    """
    block = note.frontmatter.span
    line = max(finding.span.line, 1)
    label = f"{finding.code} ({finding.rule})"
    if block is not None and block.line <= line <= block.end_line:
        at = block.end_line + 1 if block.end_column > 1 else block.end_line
        return _insert_line(uri, note, at, "", f"<!-- notelint-disable-file {finding.code} -->",
                            f"Disable {label} for this file", diagnostic, encoding)
    text = note.line_text(line)
    previous = note.line_text(line - 1) if line > 1 else ""
    after_frontmatter = block is not None and line == block.end_line + 1
    if not previous.strip() or after_frontmatter or text.lstrip().startswith("#"):
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        return _insert_line(uri, note, line, indent,
                            f"<!-- notelint-disable-next-line {finding.code} -->",
                            f"Disable {label} for this line", diagnostic, encoding)
    end = to_character(text, len(text) + 1, encoding)
    position = types.Position(line=line - 1, character=end)
    return _edit_action(
        f"Disable {label} for this line", uri,
        [types.TextEdit(range=types.Range(start=position, end=position),
                        new_text=f" <!-- notelint-disable-line {finding.code} -->")],
        diagnostic,
    )


def _insert_line(
    uri: str, note: Note, at: int, indent: str, comment: str, title: str,
    diagnostic: types.Diagnostic, encoding: str,
) -> types.CodeAction:
    """Insert ``comment`` as a line of its own before 1-based line ``at``."""
    position = types.Position(line=max(at - 1, 0), character=0)
    new_text = indent + comment + note.newline
    if at > len(note.lines):  # after the last line: begin a new line first
        last = max(len(note.lines) - 1, 0)
        end = to_character(note.lines[last], 1 << 30, encoding) if note.lines else 0
        position = types.Position(line=last, character=end)
        new_text = note.newline + indent + comment
    return _edit_action(
        title, uri, [types.TextEdit(range=types.Range(start=position, end=position),
                                    new_text=new_text)],
        diagnostic,
    )


@server.command(ADD_WORD_COMMAND)
async def _add_word(ls: NotelintServer, *arguments: Any) -> list[str]:
    from notelint.fix import write_refusal
    from notelint.spell import add_words

    workspace = ls.notelint
    wordlist = workspace.wordlist() if workspace is not None else None
    words = [str(argument) for argument in arguments if isinstance(argument, str)]
    if wordlist is None or workspace is None or not words:
        return []
    refusal = write_refusal(wordlist, workspace.root)
    if refusal is not None:  # only inside the vault: `notelint words --wordlist` for more
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning,
            message=f"notelint: not added: {refusal}; notelint writes only inside the vault"))
        return []
    added = await ls.run(add_words, wordlist, words)
    for uri in ls.open_uris():
        ls.schedule(uri, 0)
    return added


# -- completion -----------------------------------------------------------------------------------

_OPEN_LINK_RE = re.compile(r"!?\[\[(?P<inner>[^\[\]|]*)$")


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["[", "#", "^"]),
)
def _completion(ls: NotelintServer, params: types.CompletionParams) -> types.CompletionList:
    empty = types.CompletionList(is_incomplete=False, items=[])
    document = ls.document(params.text_document.uri)
    workspace = ls.notelint
    if document is None or workspace is None:
        return empty
    lines = document.lines
    if params.position.line >= len(lines):
        return empty
    line_text = lines[params.position.line].rstrip("\r\n")
    column = to_column(line_text, params.position.character, ls.encoding)
    match = _OPEN_LINK_RE.search(line_text[: column - 1])
    if match is None:
        return empty
    inner = match.group("inner")
    start_column = match.start("inner") + 1
    rel = ls.rel_of(params.text_document.uri) or ""
    if "#" in inner:
        target, _, partial = inner.partition("#")
        start_column += len(target) + 1
        return _anchor_items(ls, workspace, target, rel, partial, line_text, start_column,
                             params.position)
    embed = match.group(0).startswith("!")
    return _target_items(ls, inner, line_text, start_column, params.position, embed=embed)


def _replace_range(
    ls: NotelintServer, line_text: str, start_column: int, position: types.Position
) -> types.Range:
    start = types.Position(line=position.line,
                           character=to_character(line_text, start_column, ls.encoding))
    return types.Range(start=start, end=position)


def _target_items(
    ls: NotelintServer, partial: str, line_text: str, start_column: int,
    position: types.Position, *, embed: bool = False,
) -> types.CompletionList:
    replace = _replace_range(ls, line_text, start_column, position)
    ranked, incomplete = rank_link_targets(
        partial, ls.link_targets(), embed=embed, limit=COMPLETION_LIMIT)
    items: list[types.CompletionItem] = []
    for index, (name, rel) in enumerate(ranked):
        note = rel.lower().endswith((".md", ".markdown"))
        items.append(types.CompletionItem(
            label=name,
            kind=types.CompletionItemKind.File if note else types.CompletionItemKind.Reference,
            detail=rel,
            filter_text=name,
            sort_text=f"{index:05d}",
            text_edit=types.TextEdit(range=replace, new_text=name),
        ))
    # ranked here, per keystroke: asking again as the name grows keeps the ranking ours
    # (a client filtering a stale list would drop word-start and fuzzy matches)
    return types.CompletionList(is_incomplete=incomplete or bool(partial), items=items)


def _anchor_items(
    ls: NotelintServer, workspace: Workspace, target: str, rel: str, partial: str,
    line_text: str, start_column: int, position: types.Position,
) -> types.CompletionList:
    replace = _replace_range(ls, line_text, start_column, position)
    items: list[types.CompletionItem] = []
    note = _note_named(workspace, target, rel) if target.strip() else workspace.note(rel)
    headings = note.headings if note is not None else ()
    if partial.startswith("^"):
        blocks = note.block_ids if note is not None else ()
        for block in blocks:
            items.append(types.CompletionItem(
                label="^" + block.id, kind=types.CompletionItemKind.Reference,
                text_edit=types.TextEdit(range=replace, new_text="^" + block.id)))
        return types.CompletionList(is_incomplete=False, items=items)
    for heading in headings:
        items.append(types.CompletionItem(
            label=heading.text,
            kind=types.CompletionItemKind.Reference,
            detail="#" * heading.level + " " + heading.text,
            text_edit=types.TextEdit(range=replace, new_text=heading.text),
        ))
    return types.CompletionList(is_incomplete=False, items=items)


def _note_named(workspace: Workspace, target: str, rel: str) -> Note | None:
    vault = workspace.vault
    if vault is None:
        return None
    resolved = vault.resolver(**workspace._resolver_settings()).resolve(target, rel)
    return vault.notes.get(resolved.rel) if resolved.rel is not None else None


# -- the base protocol --------------------------------------------------------------------------

_CONTENT_LENGTH = b"content-length:"


async def read_headers(reader: Any) -> int | None:
    """Read one header block; the body length, ``-1`` for a block without a usable
    ``Content-Length`` (missing, not a number, negative), ``None`` at the end of input.

    After a bad block, the body that follows it is read as header lines; a body holds no
    newline, so the next ``Content-Length`` turns up inside the line read and the block
    starts again there: one bad message costs that message, not the session.
    """
    length: int | None = None
    bad = seen = False
    while True:
        line = await reader.readline()
        if not line:
            return None
        if not line.strip():
            if seen:
                return -1 if bad or length is None else length
            continue  # a stray blank line between messages
        found = line.lower().find(_CONTENT_LENGTH)
        if found > 0:  # garbage (a skipped body) before the next header
            log.warning("skipped %d bytes that were not a message", found)
            line, length, bad = line[found:], None, False
        seen = True
        if line.lower().startswith(_CONTENT_LENGTH):
            value = line[len(_CONTENT_LENGTH):].strip()
            if value.isdigit():
                length = int(value)
            else:
                bad = True


async def read_messages(ls: NotelintServer, reader: Any) -> None:
    """Read, decode and dispatch messages until the input ends or the server stops.

    A request whose ``params`` do not validate gets a JSON-RPC error reply (pygls only
    logs it, so the editor would wait forever); undecodable JSON gets a parse error."""
    protocol = ls.protocol
    stop = ls._stop_event
    while stop is None or not stop.is_set():
        length = await read_headers(reader)
        if length is None:
            break
        if length < 0:
            log.warning("skipped a message with a missing or invalid Content-Length header")
            continue
        body = await reader.readexactly(length) if length else b""
        try:
            raw = json.loads(body)
        except ValueError:
            _reply_error(protocol, None, -32700, "Parse error: the message is not JSON")
            continue
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as exc:
            ident = raw.get("id") if isinstance(raw, dict) else None
            is_request = isinstance(raw, dict) and "method" in raw and "id" in raw
            code = getattr(exc, "code", -32603)
            log.warning("cannot handle %s: %s", raw.get("method") if isinstance(raw, dict)
                        else "a message", type(exc).__name__)
            if is_request:
                detail = "Invalid params" if code == -32602 else "Internal error"
                _reply_error(protocol, ident, code if isinstance(code, int) else -32603,
                             f"{detail} for {raw['method']}")


def _reply_error(protocol: Any, ident: Any, code: int, message: str) -> None:
    """Write a JSON-RPC error response (framed as every message is)."""
    body = json.dumps({"jsonrpc": "2.0", "id": ident, "error": {"code": code,
                                                                 "message": message}})
    protocol._send_data(json.loads(body))


# -- entry point -------------------------------------------------------------------------------


def serve(
    root: Path | None = None,
    options: WorkspaceOptions | None = None,
    debounce_ms: int = DEFAULT_DEBOUNCE_MS,
) -> int:
    """Run the server on stdin/stdout until the client says exit."""
    if options is not None:
        server.options = options
    server.debounce = debounce_ms / 1000
    server.root_override = root.resolve() if root is not None else None
    logging.basicConfig(level=logging.WARNING, format="notelint server: %(message)s")
    server.start_io()
    return 0


def uri_of(path: Path) -> str:
    """The ``file:`` URI of ``path`` as clients send it (for tests and tools)."""
    return str(from_fs_path(str(path)))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m notelint.server``: the same as ``notelint server``."""
    import argparse

    parser = argparse.ArgumentParser(prog="notelint server")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


def add_arguments(parser: Any) -> None:
    """The server's options, shared by ``notelint server`` and ``python -m notelint.server``."""
    parser.add_argument("--root", type=Path,
                        help="vault root (default: the editor's workspace folder)")
    parser.add_argument("--config", type=Path, help="configuration file to use")
    parser.add_argument("--debounce", type=int, default=DEFAULT_DEBOUNCE_MS, metavar="MS",
                        help=f"quiet time after an edit before checking "
                             f"(default: {DEFAULT_DEBOUNCE_MS} ms)")
    parser.add_argument("--online", action="store_true",
                        help="also check external URLs (off by default: no waiting on the "
                             "network while typing)")


def run_from_args(args: Any) -> int:
    options = WorkspaceOptions(config_file=args.config, offline=not args.online)
    return serve(root=args.root, options=options, debounce_ms=max(args.debounce, 0))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
