"""Reading bytes into note text, or a clear reason (with the exact place) why not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notelint.discover import FileProblem
from notelint.read import NoteText, decode_note, human_size, read_note


def problem(data: bytes) -> FileProblem:
    result = decode_note(data, "n.md")
    assert isinstance(result, FileProblem)
    return result


def test_plain_bom_and_crlf() -> None:
    assert decode_note(b"a\r\nb", "n.md") == NoteText("a\r\nb", False)
    assert decode_note(b"\xef\xbb\xbfa", "n.md") == NoteText("a", True)
    assert decode_note(b"", "n.md") == NoteText("", False)


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"\xff", 1, 1),
        (b"ab\ncd\nef\xe9", 3, 3),
        ("日本語".encode() + b"\xc3(", 1, 4),
        (b"\xef\xbb\xbfx\xff", 1, 2),  # the BOM is not a column
        (b"ok\r\nthen \xe2\x82", 2, 6),  # a sequence cut short at the end of the file
    ],
)
def test_first_undecodable_byte_is_located(data: bytes, line: int, column: int) -> None:
    found = problem(data)
    assert (found.line, found.column) == (line, column)
    assert "not valid UTF-8" in found.message and "re-save" in found.message


def test_nul_bytes_mean_binary() -> None:
    assert "binary" in problem(b"GIF89a\x00\x01").message
    # only the start is sniffed; a NUL far into a text file is an encoding matter
    late = b"a" * 9000 + b"\x00"
    assert decode_note(late, "n.md") == NoteText(late.decode(), False)


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KiB"), (1_572_864, "1.5 MiB")],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_read_note_size_limit_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"x" * 2048)
    too_big = read_note(path, "n.md", 1024)
    assert isinstance(too_big, FileProblem)
    assert too_big.message.startswith("file is 2.0 KiB, over the 1.0 KiB limit")
    assert read_note(path, "n.md", 4096) == NoteText("x" * 2048, False)
    missing = read_note(tmp_path / "gone.md", "gone.md", 1024)
    assert isinstance(missing, FileProblem) and "cannot read file" in missing.message
    folder = read_note(tmp_path, "dir.md", 1 << 30)
    assert isinstance(folder, FileProblem) and "not a regular file" in folder.message


def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    """Reading a FIFO would block until a writer came: it is reported instead."""
    os.mkfifo(tmp_path / "pipe.md")
    found = read_note(tmp_path / "pipe.md", "pipe.md", 1 << 20)
    assert isinstance(found, FileProblem) and "not a regular file" in found.message
