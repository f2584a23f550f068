"""Report stage: paths as users see them (relative to the working directory, with ``/``).

Decided with the plan (the root and the working directory are known then) because a
finding carries its display path from the moment a rule makes it; this is the one place
that turns a root-relative path into one.
"""

from __future__ import annotations

import os
from pathlib import Path


class DisplayPaths:
    """Root-relative paths and absolute paths, shown from the working directory."""

    __slots__ = ("_prefix", "cwd", "root")

    def __init__(self, root: Path, cwd: Path) -> None:
        self.root = root
        self.cwd = cwd
        # the root as seen from the working directory when it lies at or below it;
        # None when the working directory is inside the root (../ may be needed)
        self._prefix: str | None = None
        if root.is_relative_to(cwd):
            shown = self._relative_to_cwd(root)
            self._prefix = "" if shown == "." else shown.rstrip("/") + "/"

    def display(self, path: Path) -> str:
        """A path as users see it: relative to the working directory, with ``/``."""
        if path != self.root and path.is_relative_to(self.root):
            return self.display_rel(path.relative_to(self.root).as_posix())
        return self._relative_to_cwd(path)

    def display_rel(self, rel: str) -> str:
        """The display path of root-relative ``rel`` (hot: called once per note)."""
        prefix = self._prefix
        if prefix is None:
            return self._relative_to_cwd(self.root / rel)
        return f"{prefix}{rel}"

    def _relative_to_cwd(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(path, self.cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()
