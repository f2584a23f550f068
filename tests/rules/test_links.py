"""Tests of the links family (NL101–NL107) on small vaults run through the real engine.

Every link form the parser extracts gets a vault where it resolves and one where it does
not; each resolution mode and slug style is exercised; a Hypothesis test builds random
vaults whose links are all good and expects silence.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notelint.flavor import quartz_slug
from notelint.model import Link, LinkKind, Span
from notelint.testing import LintResult, lint
from notelint.vault import Vault
from notelint_rules.links import LinksOptions, check_link, respell

LINK_CODES = ["NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107"]

BASE = {
    "index.md": "# Home\n",
    "Zeon's Call.md": "# Zeon\n\n## Next Steps\n\n## Next Steps\n\nA paragraph. ^quote-1\n",
    "folder/inner.md": "# Inner\n",
    "images/quartz-layout.png": b"\x89PNG",
    "a b.md": "# A B\n",
}


def run(tmp_path: Path, files: dict[str, str | bytes], **kwargs: object) -> LintResult:
    vault: dict[str, str | bytes] = {**BASE, **files}
    kwargs.setdefault("select", LINK_CODES)
    return lint(tmp_path, vault, **kwargs)  # type: ignore[arg-type]


def codes_in(result: LintResult, path: str = "n.md") -> list[str]:
    return [f.code for f in result.findings if f.path == path]


# -- every form resolves ------------------------------------------------------------

GOOD_FORMS = [
    "[[Zeon's Call]]",
    "[[Zeon's Call.md|alias]]",
    "[[Zeon's Call#Next Steps]]",
    "[[Zeon's Call#Next Steps|the steps]]",
    "[[Zeon's Call#^quote-1]]",
    "[[#Own Heading]]",
    "![[quartz-layout.png|300]]",
    "![[Zeon's Call#Next Steps]]",
    "| a | [[Zeon's Call\\|alias]] |\n|---|---|\n| x | y |",
    "[x](Zeon's%20Call.md)",
    "[x](<a b.md>)",
    "[x](folder/)",
    "[x](./folder/inner.md)",
    "[x](Zeon's%20Call.md#next-steps-1)",
    "[x][ref]\n\n[ref]: folder/inner.md",
    "<https://example.com/page>",
    '<a href="folder/inner.md">x</a>',
    '<img src="images/quartz-layout.png">',
    "![alt](images/quartz-layout.png)",
    "[x](/folder/inner.md)",
    "[[folder/inner]]",
    "[[tags/some/tag]]",
    "[mail](mailto:me@example.com) [o](obsidian://open?vault=x)",
    "[x](#own-heading)",
]


@pytest.mark.parametrize("form", GOOD_FORMS)
def test_every_form_resolves(tmp_path: Path, form: str) -> None:
    result = run(tmp_path, {"n.md": f"# Own Heading\n\n{form}\n"})
    assert result.brief() == []


# -- every form can break -----------------------------------------------------------

BAD_FORMS = [
    ("[[Zeons Calls]]", "NL101"),
    ("[[Nothing|alias]]", "NL101"),
    ("[[Zeon's Call#Later Steps]]", "NL104"),
    ("[[Zeon's Call#^quote-9]]", "NL104"),
    ("[[#No Such Heading]]", "NL104"),
    ("![[quartz layout 2.png|300]]", "NL103"),
    ("![[Zeon's Call#Missing]]", "NL104"),
    ("| a | [[Nowhere\\|alias]] |\n|---|---|\n| x | y |", "NL101"),
    ("[x](Zeons%20Call.md)", "NL102"),
    ("[x](<a c d.md>)", "NL102"),
    ("[x](nofolder/)", "NL102"),
    ("[x](Zeon's%20Call.md#next-steps-2)", "NL104"),
    ("[x][ref]\n\n[ref]: folder/missing.md", "NL102"),
    ('<a href="folder/missing.md">x</a>', "NL102"),
    ('<img src="images/missing.png">', "NL103"),
    ("![alt](images/missing.png)", "NL103"),
    ("[x](/inner.md)", "NL102"),
    ("[x](../../outside.md)", "NL102"),
]


@pytest.mark.parametrize(("form", "code"), BAD_FORMS)
def test_every_form_can_break(tmp_path: Path, form: str, code: str) -> None:
    result = run(tmp_path, {"n.md": f"# Own Heading\n\n{form}\n"})
    assert codes_in(result) == [code]
    assert result.findings[0].span.line == 3


IGNORED = [
    "`[[missing]]`",
    "```\n[[missing]] ![x](missing.png)\n```",
    "    [[missing]]",
    "$[[missing]]$",
    "$$\n[[missing]]\n$$",
    "<!-- [[missing]] [x](missing.md) -->",
    "%% [[missing]] %%",
    "%%\n[[missing]]\n%%",
]


@pytest.mark.parametrize("form", IGNORED)
def test_links_in_code_math_and_comments_do_not_count(tmp_path: Path, form: str) -> None:
    assert run(tmp_path, {"n.md": f"text\n\n{form}\n"}).brief() == []


# -- messages, suggestions, fixes ------------------------------------------------------


def test_broken_wikilink_suggests_and_fixes(tmp_path: Path) -> None:
    result = run(tmp_path, {"n.md": "See [[zeons-call#Next Steps|it]].\n"})
    [finding] = result.findings
    assert finding.code == "NL101"
    assert (finding.span.line, finding.span.column) == (1, 5)
    assert finding.suggestion == "Zeon's Call"
    assert "[[zeons-call#Next Steps]] points to nothing" in finding.message
    assert finding.fix is not None
    assert finding.fix.replacement == "Zeon's Call#Next Steps"
    assert finding.fix.span == Span(1, 7, 1, 28)


def test_fix_is_applied_and_keeps_alias_fragment_and_line_endings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "\ufeffSee [[zeons-call#Next Steps|it]] and [x](zeon's-call.md#next-steps).\r\n"
    }
    result = run(tmp_path, files, fix=True)
    assert result.brief() == []
    data = (tmp_path / "n.md").read_bytes()
    assert data.decode("utf-8") == (
        "\ufeffSee [[Zeon's Call#Next Steps|it]] and [x](Zeon's%20Call.md#next-steps).\r\n"
    )


def test_no_fix_when_several_candidates_fit(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[[report 2024]]\n",
        "report 2023.md": "",
        "report 2022.md": "",
    }
    [finding] = run(tmp_path, files).findings
    assert finding.suggestion in ("report 2023", "report 2022")
    assert finding.fix is None


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"n.md": "[[completely unrelated words]]\n"}).findings
    assert finding.suggestion is None and finding.fix is None
    assert "create it or correct the name" in finding.message


OBSIDIAN = {"links": {"flavor": "obsidian"}}


@pytest.mark.parametrize("config", [None, OBSIDIAN], ids=["quartz", "obsidian"])
def test_a_name_with_an_extension_is_the_file_of_that_name(tmp_path: Path, config: object) -> None:
    # flancian-garden 2021-05-09.md:24: ![[Pasted image 20210509183555.png]] beside a
    # note 'Pasted image 20210509183555.png.md' shows the image (Quartz's address
    # 'Pasted-image-….png' is the image file; Obsidian opens the file of that exact name):
    # neither ambiguous nor an embed of the note, and the image is not unused
    files: dict[str, str | bytes] = {
        "Pasted image 1.png": b"\x89PNG",
        "Pasted image 1.png.md": "# Pasted image 1.png\n",
        "n.md": "![[Pasted image 1.png]] and [[Pasted image 1.png]]\n",
    }
    result = run(tmp_path, files, config=config, select=[*LINK_CODES, "NL602"])
    assert [f for f in result.findings if "Pasted" in f.path or f.path == "n.md"] == []
    assert "images/quartz-layout.png:1:1: NL602" in result.brief()  # the rule did run


@pytest.mark.parametrize("config", [None, OBSIDIAN], ids=["quartz", "obsidian"])
def test_an_extra_opening_bracket_is_text(tmp_path: Path, config: object) -> None:
    # flancian-garden 'social coop tech group minutes.md:17': ``[[[noah]]]`` is the link
    # [[noah]] between two brackets of text (Quartz's pattern excludes '[' from targets),
    # not a link to '[noah'
    note = "- [[[Zeon's Call]]] x\n- [[[Nowhere]]] y\n"
    [finding] = run(tmp_path, {"n.md": note}, config=config).findings
    assert (finding.code, finding.subject) == ("NL101", "Nowhere")
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 4, 15)


def test_suggestion_across_dash_space_and_percent(tmp_path: Path) -> None:
    # Quartz's slug of "quartz layout.png" is the file's: it resolves there
    assert run(tmp_path, {"n.md": "![[quartz layout.png]]\n"}).findings == []
    [finding] = run(tmp_path, {}, config=OBSIDIAN).findings
    assert (finding.code, finding.suggestion) == ("NL103", "quartz-layout.png")
    assert finding.fix is not None and finding.fix.replacement == "quartz-layout.png"


def test_web_address_without_scheme(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"n.md": "[Naval](nav.al)\n"}).findings
    assert finding.code == "NL102"
    assert finding.suggestion == "https://nav.al"
    assert "without 'https://'" in finding.message


def test_moved_file_is_suggested_in_the_links_frame(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"sub/n.md": "[x](../old/inner.md)\n"}
    [finding] = run(tmp_path, files).findings
    assert finding.suggestion == "../folder/inner.md"
    assert finding.fix is None  # another folder may be another thing: suggested only


def test_spelling_variant_in_a_path_is_fixed(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"sub/n.md": "[x](../Folder/Inner.md) [[folder/inner-note]]\n"}
    files["folder/inner note.md"] = ""
    result = run(tmp_path, files)
    # Quartz: the case is wrong, the dash and the space are one slug
    assert [(f.code, f.fix.replacement if f.fix else None) for f in result.findings] == [
        ("NL106", "../folder/inner.md"),
    ]
    # Obsidian: case does not matter, but a dash is not a space
    result = run(tmp_path, {}, config=OBSIDIAN)
    assert [(f.code, f.fix.replacement if f.fix else None) for f in result.findings] == [
        ("NL101", "folder/inner note"),
    ]


# -- anchors --------------------------------------------------------------------------


def test_duplicate_headings_get_github_suffixes(tmp_path: Path) -> None:
    good = "[a](Zeon's%20Call.md#next-steps) [b](Zeon's%20Call.md#next-steps-1)\n"
    assert run(tmp_path, {"n.md": good}).brief() == []


def test_broken_anchor_suggests_the_heading(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"n.md": "[[Zeon's Call#Next Step]]\n"}).findings
    assert finding.code == "NL104"
    assert "no heading '#Next Step' in 'Zeon's Call.md'" in finding.message
    assert finding.suggestion == "Next Steps"
    assert finding.fix is None  # "Step" and "Steps" differ by more than spelling


def test_broken_block_reference(tmp_path: Path) -> None:
    [finding] = run(tmp_path, {"n.md": "[[Zeon's Call#^quote-2]]\n"}).findings
    assert "no block ^quote-2" in finding.message
    assert finding.suggestion == "^quote-1"


def test_obsidian_slug_mode(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[[t#top#Sub Part]] [[t#sub-part]]\n",
        "t.md": "# Top\n## Sub Part\n",
    }
    result = run(tmp_path, files, config={"links": {"slug": "obsidian"}})
    assert [(f.code, f.span.column) for f in result.findings] == [("NL104", 20)]
    github = run(tmp_path / "g", files)
    assert [f.code for f in github.findings] == []  # top#Sub Part -> last part "sub-part"


# -- ambiguity, case, drafts ----------------------------------------------------------


def test_ambiguous_names_every_candidate(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a/n.md": "[[beta]]\n",
        "x/beta.md": "",
        "y/beta.md": "",
    }
    [finding] = run(tmp_path, files).findings
    assert finding.code == "NL105"
    assert "x/beta.md" in finding.message and "y/beta.md" in finding.message
    assert finding.severity.name == "WARNING"


def test_same_folder_root_candidate_is_not_ambiguous(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "[[beta]]\n", "beta.md": "", "y/beta.md": ""}
    assert run(tmp_path, files).brief() == []


def test_case_mismatch_names_the_spelling_on_disk(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "[[zeon's call]] [x](Folder/Inner.md)\n"}
    result = run(tmp_path, files)
    assert [f.code for f in result.findings] == ["NL106", "NL106"]
    assert result.findings[0].suggestion == "Zeon's Call"
    assert "spelled 'Zeon's Call'" in result.findings[0].message
    assert result.findings[1].fix is not None
    assert result.findings[1].fix.replacement == "folder/inner.md"


def test_case_mismatch_fix_applies(tmp_path: Path) -> None:
    run(tmp_path, {"n.md": "[[zeon's call#Next Steps|x]]\n"}, fix=True)
    assert (tmp_path / "n.md").read_text() == "[[Zeon's Call#Next Steps|x]]\n"


def test_link_to_draft(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[[plans]]\n",
        "plans.md": "---\ndraft: true\n---\n# Plans\n[[n]]\n",
        "other draft.md": "---\ndraft: true\n---\n[[plans]]\n",
    }
    result = run(tmp_path, files)
    assert result.brief() == ["n.md:1:1: NL107"]
    assert "draft" in result.findings[0].message


# -- resolution modes and settings --------------------------------------------------------


MODE_VAULT: dict[str, str | bytes] = {
    "a/n.md": "[[sib]] [[b/far]] [[/b/far]]\n",
    "a/sib.md": "",
    "b/far.md": "",
}


def test_shortest_mode(tmp_path: Path) -> None:
    assert run(tmp_path, MODE_VAULT).brief() == []


def test_relative_mode(tmp_path: Path) -> None:
    result = run(tmp_path, MODE_VAULT, config={"links": {"resolution": "relative"}})
    assert [(f.code, f.span.column) for f in result.findings] == [("NL101", 9)]


def test_absolute_mode(tmp_path: Path) -> None:
    result = run(tmp_path, MODE_VAULT, config={"links": {"resolution": "absolute"}})
    assert [(f.code, f.span.column) for f in result.findings] == [("NL101", 1)]


def test_unknown_mode_is_a_config_error(tmp_path: Path) -> None:
    result = run(tmp_path, MODE_VAULT, config={"links": {"resolution": "nearest"}})
    assert result.exit_code == 2
    assert any("links.resolution" in message for message in result.messages)


def test_virtual_globs(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "[[tags/x]] [[gen/page]]\n"}
    assert codes_in(run(tmp_path, files)) == ["NL101"]
    configured = run(tmp_path / "c", files, config={"links": {"virtual": ["gen/*"]}})
    assert [f.span.column for f in configured.findings] == [1]


def test_reports_only_passed_notes_but_resolves_against_all(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "[[other]] [[gone]]\n", "other.md": "[[gone]]\n"}
    result = run(tmp_path, files, paths=["n.md"])
    assert result.brief() == ["n.md:1:11: NL101"]


def test_file_url_into_home_is_reported_other_schemes_are_not(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "x\n"}
    result = run(tmp_path, files)
    assert result.brief() == []
    vault = _vault_of(result, tmp_path)
    resolver = vault.resolver()
    note = vault.notes["n.md"]
    home = _link(LinkKind.MARKDOWN, "file:///home/me/notes/a.md", "file")
    windows = _link(LinkKind.MARKDOWN, "file:///C:/Users/me/a.md", "file")
    tmp = _link(LinkKind.MARKDOWN, "file:///srv/shared/a.md", "file")
    mail = _link(LinkKind.MARKDOWN, "mailto:me@example.com", "mailto")
    image = _link(LinkKind.IMAGE, "file:///Users/me/pic.png", "file")
    found = [
        [p.code for p in check_link(resolver, note, link)]
        for link in (home, windows, tmp, mail, image)
    ]
    assert found == [["NL102"], ["NL102"], [], [], ["NL103"]]
    [problem] = check_link(resolver, note, home)
    assert "will not work once published" in problem.message


def test_file_url_end_to_end(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[x](file:///home/me/notes/a.md) [y](file:///srv/a.md) [z](obsidian://open)\n"
    }
    result = run(tmp_path, files)
    assert result.brief() == ["n.md:1:1: NL102"]


def _link(kind: LinkKind, raw: str, scheme: str) -> Link:
    return Link(kind, raw, raw, None, None, Span(1, 1, 1, 5), Span(1, 2, 1, 4), scheme)


def _vault_of(result: LintResult, root: Path) -> Vault:
    from notelint import syntax
    from notelint.parse import build_markdown, parse_note

    md = build_markdown(syntax.notelint_configure_markdown)
    text = (root / "n.md").read_text()
    note = parse_note(md, rel="n.md", display="n.md", file=root / "n.md", text=text)
    return Vault(root, {"n.md": note}, frozenset(), frozenset(), frozenset({"n.md"}))


def test_options_reject_bad_values() -> None:
    from notelint.config import ConfigError

    with pytest.raises(ConfigError, match="slug"):
        LinksOptions(slug="gitlab")
    with pytest.raises(ConfigError, match=r"links\.flavor must be one of auto, quartz, obsidian"):
        LinksOptions(flavor="hugo")
    assert LinksOptions().virtual == ("tags/**",)
    assert (LinksOptions().flavor, LinksOptions().resolution) == ("auto", None)


def test_a_bad_flavor_in_the_config_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, {"n.md": ""}, config={"links": {"flavor": "Quartz"}})
    assert result.exit_code == 2
    assert any("links.flavor must be one of" in message for message in result.messages)


def test_respell() -> None:
    assert respell("folder/INNER", "Folder/inner.md") == "Folder/inner"
    assert respell("../a/B.md", "x/A/b.md") == "../A/b.md"
    assert respell("zeon's call", "Zeon's Call.md") == "Zeon's Call"


# -- generated vaults with good links stay silent -------------------------------------------

NAME = (
    st.text(alphabet=string.ascii_letters + string.digits + " -_'&%", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda name: bool(name) and not name.startswith(("-", "'")) and "  " not in name)
)


#: Heading text without Markdown markup (``_x_`` renders as "x": a different anchor).
HEADING = (
    st.text(alphabet=string.ascii_letters + string.digits + " -'", min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda text: bool(text) and not text.startswith(("-", "'")))
)


@st.composite
def good_vaults(draw: st.DrawFn) -> dict[str, str | bytes]:
    """Notes in a few folders (plus an image), each linking to others in every form that
    must resolve: bare names, aliases, paths, headings, block ids, embeds, Markdown links
    relative and from the root."""
    folders = draw(st.lists(st.sampled_from(["", "a", "b", "a/c"]), min_size=2, max_size=6))
    names = draw(
        # distinct as Obsidian (case ignored) and as Quartz (slugs: "a b" is "a-b") see them
        st.lists(
            NAME,
            min_size=len(folders),
            max_size=len(folders),
            unique_by=lambda name: quartz_slug(name).casefold(),
        )
    )
    rels = [f"{folder}/{name}.md".lstrip("/") for folder, name in zip(folders, names, strict=True)]
    headings = {rel: draw(st.lists(HEADING, min_size=1, max_size=3)) for rel in rels}
    image = draw(st.sampled_from(["pic.png", "a/pic one.png", "b/c/Pic-2.jpg"]))
    files: dict[str, str | bytes] = {image: b"\x89PNG"}
    for number, rel in enumerate(rels):
        lines = [f"# {heading}" for heading in headings[rel]]
        lines.append(f"Closing words. ^end-{number}")
        for target in draw(st.lists(st.sampled_from(rels), max_size=5)):
            stem = target[:-3].rsplit("/", 1)[-1]
            heading = draw(st.sampled_from(headings[target]))
            form = draw(
                st.sampled_from(["name", "path", "anchor", "block", "embed", "md", "rootmd"])
            )
            if form == "name":
                lines.append(f"[[{stem}|x]]")
            elif form == "path":
                lines.append(f"[[{target[:-3]}]]")
            elif form == "anchor":
                lines.append(f"[[{stem}#{heading}]]")
            elif form == "block":
                lines.append(f"[[{stem}#^end-{rels.index(target)}]]")
            elif form == "embed":
                lines.append(f"![[{image.rsplit('/', 1)[-1]}|300]]")
            else:
                encoded = target.replace("%", "%25").replace(" ", "%20")
                prefix = "/" if form == "rootmd" else "../" * rel.count("/")
                lines.append(f"[x]({prefix}{encoded})")
        files[rel] = "\n\n".join(lines) + "\n"
    return files


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(vault=good_vaults())
@pytest.mark.parametrize("flavor", ["quartz", "obsidian"])
def test_generated_good_vaults_give_no_link_findings(
    tmp_path_factory: pytest.TempPathFactory, vault: dict[str, str | bytes], flavor: str
) -> None:
    """Links written from the files' own names and headings resolve in both flavors."""
    root = tmp_path_factory.mktemp("vault")
    config = {"links": {"flavor": flavor}}
    result = lint(root, dict(vault), select=LINK_CODES, config=config)
    assert result.brief() == [], (vault, [f.message for f in result.findings])


