"""Apply fixes to files: atomically, byte-faithfully, and only what was reported.

The new text is written to a temporary file beside the note and renamed over it, so a
crash never leaves half a note. Line endings and the BOM are kept; a file that changed
since it was read is left alone.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from notelint.model import Fix, Note


@dataclass(frozen=True)
class FixOutcome:
    applied: int
    skipped: int
    message: str | None = None


def apply_fixes_to_text(text: str, fixes: Sequence[Fix]) -> tuple[str, int, int]:
    """``text`` with ``fixes`` applied; overlapping fixes after the first are skipped."""
    starts = _line_starts(text)
    edits: list[tuple[int, int, str]] = []
    for fix in fixes:
        start = _offset(text, starts, fix.span.line, fix.span.column)
        end = _offset(text, starts, fix.span.end_line, fix.span.end_column)
        if start is not None and end is not None and start <= end:
            edits.append((start, end, fix.replacement))
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    for start, end, replacement in reversed(kept):
        text = text[:start] + replacement + text[end:]
    return text, len(kept), len(fixes) - len(kept)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\r" and index + 1 < len(text) and text[index + 1] == "\n":
            index += 1
        if char in "\r\n":
            starts.append(index + 1)
        index += 1
    return starts


def _offset(text: str, starts: list[int], line: int, column: int) -> int | None:
    if not 1 <= line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    content = text[start:end].rstrip("\r\n")
    if column - 1 > len(content):
        return None
    return start + column - 1


def apply_fixes(note: Note, fixes: Sequence[Fix]) -> FixOutcome:
    """Rewrite ``note``'s file with ``fixes`` if it is still as it was parsed."""
    if note.newline != "\n":  # a multi-line replacement keeps the note's line endings
        fixes = [
            Fix(fix.span, fix.replacement.replace("\r\n", "\n").replace("\n", note.newline))
            for fix in fixes
        ]
    new_text, applied, skipped = apply_fixes_to_text(note.text, fixes)
    if applied == 0:
        return FixOutcome(0, skipped)
    bom = codecs.BOM_UTF8 if note.has_bom else b""
    try:
        current = note.file.read_bytes()
    except OSError as exc:
        return FixOutcome(0, len(fixes), f"{note.display}: not fixed: {exc.strerror}")
    if current != bom + note.text.encode("utf-8"):
        return FixOutcome(
            0, len(fixes), f"{note.display}: changed while notelint ran; not fixed, run again"
        )
    try:
        write_atomically(note.file, bom + new_text.encode("utf-8"))
    except OSError as exc:  # a read-only folder or a full disk: say so, keep the file
        return FixOutcome(0, len(fixes), f"{note.display}: not fixed: {exc.strerror or exc}")
    return FixOutcome(applied, skipped)


def write_atomically(path: Path, data: bytes | Callable[[IO[bytes]], None]) -> None:
    """Write ``data`` to a temporary sibling, then rename it over ``path``.

    ``data`` may be a function writing to the open file, so that a large document (the
    cache of a vault of 100,000 notes) is streamed rather than built in memory first.
    """
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
