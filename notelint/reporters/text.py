"""Human output, one line per finding as ruff prints them, then a summary."""

from __future__ import annotations

from collections import Counter

from notelint.model import Finding, Severity
from notelint.reporters import Report, Reporter

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class TextReporter(Reporter):
    """``path:line:col: CODE [name] message``; colour only when writing to a terminal."""

    def write(self, report: Report) -> None:
        for finding in report.findings:
            self.stream.write(self._line(finding, report) + "\n")
        if self.statistics and report.findings:
            self._write_statistics(report)
        self._write_wanted(report)
        self.stream.write(self._summary(report) + "\n")

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def _line(self, finding: Finding, report: Report) -> str:
        where = f"{finding.path}:{finding.span.line}:{finding.span.column}:"
        code = self._paint(finding.code, _COLORS[finding.severity])
        rule = report.rules.get(finding.code)
        fixable = " [*]" if finding.fix is not None and rule is not None and rule.fixable else ""
        message = finding.message.replace("\n", " ")
        return f"{self._paint(where, '1')} {code}{fixable} [{finding.rule}] {message}"

    def _write_statistics(self, report: Report) -> None:
        counts = Counter((f.code, f.rule) for f in report.findings)
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            self.stream.write(f"{count:>6}  {code}  {name}\n")

    #: Wanted notes shown, without and with ``--statistics``.
    WANTED_SHOWN = 5
    WANTED_STATISTICS = 20

    def _write_wanted(self, report: Report) -> None:
        """The missing targets most notes point at: on a garden with thousands of broken
        links, the notes worth writing first."""
        wanted = report.wanted
        shown = self.WANTED_STATISTICS if self.statistics else self.WANTED_SHOWN
        for item in wanted[:shown]:
            notes = f"{item.notes} note{'s' if item.notes != 1 else ''}"
            self.stream.write(f"wanted: '{item.target}' \u2190 {notes}\n")
        if len(wanted) > shown:
            more = len(wanted) - shown
            hint = "" if self.statistics else "--statistics shows 20, "
            self.stream.write(
                f"wanted: {more} more missing target{'s' if more != 1 else ''} "
                f"({hint}--format json lists all)\n"
            )

    def _summary(self, report: Report) -> str:
        counts = report.summary()
        files = len({finding.path for finding in report.findings})
        checked = f"{report.files} file{'s' if report.files != 1 else ''} checked"
        fixed = f", {report.fixed} fixed" if report.fixed else ""
        if report.baselined:
            fixed += f", {report.baselined} hidden by the baseline"
        if not report.findings:
            return f"No problems found ({checked}{fixed})."
        parts = [
            f"{counts[level]} {level}{'s' if counts[level] != 1 else ''}"
            for level in ("error", "warning", "info")
            if counts[level]
        ]
        fixable = sum(
            1
            for finding in report.findings
            if finding.fix is not None
            and (rule := report.rules.get(finding.code)) is not None
            and rule.fixable
        )
        hint = f"; {fixable} fixable with --fix" if fixable else ""
        return (
            f"Found {', '.join(parts)} in {files} file{'s' if files != 1 else ''} "
            f"({checked}{fixed}{hint})."
        )
