"""Publisher flavors: what a written link becomes on the site (Quartz) or in the editor
(Obsidian).

A link verdict is only worth trusting if it is the publisher's own: Quartz compares
*slugs* (``red fox.md`` is the page ``red-fox``, case kept, so ``[[Red Fox]]`` 404s),
Obsidian compares names ignoring case and never treats an alias as a file. Every such
difference lives in one ``Flavor`` object; the resolver (``notelint.vault``) asks it how
to key names and paths, whether aliases are pages, which anchors exist and what a page's
absence is called, and the link rules ask it how to word a finding. No rule branches on
the flavor's name.

The flavor is read from the vault itself (``detect``): ``quartz.config.ts`` (or ``.js``)
at or above the root means Quartz, ``.obsidian/`` means Obsidian, both or neither mean
Quartz (publishing is the stricter target). Their settings are read as DATA — the Quartz
config as text with a few patterns, ``.obsidian/app.json`` as JSON — never executed.

Engine stage: plan and index (whose link semantics apply: the request, then read from
the vault once).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

#: The values of ``links.flavor``.
FLAVOR_CHOICES = ("auto", "quartz", "obsidian")
RESOLUTION_MODES = ("shortest", "relative", "absolute")
ANCHOR_STYLES = ("github", "obsidian")

QUARTZ_CONFIGS = ("quartz.config.ts", "quartz.config.js")
#: Settings files larger than this are not read (a config is a few KB).
MAX_SETTINGS_BYTES = 1_000_000


@functools.lru_cache(maxsize=1 << 16)
def quartz_slug(path: str) -> str:
    """The slug Quartz gives a path (without ``.md``): per segment, each whitespace
    character becomes ``-``, ``&`` becomes ``-and-``, ``%`` becomes ``-percent``, ``?``
    and ``#`` are dropped; ``_index`` is ``index``. Case is kept."""
    segments = []
    for segment in path.split("/"):
        segment = _WHITESPACE_RE.sub("-", segment)
        segment = segment.replace("&", "-and-").replace("%", "-percent")
        segments.append(segment.replace("?", "").replace("#", ""))
    slug = "/".join(segments).rstrip("/")
    if slug == "_index" or slug.endswith("/_index"):
        slug = slug[: -len("_index")] + "index"
    return slug


def decode_uri(text: str) -> str:
    """``decodeURI`` as Quartz applies it to a link target: ``caf%C3%A9`` -> ``café``.

    A ``%`` not starting a valid escape stays as written (where ``decodeURI`` would
    throw, notelint keeps the text rather than guess).
    """
    return unquote(text, errors="strict") if "%" in text and _valid_escapes(text) else text


def _valid_escapes(text: str) -> bool:
    try:
        unquote(text, errors="strict")
    except UnicodeDecodeError:
        return False
    return all(_HEX_RE.match(text, index + 1) for index in _percent_positions(text))


def _percent_positions(text: str) -> Iterable[int]:
    index = text.find("%")
    while index >= 0:
        yield index
        index = text.find("%", index + 1)


_WHITESPACE_RE = re.compile(r"\s")
_HEX_RE = re.compile(r"[0-9A-Fa-f]{2}")


