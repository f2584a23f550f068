"""``notelint init``: a commented configuration for the vault found here.

The first hour on a vault should not start with reading every rule page. ``init`` looks
at the folder (which root the rule of :mod:`notelint.roots` finds, which publisher's
markers are there, whether notes carry tags, which folders hold templates, whether
aspell is installed) and writes a ``notelint.toml`` that says what it saw, with every
choice commented so it can be changed knowingly. It never overwrites a configuration.
Nothing read from the vault runs: Obsidian's ``templates.json`` is read as JSON data.

Engine stage: none (``notelint init`` writes a configuration).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from notelint import __version__
from notelint.baseline import write_text_atomically
from notelint.config import CONFIG_FILES, Config, holds_notelint_config
from notelint.discover import discover
from notelint.flavor import detect
from notelint.roots import OBSIDIAN_MARKER, find_root

TEMPLATE_NAMES = ("templates", "_templates", "template")
SAMPLE = 2000  # notes read to judge the vault's habits; enough, and fast on any vault


@dataclass
class Survey:
    """What ``init`` saw in the vault."""

    folder: Path
    root: Path
    flavor: str  # "quartz" or "obsidian"
    flavor_reason: str
    notes: int = 0
    with_frontmatter: int = 0
    with_tags: int = 0
    templates: list[str] = field(default_factory=list)
    aspell: bool = True


def survey(folder: Path) -> Survey:
    """Look at the vault ``folder`` belongs to, reading at most ``SAMPLE`` notes."""
    folder = folder.resolve()
    root = find_root(folder)
    detected = detect(root)  # what links.flavor = "auto" would pick, and why
    flavor, reason = detected.name, " ".join(detected.source.split())  # one comment line
    found = Survey(folder, root, flavor, reason, aspell=shutil.which("aspell") is not None)
    discovery, _ = discover(root, Config())
    found.notes = len(discovery.notes)
    for rel in discovery.notes[:SAMPLE]:
        head = _head(root / rel)
        fence = head[:3]
        if fence in ("---", "+++"):  # YAML, or TOML as Hugo and Zola write it
            found.with_frontmatter += 1
            block = head.split("\n" + fence, 1)[0]
            if re.search(r"^tags?\s*[:=]", block, re.MULTILINE):
                found.with_tags += 1
    found.templates = _template_folders(root, discovery.folders)
    return found


def _head(path: Path, size: int = 4096) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return ""


def _template_folders(root: Path, folders: set[str]) -> list[str]:
    """Folders of note templates: Obsidian's configured one, and folders so named."""
    found: set[str] = set()
    settings = root / OBSIDIAN_MARKER / "templates.json"
    try:
        data = json.loads(settings.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("folder"), str):
        configured = data["folder"].strip("/")
        if configured in folders:
            found.add(configured)
    for rel in folders:
        if rel.rsplit("/", 1)[-1].casefold() in TEMPLATE_NAMES and rel.count("/") < 2:
            found.add(rel)
    return sorted(found)


def render_config(found: Survey) -> str:
    """The commented ``notelint.toml`` for ``found`` (valid TOML, validated by a test)."""
    root = Path(os.path.relpath(found.root, found.folder)).as_posix()
    lines = [
        f"# notelint configuration, written by `notelint init` (notelint {__version__}).",
        "# Every key is optional; `notelint explain RULE` shows a rule's options, and",
        "# docs/rules/ has a page per rule. Checked with: notelint check",
        "",
        f"# The vault: {found.notes} notes under '{root}'. Links resolve from here and the",
        "# spelling word list and the cache live here.",
        f'root = "{root}"',
        "",
    ]
    if found.templates:
        globs = ", ".join(f'"{rel}/**"' for rel in found.templates)
        lines += [
            "# Templates hold placeholders ({{date}}, [[{{title}}]]) that are no links yet.",
            f"exclude = [{globs}]",
            "",
        ]
    else:
        lines += ["# Folders to leave out, e.g. templates or private notes:",
                  '# exclude = ["templates/**", "private/**"]', ""]
    ignore: list[tuple[str, str]] = []
    sampled = min(found.notes, SAMPLE)
    if sampled and found.with_tags * 2 < sampled:
        ignore.append(("missing-tags", f"only {found.with_tags} of {sampled} notes read have "
                                        "tags"))
    if sampled and found.with_frontmatter * 2 < sampled:
        ignore.append(("missing-frontmatter",
                       f"only {found.with_frontmatter} of {sampled} notes read have frontmatter"))
    if not found.aspell:
        ignore.append(("spelling", "aspell is not installed (apt-get install aspell aspell-en "
                                   "/ brew install aspell)"))
    if ignore:
        lines.append("# Rules that do not fit this vault yet:")
        lines += [f"#   {name}: {why}" for name, why in ignore]
        lines.append("ignore = [" + ", ".join(f'"{name}"' for name, _ in ignore) + "]")
    else:
        lines += ["# Rules not to run (codes, names, prefixes such as NL3, or families):",
                  '# ignore = ["NL105"]']
    lines += [
        "",
        "# A vault with history: `notelint baseline` writes today's findings to a file,",
        "# and this key makes `check` (and the hook, and editors) report only new ones.",
        '# baseline = "notelint-baseline.json"',
        "",
        "[links]",
        f"# Detected flavor: {found.flavor} ({found.flavor_reason}).",
        '# "auto" (the default) reads the vault on every run; uncomment to pin one.',
        '# flavor = "auto"   # or "quartz", "obsidian"',
        '# resolution = "shortest"   # or "relative", "absolute", as in Quartz',
        "",
        "[frontmatter]",
        '# required = ["tags", "title"]',
        "",
        "[urls]",
        "# External URLs are checked by `notelint check` (not by the pre-commit hook).",
        '# exclude = ["^https://twitter\\\\.com/"]',
        "",
    ]
    return "\n".join(lines)


def existing_config(folder: Path) -> Path | None:
    for name in CONFIG_FILES:
        candidate = folder / name
        if candidate.is_file() and holds_notelint_config(candidate):
            return candidate
    return None


def init_config(args: argparse.Namespace) -> int:
    """Write ``notelint.toml`` into the folder given (default: here); exit code."""
    folder = Path(args.path)
    if not folder.is_dir():
        print(f"notelint: error: {folder}: not a folder", file=sys.stderr)
        return 2
    existing = existing_config(folder)
    if existing is not None:
        print(f"notelint: error: {existing} already configures notelint; not overwritten "
              "(edit it, or remove it and run init again)", file=sys.stderr)
        return 2
    target = folder / "notelint.toml"
    found = survey(folder)
    try:
        write_text_atomically(target, render_config(found))
    except OSError as exc:
        print(f"notelint: error: cannot write {target}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    notes = f"{found.notes} note{'s' if found.notes != 1 else ''}"
    print(f"notelint: wrote {target} ({found.flavor} vault, {notes}); "
          f"run 'notelint check' next", file=sys.stderr)
    return 0
