"""Where the vault starts: one rule for a file and for its folder.

The root decides which notes links resolve against, which word list spelling reads and
where the cache lives. If ``notelint check content/`` and ``notelint check content/a.md``
(what the pre-commit hook runs) found different roots, the hook would read another word
list, resolve links differently and keep a second cache. So the root is never "the path
given"; it is found by walking up from the folder given (or the folder of the file
given), and the first folder that says what it is wins:

1. a folder holding ``.obsidian/`` is an Obsidian vault: the root;
2. a folder holding ``quartz.config.ts`` (or ``.js``) is a Quartz site: its ``content/``
   (the folder itself when it has none);
3. a folder holding a notelint configuration or ``.git`` is the project: its
   ``content/`` when it has one (a Quartz repository without its config checked in),
   else the folder itself (an Obsidian vault at the top of its repository);
4. nothing on the way up: the folder given, or the file's folder.

``--root`` and the configuration's ``root`` come before all of this. The CLI, the
language server and ``notelint words`` all call :func:`find_root`.

Engine stage: plan (where the vault starts).
"""

from __future__ import annotations

from pathlib import Path

from notelint.config import CONFIG_FILES, holds_notelint_config

OBSIDIAN_MARKER = ".obsidian"
QUARTZ_MARKERS = ("quartz.config.ts", "quartz.config.js")
CONTENT = "content"


def find_root(path: Path, config_path: Path | None = None) -> Path:
    """The vault root for ``path`` (a note, a folder, or a file that does not exist yet).

    ``config_path`` is the configuration in use, if any: its folder counts as a project
    folder (rule 3) even when it was named with ``--config`` from inside the vault.
    """
    path = path.absolute()
    start = path if path.is_dir() else path.parent
    start = next((p for p in (start, *start.parents) if p.is_dir()), start)
    start = start.resolve()
    config_folder = config_path.absolute().resolve().parent if config_path else None
    for folder in (start, *start.parents):
        kind = _what_is(folder, config_folder)
        if kind == "obsidian":
            return folder
        if kind == "quartz" or kind == "project":
            content = folder / CONTENT
            return content if content.is_dir() else folder
    return start


def _what_is(folder: Path, config_folder: Path | None) -> str | None:
    """What ``folder`` is marked as: "obsidian", "quartz", "project", or None."""
    if (folder / OBSIDIAN_MARKER).is_dir():
        return "obsidian"
    if any((folder / marker).is_file() for marker in QUARTZ_MARKERS):
        return "quartz"
    if folder == config_folder or (folder / ".git").exists():
        return "project"
    if any(
        (folder / name).is_file() and holds_notelint_config(folder / name)
        for name in CONFIG_FILES
    ):
        return "project"
    return None

