"""The stable JSON document (version 1) editors and scripts read."""

from __future__ import annotations

import json
from typing import Any

from notelint.model import Finding, Fix
from notelint.reporters import Report, Reporter

JSON_VERSION = 1


class JsonReporter(Reporter):
    """Exactly the document of design §9; nothing else goes to stdout."""

    def write(self, report: Report) -> None:
        json.dump(report_document(report), self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def report_document(report: Report) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "notelint": report.version,
        "root": report.root,
        "files": report.files,
        "flavor": report.flavor,
        "baselined": report.baselined,
        "findings": [finding_document(finding) for finding in report.findings],
        "summary": report.summary(),
        "wanted": [
            {"target": item.target, "notes": item.notes, "links": item.links}
            for item in report.wanted
        ],
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "path": finding.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "suggestion": finding.suggestion,
        "fix": fix_document(finding.fix),
        "subject": finding.subject,
    }


def fix_document(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "line": fix.span.line,
        "column": fix.span.column,
        "end_line": fix.span.end_line,
        "end_column": fix.span.end_column,
        "replacement": fix.replacement,
    }
