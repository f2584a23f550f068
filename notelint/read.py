"""Read a file's bytes into note text, or say clearly why it cannot be a note.

Engine stage: index (reading and decoding note files).
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from notelint.discover import FileProblem

BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class NoteText:
    text: str
    has_bom: bool


def read_note(path: Path, rel: str, max_size: int) -> NoteText | FileProblem:
    """Decode ``path`` as UTF-8 (BOM allowed); binary, huge or undecodable -> a problem."""
    read = read_bytes(path, rel, max_size)
    return read if isinstance(read, FileProblem) else decode_note(read[0], rel)


def read_bytes(
    path: Path, rel: str, max_size: int
) -> tuple[bytes, os.stat_result] | FileProblem:
    """The bytes of the regular file ``path`` with its status as taken before reading (a
    cache stamps the file with it), or why it cannot be read as a note."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a named pipe would block the run forever
            return FileProblem(
                rel, "not a regular file (a folder, pipe, socket or device); not read"
            )
        size = status.st_size
        if size > max_size:
            return FileProblem(
                rel,
                f"file is {human_size(size)}, over the {human_size(max_size)} limit; not "
                "checked (raise 'max-file-size' or add it to 'exclude')",
            )
        return path.read_bytes(), status
    except OSError as exc:
        return FileProblem(rel, f"cannot read file: {exc.strerror or exc}")


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or folder where a file was expected."""


def read_regular_text(path: Path, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The text of ``path`` if it is a regular file. It is opened without blocking and
    checked with ``fstat`` before anything is read: a FIFO planted at a word list or
    cache file must not hang the run. Raises ``NotRegularFile`` (an ``OSError``)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotRegularFile(0, "not a regular file (a pipe, socket or device)", str(path))
        data = handle.read()
    return data.decode(encoding, errors)


def human_size(size: int) -> str:
    """``2048`` -> ``"2.0 KiB"``: sizes a person can compare at a glance."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1_048_576:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1_048_576:.1f} MiB"


def decode_note(data: bytes, rel: str) -> NoteText | FileProblem:
    """The text of ``data``, or where its first undecodable byte is."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return FileProblem(
            rel,
            "binary file (it holds NUL bytes), not Markdown text; rename it or add it to "
            "'exclude'",
        )
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        return NoteText(body.decode("utf-8"), has_bom)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        column = len(body[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        return FileProblem(
            rel,
            f"not valid UTF-8: byte 0x{body[exc.start]:02x} cannot be decoded; "
            "re-save the file as UTF-8",
            line,
            column,
        )