def test_similar_but_different_name_is_suggested_not_fixed(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"n.md": "[[misinformation]]\n", "information.md": ""}
    [finding] = run(tmp_path, files).findings
    assert finding.suggestion == "information"
    assert finding.fix is None


def test_case_mismatch_with_two_spellings_is_not_fixed(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[[A pattern language]]\n",
        "A Pattern Language.md": "",
        "sub/a pattern language.md": "",
    }
    [finding] = run(tmp_path, files).findings
    assert finding.code == "NL106"
    assert "also" in finding.message and finding.fix is None


QUARTZ_DOCS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "quartz-docs"


@pytest.mark.skipif(not QUARTZ_DOCS.is_dir(), reason="quartz-docs corpus absent")
def test_quartz_docs_link_errors_are_exactly_the_two_real_ones() -> None:
    """Tag pages are virtual, [[advanced/]] is a folder, slugs join '-' and ' ': what is
    left is the missing image and the missing #Layout heading."""
    from notelint.engine import RunRequest
    from notelint.engine import run as run_engine

    result = run_engine(
        RunRequest(
            paths=[str(QUARTZ_DOCS)], select=["links"], offline=True, use_cache=False,
            cwd=QUARTZ_DOCS,
        )
    )
    assert result.report.flavor == "quartz"
    errors = [(f.path, f.span.line, f.code) for f in result.findings if str(f.severity) == "error"]
    assert errors == [
        ("advanced/creating components.md", 224, "NL104"),
        ("features/popover previews.md", 11, "NL101"),
    ]


