"""A vault kept warm in memory for a long-lived process (the language server).

The CLI reads and indexes the whole vault for every run. An editor asks again after each
keystroke pause, about one note, so the workspace loads the vault once and afterwards
re-parses only the edited buffer. When an edit leaves the vault's names as they were (no
note appeared or vanished, the note's ``aliases`` unchanged), the name indexes and the
link resolver's name caches are shared with the previous vault instead of rebuilt: on a
vault of thousands of notes that is the difference between milliseconds and a second.

Engine stage: none: keeps a plan and an index for the language server and re-runs check
and policy per buffer.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from notelint.config import find_config
from notelint.discover import relative_to_root
from notelint.engine import Index, Plan, RunRequest, apply_policy, build_index, check, make_plan
from notelint.model import Finding, Heading, Note
from notelint.read import read_note
from notelint.roots import find_root
from notelint.spell import target_wordlist
from notelint.vault import Resolver, Vault, aliases_of, strip_note_suffix


@dataclass(frozen=True)
class WorkspaceOptions:
    """How the server runs the engine; the CLI's flags of the same names."""

    config_file: Path | None = None
    offline: bool = True  # an editor must not wait on the network at every pause
    use_cache: bool = True
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    today: date | None = None


class Workspace:
    """One vault: its plan (config, rules, parser), its index and its current notes.

    Open buffers replace the notes read from disk until they are closed. Not
    thread-safe: callers run one operation at a time.
    """

    def __init__(self, root: Path, options: WorkspaceOptions | None = None) -> None:
        self.options = options or WorkspaceOptions()
        self.requested_root = root.resolve()
        request = RunRequest(
            paths=[str(self.requested_root)],
            config_file=self.options.config_file,
            select=list(self.options.select) if self.options.select is not None else None,
            ignore=list(self.options.ignore),
            offline=self.options.offline,
            use_cache=self.options.use_cache,
            jobs=1,
            cwd=self.requested_root,
            today=self.options.today,
        )
        self.request = request
        self.plan: Plan | None = None
        self.index: Index | None = None
        self.vault: Vault | None = None  # the index's vault with the open buffers
        self._messages: list[str] = []
        self._part: tuple[Plan, Plan] | None = None  # (plan, its part plan)

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """Read configuration, plugins and every note (raises ``ConfigError``/``UsageError``)."""
        plan = make_plan(self.request)
        self.plan = plan
        self._messages.extend(plan.messages)
        # nothing reported: problems (unreadable files) are reported by the CLI, the
        # editor asks per note
        index = build_index(plan, report=False)
        self._messages.extend(index.messages)
        self.index = index
        vault = index.vault
        self.vault = self._fresh(dict(vault.notes), vault.attachments, vault.folders)

    @property
    def root(self) -> Path:
        return self._plan().root

    @property
    def messages(self) -> list[str]:
        """What the engine had to say (plugin problems, rule failures), drained."""
        drained = list(self._messages)
        self._messages.clear()
        return drained

    def _plan(self) -> Plan:
        if self.plan is None:
            raise RuntimeError("Workspace.load() must run first")
        return self.plan

    def _loaded(self) -> Vault:
        if self.vault is None:
            raise RuntimeError("Workspace.load() must run first")
        return self.vault

    def _fresh(
        self, notes: dict[str, Note], attachments: frozenset[str], folders: frozenset[str]
    ) -> Vault:
        return Vault(
            root=self.root,
            notes=notes,
            attachments=attachments,
            folders=folders,
            reported=frozenset(),
        )

    # -- paths ------------------------------------------------------------------------

    def rel_for(self, path: Path) -> str | None:
        """The vault-relative path of a file, or None outside the vault or not a note."""
        rel = relative_to_root(path, self.root)
        if rel is None or rel in ("", "."):
            return None
        return rel if rel.lower().endswith((".md", ".markdown")) else None

    # -- edits ------------------------------------------------------------------------

    def update(self, rel: str, text: str) -> Note:
        """Make ``text`` the content of the note ``rel`` (an open buffer); returns it."""
        vault = self._loaded()
        note = self._plan().analyser.parse(rel, text)
        old = vault.notes.get(rel)
        notes = dict(vault.notes)
        notes[rel] = note
        if old is not None and aliases_of(old) == aliases_of(note):
            self.vault = fork_vault(vault, notes, changed=rel)
        else:
            attachments = vault.attachments - {rel}
            self.vault = self._fresh(notes, attachments, vault.folders | _parents(rel))
        return note

    def revert(self, rel: str) -> None:
        """Forget the buffer of ``rel``: the file on disk is the note again (or none)."""
        vault = self._loaded()
        path = self.root / rel
        if not path.is_file():
            self.forget(rel)
            return
        read = read_note(path, rel, self._plan().config.max_file_size)
        text = getattr(read, "text", None)
        if text is None:
            self.forget(rel)
            return
        if vault.notes.get(rel) is None or vault.notes[rel].text != text:
            self.update(rel, text)

    def forget(self, rel: str) -> None:
        """``rel`` no longer exists (deleted or renamed away)."""
        vault = self._loaded()
        if rel not in vault.notes:
            return
        notes = {key: note for key, note in vault.notes.items() if key != rel}
        self.vault = self._fresh(notes, vault.attachments, vault.folders)

    def file_changed(self, rel: str, open_rels: Iterable[str]) -> None:
        """A file changed on disk (created, edited, deleted by another program).

        Open buffers win over disk; attachments only change the set of names.
        """
        vault = self._loaded()
        if rel in set(open_rels):
            return
        path = self.root / rel
        if rel.lower().endswith((".md", ".markdown")):
            self.revert(rel)
            return
        exists = path.is_file()
        if exists == (rel in vault.attachments):
            return
        attachments = vault.attachments | {rel} if exists else vault.attachments - {rel}
        self.vault = self._fresh(dict(vault.notes), attachments, vault.folders | _parents(rel))

    # -- checking ---------------------------------------------------------------------

    def check(self, rel: str) -> list[Finding]:
        """Findings for the note ``rel`` as it is now (buffer or disk)."""
        vault = self._loaded()
        note = vault.notes.get(rel)
        if note is None:
            return []
        if note.summary_only:  # loaded from the index cache: parse it before checking
            parsed = self._plan().analyser.parse(rel, note.text, note.has_bom)
            vault.notes[rel] = parsed  # type: ignore[index]
        reported = fork_vault(vault, vault.notes, changed=None, reported=frozenset({rel}))
        findings = self._check(reported)
        # resolvers built during the check (name indexes, suggestion indexes) stay warm
        for key, resolver in reported._resolvers.items():
            if key not in vault._resolvers:
                vault._resolvers[key] = _twin(resolver, vault, changed=None)
        return findings

    def check_part(self, rel: str, text: str, limit: int) -> PartCheck:
        """Findings for the leading part of a buffer too big to check in full as the user
        types (the language server's path for notes over ``limit`` characters).

        Only the first ``limit`` characters, cut at a blank line, are parsed and checked,
        with only the rules that declare ``holds_on_part``: there their findings are the
        ones ``notelint check`` gives for the whole note (a finding may be missing, never
        wrong). When nothing safe can be said (see :func:`leading_part`), no rule runs
        and ``reason`` says why. The vault keeps the note it had (from disk or the last
        full check), so other notes never see the truncated one.
        """
        vault = self._loaded()
        analyser = self._plan().analyser
        found = leading_part(text, limit, lambda part: analyser.parse(rel, part))
        if isinstance(found, str):  # nothing parsed: an empty note places the summary
            return PartCheck(analyser.parse(rel, ""), [], 0, found)
        part = found[1]
        checked_lines = part_lines(part)
        notes = dict(vault.notes)
        notes[rel] = part
        old = vault.notes.get(rel)
        if old is not None and aliases_of(old) == aliases_of(part):
            base = fork_vault(vault, notes, changed=rel)
        else:
            base = self._fresh(notes, vault.attachments - {rel}, vault.folders | _parents(rel))
            base.suggestions_per_note = vault.suggestions_per_note
        reported = fork_vault(base, notes, changed=None, reported=frozenset({rel}))
        findings = [
            finding for finding in self._check(reported, self._part_plan())
            if finding.span.line <= checked_lines
        ]
        return PartCheck(part, findings, checked_lines, None)

    def part_rules(self) -> list[str]:
        """The codes of the enabled rules whose findings hold on a note's leading part."""
        return [cls.code for cls in self._part_plan().enabled]

    def _part_plan(self) -> Plan:
        """The plan with only the rules that declare ``holds_on_part`` (the others'
        findings would be dropped: not running them saves their time)."""
        plan = self._plan()
        if self._part is None or self._part[0] is not plan:
            enabled = tuple(cls for cls in plan.enabled if cls.holds_on_part)
            analyser = copy.copy(plan.analyser)
            keep = {cls.code for cls in enabled}
            analyser.note_rules = [r for r in analyser.note_rules if r.code in keep]
            analyser.collecting_rules = [r for r in analyser.collecting_rules if r.code in keep]
            self._part = (plan, dataclasses.replace(plan, enabled=enabled, analyser=analyser))
        return self._part[1]

    def _check(self, vault: Vault, plan: Plan | None = None) -> list[Finding]:
        """index-update -> check -> policy for the notes ``vault`` reports."""
        plan = plan or self._plan()
        if self.index is None:
            raise RuntimeError("Workspace.load() must run first")
        index = self.index.for_buffer(vault)
        checked = check(plan, index)
        judged = apply_policy(plan, index, checked)
        self._messages.extend([*checked.messages, *judged.messages])
        return judged.findings

    def note(self, rel: str) -> Note | None:
        return self._loaded().notes.get(rel)

    # -- completion -------------------------------------------------------------------

    def link_targets(self) -> list[tuple[str, str]]:
        """(name as written in a wiki-link, vault-relative path) for every note and file.

        Names are the shortest form that resolves: the bare name when it is unique in the
        vault, else the path from the root (without ``.md`` for notes).
        """
        vault = self._loaded()
        counts: dict[str, int] = {}
        entries: list[tuple[str, str, str]] = []
        for rel in (*vault.notes, *vault.attachments):
            shown = strip_note_suffix(rel) if rel in vault.notes else rel
            name = shown.rsplit("/", 1)[-1]
            counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
            entries.append((name, shown, rel))
        targets = [
            (name if counts[name.casefold()] == 1 else shown, rel)
            for name, shown, rel in entries
        ]
        targets.sort(key=lambda item: (item[0].casefold(), item[0]))
        return targets

    def headings_of(self, target: str, from_rel: str) -> list[Heading]:
        """The headings of the note a wiki-link ``target`` names ("" = the same note)."""
        vault = self._loaded()
        if not target.strip():
            note = vault.notes.get(from_rel)
        else:
            resolved = vault.resolver(**self._resolver_settings()).resolve(target, from_rel)
            note = vault.notes.get(resolved.rel) if resolved.rel is not None else None
        return list(note.headings) if note is not None else []

    def _resolver_settings(self) -> dict[str, Any]:
        """The links rules' resolution settings, so completion agrees with NL101."""
        for code in ("NL101", "NL104"):
            options = self.plan.options.get(code) if self.plan is not None else None
            if options is not None and hasattr(options, "resolution"):
                return {
                    "resolution": options.resolution,
                    "virtual": tuple(options.virtual),
                    "slug": options.slug,
                    "flavor": getattr(options, "flavor", "auto"),
                }
        return {}

    def wordlist(self) -> Path | None:
        """The word list ``add word`` writes to (None when spelling is not loaded)."""
        options = self._plan().options.get("NL501")
        if options is None:
            return None
        return target_wordlist(getattr(options, "wordlists", ()), self.root)


