"""The flavor: detected from the vault, its settings read as data, each rule it carries.

Detection and settings run on real folders; the rules' effects run through the engine on
small vaults (input notes -> expected findings).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notelint.flavor import decode_uri, detect, quartz_slug, requested
from notelint.testing import lint, write_vault

LINKS = ["links"]

QUARTZ_CONFIG = """import { QuartzConfig } from "./quartz/cfg"
import * as Plugin from "./quartz/plugins"

const config: QuartzConfig = {
  configuration: {
    pageTitle: "Garden",
    // ignorePatterns: ["nothing"],   a comment is not a setting
    ignorePatterns: ["private", "templates/**", '.obsidian'],
  },
  plugins: {
    transformers: [Plugin.CrawlLinks({ markdownLinkResolution: "%s" })],
    filters: [%s],
  },
}
export default config
"""


def quartz_site(
    root: Path,
    *,
    resolution: str = "shortest",
    filters: str = "Plugin.RemoveDrafts()",
    notes: dict[str, str | bytes] | None = None,
) -> Path:
    write_vault(root, {"quartz.config.ts": QUARTZ_CONFIG % (resolution, filters)})
    (root / "content").mkdir(parents=True, exist_ok=True)
    write_vault(root / "content", notes or {})
    return root / "content"


# -- slugs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("red fox", "red-fox"),
        ("red-fox", "red-fox"),
        ("a & b", "a--and--b"),
        ("100% done", "100-percent-done"),
        ("what? now#1", "what-now1"),
        ("Folder Name/Red Fox", "Folder-Name/Red-Fox"),
        ("notes/_index", "notes/index"),
        ("tab\there", "tab-here"),
    ],
)
def test_quartz_slug(path: str, slug: str) -> None:
    assert quartz_slug(path) == slug


def test_decode_uri_keeps_what_is_no_escape() -> None:
    assert decode_uri("caf%C3%A9") == "café"
    assert decode_uri("100% done") == "100% done"  # decodeURI would throw: kept
    assert decode_uri("a%2") == "a%2"


# -- detection ------------------------------------------------------------------------


def test_neither_marker_is_quartz_with_defaults(tmp_path: Path) -> None:
    flavor = detect(tmp_path)
    assert (flavor.name, flavor.resolution, flavor.remove_drafts) == ("quartz", "shortest", True)
    assert "Quartz's defaults" in flavor.source and flavor.notes == ()


def test_quartz_config_above_the_root(tmp_path: Path) -> None:
    content = quartz_site(tmp_path)
    flavor = detect(content)
    assert flavor.name == "quartz"
    assert flavor.ignore == ("private", "templates/**", ".obsidian")
    assert flavor.notes == ()


def test_obsidian_folder(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    assert detect(tmp_path).name == "obsidian"
    assert detect(tmp_path).anchors == "obsidian"


def test_both_markers_mean_quartz_and_say_why(tmp_path: Path) -> None:
    content = quartz_site(tmp_path)
    (content / ".obsidian").mkdir()
    flavor = detect(content)
    assert flavor.name == "quartz"
    assert "stricter" in flavor.source


def test_the_links_table_chooses(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    assert detect(tmp_path, "quartz").name == "quartz"
    assert detect(quartz_site(tmp_path / "q"), "obsidian").name == "obsidian"
    assert requested({"flavor": "obsidian"}) == "obsidian"
    assert requested({}) == "auto"


def test_detection_stops_at_the_repository(tmp_path: Path) -> None:
    (tmp_path / "quartz.config.ts").write_text(QUARTZ_CONFIG % ("shortest", ""))
    vault = tmp_path / "repo" / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    assert detect(vault).name == "obsidian"


# -- quartz.config.ts, read as text ------------------------------------------------------


def test_filters_and_resolution_are_read(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, resolution="relative",
                          filters="Plugin.ExplicitPublish()")
    flavor = detect(content)
    assert flavor.resolution == "relative"
    assert (flavor.remove_drafts, flavor.explicit_publish) == (False, True)


def test_a_commented_out_filter_is_off(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, filters="// Plugin.RemoveDrafts(),\n    ")
    assert detect(content).remove_drafts is False


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("export default { configuration: computeIt(), plugins: {} }", "ignorePatterns, filters"),
        (QUARTZ_CONFIG % ("everywhere", "Plugin.RemoveDrafts()"), "markdownLinkResolution"),
    ],
)
def test_unusual_config_keeps_defaults_and_says_so_once(
    tmp_path: Path, text: str, missing: str
) -> None:
    (tmp_path / "quartz.config.ts").write_text(text)
    flavor = detect(tmp_path)
    assert flavor.resolution == "shortest" and flavor.remove_drafts is True
    [note] = flavor.notes
    assert missing in note and "never runs it" in note


def test_unreadable_config_keeps_defaults(tmp_path: Path) -> None:
    (tmp_path / "quartz.config.ts").write_bytes(b"\xff\xfe not utf-8")
    flavor = detect(tmp_path)
    assert flavor.name == "quartz" and flavor.ignore == ()
    [note] = flavor.notes
    assert "not UTF-8" in note and "default settings" in note


def test_config_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = (QUARTZ_CONFIG % ("shortest", "Plugin.RemoveDrafts()")).replace(
        "export default config",
        f'require("fs").writeFileSync("{marker}", "x")\nexport default config',
    )
    (tmp_path / "quartz.config.ts").write_text(text)
    write_vault(tmp_path / "content", {"a.md": "[[b]]\n"})
    lint(tmp_path / "content", {}, select=LINKS)
    assert not marker.exists()


# -- .obsidian/app.json, read as JSON ----------------------------------------------------


def obsidian_vault(root: Path, app: object, notes: dict[str, str | bytes]) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    text = app if isinstance(app, str) else json.dumps(app)
    (root / ".obsidian" / "app.json").write_text(text)
    return write_vault(root, notes)


def test_app_json_settings(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {"userIgnoreFilters": ["archive/", "/^tmp-.*/"],
                              "attachmentFolderPath": "./assets", "newLinkFormat": "relative"},
                   {})
    flavor = detect(tmp_path)
    assert flavor.unchecked == ("archive/", "/^tmp-.*/")
    assert flavor.attachment_folder == "./assets"
    assert flavor.new_link_format == "relative"
    assert flavor.notes == ()


@pytest.mark.parametrize("app", ["{not json", "[1, 2]", {"userIgnoreFilters": "archive"}])
def test_unusual_app_json_keeps_defaults_and_says_so(tmp_path: Path, app: object) -> None:
    obsidian_vault(tmp_path, app, {})
    flavor = detect(tmp_path)
    assert flavor.name == "obsidian" and flavor.unchecked == ()
    assert len(flavor.notes) == 1


# -- what each setting does to the findings ----------------------------------------------


def test_ignored_paths_are_not_checked_and_not_targets(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, notes={
        "a.md": "[[secret]] [[templates/daily]]\n",
        "private/secret.md": "[[Missing]]\n",
        "templates/daily.md": "",
    })
    result = lint(content, {}, select=LINKS)
    assert result.brief() == ["a.md:1:1: NL101", "a.md:1:12: NL101"]
    assert "leaves out of the site" in result.findings[0].message


def test_explicit_publish_makes_unpublished_targets_nl107(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, filters="Plugin.ExplicitPublish()", notes={
        "a.md": "---\npublish: true\n---\n[[b]] [[c]] [[d]]\n",
        "b.md": "---\npublish: true\n---\n",
        "c.md": "---\npublish: false\n---\n",
        "d.md": "---\ndraft: true\npublish: true\n---\n",  # RemoveDrafts is off here
    })
    result = lint(content, {}, select=LINKS, paths=["a.md"])
    assert result.brief() == ["a.md:4:7: NL107"]
    assert "ExplicitPublish" in result.findings[0].message


def test_drafts_are_fine_without_remove_drafts(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, filters="", notes={
        "a.md": "[[b]]\n", "b.md": "---\ndraft: true\n---\n",
    })
    assert lint(content, {}, select=LINKS).brief() == []


def test_relative_resolution_from_the_config(tmp_path: Path) -> None:
    content = quartz_site(tmp_path, resolution="relative", notes={
        "x/a.md": "[[b]] [[c]]\n", "x/b.md": "", "c.md": "",
    })
    assert lint(content, {}, select=LINKS).brief() == ["x/a.md:1:7: NL101"]
    # the links table wins over what the vault says
    result = lint(content, {}, select=LINKS, config={"links": {"resolution": "shortest"}})
    assert result.brief() == []


def test_obsidian_excluded_files_are_not_checked_but_still_targets(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {"userIgnoreFilters": ["archive/"]}, {
        "a.md": "[[old]]\n", "archive/old.md": "[[Missing]]\n",
    })
    assert lint(tmp_path, {}, select=LINKS).brief() == []


def test_obsidian_embeds_prefer_the_attachment_folder(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {"attachmentFolderPath": "media"}, {
        "notes/a.md": "![[pic.png]]\n", "media/pic.png": b"\x89PNG", "other/pic.png": b"\x89PNG",
    })
    assert lint(tmp_path, {}, select=LINKS).brief() == []
    obsidian_vault(tmp_path / "2", {}, {
        "notes/a.md": "![[pic.png]]\n", "media/pic.png": b"\x89PNG", "other/pic.png": b"\x89PNG",
    })
    assert lint(tmp_path / "2", {}, select=LINKS).brief() == ["notes/a.md:1:1: NL105"]


def test_obsidian_same_folder_and_shallowest_win_without_nl105(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {}, {
        "x/a.md": "[[n]] [[m]]\n", "x/n.md": "", "y/n.md": "", "m.md": "", "y/z/m.md": "",
    })
    assert lint(tmp_path, {}, select=LINKS).brief() == []


def test_obsidian_picks_as_get_first_linkpath_dest_does(tmp_path: Path) -> None:
    # observed on Obsidian 1.13.7: the exact path from the root wins, even over a file
    # beside the linking note; else the same folder; else the shortest path string
    # ('a/b/t.md' before 'zzzz/t.md'); the anchor is checked in the file Obsidian opens
    obsidian_vault(tmp_path, {}, {
        "x/a.md": "[[n#Root]] [[t]]\n", "n.md": "# Root\n", "x/n.md": "# Beside\n",
        "a/b/t.md": "", "zzzz/t.md": "",
    })
    assert lint(tmp_path, {}, select=LINKS).brief() == []


def test_obsidian_case_variants_tie_only_without_the_exact_spelling(tmp_path: Path) -> None:
    # flancian-garden holds 'Social Coop.md' and 'social coop.md' (a case-sensitive disk):
    # [[social coop]] is the exact path of one of them, [[SOCIAL COOP]] of neither
    obsidian_vault(tmp_path, {}, {
        "j/a.md": "[[social coop]] [[Social Coop]]\n[[SOCIAL COOP]]\n",
        "Social Coop.md": "", "social coop.md": "",
    })
    [tie] = lint(tmp_path, {}, select=LINKS).findings
    assert (tie.path, tie.span.line, tie.code) == ("j/a.md", 2, "NL105")
    assert "which one Obsidian opens is arbitrary" in tie.message


def test_obsidian_case_never_matters(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {}, {"a.md": "[[STACK]] [x](FOLDER/B.MD)\n", "Stack.md": "",
                                  "folder/b.md": ""})
    assert lint(tmp_path, {}, select=LINKS).brief() == []


def test_obsidian_alias_fix_writes_the_link_obsidian_writes(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {}, {"a.md": "See [[The Stack]].\n",
                                  "Stack.md": "---\naliases: [The Stack]\n---\n"})
    result = lint(tmp_path, {}, select=LINKS, fix=True)
    assert result.fixed == 1 and result.findings == []
    assert (tmp_path / "a.md").read_text() == "See [[Stack|The Stack]].\n"


def test_obsidian_heading_chains_and_inline_code(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {}, {
        "a.md": "[[b#Setup#Use `run`]] [[b#setup#use run]] [[b#Use `run`#Setup]]\n",
        "b.md": "# Setup\n\n## Use `run`\n",
    })
    assert lint(tmp_path, {}, select=LINKS).brief() == ["a.md:1:43: NL104"]


# -- the CLI -------------------------------------------------------------------------------


def test_verbose_prints_root_and_flavor(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {}, {"a.md": "# A\n"})
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", ".", "--offline", "--no-cache",
         "--select", "links", "--verbose"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "root: .; link flavor: obsidian (.obsidian/ at" in done.stderr
    assert done.stdout.startswith("No problems found")


def test_a_warm_cache_follows_a_change_of_flavor(tmp_path: Path) -> None:
    """Cached link findings are reused only while the vault's settings are unchanged."""
    files: dict[str, str | bytes] = {"a.md": "[[Stack]]\n", "stack.md": ""}
    assert lint(tmp_path, files, select=LINKS, use_cache=True).codes() == ["NL106"]
    assert lint(tmp_path, {}, select=LINKS, use_cache=True).codes() == ["NL106"]
    (tmp_path / ".obsidian").mkdir()
    assert lint(tmp_path, {}, select=LINKS, use_cache=True).codes() == []
    (tmp_path / ".obsidian" / "app.json").write_text('{"userIgnoreFilters": ["a.md"]}')
    (tmp_path / "b.md").write_text("[[Nowhere]]\n")
    assert lint(tmp_path, {}, select=LINKS, use_cache=True).codes() == ["NL101"]