@pytest.mark.skipif(not QUARTZ_DOCS.is_dir(), reason="quartz-docs corpus absent")
def test_no_nl101_for_a_link_quartz_resolves_by_independent_slugs() -> None:
    """The benchmark's own re-derivation of Quartz's slugs finds no wrong NL101 (the
    benchmark runs the same check on the 7,770-note garden)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_quartz_slugs.py"
    spec = importlib.util.spec_from_file_location("bench_quartz_slugs", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.slug("red fox & co?") == "red-fox--and--co"
    assert bench.main(["--corpus", str(QUARTZ_DOCS)]) == 0


def test_fix_inside_a_task_list_item(tmp_path: Path) -> None:
    """tasklists rewrites the item's text: the fix must still land on the link."""
    run(tmp_path, {"n.md": "- [x] read [[zeon's call]] and [x](Folder/Inner.md)\n"}, fix=True)
    assert (tmp_path / "n.md").read_text() == (
        "- [x] read [[Zeon's Call|zeon's call]] and [x](folder/inner.md)\n"
    )


# -- regressions: the numbered bugs of issue 12, each from its repro -----------------------

SAME_NOTE_VAULT: dict[str, str | bytes] = {
    "docs/a.md": "# Lists\n\nJump to [[#Lists]].\n",
    "docs/b.md": "# List\n\nJump to [[#List]] and [[#List|lists]].\n",
    "docs/c.md": "# Cats\n\n## Dogs\n\nSee [[#Dogs]] and [x](#cats).\n",
    "docs/d.md": "# Only\n\n[[#Lists]]\n",
}


