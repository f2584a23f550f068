"""Notes broken by a commit elsewhere: renamed or deleted files staged in git's index.

pre-commit passes only the changed files, so ``notelint check a.md`` alone would never
see that renaming ``a.md`` breaks ``[[a]]`` in ten other notes. ``--report-dependents``
asks git which staged files were renamed or deleted and adds the notes whose links named
the old paths to what is reported; the engine then checks them like any other note, so
only links that really broke are reported.

Engine stage: index (which notes a rename or deletion breaks, to report them too).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from notelint.flavor import decode_uri, quartz_slug
from notelint.model import Link, LinkKind, Note
from notelint.vault import join_target, strip_note_suffix

GIT_TIMEOUT = 30  # seconds; a hung git must not hang a commit hook forever


@dataclass(frozen=True)
class StagedChange:
    """A rename (``old`` -> ``new``) or deletion (``new`` is None), root-relative."""

    old: str
    new: str | None


def staged_changes(root: Path) -> list[StagedChange]:
    """Renames and deletions staged in the repository holding ``root``, relative to it.

    No git, not a repository, or any git failure: no changes (the check goes on).
    """
    try:
        completed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "diff",
                "--cached",
                "--name-status",
                "-M",
                "-z",
                "--relative",
                "--no-color",
            ],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if completed.returncode != 0:
        return []
    return parse_name_status(completed.stdout.decode("utf-8", errors="surrogateescape"))


def parse_name_status(output: str) -> list[StagedChange]:
    """Read ``git diff --name-status -z``: ``R100 NUL old NUL new NUL`` and ``D NUL path NUL``."""
    fields = output.split("\0")
    changes: list[StagedChange] = []
    index = 0
    while index < len(fields):
        status = fields[index]
        index += 1
        if not status:
            continue
        kind = status[0]
        if kind in "RC":
            old = fields[index] if index < len(fields) else ""
            new = fields[index + 1] if index + 1 < len(fields) else ""
            index += 2
            if kind == "R" and old and new:
                changes.append(StagedChange(old, new))
        else:
            path = fields[index] if index < len(fields) else ""
            index += 1
            if kind == "D" and path:
                changes.append(StagedChange(path, None))
    return changes


def find_dependents(
    root: Path, reported: Iterable[str], notes: Mapping[str, Note]
) -> frozenset[str]:
    """Root-relative paths of notes, not already reported, whose links name a file that a
    reported note's rename, or any staged deletion, took away.

    Renames of notes count when the new (or old) path is among ``reported``; renames of
    other files (images, PDFs) and deletions always count, since the hook never passes
    them (pre-commit passes only existing files of the hook's types, Markdown).
    """
    passed = set(reported)
    gone = {
        change.old
        for change in staged_changes(root)
        if change.new is None
        or change.new in passed
        or change.old in passed
        or not _is_note_path(change.new)
    }
    if not gone:
        return frozenset()
    matcher = _GoneNames(gone)
    found = {
        rel
        for rel, note in notes.items()
        if rel not in passed and any(matcher.named_by(link, rel) for link in note.links)
    }
    return frozenset(found)


def _is_note_path(rel: str) -> bool:
    return rel.lower().endswith((".md", ".markdown"))


class _GoneNames:
    """Answers "does this link name one of the old paths?" as the resolver would read it."""

    def __init__(self, gone: Iterable[str]) -> None:
        self.paths: set[str] = set()
        self.names: set[str] = set()
        for rel in gone:
            # as written, and as a Quartz slug ([[red-fox]] names "red fox.md" there)
            for form in {rel, strip_note_suffix(rel), quartz_slug(strip_note_suffix(rel))}:
                self.paths.add(form.casefold())
                self.names.add(form.rsplit("/", 1)[-1].casefold())

    def named_by(self, link: Link, from_rel: str) -> bool:
        if link.kind in (LinkKind.AUTOLINK, LinkKind.BARE_URL) or "://" in link.raw:
            return False
        target = link.target.strip().rstrip("/")
        if not target:
            return False
        if "/" not in target and not target.startswith("."):
            bare = strip_note_suffix(target)
            return any(
                form.casefold() in self.names for form in (target, quartz_slug(decode_uri(bare)))
            )
        folder = from_rel.rpartition("/")[0]
        frames = [join_target("", target)]
        if not target.startswith("/"):
            frames.append(join_target(folder, target))
        return any(
            path is not None
            and (path.casefold() in self.paths
                 or quartz_slug(strip_note_suffix(path)).casefold() in self.paths)
            for path in frames
        )
