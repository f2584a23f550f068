"""The JSON reporter: exactly the version-1 document of design §9, valid against the schema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from notelint import __version__
from notelint.model import Finding, Fix, Severity, Span
from notelint.reporters import Report
from notelint.reporters.json import JsonReporter
from notelint.testing import lint

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "notelint" / "schema" / "report-v1.json").read_text()
)


def render(report: Report) -> dict[str, Any]:
    stream = io.StringIO()
    JsonReporter(stream).write(report)
    text = stream.getvalue()
    assert text.endswith("}\n")
    document: dict[str, Any] = json.loads(text)
    jsonschema.validate(document, SCHEMA)
    return document


def test_exact_document() -> None:
    findings = [
        Finding("content/features/popover previews.md", Span(12, 3, 12, 40), "NL103",
                "broken-image", Severity.ERROR, "missing “image”", "quartz-layout.png",
                Fix(Span(12, 6, 12, 23), "quartz-layout.png"), "quartz layout.png"),
        Finding("content/z.md", Span(1, 1, 1, 1), "NL204", "tag-format", Severity.WARNING, "m"),
    ]
    from notelint_rules.frontmatter import RULES as FRONTMATTER
    from notelint_rules.links import BrokenImage

    rules = {"NL103": BrokenImage, **{rule.code: rule for rule in FRONTMATTER}}
    document = render(Report(findings, root="content", files=76, rules=rules, flavor="quartz"))
    assert document == {
        "version": 1,
        "notelint": __version__,
        "root": "content",
        "flavor": "quartz",
        "files": 76,
        "baselined": 0,
        "findings": [
            {"path": "content/features/popover previews.md", "line": 12, "column": 3,
             "end_line": 12, "end_column": 40, "code": "NL103", "rule": "broken-image",
             "severity": "error", "message": "missing “image”",
             "suggestion": "quartz-layout.png",
             "fix": {"line": 12, "column": 6, "end_line": 12, "end_column": 23,
                     "replacement": "quartz-layout.png"},
             "subject": "quartz layout.png"},
            {"path": "content/z.md", "line": 1, "column": 1, "end_line": 1, "end_column": 1,
             "code": "NL204", "rule": "tag-format", "severity": "warning", "message": "m",
             "suggestion": None, "fix": None, "subject": None},
        ],
        "summary": {"error": 1, "warning": 1, "info": 0},
        "wanted": [{"target": "quartz layout.png", "notes": 1, "links": 1}],
    }


def test_empty_report() -> None:
    document = render(Report([], root=".", files=0))
    assert document["findings"] == [] and document["summary"] == {
        "error": 0, "warning": 0, "info": 0}


def test_unicode_is_written_as_is() -> None:
    finding = Finding("日本.md", Span(1, 1, 1, 2), "NL101", "broken-wikilink", Severity.ERROR, "é")
    stream = io.StringIO()
    JsonReporter(stream).write(Report([finding], ".", 1))
    assert "日本.md" in stream.getvalue() and "\\u" not in stream.getvalue()


def test_schema_rejects_what_the_contract_forbids() -> None:
    document = render(Report([], root=".", files=0))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "extra": 1}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "version": 2}, SCHEMA)


def test_findings_from_a_real_run_are_sorted_by_path_line_column_code(tmp_path: Path) -> None:
    files = {
        "b.md": "x [[gone]] [[gone2]]\n",
        "a.md": "---\ntags: [a b, Idea]\n---\n[[gone]]\n",
        "c.md": "---\ntags: [idea]\n---\n",
        "d.md": "---\ntags: [idea]\n---\n",
    }
    result = lint(tmp_path, files, select=["NL101", "NL201", "NL204", "NL205"])
    keys = [(f.path, f.span.line, f.span.column, f.code) for f in result.findings]
    assert keys == sorted(keys)
    assert keys == [
        ("a.md", 2, 8, "NL204"), ("a.md", 2, 13, "NL205"), ("a.md", 4, 1, "NL101"),
        ("b.md", 1, 1, "NL201"), ("b.md", 1, 3, "NL101"), ("b.md", 1, 12, "NL101"),
    ]


def test_the_flavor_comes_from_the_vault(tmp_path: Path) -> None:
    """An Obsidian vault is judged as Obsidian; the document says so."""
    from notelint.engine import RunRequest, run

    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "a.md").write_text("[[A]]\n")
    result = run(RunRequest(paths=[str(tmp_path)], offline=True, use_cache=False, cwd=tmp_path))
    document = render(result.report)
    assert document["flavor"] == "obsidian"
    assert document["findings"] == [] or all(f["code"] != "NL106" for f in document["findings"])