def test_same_note_anchors_are_read_from_the_linking_note(tmp_path: Path) -> None:
    """Bug 1: the same-note anchors of the first note were memoised for its folder."""
    result = lint(tmp_path, SAME_NOTE_VAULT, select=LINK_CODES)
    assert result.brief() == ["docs/d.md:3:1: NL104"]
    assert "in this note" in result.findings[0].message


def test_same_note_anchors_with_fix_rewrite_nothing_that_works(tmp_path: Path) -> None:
    lint(tmp_path, SAME_NOTE_VAULT, select=LINK_CODES, fix=True)
    for rel, text in SAME_NOTE_VAULT.items():
        assert (tmp_path / rel).read_text() == text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_same_note_anchors_in_parallel_and_warm_cache_runs(tmp_path: Path, jobs: str) -> None:
    """The CLI, in parallel and twice (the second run from the cache), agrees."""
    import subprocess
    import sys

    from notelint.testing import write_vault

    write_vault(tmp_path, SAME_NOTE_VAULT)
    command = [sys.executable, "-m", "notelint", "check", ".", "--offline", "--jobs", jobs]
    command += ["--select", "NL1", "--format", "json"]
    outputs = []
    for _ in range(2):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert (tmp_path / ".notelint-cache").is_dir()
    import json

    for output in outputs:
        found = [(f["path"], f["line"], f["code"]) for f in json.loads(output)["findings"]]
        assert found == [("docs/d.md", 3, "NL104")]


