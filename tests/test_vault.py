"""The vault index and link resolver, on vaults built from real parsed notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from notelint import syntax
from notelint.parse import build_markdown, parse_note
from notelint.vault import (
    Resolver,
    Status,
    Vault,
    compile_globs,
    is_draft,
    join_target,
    loose_key,
)

MD = build_markdown(syntax.notelint_configure_markdown)


def make_vault(
    notes: Mapping[str, str],
    attachments: Iterable[str] = (),
    folders: Iterable[str] = (),
) -> Vault:
    """A vault of parsed ``notes`` (rel -> text); folders are derived from every path."""
    parsed = {
        rel: parse_note(MD, rel=rel, display=rel, file=Path("/vault", rel), text=text)
        for rel, text in notes.items()
    }
    all_folders = set(folders)
    for rel in (*notes, *attachments):
        parts = rel.split("/")[:-1]
        for index in range(1, len(parts) + 1):
            all_folders.add("/".join(parts[:index]))
    return Vault(
        Path("/vault"), parsed, frozenset(attachments), frozenset(all_folders), frozenset(notes)
    )


@pytest.fixture
def vault() -> Vault:
    return make_vault(
        {
            "index.md": "# Home\n",
            "Zeon's Call.md": "# Zeon\n\n## Next Steps\n\ntext ^block-1\n",
            "notes/alpha.md": "---\naliases: [First Letter]\n---\n# Alpha\n## Alpha\n",
            "notes/beta.md": "# Beta\n",
            "archive/beta.md": "# Old beta\n",
            "archive/Gamma.md": "# Gamma\n",
            "advanced/index.md": "# Advanced\n",
            "2024.01.01.md": "# Day\n",
            "draft.md": "---\ndraft: true\n---\n# Draft\n",
        },
        attachments=["images/quartz-layout.png", "files/Report.PDF"],
        folders=["empty"],
    )


def resolve(resolver: Resolver, target: str, from_rel: str = "index.md", *, wiki: bool = True):
    return resolver.resolve(target, from_rel, wiki=wiki)


class TestShortest:
    def test_name_anywhere_with_and_without_extension(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "alpha").rel == "notes/alpha.md"
        assert resolve(r, "alpha.md").status is Status.OK
        assert resolve(r, "quartz-layout.png").rel == "images/quartz-layout.png"
        assert resolve(r, "2024.01.01").rel == "2024.01.01.md"

    def test_missing_name(self, vault: Vault) -> None:
        assert resolve(vault.resolver(), "nothing here").status is Status.MISSING

    def test_alias(self, vault: Vault) -> None:
        found = resolve(vault.resolver(), "First Letter")
        assert (found.status, found.rel) == (Status.OK, "notes/alpha.md")
        # an alias is a page at its own slug: its case matters (issue 12, bug 8)
        assert resolve(vault.resolver(), "first letter").status is Status.MISSING

    def test_case_mismatch_names_the_spelling_on_disk(self, vault: Vault) -> None:
        found = resolve(vault.resolver(), "gamma")
        assert found.status is Status.CASE_MISMATCH
        assert found.rel == "archive/Gamma.md"
        image = resolve(vault.resolver(), "Quartz-Layout.png")
        assert image.status is Status.CASE_MISMATCH

    def test_ambiguous_prefers_same_folder_then_shortest_path(self, vault: Vault) -> None:
        r = vault.resolver()
        from_notes = resolve(r, "beta", "notes/x.md")
        assert from_notes.status is Status.AMBIGUOUS
        assert from_notes.candidates == ("notes/beta.md", "archive/beta.md")
        from_archive = resolve(r, "beta", "archive/x.md")
        assert from_archive.rel == "archive/beta.md"

    def test_root_candidate_is_not_ambiguous_from_root(self) -> None:
        v = make_vault({"index.md": "", "sub/index.md": "", "a.md": "", "sub/b.md": ""})
        r = v.resolver()
        assert resolve(r, "index", "a.md").status is Status.OK
        assert resolve(r, "index", "a.md").rel == "index.md"
        # from sub/, Quartz takes the root one (the name is not unique: the root path)
        # and so does Obsidian (an exact path from the root wins over the same folder);
        # each of them without doubt
        assert resolve(r, "index", "sub/b.md").rel == "index.md"
        obsidian = v.resolver(flavor="obsidian")
        assert resolve(obsidian, "index", "sub/b.md").rel == "index.md"
        assert resolve(obsidian, "index", "sub/b.md").status is Status.OK

    def test_path_from_root_then_relative_for_wikilinks(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "notes/alpha", "archive/x.md").rel == "notes/alpha.md"
        v = make_vault({"a/b/c.md": "", "a/x.md": "", "b/c.md": ""})
        assert resolve(v.resolver(), "b/c", "a/x.md").rel == "b/c.md"
        assert resolve(v.resolver(), "b/c", "a/x.md", wiki=False).rel == "a/b/c.md"

    def test_markdown_relative_then_root(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "../index.md", "notes/alpha.md", wiki=False).rel == "index.md"
        assert resolve(r, "beta.md", "notes/alpha.md", wiki=False).status is Status.OK
        assert resolve(r, "notes/beta.md", "archive/x.md", wiki=False).rel == "notes/beta.md"

    def test_root_relative(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "/notes/beta", "archive/x.md", wiki=False).rel == "notes/beta.md"
        assert resolve(r, "/beta", "archive/x.md").status is Status.MISSING

    def test_folders(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "advanced/").status is Status.FOLDER
        assert resolve(r, "./notes/", wiki=False).status is Status.FOLDER
        assert resolve(r, "empty").status is Status.FOLDER
        assert resolve(r, "Advanced/").status is Status.CASE_MISMATCH
        assert resolve(r, "beta/").status is Status.MISSING  # a note, not a folder

    def test_virtual_pages(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "tags/plugin/filter").status is Status.VIRTUAL
        assert resolve(r, "tags").status is Status.VIRTUAL
        assert resolve(r, "tagsx/a").status is Status.MISSING
        none = vault.resolver(virtual=())
        assert resolve(none, "tags/plugin").status is Status.MISSING

    def test_upper_case_extension_is_no_mismatch(self) -> None:
        v = make_vault({"a.md": "", "sub/Note.MD": ""})
        assert resolve(v.resolver(), "sub/Note", "a.md").status is Status.OK
        assert resolve(v.resolver(), "sub/note", "a.md").status is Status.CASE_MISMATCH

    def test_outside_the_vault(self, vault: Vault) -> None:
        found = resolve(vault.resolver(), "../../etc/passwd", "notes/a.md", wiki=False)
        assert found.status is Status.OUTSIDE

    def test_same_note(self, vault: Vault) -> None:
        assert resolve(vault.resolver(), "", "notes/beta.md").rel == "notes/beta.md"

    def test_cache_gives_identical_answers(self, vault: Vault) -> None:
        r = vault.resolver()
        assert resolve(r, "alpha") is resolve(r, "alpha")
        assert vault.resolver() is r


class TestModes:
    def test_relative(self, vault: Vault) -> None:
        r = vault.resolver("relative")
        assert resolve(r, "beta", "notes/alpha.md").rel == "notes/beta.md"
        assert resolve(r, "alpha", "index.md").status is Status.MISSING
        assert resolve(r, "/notes/alpha", "index.md").status is Status.OK

    def test_absolute(self, vault: Vault) -> None:
        r = vault.resolver("absolute")
        assert resolve(r, "notes/beta", "archive/x.md").rel == "notes/beta.md"
        assert resolve(r, "beta", "notes/alpha.md").status is Status.MISSING
        assert resolve(r, "../index", "notes/alpha.md").rel == "index.md"

    def test_unknown_mode_is_rejected(self, vault: Vault) -> None:
        with pytest.raises(ValueError, match=r"links\.resolution"):
            vault.resolver("nearest")
        with pytest.raises(ValueError, match=r"links\.slug"):
            vault.resolver(slug="gitlab")


class TestAnchors:
    def test_github_slugs(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.check_anchor("Zeon's Call.md", "Next Steps").ok
        assert r.check_anchor("Zeon's Call.md", "next-steps", wiki=False).ok
        assert not r.check_anchor("Zeon's Call.md", "Later Steps").ok

    def test_duplicate_headings_get_numbered(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.check_anchor("notes/alpha.md", "alpha-1", wiki=False).ok
        assert not r.check_anchor("notes/alpha.md", "alpha-2", wiki=False).ok

    def test_blocks(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.check_anchor("Zeon's Call.md", "^block-1").ok
        missing = r.check_anchor("Zeon's Call.md", "^block-2")
        assert (missing.ok, missing.block, missing.choices) == (False, True, ("block-1",))

    def test_obsidian_literal_and_chains(self) -> None:
        v = make_vault({"n.md": "# Top\n## Sub: part\n# Other\n"})
        r = v.resolver(slug="obsidian")
        assert r.check_anchor("n.md", "top").ok
        assert r.check_anchor("n.md", "Top#Sub part").ok
        assert not r.check_anchor("n.md", "Other#Sub part").ok
        assert not r.check_anchor("n.md", "sub-part").ok  # a slug is not the text

    def test_suggests_the_closest_heading(self, vault: Vault) -> None:
        found = vault.resolver().check_anchor("Zeon's Call.md", "Next Step")
        assert found.choices == ("Next Steps",)

    def test_non_notes_always_pass(self, vault: Vault) -> None:
        assert vault.resolver().check_anchor("files/Report.PDF", "page=3").ok

    def test_html_ids_count(self) -> None:
        v = make_vault({"n.md": '<a id="custom"></a>\ntext\n'})
        assert v.resolver().check_anchor("n.md", "custom", wiki=False).ok


class TestSuggestions:
    def test_dash_space_and_case(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.suggest("zeon's-call", "index.md") == ("Zeon's Call",)
        assert r.suggest("quartz layout.png", "index.md") == ("quartz-layout.png",)

    def test_keeps_md_suffix_and_relative_frame(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.suggest("../notes/betta.md", "archive/x.md", wiki=False) == ("../notes/beta.md",)
        assert r.suggest("/notes/betta", "archive/x.md", wiki=False) == ("/notes/beta",)
        assert r.suggest("notes/betta", "archive/x.md") == ("notes/beta",)

    def test_similarity_threshold(self, vault: Vault) -> None:
        r = vault.resolver()
        assert r.suggest("alpah", "index.md") == ("alpha",)
        assert r.suggest("completely different", "index.md") == ()

    def test_moved_file_found_by_name(self) -> None:
        v = make_vault({"a.md": "", "new/place/target.md": ""})
        assert v.resolver().suggest("old/target", "a.md") == ("new/place/target",)


def test_helpers() -> None:
    assert join_target("a/b", "../c") == "a/c"
    assert join_target("a", "../../c") is None
    assert join_target("", "/x/./y") == "x/y"
    assert loose_key("My-Note_name%20x.md") == "my note name x"
    glob = compile_globs(["tags/**", "*.gen"])
    assert glob is not None
    assert glob.match("tags/a/b") and glob.match("x.gen") and not glob.match("a/x.gen")


def test_draft(vault: Vault) -> None:
    assert is_draft(vault.notes["draft.md"])
    assert not is_draft(vault.notes["index.md"])


def test_fuzzy_search_finds_the_same_names_scanning_or_indexed() -> None:
    """The first queries scan the names, later ones use the trigram index: both must
    suggest exactly the same names, or a suggestion would depend on the query's rank."""
    from notelint.vault import _FuzzyIndex

    names = [f"{word} {other}" for word in ("garden", "gardening", "graden", "agora", "agoras")
             for other in ("notes", "note", "nodes", "journal", "jornal", "x")]
    queries = ["garden note", "agora jornal", "gardning notes", "agor x", "nothing alike"]
    scanning = _FuzzyIndex(names)
    scanning.SCANNED_QUERIES = len(queries) + 1
    indexed = _FuzzyIndex(names)
    indexed.SCANNED_QUERIES = 0
    for query in queries:
        assert scanning.closest(query) == indexed.closest(query)
    assert scanning._grams is None and indexed._grams is not None
    assert scanning.closest("gardenin journal")[0] == "gardening journal"
