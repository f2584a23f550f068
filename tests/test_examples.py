"""examples/garden holds a deliberate instance of every rule: this pins what it reports.

External URLs are never requested in tests; their rules (NL401–NL403) are exercised
against a local server in tests/rules/test_urls.py.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import jsonschema

from notelint.cli import main
from notelint.engine import RunRequest, run

PROJECT = Path(__file__).resolve().parents[1]
GARDEN = PROJECT / "examples" / "garden"
SCHEMA = PROJECT / "notelint" / "schema" / "report-v1.json"

EXPECTED = [
    "about me.md:3:14: NL205",  # 'Journal' here, 'journal' elsewhere
    "bad-yaml.md:2:13: NL202",  # title: Notes: part 2
    "broken-encoding.md:4:6: NL001",  # Latin-1 'é'
    "index.md:18:3: NL101",  # [[Seed ideas]]
    "index.md:19:3: NL103",  # ![[images/sedling.png]]
    "index.md:20:6: NL105",  # [[ideas]]: archive/ and projects/
    "index.md:21:5: NL107",  # [[drafts/half baked]] is a draft
    "index.md:22:3: NL106",  # [[About Me]] vs 'about me.md'
    "index.md:23:7: NL104",  # [[reading list#Fiction]]
    "journal/2024 journal.md:4:11: NL307",  # modified: 2024-01-01
    "journal/2024 journal.md:9:5: NL306",  # ### 2999-01-01
    "journal/2024 journal.md:15:23: NL501",  # conection
    "journal/2024 journal.md:21:5: NL303",  # 2024-03-15 after 2024-03-05
    "journal/2024 journal.md:25:5: NL302",  # 2024/02/26
    "journal/2024 journal.md:33:5: NL304",  # 2024-02-24 twice
    "journal/2024 journal.md:37:6: NL305",  # #### among ###
    "journal/2024 journal.md:41:5: NL301",  # 2024-02-30
    "journal/reading log.md:4:10: NL307",  # updated: 2024-03-01
    "journal/reading log.md:11:4: NL302",  # March 8, 2024
    "journal/reading log.md:15:4: NL302",  # 2024-3-2
    "projects/notelint.md:8:31: NL102",  # [the changelog](changelog.md)
    "reading list.md:4:7: NL206",  # date: 2024-13-45
    "reading list.md:11:24: NL501",  # techncial
    "reading list.md:12:3: NL104",  # [[about me#Contacts]]
    "reading list.md:12:32: NL501",  # adress
    "scratch.md:1:1: NL201",  # no frontmatter
    "tag-mess.md:4:5: NL204",  # - #journal
    "tag-mess.md:5:5: NL204",  # reading notes
    "untagged.md:1:1: NL203",  # title only
]

NETWORK_RULES = {"NL401", "NL402", "NL403"}


def _findings() -> list[str]:
    result = run(
        RunRequest(
            paths=[str(GARDEN)],
            root=GARDEN,
            offline=True,
            use_cache=False,
            cwd=GARDEN,
            today=date(2025, 1, 1),
        )
    )
    assert result.exit_code == 1 and result.messages == []
    return [f"{f.path}:{f.span.line}:{f.span.column}: {f.code}" for f in result.findings]


def test_example_garden_reports_exactly_its_deliberate_mistakes() -> None:
    assert _findings() == EXPECTED


def test_example_garden_covers_every_offline_rule() -> None:
    from notelint.plugins import load_plugins

    codes = {rule.code for rule in load_plugins().rules() if rule.enabled_by_default}
    found = {line.rsplit(" ", 1)[1] for line in EXPECTED}
    assert codes - NETWORK_RULES <= found


def test_json_output_validates_against_the_schema() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--offline", "--no-cache", "--format", "json", str(GARDEN)])
    assert code == 1
    document = json.loads(out.getvalue())
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert document["files"] == len(list(GARDEN.rglob("*.md")))
    assert document["summary"]["error"] >= 1