def test_anchor_fix_needs_a_confident_match(tmp_path: Path) -> None:
    """Bug 2: '#Lists' for '#List' is a suggestion only; '#next steps' is fixed."""
    files: dict[str, str | bytes] = {
        "n.md": "[[t#Lisst]] [[t#next_steps]]\n",
        "t.md": "# Lists\n\n## Next Steps\n",
    }
    result = run(tmp_path, files)
    first, second = result.by_code("NL104")
    assert first.suggestion == "Lists" and first.fix is None
    assert second.suggestion == "Next Steps" and second.fix is not None
    assert second.fix.replacement == "t#Next Steps"


def test_case_fix_keeps_the_visible_text(tmp_path: Path) -> None:
    """Bug 3: [[stack]] -> [[Stack|stack]]; an alias or a table cell stays intact."""
    files: dict[str, str | bytes] = {
        "Stack.md": "# Stack\n",
        "n.md": "Use [[stack]] and [[stack|the stack]].\n\n| a | [[stack]] |\n|---|---|\n",
    }
    run(tmp_path, files, fix=True)
    assert (tmp_path / "n.md").read_text() == (
        "Use [[Stack|stack]] and [[Stack|the stack]].\n\n| a | [[Stack\\|stack]] |\n|---|---|\n"
    )
    assert run(tmp_path, {}).brief() == []


