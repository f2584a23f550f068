"""Tests of the graph family (NL601 orphan-note, NL602 unused-attachment) on fixture vaults
run through the real engine, for a Quartz site's content folder and an Obsidian vault."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelint.engine import RunRequest, run
from notelint.testing import LintResult, lint, write_vault

#: A Quartz site's configuration (read as text, never run): the vault is its content/.
QUARTZ_CONFIG = """import * as Plugin from "./quartz/plugins"
const config = {
  configuration: { ignorePatterns: ["private"] },
  plugins: { filters: [%s] },
}
export default config
"""

FLAVORS = ("obsidian", "quartz")


def graph(
    tmp_path: Path,
    flavor: str,
    files: dict[str, str | bytes],
    *,
    filters: str = "Plugin.RemoveDrafts()",
    **kwargs: object,
) -> LintResult:
    """Lint ``files`` as an Obsidian vault (``.obsidian/``) or a Quartz site's content."""
    kwargs.setdefault("select", ["NL601", "NL602"])
    if flavor == "obsidian":
        root = tmp_path
        write_vault(root, {".obsidian/app.json": "{}\n"})
    else:
        write_vault(tmp_path, {"quartz.config.ts": QUARTZ_CONFIG % filters})
        root = tmp_path / "content"
        root.mkdir()
    return lint(root, files, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=sorted(FLAVORS))
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_off_by_default(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "# A\n", "b.png": b"\x89PNG"}, select=None)
    assert not [f for f in result.findings if f.code in ("NL601", "NL602")]


# -- NL601 orphan-note ---------------------------------------------------------------------


def test_orphan_reported_at_line_one(tmp_path: Path, flavor: str) -> None:
    result = graph(
        tmp_path,
        flavor,
        {"index.md": "[[linked]]\n", "linked.md": "# L\n", "lonely.md": "---\na: 1\n---\n# x\n"},
    )
    assert result.brief() == ["lonely.md:1:1: NL601"]
    finding = result.findings[0]
    assert finding.subject == "lonely.md"
    assert "graph.entry-points" in finding.message


@pytest.mark.parametrize(
    "link",
    [
        "[[target]]",
        "[[target|alias]]",
        "[[target#Heading]]",
        "![[target]]",
        "![[target#^block]]",
        "[t](target.md)",
        "[t](./target.md#heading)",
        "[t](<target.md>)",
        '<a href="target.md">t</a>',
        "[[TARGET]]",  # a case mismatch still names the note (NL106 says what is wrong)
        "[t][ref]\n\n[ref]: target.md",
    ],
)
def test_every_link_form_counts(tmp_path: Path, flavor: str, link: str) -> None:
    files = {"index.md": f"{link}\n", "target.md": "# Heading\n\nx ^block\n"}
    result = graph(tmp_path, flavor, files)
    assert result.brief() == []


def test_self_links_and_links_in_code_do_not_count(tmp_path: Path, flavor: str) -> None:
    files = {
        "index.md": "`[[b]]`\n\n```\n[[c]]\n```\n<!-- [[d]] -->\n",
        "a.md": "# A\n\n[[a]] [[#A]]\n",
        "b.md": "x\n",
        "c.md": "x\n",
        "d.md": "x\n",
    }
    result = graph(tmp_path, flavor, files)
    assert result.brief() == [f"{name}.md:1:1: NL601" for name in "abcd"]


def test_entry_points_are_never_orphans(tmp_path: Path, flavor: str) -> None:
    files = {
        "index.md": "# Home\n",
        "projects/index.md": "# Projects folder page\n",
        "journal/2024-01-01.md": "x\n",
        "start here.md": "x\n",
        "other.md": "x\n",
    }
    config = {"graph": {"entry-points": ["journal/**", "start here.md"]}}
    result = graph(tmp_path, flavor, files, config=config)
    assert result.brief() == ["other.md:1:1: NL601"]


DRAFTS = {"index.md": "x\n", "draft.md": "---\ndraft: true\n---\nx\n", "other.md": "x\n"}


def test_drafts_left_out_by_quartz_are_not_orphans(tmp_path: Path) -> None:
    assert graph(tmp_path, "quartz", DRAFTS).brief() == ["other.md:1:1: NL601"]


def test_obsidian_shows_drafts_so_they_can_be_orphans(tmp_path: Path) -> None:
    assert graph(tmp_path, "obsidian", DRAFTS).brief() == [
        "draft.md:1:1: NL601", "other.md:1:1: NL601"
    ]


def test_quartz_explicit_publish_leaves_unpublished_notes_out(tmp_path: Path) -> None:
    files = {
        "index.md": "---\npublish: true\n---\n",
        "public.md": "---\npublish: true\n---\nx\n",
        "private note.md": "x\n",
    }
    result = graph(tmp_path, "quartz", files, filters="Plugin.ExplicitPublish()")
    assert result.brief() == ["public.md:1:1: NL601"]


def test_a_link_from_an_unreported_note_counts(tmp_path: Path, flavor: str) -> None:
    files = {"index.md": "x\n", "sub/a.md": "x\n", "outside.md": "[[a]]\n", "sub/b.md": "x\n"}
    result = graph(tmp_path, flavor, files, paths=["sub"])
    assert result.brief() == ["sub/b.md:1:1: NL601"]