def test_obsidian_partial_paths_resolve_quartz_ones_do_not(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"a.md": "[[sub/note]] [[b/x]]\n", "deep/sub/note.md": "",
                                     "p/b/x.md": "", "q/b/x.md": ""}
    obsidian_vault(tmp_path / "o", {}, files)
    assert lint(tmp_path / "o", {}, select=LINKS).brief() == ["a.md:1:14: NL105"]
    # Quartz reads a path from the vault root: both 404 there
    assert lint(tmp_path / "q", files, select=LINKS).codes() == ["NL101", "NL101"]


def test_quartz_folder_pages_are_slugs_too(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a.md": "[x](My%20Folder/) [[my-folder/]] [[My-Folder/]] [[Other/]]\n",
        "My Folder/n.md": "",
    }
    result = lint(tmp_path, files, select=LINKS)
    assert [(f.span.column, f.code) for f in result.findings] == [(19, "NL106"), (49, "NL101")]
    assert "the folder is spelled 'My Folder/'" in result.findings[0].message


def test_obsidian_suggests_paths_as_new_link_format_writes_them(tmp_path: Path) -> None:
    obsidian_vault(tmp_path, {"newLinkFormat": "relative"}, {
        "x/a.md": "[[n]]\n", "p/n.md": "", "q/n.md": "",
    })
    [finding] = lint(tmp_path, {}, select=LINKS).findings
    assert finding.code == "NL105" and finding.suggestion == "../p/n"


