"""Files that cannot be read as notes at all (NL001)."""

from __future__ import annotations

from collections.abc import Iterator

from notelint.model import Finding, Severity, Span
from notelint.rule import Rule, RuleContext
from notelint.vault import Vault


class UnreadableFile(Rule):
    """A note that could not be read: binary, not UTF-8, too large, or unreachable.

    A file with the note extension that cannot be decoded is invisible to every other
    check, and usually to the site generator too. notelint says where the first bad byte
    is so the file can be repaired, and reports symlink loops and broken links it met
    while walking the vault instead of stopping.

    ## Bad
    A `journal.md` saved as Latin-1: `caf\\xe9` is not valid UTF-8.

    ## Good
    The same note re-saved as UTF-8.
    """

    code = "NL001"
    name = "unreadable-file"
    family = "files"
    summary = "binary, undecodable or unreadable file"
    severity = Severity.ERROR

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterator[Finding]:
        for problem in ctx.file_problems:
            yield Finding(
                path=problem.display or problem.rel,
                span=Span.point(problem.line, problem.column),
                code=self.code,
                rule=self.name,
                severity=self.severity,
                message=problem.message,
            )


RULES: list[type[Rule]] = [UnreadableFile]