@dataclass(frozen=True)
class Flavor:
    """How one publisher reads links; subclasses are the publishers.

    ``resolution`` and ``anchors`` are the publisher's settings (or the ``links`` table's
    overrides); ``ignore`` are globs of files the publisher leaves out (neither checked
    nor link targets); ``unchecked`` are globs of files not checked that remain targets;
    ``source`` says where the settings came from, for ``--verbose``.
    """

    name: str = "quartz"
    resolution: str = "shortest"
    anchors: str = "github"
    ignore: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    remove_drafts: bool = True
    explicit_publish: bool = False
    attachment_folder: str | None = None
    new_link_format: str = "shortest"
    source: str = "default"
    notes: tuple[str, ...] = field(default=(), compare=False)

    # -- names ----------------------------------------------------------------------

    publisher = "Quartz"
    #: False when a case-only difference never breaks a link (no NL106).
    case_sensitive = True
    #: True when frontmatter ``aliases`` are pages a link may name.
    aliases_are_targets = True
    #: True when a partial path (``[[sub/note]]``) names any file whose path ends so.
    path_suffixes = False
    #: True when a name written with a file's extension (``[[x.png]]``) opens the file
    #: of exactly that name before a note named so without ``.md`` (``x.png.md``);
    #: Quartz slugs both to ``x.png``, one page name for two files.
    exact_file_names = False

    def target(self, written: str, *, wiki: bool) -> str:
        """The target as the publisher reads it (before keying)."""
        return written

    def key(self, path: str) -> str:
        """How a path (note suffix stripped) is compared: equal keys are the same page."""
        raise NotImplementedError

    def fold(self, key: str) -> str:
        """A key with case ignored: equal folds but different keys are case mismatches."""
        return key.casefold()

    def alias_path(self, alias: str, folder: str) -> str:
        """Where a note's alias is a page (vault-relative, note suffix stripped)."""
        return alias

    def choose(self, ranked: list[str], folder: str, root_match: str | None) -> str | None:
        """The file the publisher opens among same-named ``ranked`` files (best first;
        ``root_match`` the one at the vault root of that name), or None when it has no
        single answer (NL105)."""
        raise NotImplementedError

    def rank_key(self, rel: str, folder: str) -> tuple[Any, ...]:
        """Preference among same-named files, best first."""
        return (rel.rpartition("/")[0] != folder, rel.count("/"), len(rel), rel)

    # -- what a finding says ---------------------------------------------------------

    def case_mismatch(self, kind: str, spelled: str) -> str:
        """The consequence of a link matching only when case is ignored."""
        return (
            f"the {kind} is spelled '{spelled}' and {self.publisher}'s page URLs keep the "
            "case, so the link 404s on the site (and on any case-sensitive disk)"
        )

    def ambiguous(self, count: int, names: str, chosen: str, root_match: str | None) -> str:
        raise NotImplementedError

    def hidden(self, draft: bool, publish: Any) -> str | None:
        """Why a target note will not exist on the site, or None when it will."""
        if self.explicit_publish and not _true(publish):
            return (
                "not published (no 'publish: true'); Quartz's ExplicitPublish filter leaves "
                "it out, so the link breaks on the site: publish the target or drop the link"
            )
        if self.remove_drafts and draft:
            return (
                "a draft (draft: true); Quartz's RemoveDrafts filter leaves drafts out, so "
                "the link breaks once published: publish the target or drop the link"
            )
        return None

    def describe(self) -> str:
        """One line for ``--verbose``: the flavor and where its settings came from."""
        return f"{self.name} ({self.source})"


@dataclass(frozen=True)
class QuartzFlavor(Flavor):
    """Quartz: pages are slugs, compared with their case; aliases are pages; a bare name
    is its unique file-name match, else the page at the vault root of that slug."""

    name: str = "quartz"

    def target(self, written: str, *, wiki: bool) -> str:
        # Markdown destinations are already percent-decoded by the parser
        return decode_uri(written) if wiki else written

    def key(self, path: str) -> str:
        return quartz_slug(path)

    def alias_path(self, alias: str, folder: str) -> str:
        # an alias slug sits in its note's folder (Quartz joins the note's directory)
        from notelint.vault import strip_note_suffix

        alias = strip_note_suffix(alias.strip().strip("/"))
        return f"{folder}/{alias}" if folder else alias

    def choose(self, ranked: list[str], folder: str, root_match: str | None) -> str | None:
        # a unique file name wins; else Quartz links the page of that slug at the root
        return ranked[0] if len(ranked) == 1 else root_match

    def ambiguous(self, count: int, names: str, chosen: str, root_match: str | None) -> str:
        return (
            f"matches {count} files ({names}); Quartz finds no unique page of that name and "
            "links to the vault root, where there is none, so the link 404s on the site: "
            f"write the path, e.g. '{chosen}'"
        )


@dataclass(frozen=True)
class ObsidianFlavor(Flavor):
    """Obsidian: names compared ignoring case; aliases are not files; a bare name opens
    the file at that path from the vault root (spelled exactly), else the one in the
    linking note's folder, else the one with the shortest path, as observed of
    ``metadataCache.getFirstLinkpathDest`` on Obsidian 1.13.7."""

    name: str = "obsidian"
    anchors: str = "obsidian"
    remove_drafts: bool = False

    publisher = "Obsidian"
    case_sensitive = False
    aliases_are_targets = False
    path_suffixes = True
    exact_file_names = True

    def key(self, path: str) -> str:
        return path.casefold()

    def rank_key(self, rel: str, folder: str) -> tuple[Any, ...]:
        attachments = self.attachment_folder
        if attachments is not None and attachments.startswith("./"):
            sub = attachments[2:].strip("/")
            attachments = f"{folder}/{sub}".strip("/") if sub else folder
        in_attachments = attachments is not None and rel.rpartition("/")[0] == attachments
        # the shortest path string, not the fewest folders: 'a/b/n.md' before 'zzzz/n.md'
        return (rel.rpartition("/")[0] != folder, not in_attachments, len(rel), rel)

    def choose(self, ranked: list[str], folder: str, root_match: str | None) -> str | None:
        if len(ranked) == 1:
            return ranked[0]
        if root_match is not None:
            return root_match  # the exact path from the root wins, even over the same folder
        first, second = (self.rank_key(rel, folder)[:3] for rel in ranked[:2])
        return ranked[0] if first != second else None

    def ambiguous(self, count: int, names: str, chosen: str, root_match: str | None) -> str:
        return (
            f"matches {count} files ({names}) equally well; which one Obsidian opens is "
            f"arbitrary: write the path, e.g. '{chosen}'"
        )

    def case_mismatch(self, kind: str, spelled: str) -> str:  # pragma: no cover - unused
        return f"the {kind} is spelled '{spelled}'"

    def hidden(self, draft: bool, publish: Any) -> str | None:
        return None  # Obsidian shows every note; drafts are a publishing matter


