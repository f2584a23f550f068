"""The text reporter: ruff-like lines, a summary, statistics, colour only when asked."""

from __future__ import annotations

import io

from notelint.model import Finding, Fix, Severity, Span
from notelint.reporters import Report
from notelint.reporters.text import TextReporter
from notelint.rule import Rule


class Fixable(Rule):
    code, name, family, summary = "XX001", "fixable-rule", "xx", "s"
    fixable = True


class Plain(Rule):
    code, name, family, summary = "XX002", "plain-rule", "xx", "s"


def finding(path: str, line: int, code: str, severity: Severity, *, fix: bool = False,
            message: str = "something is wrong") -> Finding:
    name = {"XX001": "fixable-rule", "XX002": "plain-rule"}[code]
    return Finding(path, Span(line, 3, line, 9), code, name, severity, message,
                   fix=Fix(Span(line, 3, line, 9), "new") if fix else None)


RULES = {"XX001": Fixable, "XX002": Plain}


def render(report: Report, *, color: bool = False, statistics: bool = False) -> str:
    stream = io.StringIO()
    TextReporter(stream, color=color, statistics=statistics).write(report)
    return stream.getvalue()


def test_one_line_per_finding_then_a_summary() -> None:
    findings = [
        finding("a.md", 2, "XX001", Severity.ERROR, fix=True),
        finding("a.md", 5, "XX002", Severity.WARNING, message="two\nlines"),
        finding("b/c.md", 1, "XX002", Severity.INFO),
    ]
    text = render(Report(findings, root=".", files=7, rules=RULES))
    assert text.splitlines() == [
        "a.md:2:3: XX001 [*] [fixable-rule] something is wrong",
        "a.md:5:3: XX002 [plain-rule] two lines",
        "b/c.md:1:3: XX002 [plain-rule] something is wrong",
        "Found 1 error, 1 warning, 1 info in 2 files (7 files checked; 1 fixable with --fix).",
    ]


def test_fix_marker_needs_a_fixable_rule_and_a_fix() -> None:
    findings = [finding("a.md", 1, "XX002", Severity.ERROR, fix=True),
                finding("a.md", 2, "XX001", Severity.ERROR)]
    text = render(Report(findings, root=".", files=1, rules=RULES))
    assert "[*]" not in text and "fixable with --fix" not in text
    assert text.splitlines()[-1] == "Found 2 errors in 1 file (1 file checked)."


def test_nothing_found() -> None:
    assert render(Report([], root=".", files=1)) == "No problems found (1 file checked).\n"
    assert render(Report([], root=".", files=0, fixed=3)) == (
        "No problems found (0 files checked, 3 fixed).\n"
    )


def test_fixed_count_in_the_summary() -> None:
    report = Report([finding("a.md", 1, "XX002", Severity.WARNING)], ".", 2, RULES, fixed=1)
    assert render(report).endswith("(2 files checked, 1 fixed).\n")


def test_statistics_sorted_by_count_then_code() -> None:
    findings = [
        finding("a.md", 1, "XX002", Severity.ERROR),
        finding("a.md", 2, "XX001", Severity.ERROR),
        finding("b.md", 1, "XX002", Severity.ERROR),
    ]
    text = render(Report(findings, root=".", files=2, rules=RULES), statistics=True)
    assert text.splitlines()[3:5] == ["     2  XX002  plain-rule", "     1  XX001  fixable-rule"]
    assert "XX00" not in render(Report([], ".", 0), statistics=True)


def test_colour() -> None:
    findings = [finding("a.md", 1, "XX001", Severity.ERROR),
                finding("a.md", 2, "XX001", Severity.WARNING),
                finding("a.md", 3, "XX001", Severity.INFO)]
    text = render(Report(findings, root=".", files=1, rules=RULES), color=True)
    first, second, third = text.splitlines()[:3]
    assert first == "\x1b[1ma.md:1:3:\x1b[0m \x1b[31mXX001\x1b[0m [fixable-rule] something is wrong"
    assert "\x1b[33mXX001" in second and "\x1b[36mXX001" in third
    assert "\x1b[" not in render(Report(findings, root=".", files=1, rules=RULES))
