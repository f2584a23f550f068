"""Every link form of design §5 in two real fixture vaults, judged by both flavors.

``tests/vaults/quartz-site`` is a Quartz site (``quartz.config.ts`` with
``ignorePatterns: ["private", ...]`` and the ``RemoveDrafts`` filter, notes in
``content/``); ``tests/vaults/obsidian-vault`` holds the same notes as an Obsidian vault
(``.obsidian/app.json`` excluding ``archive/``). ``links.md`` writes one link form per
line; the tables below say what Quartz and Obsidian make of each line, and the tests
check notelint says exactly that, with the flavor detected and with it forced.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notelint.engine import RunRequest, run
from notelint.model import Finding

VAULTS = Path(__file__).resolve().parents[1] / "vaults"
QUARTZ_SITE = VAULTS / "quartz-site"
OBSIDIAN_VAULT = VAULTS / "obsidian-vault"

#: links.md line -> (what the quartz flavor reports, what the obsidian flavor reports);
#: lines not listed resolve in both.
VERDICTS: dict[int, tuple[str | None, str | None]] = {
    6: (None, None),  # [[red fox]]
    7: (None, "NL101"),  # [[red-fox]]: one slug with "red fox" on Quartz; not a name in Obsidian
    8: ("NL106", None),  # [[Red Fox]]: Quartz keeps case (404); Obsidian ignores it
    22: (None, "NL101"),  # [[caf%C3%A9]]: Quartz decodeURIs the target; Obsidian reads it literally
    23: (None, None),  # [[a & b]]: '&' -> '-and-' on both sides
    24: (None, "NL101"),  # [[stack-alias]]: an alias page on Quartz; no file in Obsidian
    25: ("NL101", "NL101"),  # [[man]]: the alias is MAN (Quartz: case; Obsidian: not a file)
    # [[inner]]: folder/inner.md and other/inner.md, none at the root; Obsidian opens the
    # shortest path, other/inner.md
    26: ("NL105", None),
    29: ("NL101", "NL101"),  # [[Nowhere]]
    30: (None, None),  # [[red fox#Use `run`]]: a heading with inline code
    32: ("NL106", None),  # [[Folder/inner]]: the folder is spelled 'folder'
    33: ("NL104", "NL104"),  # [[red fox#den burrow]]: the heading is 'Den & Burrow'
    34: (None, None),  # [[100% done]]: '%' -> '-percent' on both sides
    36: ("NL101", "NL101"),  # [[javascript: the good parts]]: a note name, and no such note
    38: (None, None),  # [[red fox#Den & Burrow#Cubs]]: a heading chain
    39: (None, "NL104"),  # [x](red%20fox.md#den--burrow): a GitHub slug, not Obsidian's text
    43: (None, "NL101"),  # | [[red-fox\|fox]] | in a table cell
}


def expected(
    flavor: str, *, quartz_config: bool, obsidian_config: bool
) -> list[tuple[str, int, str]]:
    """What the flavor reports on a fixture vault with or without its settings files."""
    column = 0 if flavor == "quartz" else 1
    found = [("links.md", line, codes[column]) for line, codes in VERDICTS.items()]
    found = [(path, line, code) for path, line, code in found if code is not None]
    if flavor == "quartz":
        found.append(("links.md", 27, "NL107"))  # [[plan]]: a draft; RemoveDrafts drops it
        if quartz_config:
            found.append(("links.md", 28, "NL101"))  # [[secret]]: private/ is ignorePatterns
        else:
            found.append(("private/secret.md", 6, "NL101"))  # checked when not ignored
        found.append(("archive/old.md", 6, "NL101"))
    else:
        found.append(("private/secret.md", 6, "NL101"))
        if not obsidian_config:
            found.append(("archive/old.md", 6, "NL101"))  # excluded only by app.json
    return sorted(found)


def check(vault: Path, flavor: str | None = None, cwd: Path | None = None) -> list[Finding]:
    config = {"links": {"flavor": flavor}} if flavor else None
    request = RunRequest(
        paths=[str(vault)], config=config, select=["links"], offline=True, use_cache=False,
        cwd=cwd or _root(vault),
    )
    return run(request).findings


def _root(vault: Path) -> Path:
    return vault / "content" if (vault / "content").is_dir() else vault


def brief(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return sorted((f.path, f.span.line, f.code) for f in findings)


def test_the_quartz_site_is_judged_as_quartz() -> None:
    result = run(RunRequest(paths=[str(QUARTZ_SITE)], select=["links"], offline=True,
                            use_cache=False, cwd=QUARTZ_SITE / "content"))
    assert result.report.flavor == "quartz"
    assert brief(result.findings) == expected("quartz", quartz_config=True, obsidian_config=False)


def test_the_obsidian_vault_is_judged_as_obsidian() -> None:
    result = run(RunRequest(paths=[str(OBSIDIAN_VAULT)], select=["links"], offline=True,
                            use_cache=False, cwd=OBSIDIAN_VAULT))
    assert result.report.flavor == "obsidian"
    assert brief(result.findings) == expected("obsidian", quartz_config=False, obsidian_config=True)


def test_the_quartz_site_judged_as_obsidian() -> None:
    found = brief(check(QUARTZ_SITE, "obsidian"))
    assert found == expected("obsidian", quartz_config=False, obsidian_config=False)


def test_the_obsidian_vault_judged_as_quartz() -> None:
    found = brief(check(OBSIDIAN_VAULT, "quartz"))
    assert found == expected("quartz", quartz_config=False, obsidian_config=True)


def test_messages_say_which_publisher_judged() -> None:
    quartz = {f.span.line: f for f in check(QUARTZ_SITE) if f.path == "links.md"}
    obsidian = {f.span.line: f for f in check(OBSIDIAN_VAULT) if f.path == "links.md"}
    assert "404s on the site" in quartz[8].message
    assert "Quartz" in quartz[26].message and "Obsidian" not in quartz[26].message
    assert obsidian[24].suggestion == "Stack|stack-alias"
    assert quartz[25].suggestion == "MAN"
    assert "leaves out of the site (ignorePatterns)" in quartz[28].message
    assert "RemoveDrafts" in quartz[27].message
    assert "the folder is spelled 'folder'" in quartz[32].message
    assert all("Quartz" not in f.message for f in obsidian.values())


@pytest.mark.parametrize("vault", [QUARTZ_SITE, OBSIDIAN_VAULT], ids=["quartz", "obsidian"])
def test_fix_on_a_copy_rewrites_only_broken_links_and_they_then_resolve(
    tmp_path: Path, vault: Path
) -> None:
    copy = tmp_path / vault.name
    shutil.copytree(vault, copy)
    root = _root(copy)
    before = check(copy)
    fixable = {(f.path, f.span.line) for f in before if f.fix is not None}
    assert fixable, "the fixture has fixable findings"
    texts = {p: p.read_text() for p in root.rglob("*.md")}
    result = run(RunRequest(paths=[str(copy)], select=["links"], offline=True,
                            use_cache=False, fix=True, cwd=root))
    assert result.fixed == len([f for f in before if f.fix is not None])
    after = check(copy)
    # nothing new, and every line a fix touched is clean now
    assert set(brief(after)) <= set(brief(before))
    assert not {(f.path, f.span.line) for f in after} & fixable
    # only the lines with a fixable finding changed: no working link was rewritten
    for path, old in texts.items():
        rel = path.relative_to(root).as_posix()
        new_lines, old_lines = path.read_text().splitlines(), old.splitlines()
        assert len(new_lines) == len(old_lines)
        pairs = enumerate(zip(old_lines, new_lines, strict=True), start=1)
        changed = {number for number, (a, b) in pairs if a != b}
        assert changed <= {line for p, line in fixable if p == rel}
    assert check(copy) == after  # a second --fix has nothing left to do
