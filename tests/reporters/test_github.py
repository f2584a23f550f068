"""GitHub Actions workflow commands: one annotation per finding, escaped as GitHub reads them.

``parse_command`` below reads a line the way the Actions runner does (command name,
``key=value`` properties split at ``,``, data after the second ``::``, then percent
decoding), so the tests check the round trip rather than a fixed spelling.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from notelint.model import Finding, Severity, Span
from notelint.reporters import Report
from notelint.reporters.github import GithubReporter, annotation, escape_data, escape_property
from notelint.testing import write_vault

REPO = Path(__file__).resolve().parents[2]


def unescape(text: str, *, property_value: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for encoded, plain in pairs:
        text = text.replace(encoded, plain)
    return text.replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    head, separator, data = line[2:].partition("::")
    assert separator
    command, _, properties = head.partition(" ")
    parsed: dict[str, str] = {}
    for item in properties.split(","):
        key, equals, value = item.partition("=")
        assert equals, f"property without '=': {item!r}"
        parsed[key] = unescape(value, property_value=True)
    return command, parsed, unescape(data, property_value=False)


def test_escaping_follows_the_runner() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    assert escape_data("%0A") == "%250A"  # an already-encoded look-alike stays literal


def test_annotation_round_trips_non_ascii_paths_and_newlines() -> None:
    finding = Finding(
        "notes/café, 東京: draft.md", Span(3, 5, 3, 16), "NL101", "broken-wikilink",
        Severity.ERROR, "[[x]] points to nothing\n::error file=evil.md::injected 100%",
    )
    line = annotation(finding)
    command, properties, message = parse_command(line)
    assert command == "error"
    assert properties == {
        "file": "notes/café, 東京: draft.md", "line": "3", "col": "5", "endLine": "3",
        "endColumn": "16", "title": "NL101 broken-wikilink",
    }
    assert message == finding.message
    # one line: the runner reads commands per line, so the message cannot start another
    assert "\n" not in line and "%0A::error file=evil.md::" in line


def test_levels_multiline_spans_and_suggestions() -> None:
    findings = [
        Finding("a.md", Span(2, 3, 4, 1), "NL202", "invalid-frontmatter", Severity.WARNING,
                "bad YAML"),
        Finding("a.md", Span(7, 1, 7, 9), "NL403", "redirected-url", Severity.INFO,
                "moved", suggestion="https://new.example/"),
        Finding("b.md", Span(0, 0, 0, 0), "NL001", "unreadable-file", Severity.ERROR, "bin"),
    ]
    stream = io.StringIO()
    GithubReporter(stream).write(Report(findings=findings, root=".", files=2))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4
    warning, notice, error = (parse_command(line) for line in lines[:3])
    # columns only on one-line regions, as GitHub shows them
    assert warning[0] == "warning" and warning[1] == {
        "file": "a.md", "line": "2", "endLine": "4", "title": "NL202 invalid-frontmatter"}
    assert notice[0] == "notice"
    assert notice[2] == "moved (did you mean 'https://new.example/'?)"
    assert error[1]["line"] == "1" and error[1]["col"] == "1"
    assert lines[3] == "notelint: 1 error, 1 warning, 1 info (2 files checked)"


def test_cli_github_format(tmp_path: Path) -> None:
    write_vault(tmp_path, {"dossier été/ünï, 1.md": "---\ntags: [a]\n---\nSee [[nowhere]]\n"})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "rules")]))
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--format", "github", "--offline",
         "--no-cache", "."],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    commands = [parse_command(line) for line in done.stdout.splitlines() if line.startswith("::")]
    assert [(c[0], c[1]["title"]) for c in commands] == [("error", "NL101 broken-wikilink")]
    assert commands[0][1]["file"] == "dossier été/ünï, 1.md"
    assert commands[0][1]["line"] == "4" and commands[0][1]["col"] == "5"
    assert done.stdout.splitlines()[-1].startswith("notelint: 1 error")
