"""Wanted notes: missing link targets ranked by the notes pointing at them, derived from
the findings of rules that declare they report a missing target (no rule named here)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from notelint.engine import RunRequest, run
from notelint.reporters import Report, Wanted
from notelint.reporters.json import JsonReporter
from notelint.reporters.text import TextReporter
from notelint.testing import write_vault

VAULT = {
    "a.md": "[[Kropotkin]] [[kropotkin]] [[bakunin]] ![[map.png]]\n",
    "b.md": "[[kropotkin.md]] [x](missing/page.md)\n",
    "c.md": "[[kropotkin|Peter]] [[bakunin#Life]] `[[in code]]`\n",
    "d.md": "<!-- notelint-disable-next-line -->\n[[silenced]]\n",
    "e.md": "[[present]] [[present#Nowhere]]\n",
    "present.md": "# Here\n",
}


def report(tmp_path: Path, ignore: tuple[str, ...] = ()) -> Report:
    write_vault(tmp_path, VAULT)
    request = RunRequest(paths=[str(tmp_path)], root=tmp_path, config={}, cwd=tmp_path,
                         offline=True, use_cache=False, ignore=ignore)
    return run(request).report


def test_ranked_by_linking_notes_case_and_md_ignored(tmp_path: Path) -> None:
    wanted = report(tmp_path).wanted
    assert wanted == (
        Wanted("kropotkin", notes=3, links=4),
        Wanted("bakunin", notes=2, links=2),
        Wanted("map.png", notes=1, links=1),
        Wanted("missing/page.md", notes=1, links=1),
    )


def test_only_reported_findings_count(tmp_path: Path) -> None:
    # an ignored rule reports nothing, so it wants nothing
    assert [w.target for w in report(tmp_path, ignore=("NL103",)).wanted] == [
        "kropotkin", "bakunin", "missing/page.md"
    ]


def test_text_lists_them_before_the_summary(tmp_path: Path) -> None:
    stream = io.StringIO()
    TextReporter(stream).write(report(tmp_path))
    lines = stream.getvalue().splitlines()
    assert lines[-5:-1] == [
        "wanted: 'kropotkin' \u2190 3 notes",
        "wanted: 'bakunin' \u2190 2 notes",
        "wanted: 'map.png' \u2190 1 note",
        "wanted: 'missing/page.md' \u2190 1 note",
    ]


def test_text_shows_five_then_statistics_twenty(tmp_path: Path) -> None:
    write_vault(tmp_path, {f"n{i}.md": f"[[gone {i}]]\n" for i in range(30)})
    full = report(tmp_path)
    assert len(full.wanted) == 34
    for statistics, shown in ((False, 5), (True, 20)):
        stream = io.StringIO()
        TextReporter(stream, statistics=statistics).write(full)
        lines = [line for line in stream.getvalue().splitlines() if line.startswith("wanted:")]
        assert len(lines) == shown + 1
        assert lines[-1].startswith(f"wanted: {34 - shown} more missing targets")


def test_json_array(tmp_path: Path) -> None:
    stream = io.StringIO()
    JsonReporter(stream).write(report(tmp_path))
    document = json.loads(stream.getvalue())
    assert document["wanted"][:2] == [
        {"target": "kropotkin", "notes": 3, "links": 4},
        {"target": "bakunin", "notes": 2, "links": 2},
    ]
