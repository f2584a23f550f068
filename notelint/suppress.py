"""Suppression comments and frontmatter switches, applied centrally to every rule.

``<!-- notelint-disable[-line|-next-line|-file] [RULES] -->`` and
``<!-- notelint-enable [RULES] -->``, the same inside Obsidian ``%% ... %%``, and
frontmatter ``notelint: {disable: [RULES]}``. RULES are codes or names separated by
commas or spaces; none means every rule.

Engine stage: policy (``notelint`` comments silence findings).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from notelint.model import Finding, Note

ALL = "*"
DIRECTIVE_RE = re.compile(
    r"^\s*notelint-(?P<verb>disable-next-line|disable-line|disable-file|disable|enable)"
    r"(?:\s+(?P<rules>[^\n]*?))?\s*$"
)



def has_directives(note: Note) -> bool:
    """Whether anything in ``note`` may silence a finding (a comment or frontmatter)."""
    settings = note.frontmatter.get("notelint")
    if isinstance(settings, dict) and "disable" in settings:
        return True
    return any(DIRECTIVE_RE.match(comment.body) for comment in note.comments)


#: Turns a rule identifier (code or name) into its code, or None when unknown.
Resolve = Callable[[str], "str | None"]


@dataclass(frozen=True)
class _Region:
    first: int
    last: int  # inclusive; a huge number for "to the end"
    codes: frozenset[str]
    exempt: frozenset[str] = frozenset()  # re-enabled inside a disable-all block

    def covers(self, finding: Finding) -> bool:
        if not self.first <= finding.span.line <= self.last:
            return False
        if ALL in self.codes:
            return finding.code not in self.exempt
        return finding.code in self.codes


@dataclass(frozen=True)
class Suppressions:
    """The regions of one note in which some rules are silent."""

    regions: tuple[_Region, ...]
    unknown: tuple[tuple[int, str], ...] = ()  # (line, identifier) nobody knows

    def suppresses(self, finding: Finding) -> bool:
        return any(region.covers(finding) for region in self.regions)


END = 1 << 30


def suppressions_for(note: Note, resolve: Resolve) -> Suppressions:
    """Read every directive of ``note`` once."""
    regions: list[_Region] = []
    unknown: list[tuple[int, str]] = []
    blocks = _Blocks(regions)

    def codes(text: str | None, line: int) -> frozenset[str]:
        text = (text or "").partition("--")[0]  # "NL101 -- why": the reason is no rule
        if not text.strip():
            return frozenset({ALL})
        found: set[str] = set()
        for identifier in re.split(r"[,\s]+", text.strip()):
            code = ALL if identifier.upper() == "ALL" else resolve(identifier)
            if code is None:
                if identifier:
                    unknown.append((line, identifier))
            else:
                found.add(code)
        return frozenset(found)

    disabled = note.frontmatter.get("notelint")
    if isinstance(disabled, dict):
        listed = disabled.get("disable")
        if listed is True:
            regions.append(_Region(1, END, frozenset({ALL})))
        elif isinstance(listed, str | list) and listed:  # "disable: []" silences nothing
            text = listed if isinstance(listed, str) else " ".join(map(str, listed))
            if text.strip():
                regions.append(_Region(1, END, codes(text, 1)))

    for comment in sorted(note.comments, key=lambda c: c.span):
        match = DIRECTIVE_RE.match(comment.body)
        if match is None:
            continue
        verb, line = match.group("verb"), comment.span.line
        rule_codes = codes(match.group("rules"), line)
        if verb == "disable-file":
            regions.append(_Region(1, END, rule_codes))
        elif verb == "disable-line":
            regions.append(_Region(line, comment.span.end_line, rule_codes))
        elif verb == "disable-next-line":
            next_line = comment.span.end_line + 1
            regions.append(_Region(next_line, next_line, rule_codes))
        elif verb == "disable":
            blocks.disable(rule_codes, line)
        else:  # enable
            blocks.enable(rule_codes, line)
    blocks.enable(frozenset({ALL}), END)
    return Suppressions(tuple(regions), tuple(unknown))


class _Blocks:
    """Open ``disable`` blocks, closed into regions by ``enable``.

    ``enable X`` inside a block that disabled every rule turns X back on from there,
    as ESLint does: the block is closed and reopened with X exempt.
    """

    def __init__(self, regions: list[_Region]) -> None:
        self.regions = regions
        self.open: dict[str, int] = {}
        self.exempt: set[str] = set()

    def disable(self, codes: Iterable[str], line: int) -> None:
        codes = set(codes)
        if ALL in codes:
            self._close(ALL, line)
            self.open[ALL], self.exempt = line, set()
            return
        for code in codes:
            if ALL in self.open and code in self.exempt:
                self._close(ALL, line)
                self.open[ALL] = line
                self.exempt.discard(code)
            else:
                self.open.setdefault(code, line)

    def enable(self, codes: Iterable[str], line: int) -> None:
        codes = set(codes)
        if ALL in codes:
            for code in list(self.open):
                self._close(code, line)
            self.exempt = set()
            return
        for code in codes:
            self._close(code, line)
        if ALL in self.open and codes - self.exempt:
            self._close(ALL, line)
            self.open[ALL] = line
            self.exempt |= codes

    def _close(self, code: str, line: int) -> None:
        if code in self.open:
            exempt = frozenset(self.exempt) if code == ALL else frozenset()
            self.regions.append(_Region(self.open.pop(code), line, frozenset({code}), exempt))
