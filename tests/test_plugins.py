"""Plugins: every hook, third-party packs (registered directly and through real entry
points), and isolation of a pack that is broken."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from notelint import hookimpl
from notelint.cli import main
from notelint.config import Config
from notelint.model import Finding, Note, Severity
from notelint.parse import token_file_span
from notelint.plugins import load_plugins
from notelint.reporters import Report, Reporter
from notelint.rule import Rule, RuleContext, RuleError
from notelint.testing import lint

FM = "---\ntags: [a]\n---\n"


# -- a third-party pack used through extra_plugins ---------------------------------------


def highlight_rule(state: StateInline, silent: bool) -> bool:
    """``==marked==`` text, as Obsidian highlights it."""
    if not state.src.startswith("==", state.pos):
        return False
    close = state.src.find("==", state.pos + 2)
    if close < 0:
        return False
    if not silent:
        token = state.push("highlight", "", 0)
        token.content = state.src[state.pos + 2 : close]
        token.meta = {"span": (state.pos, close + 2)}
    state.pos = close + 2
    return True


class NoHighlights(Rule):
    """Highlights are not published."""

    code = "XH001"
    name = "no-highlight"
    family = "highlights"
    summary = "highlighted text"
    severity = Severity.WARNING

    def check_note(self, note: Note, ctx: RuleContext) -> Iterator[Finding]:
        for token in note.tokens:
            for child in token.children or ():
                span = token_file_span(child)
                if child.type == "highlight" and span is not None:
                    yield self.finding(note, span, f"highlighted: {child.content}")


class HighlightPack:
    """Implements every hook; records what the engine handed it."""

    def __init__(self) -> None:
        self.configs: list[Config] = []
        self.finished: list[Sequence[Finding]] = []
        self.parsers = 0

    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [NoHighlights]

    @hookimpl
    def notelint_add_reporters(self) -> Mapping[str, type[Reporter]]:
        return {"count": CountReporter}

    @hookimpl
    def notelint_configure_markdown(self, md: MarkdownIt) -> None:
        self.parsers += 1
        md.inline.ruler.before("emphasis", "highlight", highlight_rule)

    @hookimpl
    def notelint_configure(self, config: Config) -> None:
        self.configs.append(config)

    @hookimpl
    def notelint_session_finish(self, session: Any, findings: Sequence[Finding]) -> None:
        self.finished.append(list(findings))


class CountReporter(Reporter):
    def write(self, report: Report) -> None:
        self.stream.write(f"{len(report.findings)} findings\n")


def test_every_hook_of_a_pack(tmp_path: Path) -> None:
    pack = HighlightPack()
    text = FM + "plain ==marked== and `==code==`\n- item ==二 つ==\n"
    result = lint(tmp_path, {"n.md": text}, select=["XH001", "NL101"],
                  config={"exclude": ["x/"]}, extra_plugins=[pack])
    assert result.brief() == ["n.md:4:7: XH001", "n.md:5:8: XH001"]
    span = result.findings[1].span
    assert (span.end_line, span.end_column) == (5, 15)
    assert result.findings[0].severity is Severity.WARNING
    assert pack.parsers == 1  # one parser per run, not per note
    assert [c.exclude for c in pack.configs] == [("x/",)]
    assert pack.finished == [result.findings]


def test_pack_rules_obey_selection_ignore_and_suppression(tmp_path: Path) -> None:
    text = FM + "==a==\n<!-- notelint-disable-next-line no-highlight -->\n==b==\n"
    result = lint(tmp_path, {"n.md": text}, select=["highlights"], extra_plugins=[HighlightPack()])
    assert result.brief() == ["n.md:4:1: XH001"]
    result = lint(tmp_path, {}, ignore=["XH001"], select=["XH", "NL2"],
                  extra_plugins=[HighlightPack()])
    assert result.findings == []


def test_pack_reporters_join_the_builtin_ones() -> None:
    plugins = load_plugins(extra=[HighlightPack()])
    assert {"text", "json", "count"} <= set(plugins.reporters())


# -- broken packs --------------------------------------------------------------------


class Raising:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        raise RuntimeError("boom")


class Duplicate(Rule):
    code, name, family, summary = "NL101", "copycat", "links", "s"


class NotARule:
    code = "ZZ1"


class Weird:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[object]:
        return [Duplicate, NotARule, NoHighlights]


def test_a_raising_pack_is_reported_and_the_rest_still_run(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": FM + "[[gone]] ==x==\n"}, select=["NL101", "XH001"],
                  extra_plugins=[Raising(), HighlightPack()])
    assert result.codes() == ["NL101", "XH001"]
    problems = [m for m in result.messages if "boom" in m]
    assert len(problems) == 1 and "notelint_add_rules" in problems[0]
    assert result.exit_code == 1


def test_duplicate_and_invalid_rules_are_skipped_with_a_message(tmp_path: Path) -> None:
    result = lint(tmp_path, {"n.md": FM + "[[gone]] ==x==\n"}, select=["NL101", "XH001"],
                  extra_plugins=[Weird(), HighlightPack()])
    assert [f.rule for f in result.findings] == ["broken-wikilink", "no-highlight"]
    text = "\n".join(result.messages)
    assert "rule code NL101 is already used" in text
    assert "is not a notelint.rule.Rule subclass" in text


class BadSeverity(Rule):
    code, name, family, summary = "ZZ002", "bad-severity", "zz", "s"
    severity = "high"  # type: ignore[assignment]


class MissingName(Rule):
    code, family, summary = "ZZ003", "zz", "s"


class BadOptions(Rule):
    code, name, family, summary = "ZZ004", "bad-options", "zz", "s"
    Options = dict  # type: ignore[assignment]


class Malformed:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [BadSeverity, MissingName, BadOptions]


def test_malformed_rule_classes_are_explained() -> None:
    plugins = load_plugins(entry_point_plugins=False, extra=[Malformed()])
    assert plugins.rules() == []
    text = "\n".join(plugins.problems)
    assert "severity that is not a notelint Severity" in text
    assert "has no 'name'" in text
    assert "Options is not a dataclass" in text


class Crashing(Rule):
    """Fails on one note only."""

    code, name, family, summary = "ZZ101", "crashing", "zz", "s"

    def check_note(self, note: Note, ctx: RuleContext) -> Iterable[Finding]:
        if note.rel == "bad.md":
            raise ZeroDivisionError("oops")
        yield self.finding(note, note.headings[0].span if note.headings else
                           __import__("notelint.model").model.Span.point(1), "seen")


class MissingTool(Rule):
    code, name, family, summary = "ZZ102", "missing-tool", "zz", "s"

    def check_vault(self, vault: Any, ctx: RuleContext) -> Iterable[Finding]:
        raise RuleError("the frobnicator is not installed; apt-get install frob")


class Soft(Rule):
    code, name, family, summary = "ZZ103", "soft", "zz", "s"

    def check_vault(self, vault: Any, ctx: RuleContext) -> Iterable[Finding]:
        raise RuleError("cannot run today", fatal=False)


class Failing:
    @hookimpl
    def notelint_add_rules(self) -> Sequence[type[Rule]]:
        return [Crashing, MissingTool, Soft]


def test_a_crashing_rule_costs_one_note_and_exits_2(tmp_path: Path) -> None:
    files = {"a.md": FM, "bad.md": FM, "c.md": FM}
    result = lint(tmp_path, files, select=["ZZ101"], extra_plugins=[Failing()])
    assert result.brief() == ["a.md:1:1: ZZ101", "c.md:1:1: ZZ101"]
    assert result.exit_code == 2
    assert any("internal error in ZZ101 [crashing] on bad.md" in m and "ZeroDivisionError" in m
               for m in result.messages)


def test_rule_error_is_reported_once_and_fatal_only_when_selected_by_name(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": FM}, select=["ZZ102"], extra_plugins=[Failing()])
    assert result.exit_code == 2
    assert result.messages == [
        "notelint: ZZ102 [missing-tool] could not run: the frobnicator is not installed; "
        "apt-get install frob"
    ]
    result = lint(tmp_path, {}, select=["ZZ103"], extra_plugins=[Failing()])
    assert result.exit_code == 0 and len(result.messages) == 1
    # selected through --select only by family: explicitly named, still exit 2
    assert lint(tmp_path, {}, select=["zz"], ignore=["ZZ101"],
                extra_plugins=[Failing()]).exit_code == 2


class HookRaises:
    def __init__(self, hook: str) -> None:
        self.hook = hook

    @hookimpl
    def notelint_configure_markdown(self, md: MarkdownIt) -> None:
        if self.hook == "markdown":
            raise RuntimeError("bad syntax plugin")

    @hookimpl
    def notelint_configure(self, config: Config) -> None:
        if self.hook == "configure":
            raise RuntimeError("bad configure")

    @hookimpl
    def notelint_session_finish(self, session: Any, findings: Sequence[Finding]) -> None:
        if self.hook == "finish":
            raise RuntimeError("bad finish")


@pytest.mark.parametrize("hook", ["markdown", "configure", "finish"])
def test_a_raising_hook_never_becomes_a_traceback(tmp_path: Path, hook: str) -> None:
    """A failing hook is reported once and skipped, like a pack that fails to import."""
    result = lint(tmp_path, {"n.md": "[[gone]]\n", "m.md": "[[gone]]\n"}, select=["NL101"],
                  extra_plugins=[HookRaises(hook)])
    assert result.brief() == ["m.md:1:1: NL101", "n.md:1:1: NL101"]
    assert result.exit_code == 1
    hook_name = {"markdown": "notelint_configure_markdown", "configure": "notelint_configure",
                 "finish": "notelint_session_finish"}[hook]
    failures = [m for m in result.messages if "RuntimeError" in m]
    assert len(failures) == 1
    assert f"failed in {hook_name}: RuntimeError: bad" in failures[0]


# -- real entry points ------------------------------------------------------------------


def make_dist(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """An installed distribution as importlib.metadata finds it on sys.path."""
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[notelint]\n{lines}")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))


GOOD_PACK = """
    from notelint import hookimpl
    from notelint.model import Severity, Span
    from notelint.reporters import Reporter
    from notelint.rule import Rule


    class Shout(Rule):
        '''Notes must not contain SHOUT.'''

        code = "SH001"
        name = "no-shout"
        family = "shout"
        summary = "shouting"
        severity = Severity.ERROR

        def check_note(self, note, ctx):
            for number, line in enumerate(note.lines, 1):
                column = line.find("SHOUT")
                if column >= 0:
                    span = Span(number, column + 1, number, column + 6)
                    yield self.finding(note, span, "do not shout")


    class Tally(Reporter):
        def write(self, report):
            self.stream.write(f"tally={len(report.findings)}\\n")


    @hookimpl
    def notelint_add_rules():
        return [Shout]


    @hookimpl
    def notelint_add_reporters():
        return {"tally": Tally}
