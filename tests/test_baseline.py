"""Baselines, through the command line and the language server over stdio: known
findings are hidden by note, rule and subject (not line), counted, and rewritten."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

from notelint.baseline import load_baseline
from notelint.cli import main
from notelint.testing import write_vault

FM = "---\ntags: [a]\n---\n"
VAULT = {
    "a.md": FM + "See [[gone]] and [[gone]].\n",
    "b.md": "---\ntags: [reading notes]\n---\nSee [[elsewhere]].\n",  # NL204 and NL101
    "c.md": FM + "Fine.\n",
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_vault(tmp_path, {**VAULT, "notelint.toml": 'select = ["links", "frontmatter"]\n'})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_baseline_file_is_sorted_counted_and_stable(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "baseline")
    assert code == 0 and "wrote 4 findings (3 entries) to notelint-baseline.json" in err
    text = (vault / "notelint-baseline.json").read_text()
    data = json.loads(text)
    assert data["version"] == 1
    assert [(e["path"], e["code"], e["subject"], e["count"]) for e in data["findings"]] == [
        ("a.md", "NL101", "gone", 2),  # the rules' own subjects: the link target, the tag
        ("b.md", "NL101", "elsewhere", 1),
        ("b.md", "NL204", "reading notes", 1),
    ]
    assert len(text.splitlines()) == 8  # one entry per line: a fix is a one-line diff
    cli(capsys, "baseline")
    assert (vault / "notelint-baseline.json").read_text() == text  # same run, same bytes


def test_check_reports_only_new_findings_and_says_how_many_were_hidden(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "baseline")
    code, out, _ = cli(capsys, "check", "--baseline", "notelint-baseline.json")
    assert code == 0 and out == "No problems found (3 files checked, 4 hidden by the baseline).\n"

    # lines move (an edit above), and a third [[gone]] arrives: only that one is new
    (vault / "a.md").write_text(FM + "New intro.\n\nSee [[gone]] and [[gone]].\n[[gone]]\n")
    code, out, _ = cli(capsys, "check", "--baseline", "notelint-baseline.json", "--format",
                       "json")
    report = json.loads(out)
    assert code == 1 and report["baselined"] == 4
    assert [(f["path"], f["line"], f["code"]) for f in report["findings"]] == [
        ("a.md", 7, "NL101")]


def test_the_config_key_applies_it_to_every_format(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "baseline", "--output", "known.json")
    (vault / "notelint.toml").write_text(
        'select = ["links", "frontmatter"]\nbaseline = "known.json"\n')
    (vault / "c.md").write_text(FM + "[[new-gap]]\n")
    for fmt in ("text", "json", "sarif", "github"):
        code, out, _ = cli(capsys, "check", "--format", fmt)
        assert code == 1, fmt
        if fmt == "sarif":
            results = json.loads(out)["runs"][0]["results"]
            out = " ".join(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                           for r in results)
        assert "c.md" in out and "b.md" not in out and "a.md" not in out, fmt


def test_rewriting_drops_what_was_fixed_and_keeps_notes_not_checked(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "baseline")
    (vault / "b.md").write_text("---\ntags: [reading-notes]\n---\nSee [[elsewhere]].\n")
    (vault / "a.md").write_text(FM + "See [[gone]].\n")
    code, _, _ = cli(capsys, "baseline", "a.md")  # only a.md: b.md's entries stay as they were
    entries = load_baseline(vault / "notelint-baseline.json").entries
    assert code == 0 and sum(entries.values()) == 3
    assert next(key for key in entries if key[0] == "a.md")[1] == "NL101"
    assert entries[next(k for k in entries if k[0] == "a.md")] == 1  # one [[gone]] fixed
    cli(capsys, "baseline")  # the whole vault: b.md's fixed tag goes away
    entries = load_baseline(vault / "notelint-baseline.json").entries
    assert sorted((path, code) for path, code, _ in entries) == [
        ("a.md", "NL101"), ("b.md", "NL101")]


def test_subjects_of_frontmatter_and_dates_findings_survive_other_edits(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(vault, {
        "notelint.toml": 'select = ["frontmatter", "dates"]\n'
                         '[frontmatter]\nrequired = ["tags", "title"]\n',
        "j.md": "---\ntags: [x]\ndate: someday\n---\n### 2024-02-30\n",
    })
    cli(capsys, "baseline", "j.md")
    subjects = {key[1]: key[2] for key in load_baseline(vault / "notelint-baseline.json").entries}
    assert subjects["NL206"] == "title" and subjects["NL301"] == "2024-02-30"
    (vault / "j.md").write_text("---\ntags: [x]\ndate: someday\n---\nIntro.\n\n### 2024-02-30\n")
    code, out, _ = cli(capsys, "check", "--baseline", "notelint-baseline.json", "j.md")
    assert code == 0 and "hidden by the baseline" in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{", "the baseline is not valid JSON"),
        ('{"version": 9, "findings": []}', "not a notelint baseline"),
        ('{"version": 1, "findings": [{"path": "a.md", "code": 3, "subject": ""}]}',
         "entry 1: 'code' must be a string"),
    ],
)
def test_a_bad_baseline_is_a_usage_error_naming_the_file(
    vault: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    (vault / "bad.json").write_text(text)
    code, _out, err = cli(capsys, "check", "--baseline", "bad.json")
    assert code == 2 and said in err and "bad.json" in err


def test_a_missing_baseline_says_how_to_write_one(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "check", "--baseline", "nope.json")
    assert code == 2 and "write it with 'notelint baseline'" in err


def test_the_language_server_hides_baselined_findings(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pygls")
    sys.path.insert(0, str(Path(__file__).parent))
    from test_server import start_server, uri_of

    cli(capsys, "baseline")
    config = vault / "notelint.toml"
    config.write_text(config.read_text() + 'baseline = "notelint-baseline.json"\n')
    assert tomllib.loads(config.read_text())["baseline"]
    client = start_server(vault, "--debounce", "10")
    try:
        client.initialize(vault)
        note = vault / "a.md"
        text = FM + "Intro.\nSee [[gone]] and [[gone]].\n[[gone]] [[else]]\n"
        uri = uri_of(note)
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        diagnostics = client.diagnostics(uri)
        assert [(d["code"], d["range"]["start"]["line"]) for d in diagnostics] == [
            ("NL101", 5), ("NL101", 5)]  # the third [[gone]] and [[else]]
    finally:
        client.close()


def test_a_finding_without_subject_matches_by_its_message_without_numbers() -> None:
    from notelint.baseline import subject_of
    from notelint.model import Finding, Severity, Span

    finding = Finding("a.md", Span.point(3), "XT001", "no-todo", Severity.WARNING,
                      "TODO left at line 3 (2 of 5)")
    assert subject_of(finding) == "TODO left at line # (# of #)"


def test_a_baseline_write_killed_midway_leaves_a_temp_file_the_next_run_removes(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL while the baseline is being written: the old file stays whole, and the
    temporary file left beside it carries notelint's temp-file name, so the next run
    recognises it (its process is gone) and removes it."""
    import os
    import signal
    import subprocess
    import time

    from notelint.fix import TEMP_NAME

    target = vault / "notelint-baseline.json"
    target.write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(repo), str(repo / "rules")]))
    script = ("import sys; from pathlib import Path; from notelint.baseline import "
              "write_text_atomically as w; w(Path(sys.argv[1]), 'x' * 64_000_000)")
    left: list[str] = []
    for _attempt in range(10):  # the write may finish before the kill lands: try again
        child = subprocess.Popen([sys.executable, "-c", script, str(target)], env=env)
        while child.poll() is None and not left:
            left = [name for name in os.listdir(vault) if name.startswith(".notelint-base")]
            time.sleep(0.0005)
        if left:
            child.send_signal(signal.SIGKILL)
        child.wait()
        left = [name for name in os.listdir(vault) if name.startswith(".notelint-base")]
        if left:
            break
        target.write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    assert left, "the write always finished before the kill"
    assert all(TEMP_NAME.match(name) for name in left), left
    assert target.read_text(encoding="utf-8") == '{"version": 1, "findings": []}\n'
    cli(capsys, "check", "--offline", ".")
    assert [name for name in os.listdir(vault) if name.startswith(".notelint-base")] == []