@dataclass(frozen=True)
class PartCheck:
    """What checking a buffer's leading part gave: the part as parsed (an empty note when
    nothing was), its findings, how many lines were checked, and why no finding can be
    given (or None)."""

    note: Note
    findings: list[Finding]
    lines: int
    reason: str | None


#: A blank line (CommonMark: spaces and tabs only): where the leading part may end.
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
#: A link reference or footnote definition, also inside a quote or a list item, its
#: label possibly running over lines (at most 999 characters and no blank line, as
#: CommonMark has it), matched from a line's start to its ``]:`` (see ``_defines``).
#: Over-matching only costs findings.
_OPENING, _LABEL = r"[ \t>*+\-0-9.)]*\[", r"(?:[^\]\\\n]|\\.|\n(?![ \t]*\n))*\]:\Z"
_DEFINITION = re.compile(_OPENING + _LABEL)
_FOOTNOTE_DEFINITION = re.compile(_OPENING + r"\^" + _LABEL)
_LABEL_LIMIT = 1000
_ESCAPES_LIMIT = 8


def _defines(text: str, start: int, end: int, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` (a definition up to its ``]:``) is in ``text[start:end]``.

    Only the places of a ``]:`` are tried, each from the line holding the ``[`` that
    opens its label (a label holds no unescaped ``[``, so it is the last one before the
    ``]:``, escaped ones skipped): linear in the text, however many lines start with
    ``[`` or hold a ``]:`` (a search from every line start was quadratic there).
    """
    colon = text.find("]:", start, end)
    while colon >= 0:
        floor = max(start, colon - _LABEL_LIMIT)
        bracket = text.rfind("[", floor, colon)
        skipped = 0
        while bracket > floor and text[bracket - 1] == "\\":
            skipped += 1
            if skipped > _ESCAPES_LIMIT:
                return True  # an odd run of escaped brackets: refuse rather than search on
            bracket = text.rfind("[", floor, bracket - 1)
        if bracket >= 0:
            newline = text.rfind("\n", start, bracket)
            line = newline + 1 if newline >= 0 else start  # start is a line's start
            if pattern.match(text, line, colon + 2):
                return True
        colon = text.find("]:", colon + 2, end)
    return False


_DISABLE_FILE = re.compile(r"notelint-disable-file")
_LINE_END = re.compile(r"\r\n|\r|\n")


def leading_part(text: str, limit: int, parse: Callable[[str], Note]
                 ) -> tuple[int, Note] | str:
    """Where a leading part of ``text`` of at most ``limit`` characters may end so that
    it reads exactly as in the whole note, and that part parsed by ``parse``; or why no
    such part exists.

    The cut is at a blank line, which ends every paragraph, table and HTML block that a
    blank line ends; a fence, an HTML comment, a ``%%`` comment or a list left open
    there runs to the part's end, as it runs past the cut in the whole note. A math
    block (``$$``) is read only when closed: one the part leaves open reads as prose
    there, so the cut moves up above it; so it does above an HTML comment (``<!--``) left
    open, whose HTML would otherwise be read for links. Refused: a frontmatter block the
    part does not close, and what the rest of the note could still change: a link reference or
    footnote definition after the cut (it turns text before it into a link, or a
    ``[text](x)`` after ``[label]`` into plain text), a footnote reference after the cut
    to a footnote defined before it (the definition's text then moves to the note's end),
    and a ``notelint-disable-file`` comment (it silences the whole note).
    """
    for _attempt in range(4):
        cut = None
        for match in _BLANK_LINE.finditer(text, 0, limit):
            cut = match.end()
        if cut is None:
            return f"it has no blank line in its first {limit:,} characters"
        rest = text[cut:]
        if _DISABLE_FILE.search(rest):
            return f"a notelint-disable-file comment comes after its first {cut:,} characters"
        if _defines(text, cut, len(text), _DEFINITION):
            return (f"a link reference or footnote definition comes after its first {cut:,} "
                    "characters, which may change how links before it read")
        if "[^" in rest and _defines(text, 0, cut, _FOOTNOTE_DEFINITION):
            return (f"a footnote defined in its first {cut:,} characters may be referred to "
                    "after them, which moves its text to the note's end")
        opened = text.rfind("<!--", 0, cut)
        if opened >= 0 and text.find("-->", opened + 4, cut) < 0:
            limit = text.rfind("\n", 0, opened) + 1  # above the comment the cut leaves open
            continue
        part = parse(text[:cut])
        refused = _frontmatter_cut(part)
        if refused is not None:
            return refused
        open_math = _unclosed_math(part)
        if open_math is None:
            return cut, part
        limit = _line_offset(text, open_math)  # above the block holding it
    return "a math block ($$) or an HTML comment is still open where notelint would cut it"


def _unclosed_math(part: Note) -> int | None:
    """The 0-based line starting the block that holds a prose line opening with ``$$``
    and not closing on it: a math block left open by the cut, read as prose (None when
    there is none). As mdit-py-plugins' dollarmath reads it, a line holding a second
    ``$$`` is one-line math or no block at all, so only a lone opener may be open."""
    for token in part.tokens:
        if token.type == "inline" and token.map and any(
            _opens_math(line.strip()) for line in token.content.split("\n")
        ):
            return token.map[0]
    return None


def _opens_math(line: str) -> bool:
    closed = len(line) > 3 and line.endswith("$$")
    return line.startswith("$$") and not closed and "$$" not in line[2:]


def _line_offset(text: str, line: int) -> int:
    """The offset where 0-based ``line`` starts, lines ending as the parser ends them."""
    if line <= 0:
        return 0
    for count, match in enumerate(_LINE_END.finditer(text), start=1):
        if count == line:
            return match.end()
    return len(text)


def part_lines(part: Note) -> int:
    """How many whole lines of the note a part cut by :func:`leading_part` holds: its
    text ends with a line break, after which the rest's first line starts."""
    lines = len(part.lines)
    return lines - 1 if lines and part.lines[-1] == "" else lines


def _frontmatter_cut(part: Note) -> str | None:
    """Why the part cannot stand for the note's frontmatter, or None: a block must be
    read whole, closed, inside the part (one the part leaves open may close later)."""
    fm = part.frontmatter
    if fm.present:
        span = fm.span
        if span is not None and 1 < span.end_line <= part_lines(part):
            return None
    elif not part.lines or part.lines[0].lstrip("\ufeff").rstrip() not in ("---", "+++", "{"):
        return None
    return "its frontmatter does not end within the part notelint checks as you type"


_WORD_BREAK = re.compile(r"[\s\-_/.()\[\],;:]+")


def match_tier(partial: str, name: str) -> int | None:
    """How well a typed ``partial`` (case-folded) matches a link name: 0 a prefix (of the
    name or of its last path part), 1 the start of a word in it, 2 a substring, 3 its
    letters in order (fuzzy); None no match."""
    folded = name.casefold()
    if not partial:
        return 0
    base = folded.rsplit("/", 1)[-1]
    if folded.startswith(partial) or base.startswith(partial):
        return 0
    position = folded.find(partial)
    if position < 0:
        found = 0
        for char in folded:
            if found < len(partial) and char == partial[found]:
                found += 1
        return 3 if found == len(partial) else None
    while position >= 0:
        if position == 0 or _WORD_BREAK.match(folded[position - 1]) or (
            name[position - 1].islower() and name[position].isupper()
        ):
            return 1
        position = folded.find(partial, position + 1)
    return 2


def rank_link_targets(
    partial: str,
    targets: Iterable[tuple[str, str]],
    *,
    embed: bool,
    limit: int,
) -> tuple[list[tuple[str, str]], bool]:
    """The best ``limit`` of ``targets`` (name, rel) for ``partial``: prefix matches,
    then word starts, then substrings, then fuzzy; among equals attachments first after
    ``![[`` and notes first after ``[[``, then shorter names. Ranked over every target
    before the cut, so a good match is never lost to the alphabet. Also says whether
    matches were left out."""
    wanted = partial.casefold()
    scored: list[tuple[int, int, int, str, str, str]] = []
    for name, rel in targets:
        tier = match_tier(wanted, name)
        if tier is None:
            continue
        is_note = rel.lower().endswith((".md", ".markdown"))
        kind = (1 if is_note else 0) if embed else (0 if is_note else 1)
        length = len(name) if wanted else 0  # nothing typed yet: alphabetical
        scored.append((tier, kind, length, name.casefold(), name, rel))
    scored.sort()
    return [(entry[4], entry[5]) for entry in scored[:limit]], len(scored) > limit


def guess_root(note: Path) -> Path:
    """The vault holding ``note`` when the editor names no workspace folder: found by
    the rule ``notelint check`` uses (:func:`notelint.roots.find_root`)."""
    note = note.resolve()
    return find_root(note, find_config(note))


def _parents(rel: str) -> frozenset[str]:
    parts = rel.split("/")[:-1]
    return frozenset("/".join(parts[: index + 1]) for index in range(len(parts)))


def fork_vault(
    base: Vault,
    notes: Any,
    *,
    changed: str | None,
    reported: frozenset[str] | None = None,
) -> Vault:
    """A vault like ``base`` whose notes are ``notes``, sharing ``base``'s name indexes.

    Only valid when the names did not change: the same note paths, attachments, folders
    and aliases; ``changed`` is the note whose content (hence headings and block ids)
    differs. Resolution results depend on names only and are kept; anchors of ``changed``
    and per-run memos are dropped.
    """
    base.build_indexes()  # built once here, then shared by every fork
    fork = copy.copy(base)
    fork.notes = notes
    fork.reported = base.reported if reported is None else reported
    fork._resolvers = {
        key: _twin(resolver, fork, changed) for key, resolver in base._resolvers.items()
    }
    return fork


def _twin(resolver: Resolver, vault: Vault, changed: str | None) -> Resolver:
    """``resolver`` for ``vault``: name caches shared, per-run memo fresh."""
    twin = copy.copy(resolver)
    twin.vault = vault
    twin.memo = {}
    if changed is not None:
        twin._anchors = {
            rel: anchors for rel, anchors in resolver._anchors.items() if rel != changed
        }
    return twin
