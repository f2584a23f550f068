"""Find the vault's files: notes, attachments and folders, minus what is left out.

Dot-folders (``.obsidian``, ``.trash``, ``.git``), ``exclude`` globs and ``.gitignore``d
paths are skipped. Symlinked folders are followed once; a link back to a folder above
it (a loop), a broken link or an unreadable folder becomes a ``FileProblem`` that the
``unreadable-file`` rule reports, never an exception.

A symlink whose real path leaves the root (``rootlink -> /``, ``status -> /proc/self/status``,
a folder of another project) is not followed: a vault must not make notelint read, quote or
rewrite files outside it. It becomes one ``FileProblem`` naming the link, unless the
configuration says ``follow-symlinks-outside = true``. Anything that is neither a regular
file nor a folder (a FIFO, socket or device named like a note) is reported, never opened.

Engine stage: index (which files make the vault).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from notelint.config import Config
from notelint.fix import TEMP_NAME, remove_stale_temp


@dataclass(frozen=True)
class FileProblem:
    """A file or folder notelint could not read as a note, and why."""

    rel: str
    message: str
    line: int = 1
    column: int = 1
    display: str = ""  # set by the engine: the path as users see it


@dataclass
class Discovery:
    """What a walk of the root found; paths are root-relative with ``/``."""

    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)
    problems: list[FileProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # files skipped, said on stderr


@dataclass(frozen=True)
class _IgnoreFile:
    """One ``.gitignore``: ``prefix`` turns a root-relative path into one relative to it."""

    base: str  # root-relative folder it applies to ("" for the root and above)
    prefix: str
    spec: pathspec.GitIgnoreSpec

    def ignores(self, rel: str, is_dir: bool) -> bool:
        if self.base and not (rel + "/").startswith(self.base + "/"):
            return False
        local = rel[len(self.base) + 1 :] if self.base else rel
        candidate = self.prefix + local + ("/" if is_dir else "")
        return self.spec.match_file(candidate)


class Walker:
    """Walks ``root`` once; the result is the whole vault, whatever paths were passed."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.config = config
        self.include = pathspec.GitIgnoreSpec.from_lines(config.include)
        self.exclude = pathspec.GitIgnoreSpec.from_lines(config.exclude)
        self.result = Discovery()

    def walk(self) -> Discovery:
        ignores = self._ancestor_ignores() if self.config.respect_gitignore else []
        root_id = _dir_id(self.root)
        self._walk_dir(self.root, "", ignores, {root_id} if root_id else set())
        self.result.notes.sort()
        self.result.attachments.sort()
        return self.result

    def is_note(self, rel: str) -> bool:
        return self.include.match_file(rel)

    def is_excluded(self, rel: str, is_dir: bool = False) -> bool:
        return self.exclude.match_file(rel + ("/" if is_dir else ""))

    def _walk_dir(
        self, folder: Path, rel: str, ignores: list[_IgnoreFile], ancestors: set[tuple[int, int]]
    ) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            self.result.problems.append(
                FileProblem(rel or ".", f"cannot read folder: {exc.strerror or exc}")
            )
            return
        if self.config.respect_gitignore:
            ignores = [*ignores, *self._ignore_file(folder, rel)]
        for entry in entries:
            if entry.name.startswith("."):
                if TEMP_NAME.match(entry.name):  # what a killed --fix left: never reported
                    remove_stale_temp(Path(entry.path))
                continue
            child = f"{rel}/{entry.name}" if rel else entry.name
            self._visit(entry, child, ignores, ancestors)

    def _visit(
        self,
        entry: os.DirEntry[str],
        rel: str,
        ignores: list[_IgnoreFile],
        ancestors: set[tuple[int, int]],
    ) -> None:
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
            is_link = entry.is_symlink()
        except OSError as exc:
            self.result.problems.append(FileProblem(rel, f"cannot read: {exc.strerror or exc}"))
            return
        if self.is_excluded(rel, is_dir) or any(i.ignores(rel, is_dir) for i in ignores):
            return
        if is_link and (is_dir or is_file) and not self.config.follow_symlinks_outside:
            real = os.path.realpath(entry.path)
            if not is_within(real, self.real_root):
                self.result.problems.append(FileProblem(rel, outside_message(rel, entry.path)))
                return
        if is_dir:
            identity = _dir_id(Path(entry.path))
            if identity is not None and identity in ancestors:
                target = os.readlink(entry.path) if entry.is_symlink() else entry.path
                self.result.problems.append(
                    FileProblem(
                        rel,
                        f"symlink loop: '{rel}' points back to a folder above it "
                        f"('{target}'); not followed. Remove the link or add it to "
                        "'exclude'.",
                    )
                )
                return
            self.result.folders.add(rel)
            self._walk_dir(Path(entry.path), rel, ignores, ancestors | {identity or (0, 0)})
        elif is_file:
            (self.result.notes if self.is_note(rel) else self.result.attachments).append(rel)
        elif not is_link and self.is_note(rel):  # a FIFO, socket or device: never opened
            self.result.problems.append(FileProblem(
                rel, f"'{rel}' is not a regular file (a pipe, socket or device); not read. "
                "Remove it or add it to 'exclude'"))
        elif is_link and self.is_note(rel) and not os.path.exists(entry.path):
            target = os.readlink(entry.path)
            self.result.problems.append(
                FileProblem(rel, f"broken symlink: '{rel}' points to '{target}', which does "
                            "not exist; fix or remove the link")
            )

    def _ignore_file(self, folder: Path, rel: str) -> list[_IgnoreFile]:
        spec = _read_ignore(folder / ".gitignore", self.result.warnings)
        return [_IgnoreFile(rel, "", spec)] if spec is not None else []

    def _ancestor_ignores(self) -> list[_IgnoreFile]:
        """``.gitignore`` files above the root, up to the repository's top."""
        found: list[_IgnoreFile] = []
        resolved = self.root.resolve()
        for parent in resolved.parents:
            spec = _read_ignore(parent / ".gitignore", self.result.warnings)
            if spec is not None:
                prefix = resolved.relative_to(parent).as_posix() + "/"
                found.append(_IgnoreFile("", prefix, spec))
            if (parent / ".git").exists():
                break
        return found


def is_within(real: str, real_root: str) -> bool:
    """Whether the real path ``real`` is ``real_root`` or lies under it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def outside_message(rel: str, path: str) -> str:
    """What NL001 says of a symlink that leads out of the vault."""
    try:
        target = os.readlink(path)
    except OSError:
        target = os.path.realpath(path)
    return (
        f"symlink '{rel}' points outside the vault ('{target}'); not followed. Move what "
        "it points to into the vault, or set follow-symlinks-outside = true"
    )


def _read_ignore(path: Path, warnings: list[str]) -> pathspec.GitIgnoreSpec | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):  # a FIFO there would block the walk forever
        warnings.append(f"notelint: warning: {path} is not a regular file; not read")
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def discover(root: Path, config: Config) -> tuple[Discovery, Walker]:
    """Walk the vault under ``root``."""
    walker = Walker(root, config)
    return walker.walk(), walker


def relative_to_root(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` with ``/``, or ``None`` when it lies outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            return None