def test_a_note_holding_a_nul_byte_is_still_a_target(tmp_path: Path) -> None:
    """Bug 4: NL001 for its content, but the file exists and links to it work."""
    files: dict[str, str | bytes] = {"blob.md": b"Dump: a\x00b\n", "reader.md": "See [[blob]].\n"}
    result = lint(tmp_path, files, select=[*LINK_CODES, "NL001"])
    assert result.brief() == ["blob.md:1:1: NL001"]


def test_links_in_unreferenced_footnotes_are_checked(tmp_path: Path) -> None:
    """Bug 5: the footnote plugin drops definitions nothing refers to; their links count."""
    result = run(tmp_path, {"n.md": "Text only.\n\n[^n]: [[Nowhere Page]]\n"})
    assert result.brief() == ["n.md:3:7: NL101"]
    # beside a referenced footnote, everything around both is still read
    text = "A [[a1]][^r].\n\n[^r]: [[a2]].\n\nThen [[a3]].\n\n[^u]: [[a4]]\n\nLast [[a5]].\n"
    result = run(tmp_path / "2", {"n.md": text})
    assert [f.span.line for f in result.findings] == [1, 3, 5, 7, 9]


def test_a_scheme_word_and_colon_in_a_wikilink_is_a_note_name(tmp_path: Path) -> None:
    """Bug 6: only scheme:// (or a scheme glued to an address) makes a URL."""
    files: dict[str, str | bytes] = {
        "n.md": "[[javascript: the good parts]] [[https://x.org/a]] [[mailto:me@x.org]]\n",
    }
    result = run(tmp_path, files)
    assert result.brief() == ["n.md:1:1: NL101"]
    files = {"javascript: the good parts.md": "", "n.md": "[[javascript: the good parts]]\n"}
    assert run(tmp_path / "2", files).brief() == []