def _true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return value is True


# -- detection -----------------------------------------------------------------------


def requested(links_table: Mapping[str, Any]) -> str:
    """The ``links.flavor`` a configuration's ``links`` table asks for (default auto)."""
    value = links_table.get("flavor", "auto")
    return value if isinstance(value, str) and value in FLAVOR_CHOICES else "auto"


def detect(root: Path, wanted: str = "auto") -> Flavor:
    """The flavor of the vault at ``root``, with its settings read from the vault.

    ``auto``: a Quartz config at or above the root -> quartz; ``.obsidian/`` at or above
    it -> obsidian; both -> quartz (said in ``source``); neither -> quartz with Quartz's
    defaults. Problems reading the settings become ``notes`` (one stderr line each),
    never errors: the defaults apply.
    """
    quartz_config, obsidian_dir = _markers(root)
    if wanted == "obsidian" or (wanted == "auto" and quartz_config is None and obsidian_dir):
        return _obsidian(obsidian_dir, "links.flavor" if wanted == "obsidian" else "")
    if quartz_config is None:
        source = (
            'links.flavor = "quartz"; no quartz.config.ts found: Quartz\'s defaults'
            if wanted == "quartz"
            else "no quartz.config.ts or .obsidian/ found: Quartz's defaults"
        )
        return QuartzFlavor(source=source)
    flavor = _quartz(quartz_config)
    if wanted == "auto" and obsidian_dir is not None:
        flavor = replace(
            flavor,
            source=flavor.source + "; .obsidian/ found too: publishing is the stricter target",
        )
    elif wanted == "quartz":
        flavor = replace(flavor, source=f"links.flavor = \"quartz\"; {flavor.source}")
    return flavor


def _markers(root: Path) -> tuple[Path | None, Path | None]:
    """The nearest Quartz config and ``.obsidian/`` folder at or above ``root``, looking
    no further up than the repository holding it (a ``.git`` folder)."""
    quartz: Path | None = None
    obsidian: Path | None = None
    for folder in (root, *root.parents):
        if quartz is None:
            quartz = next((folder / n for n in QUARTZ_CONFIGS if (folder / n).is_file()), None)
        if obsidian is None and (folder / ".obsidian").is_dir():
            obsidian = folder / ".obsidian"
        if (folder / ".git").exists():
            break
    return quartz, obsidian


def settings_files(root: Path) -> list[Path]:
    """The files a flavor's settings are read from, and the ``.obsidian`` folders whose
    appearing changes the flavor (cached results depend on them)."""
    found: list[Path] = []
    for folder in (root, *root.parents):
        found.extend(folder / name for name in QUARTZ_CONFIGS)
        found.extend((folder / ".obsidian", folder / ".obsidian" / "app.json"))
        if (folder / ".git").exists():
            break
    return found


def _read_text(path: Path) -> tuple[str | None, str | None]:
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return None, "is over 1 MB"
        return path.read_bytes().decode("utf-8"), None
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"


# -- Quartz: quartz.config.ts read as text -----------------------------------------------

_STRING_RE = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`([^`$\\]*)`")
_IGNORE_RE = re.compile(r"\bignorePatterns\s*:\s*\[([^\]]*)\]")
_RESOLUTION_RE = re.compile(r"\bmarkdownLinkResolution\s*:\s*([\"'`])(\w*)\1")
_FILTERS_RE = re.compile(r"\bfilters\s*:\s*\[([^\]]*)\]")


