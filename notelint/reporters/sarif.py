"""SARIF 2.1.0 output, the format code-scanning services (GitHub, Azure DevOps) ingest.

One run, one tool driver describing every rule notelint knows (so a viewer can show a
rule's documentation even for rules that found nothing), and one result per finding with
its exact region and, when notelint knows how to repair it, a ``fixes`` entry.

Columns: notelint counts Unicode code points; SARIF's default is UTF-16 code units, so the
run declares ``columnKind: unicodeCodePoints`` instead of converting (the numbers stay the
ones every other notelint output shows).
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notelint.model import Finding, Fix, Severity, Span
from notelint.reporters import Report, Reporter

if TYPE_CHECKING:
    from notelint.rule import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Where a rule's page lives; ``{name}`` is the rule name. Override with the environment
#: variable below, e.g. to point at a fork's docs or a pinned tag.
DOCS_URL_TEMPLATE = "https://github.com/notelint/notelint/blob/main/docs/rules/{name}.md"
DOCS_URL_ENV = "NOTELINT_DOCS_URL"
INFORMATION_URI = "https://github.com/notelint/notelint"
#: The base every artifact URI is relative to: the directory notelint ran in.
SRCROOT = "%SRCROOT%"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_level(severity: Severity) -> str:
    """SARIF's name for a severity (``info`` is ``note`` there)."""
    return _LEVELS[severity]


def docs_url(rule_name: str, template: str | None = None) -> str:
    """The help URI of a rule, from ``template`` or ``$NOTELINT_DOCS_URL`` or the default."""
    chosen = template or os.environ.get(DOCS_URL_ENV) or DOCS_URL_TEMPLATE
    return chosen.replace("{name}", urllib.parse.quote(rule_name))


def artifact_uri(path: str) -> str:
    """A display path (``/``-separated, relative) as a relative URI reference.

    Spaces, ``#``, ``%`` and non-ASCII characters are percent-encoded (UTF-8), as RFC 3986
    requires; ``/`` and ``..`` stay, so the reference still resolves against the base.
    """
    return urllib.parse.quote(path, safe="/-._~!$&'()*+,;=@")


class SarifReporter(Reporter):
    """Writes one SARIF log; nothing else goes to stdout."""

    def write(self, report: Report) -> None:
        json.dump(sarif_document(report), self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def sarif_document(
    report: Report, *, docs_template: str | None = None, base: Path | None = None
) -> dict[str, Any]:
    """The SARIF log of ``report``; ``base`` is the folder paths are relative to."""
    rules = dict(report.rules)
    descriptors = _descriptors(rules, report.findings, docs_template)
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    base_uri = (base or Path.cwd()).resolve().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "notelint",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": base_uri}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index[finding.code]) for finding in report.findings],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _descriptors(
    rules: Mapping[str, type[Rule]], findings: Sequence[Finding], docs_template: str | None
) -> list[dict[str, Any]]:
    """Every known rule, by code, plus a bare entry for any code no rule claims."""
    descriptors = [_descriptor(rules[code], docs_template) for code in sorted(rules)]
    unknown = sorted({finding.code for finding in findings} - set(rules))
    for finding_code in unknown:
        finding = next(f for f in findings if f.code == finding_code)
        descriptors.append(
            {
                "id": finding.code,
                "name": finding.rule,
                "shortDescription": {"text": finding.rule},
                "defaultConfiguration": {"level": sarif_level(finding.severity)},
            }
        )
    return descriptors


def _descriptor(rule: type[Rule], docs_template: str | None) -> dict[str, Any]:
    doc = rule.doc()
    first_paragraph = doc.split("\n\n", 1)[0].replace("\n", " ").strip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph or rule.summary},
        "help": {"text": doc, "markdown": doc},
        "helpUri": docs_url(rule.name, docs_template),
        "defaultConfiguration": {
            "enabled": bool(rule.enabled_by_default),
            "level": sarif_level(rule.severity),
        },
        "properties": {"tags": [rule.family], "fixable": bool(rule.fixable)},
    }


def _region(span: Span) -> dict[str, int]:
    """SARIF regions are 1-based like notelint's; clamp the odd 0 a file-level finding
    might carry, since the schema requires at least 1."""
    line = max(span.line, 1)
    end_line = max(span.end_line, line)
    column = max(span.column, 1)
    end_column = max(span.end_column, 1)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line,
            "endColumn": end_column}


def _location(path: str) -> dict[str, str]:
    return {"uri": artifact_uri(path), "uriBaseId": SRCROOT}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.severity),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(finding.path),
                    "region": _region(finding.span),
                }
            }
        ],
    }
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.path, finding.fix)]
    if finding.suggestion is not None:
        result["properties"] = {"suggestion": finding.suggestion}
    return result


def _fix(path: str, fix: Fix) -> dict[str, Any]:
    description = (
        f"Replace with {fix.replacement!r}" if fix.replacement else "Delete the text"
    )
    return {
        "description": {"text": description},
        "artifactChanges": [
            {
                "artifactLocation": _location(path),
                "replacements": [
                    {
                        "deletedRegion": _region(fix.span),
                        "insertedContent": {"text": fix.replacement},
                    }
                ],
            }
        ],
    }