"""


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    make_dist(site, "brokenpack", {"broken": "brokenpack_mod"},
              {"brokenpack_mod": "raise ImportError('needs libfoo 9')\n"})
    make_dist(site, "shoutpack", {"shout": "shoutpack_mod"}, {"shoutpack_mod": GOOD_PACK})
    monkeypatch.syspath_prepend(str(site))
    for module in ("brokenpack_mod", "shoutpack_mod"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text(FM + "I SHOUT here [[gone]]\n")
    monkeypatch.chdir(vault)
    return vault


def test_entry_point_packs_load_and_a_broken_one_is_skipped(packs: Path) -> None:
    plugins = load_plugins()
    assert {rule.code for rule in plugins.rules()} >= {"SH001", "NL101", "NL001"}
    assert "tally" in plugins.reporters()
    assert len(plugins.problems) == 1
    problem = plugins.problems[0]
    assert "'broken' (brokenpack_mod) failed to load" in problem
    assert "ImportError: needs libfoo 9" in problem and "skipped" in problem


def test_broken_pack_reported_once_on_stderr_others_still_run(
    packs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", ".", "--select", "SH001,NL101", "--format", "tally"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == "tally=2\n"
    assert err.count("brokenpack_mod") == 1


def test_pack_rules_in_rules_and_explain(packs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out, err = capsys.readouterr()
    assert "SH001  no-shout" in out and err.count("brokenpack_mod") == 1
    assert main(["explain", "no-shout"]) == 0
    assert "Notes must not contain SHOUT." in capsys.readouterr().out


def test_packs_can_be_turned_off(packs: Path) -> None:
    plugins = load_plugins(entry_point_plugins=False)
    assert plugins.problems == [] and plugins.rules() == []


def test_importing_the_engine_never_imports_the_builtin_rules() -> None:
    """The built-in rules are a plugin like any other: only the entry point loads them."""
    code = (
        "import sys, notelint, notelint.engine, notelint.cli, notelint.testing; "
        "print('notelint_rules' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_notelint_without_its_own_rules_refuses_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A half-installed notelint (its rule pack cannot be imported, say a dependency is
    missing) checked nothing and said "No problems found", exit 0: every CI run passed."""
    import notelint.plugins as plugins_module

    class Broken:
        name, value, group = "builtin", plugins_module.BUILTIN_PACK, "notelint"

        def load(self) -> object:
            raise ModuleNotFoundError("No module named 'rapidfuzz'")

    monkeypatch.setattr(plugins_module, "entry_points", lambda group: [Broken()])
    (tmp_path / "n.md").write_text(FM + "[[gone]]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert "notelint's own rules (notelint_rules) failed to load" in err
    assert "No module named 'rapidfuzz'" in err and "reinstall" in err
