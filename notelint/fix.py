"""Apply fixes to files: atomically, byte-faithfully, and only what was reported.

The new text is written to a temporary file beside the note and renamed over it, so a
crash never leaves half a note. Line endings and the BOM are kept; a file that changed
since it was read is left alone.

A fix never writes outside the vault: a note whose real path leaves the root (through a
symlinked folder or file) is not fixed. A symlinked note inside the root is fixed
through the link (the link stays a link); a note with several hard links is rewritten in
place, so the links keep sharing it. A read-only note is not fixed, and a file that is
no longer a regular file (a FIFO put in its place) is never opened.

Temporary files are named ``.<name>.notelint-<pid>-<random>.tmp``: a run killed while
writing leaves one at most, which a later run recognises (its process is gone) and
removes (``remove_stale_temp``); discovery never reports them (dot-files).

Engine stage: after report (``--fix`` applies the reported findings' fixes, then runs
again).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import shlex
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from notelint.model import Fix, Note


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one note did. ``message`` is for stderr (a problem of this run: the
    note changed meanwhile, the disk is full); ``refusal`` says why the note itself may
    not be rewritten (it is read-only): the engine adds it to the note's fixable
    findings, where the writer looks for the fix."""

    applied: int
    skipped: int
    message: str | None = None
    refusal: str | None = None


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


def apply_fixes(note: Note, fixes: Sequence[Fix], root: Path | None = None) -> FixOutcome:
    """Rewrite ``note``'s file with ``fixes`` if it is still as it was parsed; never a
    file whose real path lies outside ``root``."""
    if note.newline != "\n":  # a multi-line replacement keeps the note's line endings
        fixes = [
            Fix(fix.span, fix.replacement.replace("\r\n", "\n").replace("\n", note.newline))
            for fix in fixes
        ]
    new_text, applied, skipped = apply_fixes_to_text(note.text, fixes)
    if applied == 0:
        return FixOutcome(0, skipped)
    refused = _refusal(note.file, root)
    if refused is not None:
        return FixOutcome(0, len(fixes), f"{note.display}: not fixed: {refused}")
    protected = _protected(note)
    if protected is not None:
        return FixOutcome(0, len(fixes), refusal=protected)
    real = Path(os.path.realpath(note.file))
    bom = codecs.BOM_UTF8 if note.has_bom else b""
    try:
        current = read_regular(real)
    except OSError as exc:
        return FixOutcome(0, len(fixes), f"{note.display}: not fixed: {exc.strerror or exc}")
    if current != bom + note.text.encode("utf-8"):
        return FixOutcome(
            0, len(fixes), f"{note.display}: changed while notelint ran; not fixed, run again"
        )
    try:
        write_atomically(real, bom + new_text.encode("utf-8"), keep_links=True)
    except OSError as exc:  # a read-only folder or a full disk: say so, keep the file
        return FixOutcome(0, len(fixes), f"{note.display}: not fixed: {exc.strerror or exc}")
    return FixOutcome(applied, skipped)


def _refusal(path: Path, root: Path | None) -> str | None:
    """Why ``path`` may not be rewritten, or None."""
    real = os.path.realpath(path)
    if root is not None:
        real_root = os.path.realpath(root)
        if not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)):
            return (f"its real path {real} is outside the vault (through a symlink); "
                    "notelint never writes there")
    try:
        status = os.stat(real)
    except OSError as exc:
        return str(exc.strerror or exc)
    if not stat.S_ISREG(status.st_mode):
        return "it is no longer a regular file"
    return None


def _protected(note: Note) -> str | None:
    """Why the note's owner does not want it rewritten, read from its mode bits (never
    by trying: root may write a 0444 file, and a rename replaces any file in a writable
    folder), or None: a note without its owner's write bit is read-only."""
    real = os.path.realpath(note.file)
    try:
        status = os.stat(real)
    except OSError:
        return None  # _refusal and the read say what is wrong
    if not stat.S_ISREG(status.st_mode):
        return None
    shown = shlex.quote(note.display)
    if not status.st_mode & stat.S_IWUSR:
        return f"the note is read-only; make it writable (chmod u+w {shown}) to fix it"
    return None


def write_refusal(path: Path, root: Path) -> str | None:
    """Why notelint may not write ``path`` on its own (a configured word list, say), or
    None: its real path must lie inside ``root``, and it must be a regular file if it
    exists (a FIFO would block, a device would be written to)."""
    real = os.path.realpath(path)
    real_root = os.path.realpath(root)
    if not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)):
        return f"{path} is outside the vault root {root}"
    if os.path.lexists(real) and not os.path.isfile(real):
        return f"{path} is not a regular file"
    return None


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, opened without blocking and only if it is a regular file (a
    FIFO put in a note's place would block the run forever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


#: The temporary files ``write_atomically`` makes: ``.<name>.notelint-<pid>-<random>.tmp``.
TEMP_NAME = re.compile(r"^\..+\.notelint-(\d+)-[A-Za-z0-9_]+\.tmp$")


def remove_stale_temp(path: Path) -> bool:
    """Remove ``path`` if it is a temporary file of a notelint run that is gone (killed
    while writing); True when removed."""
    match = TEMP_NAME.match(path.name)
    if match is None:
        return False
    pid = int(match.group(1))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass  # that run is over: what it left is stale
    except OSError:
        return False  # alive, another user's
    else:
        return False  # still running: its write may be under way
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            path.unlink()
            return True
    except OSError:
        pass
    return False


def write_atomically(
    path: Path, data: bytes | Callable[[IO[bytes]], None], *, keep_links: bool = False
) -> None:
    """Write ``data`` to a temporary sibling, then rename it over ``path``.

    ``data`` may be a function writing to the open file, so that a large document (the
    cache of a vault of 100,000 notes) is streamed rather than built in memory first.
    With ``keep_links``, a file with several hard links is rewritten in place instead
    (a rename would split it from its other names); its mode and owner are kept.
    """
    try:
        status: os.stat_result | None = path.stat()
    except FileNotFoundError:
        status = None
    if keep_links and status is not None and status.st_nlink > 1 and isinstance(data, bytes):
        _rewrite_in_place(path, data)
        return
    mode = status.st_mode & 0o7777 if status is not None else 0o644
    fd, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.notelint-{os.getpid()}-", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        if status is not None:
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temp_name, status.st_uid, status.st_gid)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _rewrite_in_place(path: Path, data: bytes) -> None:
    """Overwrite ``path`` keeping its inode (every hard link sees the new text)."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