def test_comments_are_stripped_outside_strings_only() -> None:
    from notelint.flavor import strip_comments

    source = 'a: ["**/*.md", "x//y"], // gone\n/* gone\ntoo */ b: "https://q.org", c: \'*/\''
    assert strip_comments(source) == 'a: ["**/*.md", "x//y"], \n  b: "https://q.org", c: \'*/\''


def test_globs_holding_slash_star_are_read(tmp_path: Path) -> None:
    text = (QUARTZ_CONFIG % ("shortest", "Plugin.RemoveDrafts()")).replace(
        '["private", "templates/**", \'.obsidian\']', '["**/*.excalidraw.md", "drafts/**/*"]'
    )
    (tmp_path / "quartz.config.ts").write_text(text)
    assert detect(tmp_path).ignore == ("**/*.excalidraw.md", "drafts/**/*")


def test_ignore_globs_match_at_any_depth(tmp_path: Path) -> None:
    text = (QUARTZ_CONFIG % ("shortest", "")).replace(
        '["private", "templates/**", \'.obsidian\']', '["**/*.excalidraw.md"]'
    )
    (tmp_path / "quartz.config.ts").write_text(text)
    files: dict[str, str | bytes] = {
        "content/a.md": "[[x.excalidraw]] [[d.excalidraw]]\n",
        "content/x.excalidraw.md": "[[Nowhere]]\n",
        "content/sub/d.excalidraw.md": "[[Nowhere]]\n",
    }
    result = lint(tmp_path / "content", {k[len("content/"):]: v for k, v in files.items()},
                  select=LINKS)
    assert result.brief() == ["a.md:1:1: NL101", "a.md:1:18: NL101"]


def test_a_literal_percent_escape_in_a_file_name_still_resolves(tmp_path: Path) -> None:
    """Found by the Hypothesis property: [[%00]] for "%00.md" (decoding gives a NUL)."""
    files: dict[str, str | bytes] = {"%00.md": "", "caf%C3%A9.md": "", "café.md": "",
                                     "a.md": "[[%00]] [[caf%C3%A9]] [[%41bc]]\n"}
    assert lint(tmp_path, files, select=LINKS).brief() == ["a.md:1:23: NL101"]