def test_an_exactly_spelled_alias_wins_over_a_case_insensitive_name(tmp_path: Path) -> None:
    """Bug 7: Quartz adds alias slugs to its pages, so [[topic]] is the alias's page."""
    files: dict[str, str | bytes] = {
        "Topic.md": "---\naliases: [topic]\n---\n# Topic\n",
        "reader.md": "Read [[topic]].\n",
    }
    assert run(tmp_path, files).brief() == []


def test_aliases_are_matched_with_their_case(tmp_path: Path) -> None:
    """Bug 8: the alias 'MAN' is the page MAN, not man."""
    files: dict[str, str | bytes] = {
        "manual.md": "---\naliases: [MAN]\n---\n",
        "n.md": "[[man]] [[MAN]]\n",
    }
    result = run(tmp_path, files)
    assert result.brief() == ["n.md:1:1: NL101"]


def test_every_link_finding_names_its_subject(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "n.md": "[[Nowhere|alias]] [x](missing.md#top) [[zeon's call]] [[Zeon's Call#Nope]]\n",
    }
    result = run(tmp_path, files)
    assert [(f.code, f.subject) for f in result.findings] == [
        ("NL101", "Nowhere"),
        ("NL102", "missing.md"),  # a missing file: its path, what the wanted notes rank
        ("NL106", "zeon's call"),
        ("NL104", "Zeon's Call#Nope"),
    ]