def _quartz(path: Path) -> QuartzFlavor:
    """Quartz with the settings of ``path``: ``ignorePatterns``, the CrawlLinks
    ``markdownLinkResolution`` and which of ``RemoveDrafts``/``ExplicitPublish`` filter.

    Anything not found in the expected literal form keeps Quartz's default, and one note
    says which settings were not read (a config computed by code is legal TypeScript,
    but notelint never runs it).
    """
    source = f"{path.name} at {path.parent}"
    text, problem = _read_text(path)
    if text is None:
        return QuartzFlavor(
            source=f"{source} (unreadable: Quartz's defaults)",
            notes=(f"{path} {problem}; using Quartz's default settings",),
        )
    text = strip_comments(text)
    missing: list[str] = []
    ignore: tuple[str, ...] = ()
    found = _IGNORE_RE.search(text)
    if found is not None:
        ignore = tuple(_strings(found.group(1)))
    else:
        missing.append("ignorePatterns")
    resolution = "shortest"
    found = _RESOLUTION_RE.search(text)
    if found is not None and found.group(2) in RESOLUTION_MODES:
        resolution = found.group(2)
    elif found is not None or "markdownLinkResolution" in text:
        missing.append("markdownLinkResolution")
    remove_drafts, explicit = True, False
    found = _FILTERS_RE.search(text)
    if found is not None:
        remove_drafts = "RemoveDrafts" in found.group(1)
        explicit = "ExplicitPublish" in found.group(1)
    else:
        missing.append("filters")
    notes: tuple[str, ...] = ()
    if missing:
        notes = (
            f"{path}: could not read {', '.join(missing)} as literal values (notelint reads "
            "the file as text and never runs it); using Quartz's defaults for "
            + ("it" if len(missing) == 1 else "them"),
        )
    return QuartzFlavor(
        resolution=resolution,
        ignore=ignore,
        remove_drafts=remove_drafts,
        explicit_publish=explicit,
        source=source,
        notes=notes,
    )


def strip_comments(source: str) -> str:
    """TypeScript/JavaScript ``source`` with ``//`` and ``/* */`` comments removed, string
    literals kept intact (a glob such as ``"**/*.md"`` holds ``/*``; a URL holds ``//``)."""
    out: list[str] = []
    index, size = 0, len(source)
    while index < size:
        char = source[index]
        if char in "\"'`":
            end = index + 1
            while end < size and source[end] != char:
                end += 2 if source[end] == "\\" else 1
            out.append(source[index : end + 1])
            index = end + 1
        elif source.startswith("//", index):
            end = source.find("\n", index)
            index = size if end < 0 else end
        elif source.startswith("/*", index):
            end = source.find("*/", index + 2)
            index = size if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _strings(text: str) -> Iterable[str]:
    for match in _STRING_RE.finditer(text):
        value = next(group for group in match.groups() if group is not None)
        yield value.replace('\\"', '"').replace("\\'", "'")


# -- Obsidian: .obsidian/app.json read as JSON -------------------------------------------


def _obsidian(folder: Path | None, chosen_by: str) -> ObsidianFlavor:
    """Obsidian with ``app.json``'s ``userIgnoreFilters`` (not checked; still link
    targets, as Obsidian still opens excluded files), ``attachmentFolderPath`` and
    ``newLinkFormat``."""
    if folder is None:
        return ObsidianFlavor(source=f"{chosen_by} = \"obsidian\"; Obsidian's defaults")
    source = f".obsidian/ at {folder.parent}"
    if chosen_by:
        source = f"{chosen_by} = \"obsidian\"; {source}"
    path = folder / "app.json"
    if not path.is_file():
        return ObsidianFlavor(source=source)
    text, problem = _read_text(path)
    data: Any = None
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError as exc:
            problem = f"is not valid JSON ({exc})"
    if not isinstance(data, dict):
        problem = problem or "does not hold a JSON object"
        return ObsidianFlavor(
            source=source, notes=(f"{path} {problem}; using Obsidian's default settings",)
        )
    odd: list[str] = []
    filters = data.get("userIgnoreFilters", [])
    if not isinstance(filters, list) or not all(isinstance(item, str) for item in filters):
        odd.append("userIgnoreFilters")
        filters = []
    attachments = data.get("attachmentFolderPath")
    if attachments is not None and not isinstance(attachments, str):
        odd.append("attachmentFolderPath")
        attachments = None
    link_format = data.get("newLinkFormat", "shortest")
    if link_format not in RESOLUTION_MODES:
        odd.append("newLinkFormat")
        link_format = "shortest"
    if isinstance(attachments, str):
        attachments = attachments.strip()
        attachments = None if attachments in ("", "/") else attachments.rstrip("/")
        if attachments is not None and not attachments.startswith("./"):
            attachments = attachments.lstrip("/")
    notes: tuple[str, ...] = ()
    if odd:
        notes = (f"{path}: unusual {', '.join(odd)}; using Obsidian's default for it",)
    return ObsidianFlavor(
        unchecked=tuple(filters),
        attachment_folder=attachments,
        new_link_format=link_format,
        source=source,
        notes=notes,
    )


def overridden(flavor: Flavor, resolution: str | None, anchors: str | None) -> Flavor:
    """``flavor`` with the ``links`` table's explicit settings, which win over the
    vault's."""
    changes: dict[str, Any] = {}
    if resolution is not None and resolution != flavor.resolution:
        changes["resolution"] = resolution
    if anchors is not None and anchors != flavor.anchors:
        changes["anchors"] = anchors
    return replace(flavor, **changes) if changes else flavor
