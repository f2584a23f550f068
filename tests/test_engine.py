"""The engine: root finding, reported paths, per-file ignores, severities, exit codes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notelint import hookimpl
from notelint.engine import RunRequest, run
from notelint.model import Finding, Note, Severity, Span
from notelint.rule import Rule, RuleContext
from notelint.testing import lint, write_vault

FM = "---\ntags: [a]\n---\n"


def request(cwd: Path, *paths: str, **kwargs: object) -> RunRequest:
    return RunRequest(paths=list(paths), cwd=cwd, offline=True, use_cache=False,
                      select=kwargs.pop("select", ["NL201"]), **kwargs)  # type: ignore[arg-type]


# -- the root ------------------------------------------------------------------------------


def test_root_is_the_given_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {"v/a.md": "x", "v/sub/b.md": "x"})
    result = run(request(tmp_path, "v/sub"))
    assert result.report.root == "v/sub"
    assert [f.path for f in result.findings] == ["v/sub/b.md"]


def test_root_of_a_file_is_the_obsidian_vault_above_it(tmp_path: Path) -> None:
    write_vault(tmp_path, {"vault/.obsidian/app.json": "{}", "vault/d/n.md": "[[top]]\n",
                           "vault/top.md": FM})
    result = run(request(tmp_path, "vault/d/n.md", select=["NL101"]))
    assert result.report.root == "vault"
    assert result.findings == [] and result.exit_code == 0


def test_root_of_a_quartz_site_is_its_content_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {"site/quartz.config.ts": "", "site/content/a/n.md": "x",
                           "site/README.md": "x"})
    result = run(request(tmp_path, "site/content/a/n.md"))
    assert result.report.root == "site/content"


def test_root_from_the_config_file_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {"proj/notelint.toml": "", "proj/notes/n.md": "x"})
    assert run(request(tmp_path, "proj/notes/n.md")).report.root == "proj"


def test_root_from_the_git_work_tree(tmp_path: Path) -> None:
    write_vault(tmp_path, {"repo/.git/HEAD": "x", "repo/a/n.md": "x"})
    assert run(request(tmp_path, "repo/a/n.md")).report.root == "repo"


def test_root_falls_back_to_the_file_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {"lone/n.md": "x"})
    assert run(request(tmp_path, "lone/n.md")).report.root == "lone"


def test_explicit_root_wins(tmp_path: Path) -> None:
    write_vault(tmp_path, {"v/.obsidian/x": "", "v/a/n.md": "x"})
    result = run(request(tmp_path, "v/a/n.md", root=tmp_path / "v" / "a"))
    assert result.report.root == "v/a"


# -- what is reported ----------------------------------------------------------------------


def test_a_path_named_twice_is_reported_once(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "x"})
    result = run(request(tmp_path, "a.md", "a.md", ".", root=tmp_path))
    assert [f.path for f in result.findings] == ["a.md"]
    assert result.report.files == 1


def test_files_counts_notes_and_unreadable_files_reported(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": FM, "b.md": FM, "bin.md": b"\x00", "c.png": b"x"})
    result = run(request(tmp_path, ".", select=["NL001"]))
    assert result.report.files == 3 and [f.code for f in result.findings] == ["NL001"]


def test_an_empty_vault_is_a_usage_error(tmp_path: Path) -> None:
    """A folder with no note under it is a mistyped path more often than a vault: a CI
    job checking it must not pass."""
    result = run(request(tmp_path, "."))
    assert result.exit_code == 2 and result.findings == []
    assert "no notes in this folder" in result.messages[-1]


# -- per-file ignores and severities -------------------------------------------------------


def test_per_file_ignores(tmp_path: Path) -> None:
    files = {"journal/a.md": "x", "journal/deep/b.md": "x", "c.md": "x"}
    result = lint(tmp_path, files, select=["NL201"],
                  config={"per-file-ignores": {"journal/**": ["missing-frontmatter"]}})
    assert result.brief() == ["c.md:1:1: NL201"]
    result = lint(tmp_path, {}, select=["NL201"],
                  config={"per-file-ignores": {"*.md": ["frontmatter"]}})
    assert result.findings == []


def test_severity_override_changes_the_exit_code(tmp_path: Path) -> None:
    files = {"a.md": "---\ntags: [a b]\n---\n"}
    assert lint(tmp_path, files, select=["NL204"]).exit_code == 0
    result = lint(tmp_path, files, select=["NL204"], config={"severity": {"tag-format": "error"}})
    assert result.exit_code == 1 and result.findings[0].severity is Severity.ERROR
    result = lint(tmp_path, {"b.md": "x"}, select=["NL201"],
                  config={"severity": {"NL2": "info"}})
    assert result.exit_code == 0
    assert {f.severity for f in result.findings} == {Severity.INFO}


def test_fail_on_in_the_request_overrides_the_config(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "---\ntags: [a b]\n---\n"})
    base = {"select": ["NL204"], "root": tmp_path}
    assert run(request(tmp_path, ".", config={"fail-on": "warning"}, **base)).exit_code == 1
    assert run(request(tmp_path, ".", config={"fail-on": "warning"}, fail_on=Severity.ERROR,
                       **base)).exit_code == 0


# -- what rules see --------------------------------------------------------------------------


class Probe(Rule):
    """Records the context it was given and reports each note it saw."""

    code, name, family, summary = "PR001", "probe", "probe", "s"
    seen: ClassVar[list[tuple[str, date, bool]]] = []

    def check_note(self, note: Note, ctx: RuleContext) -> Iterator[Finding]:
        Probe.seen.append((note.rel, ctx.today, ctx.offline))
        yield self.finding(note, Span.point(1), "seen")


class VaultProbe(Rule):
    """A vault rule that (wrongly) reports a note outside the reported ones."""

    code, name, family, summary = "PR002", "vault-probe", "probe", "s"

    def check_vault(self, vault: object, ctx: RuleContext) -> Iterator[Finding]:
        for note in vault.notes.values():  # type: ignore[attr-defined]
            yield self.finding(note, Span.point(1), "all")


class ProbePack:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [Probe, VaultProbe]


def test_rules_get_the_run_settings_and_only_reported_notes(tmp_path: Path) -> None:
    Probe.seen.clear()
    result = lint(tmp_path, {"a.md": "x", "b.md": "x"}, select=["PR001"], paths=["b.md"],
                  today=date(2030, 1, 2), extra_plugins=[ProbePack()])
    assert Probe.seen == [("b.md", date(2030, 1, 2), True)]
    assert result.brief() == ["b.md:1:1: PR001"]


def test_findings_outside_the_reported_paths_are_dropped(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "x", "b.md": "x"}, select=["PR002"], paths=["a.md"],
                  extra_plugins=[ProbePack()])
    assert result.brief() == ["a.md:1:1: PR002"]


def test_stdin_note_replaces_the_file_and_is_the_only_one_reported(tmp_path: Path) -> None:
    files = {"a.md": "[[b]]\n", "b.md": "[[gone]]\n"}
    result = lint(tmp_path, files, select=["NL101"], stdin=("a.md", "[[b]] [[nope]]\n"))
    assert result.brief() == ["a.md:1:7: NL101"]
    result = lint(tmp_path, {}, select=["NL101"], stdin=("new.md", "[[a]]\n"))
    assert result.findings == []


def test_stdin_note_keeps_bom_out_of_columns(tmp_path: Path) -> None:
    result = lint(tmp_path, {}, select=["NL101"], stdin=("s.md", "\ufeff[[gone]]\n"))
    assert result.brief() == ["s.md:1:1: NL101"]


def test_results_do_not_depend_on_jobs(tmp_path: Path) -> None:
    write_vault(tmp_path, {f"n{i}.md": "[[gone]]\n" if i % 2 else FM for i in range(12)})
    runs = [run(request(tmp_path, ".", select=["NL101", "NL201"], jobs=jobs))
            for jobs in (1, 4)]
    briefs = [[(f.path, f.span, f.code) for f in result.findings] for result in runs]
    assert briefs[0] == briefs[1]
    assert len(briefs[0]) == 12 and briefs[0] == sorted(briefs[0], key=lambda b: (b[0], b[1]))


# -- bad input never crashes -------------------------------------------------------------

FRAGMENTS = [
    "---\n", "tags: [a, B]\n", "tags:\n  - #x\n  - y\n", "tag: a b\n", "title: a: b\n",
    "date: 2024-02-30\n", "notelint: {disable: [NL101]}\n", "tags: !!int z\n", "- a\n",
    "tags: {a: 1}\n", "&a [*a]\n", "# H\n", "[[a]]\n", "![[b.png|3]]\n", "[x](c%zz.md)\n",
    "[x](<>)\n", "<a href=''>\n", "%%\n", "<!--\n", "```\n", "$$\n", "| [[x\\|y]] |\n|---|\n",
    "\ufeff", "\r\n", "\r", "\t", "<!-- notelint-disable -->\n", "<!-- notelint-enable NL201 -->\n",
    "^id\n", "#tag/\n", "[ref]: <>\n", "[^1]\n\n[^1]: x\n", "- [ ] [[t]]\n", "日本\u0301\n", "\\",
    "[[", "]]", "#", "\n",
]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a.md", "b.md", "sub/C.md", "sub/a.md"]),
                          st.lists(st.sampled_from(FRAGMENTS), max_size=12),
                          st.binary(max_size=8)),
                min_size=1, max_size=4))
def test_any_vault_gives_findings_never_an_internal_error(
    tmp_path_factory: pytest.TempPathFactory, notes: list[tuple[str, list[str], bytes]]
) -> None:
    root = tmp_path_factory.mktemp("vault")
    files = {name: "".join(parts).encode() + noise for name, parts, noise in notes}
    result = lint(root, files, select=["NL0", "NL1", "NL2", "NL3"],
                  config={"frontmatter": {"allowed-tags": ["a"], "required": ["title"]}})
    assert result.exit_code in (0, 1), result.messages
    assert not [m for m in result.messages if "internal error" in m]


def test_checking_the_project_top_checks_the_configured_root(tmp_path: Path) -> None:
    """`notelint check` beside a pyproject with `root = "content"` checks content/."""
    write_vault(tmp_path, {"pyproject.toml": '[tool.notelint]\nroot = "content"\n',
                           "content/a.md": "x\n", "README.md": "x\n", "other/b.md": "x\n"})
    result = run(request(tmp_path, "."))
    assert result.exit_code == 1 and [f.path for f in result.findings] == ["content/a.md"]
    result = run(request(tmp_path, "other"))
    assert result.exit_code == 2 and "outside the vault root" in result.messages[-1]


def test_the_cache_folder_is_ignored_by_git(tmp_path: Path) -> None:
    """`git add -A` after a run must not stage the cache (pre-commit would then report
    the hook as modifying files)."""
    lint(tmp_path, {"a.md": FM + "[[b]]\n", "b.md": FM}, select=["NL101"], use_cache=True)
    ignore = tmp_path / ".notelint-cache" / ".gitignore"
    assert ignore.read_text().splitlines()[-1] == "*"


def test_a_quartz_site_folder_means_its_content_folder(tmp_path: Path) -> None:
    from notelint.testing import write_vault

    write_vault(
        tmp_path,
        {
            "quartz.config.ts": "export default {}\n",
            "content/index.md": "---\ntags: [x]\n---\n[[page]]\n",
            "content/page.md": "---\ntags: [x]\n---\nHi.\n",
            "docs/readme.md": "Quartz's own docs, not notes of this garden: [[nowhere]]\n",
        },
    )
    result = run(RunRequest(paths=[str(tmp_path)], offline=True, use_cache=False, cwd=tmp_path))
    assert result.report.root == "content"
    assert result.findings == [] and result.exit_code == 0