def test_folder_link_counts_for_its_index(tmp_path: Path, flavor: str) -> None:
    files = {"home.md": "[x](projects/)\n", "projects/index.md": "x\n", "hub.md": "[[home]]\n"}
    # projects/index.md is an entry point anyway; hub.md is the one orphan
    assert graph(tmp_path, flavor, files).brief() == ["hub.md:1:1: NL601"]


def test_suppressed_in_the_note(tmp_path: Path, flavor: str) -> None:
    files = {"index.md": "x\n", "quiet.md": "<!-- notelint-disable-file orphan-note -->\nx\n"}
    assert graph(tmp_path, flavor, files).brief() == []


# -- NL602 unused-attachment ---------------------------------------------------------------


def test_unused_attachment_reported_at_its_path(tmp_path: Path, flavor: str) -> None:
    files = {
        "index.md": "![[used.png|300]] ![alt](img/other.jpg) <img src=\"pic.svg\">\n"
        "[paper](docs/paper.pdf#page=3)\n",
        "used.png": b"\x89PNG",
        "img/other.jpg": b"\xff\xd8",
        "pic.svg": "<svg/>",
        "docs/paper.pdf": b"%PDF",
        "old/diagram.png": b"\x89PNG",
        "board.canvas": "{}",
    }
    result = graph(tmp_path, flavor, files, select=["NL602"])
    assert result.brief() == ["board.canvas:1:1: NL602", "old/diagram.png:1:1: NL602"]
    assert [f.subject for f in result.findings] == ["board.canvas", "old/diagram.png"]
    assert str(result.findings[0].severity) == "warning"


def test_keep_globs(tmp_path: Path, flavor: str) -> None:
    files = {"index.md": "x\n", "favicon.ico": b"\0", "downloads/a.zip": b"PK", "stray.png": b"x"}
    config = {"graph": {"keep": ["favicon.ico", "downloads/**"]}}
    result = graph(tmp_path, flavor, files, select=["NL602"], config=config)
    assert result.brief() == ["stray.png:1:1: NL602"]


def test_an_attachment_passed_alone_is_reported(tmp_path: Path, flavor: str) -> None:
    files = {"index.md": "x\n", "a.png": b"x", "b.png": b"x"}
    result = graph(tmp_path, flavor, files, select=["NL602"], paths=["a.png"])
    assert result.brief() == ["a.png:1:1: NL602"]


def test_per_file_ignores_apply_to_attachments(tmp_path: Path, flavor: str) -> None:
    files = {"index.md": "x\n", "raw/a.png": b"x", "b.png": b"x"}
    config = {"per-file-ignores": {"raw/**": ["NL602"]}}
    result = graph(tmp_path, flavor, files, select=["NL602"], config=config)
    assert result.brief() == ["b.png:1:1: NL602"]


def test_unknown_graph_option_is_rejected(tmp_path: Path) -> None:
    result = lint(tmp_path, {"a.md": "x\n"}, config={"graph": {"entry-point": ["x"]}})
    assert result.exit_code == 2
    assert any("graph.entry-point" in message for message in result.messages)


def test_cached_findings_follow_a_new_link(tmp_path: Path) -> None:
    """Warm runs reuse vault findings only while nothing they read changed."""
    write_vault(tmp_path, {"index.md": "x\n", "a.md": "x\n", "pic.png": b"x"})

    def check() -> list[str]:
        result = run(
            RunRequest(
                paths=[str(tmp_path)], root=tmp_path, config={}, cwd=tmp_path,
                select=["NL601", "NL602"], cache_dir=tmp_path / ".cache", offline=True,
            )
        )
        return sorted(f"{f.path} {f.code}" for f in result.findings)

    assert check() == ["a.md NL601", "pic.png NL602"]
    assert check() == ["a.md NL601", "pic.png NL602"]
    (tmp_path / "index.md").write_text("[[a]] ![[pic.png]]\n")
    assert check() == []


def test_files_quartz_ignores_are_neither_orphans_nor_unused(tmp_path: Path) -> None:
    files = {"index.md": "x\n", "private/secret.md": "x\n", "private/scan.png": b"x"}
    assert graph(tmp_path, "quartz", files).brief() == []


def test_notelints_own_and_repository_files_are_not_unused(tmp_path: Path) -> None:
    files = {
        "index.md": "x\n",
        "notelint.toml": '[spelling]\nwordlists = ["words/garden.txt"]\n',
        "words/garden.txt": "zettel\n",
        "LICENSE": "MIT\n",
        "CNAME": "garden.example\n",
        "package.json": "{}\n",
        "data/table.json": "{}\n",  # below the root: an attachment like any other
    }
    config = {"spelling": {"wordlists": ["words/garden.txt"]}}
    result = lint(tmp_path, files, select=["NL602"], config=config)
    assert result.brief() == ["data/table.json:1:1: NL602"]


def test_the_configuration_file_read_is_not_unused(tmp_path: Path) -> None:
    write_vault(tmp_path, {"index.md": "x\n", "conf/notelint.toml": "", "stray.png": b"x"})
    result = run(RunRequest(paths=[str(tmp_path)], root=tmp_path, cwd=tmp_path, offline=True,
                            config_file=tmp_path / "conf/notelint.toml", select=["NL602"],
                            use_cache=False))
    assert [f.path for f in result.findings] == ["stray.png"]