def test_broken_anchor_without_a_near_heading_says_how_to_fix(tmp_path: Path) -> None:
    from notelint.testing import lint

    files = {"a.md": "[[b#Zebra]] and [[b#^qq]]\n", "b.md": "# Apples\n\nText ^xy\n"}
    messages = [f.message for f in lint(tmp_path, files, select=["NL104"]).findings]
    assert messages == [
        "[[b#Zebra]]: there is no heading '#Zebra' in 'b.md'; add the heading to 'b.md', "
        "or drop '#Zebra' from the link",
        "[[b#^qq]]: there is no block ^qq in 'b.md'; add ' ^qq' at the end of the paragraph "
        "meant, or drop '#^qq' from the link",
    ]


def test_suggestions_stop_after_the_budget_of_a_note_in_the_editor(tmp_path: Path) -> None:
    """The server shows a note's first ``DIAGNOSTICS_LIMIT`` findings only, so it asks
    for suggestions for that many broken links of a note: the later ones are still
    reported, with a message saying no suggestion was looked for. The CLI has no budget."""
    from notelint.workspace import Workspace, WorkspaceOptions

    files = {
        "page.md": "# Page\n\n## Intro\n",
        "a.md": "[[pagee]]\n[[page#Intor]]\n[[pagee]]\n[[page#Intor]]\n",
    }
    cli = lint(tmp_path, files, select=["NL101", "NL104"])
    assert [f.suggestion for f in cli.findings] == ["page", "Intro", "page", "Intro"]
    workspace = Workspace(tmp_path, WorkspaceOptions(select=("NL101", "NL104")))
    workspace.load()
    assert workspace.vault is not None
    workspace.vault.suggestions_per_note = 2
    found = workspace.check("a.md")
    assert [f.code for f in found] == ["NL101", "NL104", "NL101", "NL104"]
    assert [f.suggestion for f in found] == ["page", "Intro", None, None]
    assert [f.message for f in found[:2]] == [f.message for f in cli.findings[:2]]
    for finding in found[2:]:
        assert "did you mean" not in finding.message
        assert "no suggestion looked for past the first 2 broken links" in finding.message
        assert finding.fix is None and finding.subject is not None
