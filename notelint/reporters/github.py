"""GitHub Actions workflow commands: each finding becomes an annotation on the PR diff.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=T::message`` — ``warning``
and ``notice`` for the other severities. GitHub reads the command up to the end of the
line, so data must never contain a raw line break: ``%``, CR and LF are percent-encoded
in the message, and property values additionally encode ``:`` and ``,`` (which would
otherwise end the value). Encoding ``%`` first keeps the encoding reversible.
"""

from __future__ import annotations

from notelint.model import Finding, Severity
from notelint.reporters import Report, Reporter

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Encode a message for a workflow command (what follows ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Encode a property value (``file=``, ``title=``...) for a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """One workflow command line for ``finding`` (without the line break)."""
    span = finding.span
    line = max(span.line, 1)
    properties = [("file", finding.path), ("line", str(line))]
    # GitHub honours columns only on one-line regions; elsewhere they would mislead
    if span.end_line <= line:
        properties.append(("col", str(max(span.column, 1))))
        properties.append(("endLine", str(line)))
        properties.append(("endColumn", str(max(span.end_column, span.column, 1))))
    else:
        properties.append(("endLine", str(span.end_line)))
    properties.append(("title", f"{finding.code} {finding.rule}"))
    encoded = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = finding.message
    if finding.suggestion and finding.suggestion not in message:
        message += f" (did you mean {finding.suggestion!r}?)"
    return f"::{_COMMANDS[finding.severity]} {encoded}::{escape_data(message)}"


class GithubReporter(Reporter):
    """One annotation per finding, then a plain summary line for the job log."""

    def write(self, report: Report) -> None:
        for finding in report.findings:
            self.stream.write(annotation(finding) + "\n")
        counts = report.summary()
        parts = ", ".join(
            f"{counts[level]} {level}{'' if counts[level] == 1 else 's'}"
            for level in ("error", "warning", "info")
        )
        files = f"{report.files} file{'' if report.files == 1 else 's'} checked"
        self.stream.write(f"notelint: {parts} ({files})\n")
