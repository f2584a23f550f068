"""The per-file cache never changes what a run reports.

A differential test: a vault is linted after each of a sequence of mutations (edits,
touches, deletions, renames, new targets of broken links, attachments coming and going,
configuration changes, the date moving on), once with the cache and once without, and
both runs must report exactly the same findings with the same exit code. The explicit
examples below pin down what the cache may skip (parsing unchanged notes) and what it
must not (vault rules whose inputs changed although the reporting note did not).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notelint import __version__
from notelint.cache import (
    CACHE_FORMAT,
    INDEX_FILE,
    INDEX_HEADER,
    CacheEntry,
    IndexCache,
    read_index_document,
    write_index_document,
)
from notelint.engine import RunRequest, RunResult, run
from notelint.model import Finding
from notelint.spell import DEFAULT_WORDLIST
from notelint.testing import write_vault

TODAY = date(2024, 6, 1)
FM = "---\ntags: [topic]\n---\n"

# Every kind of fact the rules read across notes: links (resolving, broken, to headings,
# blocks, aliases, attachments, folders, drafts), tags, frontmatter, journal headings.
VAULT: dict[str, str | bytes] = {
    "index.md": (
        FM + "# Index\n\nSee [[alpha]], [[beta#Second Heading]], [[beta#Nowhere]], "
        "[[Gamma Alias]] and [[ghost]].\n"
        "Also [delta](sub/delta.md), [the folder](sub/), [missing](sub/missing.md) and "
        "[[alpha#^blk]].\n\n![[pic.png]] ![plan](assets/plan.png) ![[gone.png]]\n"
        "#topic #Topic\n"
    ),
    "alpha.md": FM + "# Alpha\n\nA paragraph with a block. ^blk\n\n[[index]] [[phantom]]\n",
    "beta.md": (
        FM + "# Beta\n\n## Second Heading\n\nText [[alpha#Alpha]] [[ALPHA]] [[draft]].\n"
    ),
    "gamma.md": (
        "---\ntags: [topic]\naliases: [Gamma Alias]\n---\n# Gamma\n\n[[beta#second-heading]]\n"
    ),
    "draft.md": "---\ntags: [topic]\ndraft: true\n---\n# Draft\n",
    "sub/delta.md": FM + "# Delta\n\n[[index]] [[ghost]] [up](../alpha.md#alpha)\n",
    "sub/epsilon.md": FM + "[[delta]] [[sub/delta]] [[zeta]]\n",
    "sub/alpha.md": FM + "# Another alpha\n",
    "journal.md": (
        "---\ntags: [journal]\nmodified: 2024-01-01\n---\n# Journal\n\n"
        "## 2024-06-03\n\nfuture\n\n## 2024-05-01\n\nx\n\n## 2024-05-03\n\nout of order\n\n"
        "## 2024-02-30\n\ninvalid\n\n## 2024/04/01\n\nformat\n\n## 2024-05-01\n\ndup\n"
    ),
    "no-frontmatter.md": "# Nothing on top\n\n[[index]]\n",
    "bad-yaml.md": "---\ntags: [a\ntitle: x: y\n---\n# Bad YAML\n",
    "not-mapping.md": "---\n- a\n- b\n---\nbody\n",
    "tag-format.md": "---\ntags: ['#hash', 'two words', Topic]\ndate: 2024-13-01\n---\nx\n",
    "empty-tags.md": "---\ntags: []\ntitle: Empty\n---\n[[no-frontmatter]]\n",
    "notes/one.md": FM + "[[two]] [[three]] [[one#One]]\n# One\n",
    "notes/two.md": FM + "[[one]] [[notes/three]] [](three.md)\n",
    "notes/four.md": FM + "<a id=\"anchor\"></a>\n[[four#anchor]] [[one#^none]]\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
    "assets/plan.png": b"\x89PNG\r\n\x1a\nplan",
}

def _text(rel: str) -> str:
    data = VAULT[rel]
    assert isinstance(data, str)
    return data


NOTES = sorted(rel for rel in VAULT if rel.endswith(".md"))
# names that broken links in VAULT name: creating one heals links in notes left unchanged
BROKEN_TARGETS = ["ghost.md", "phantom.md", "sub/zeta.md", "notes/three.md", "sub/missing.md"]
ATTACHMENTS = ["gone.png", "pic.png", "assets/plan.png", "sub/new.png"]
FRAGMENTS = [
    "[[alpha]]\n", "[[ghost]]\n", "[[beta#Second Heading]]\n", "[[beta#Third]]\n",
    "## Third\n", "# Alpha\n", "^blk\n", "#topic\n", "#Topic\n", "![[gone.png]]\n",
    "[x](sub/)\n", "## 2024-06-02\n", "## 2024-05-02\n", "## 2023-02-29\n", "[[draft]]\n",
    "<!-- notelint-disable-next-line NL101 -->\n", "[[Gamma Alias]]\n", "[[phantom]]\n",
    "- [ ] [[zeta]]\n", "```\n", "%%\n",
]
FRONTMATTERS = [
    "", FM, "---\ntags: [x\n---\n", "---\ntags: [topic]\naliases: [Ghost]\n---\n",
    "---\ntags: [topic]\ndraft: true\n---\n", "---\ntitle: t\n---\n",
    "---\ntags: [journal]\nmodified: 2024-05-01\n---\n",
]
CONFIGS: list[dict[str, Any]] = [
    {},
    {"select": ["links"]},
    {"ignore": ["NL203", "NL302"]},
    {"links": {"slug": "obsidian"}},
    {"links": {"resolution": "relative"}},
    {"frontmatter": {"required": ["tags", "title"], "allowed-tags": ["topic", "journal"]}},
    {"dates": {"order": "ascending", "allow-future": True}},
    {"per-file-ignores": {"sub/*": ["NL101"]}, "severity": {"NL106": "error"}},
    {"fail-on": "warning", "ignore": ["frontmatter"]},
    {"exclude": ["notes/"], "select": ["links", "NL001", "dates"]},
]
BAD_BYTES = [b"\x00\x01binary\n", b"# Bad\n\ncaf\xe9 latin-1\n", b"\xef\xbb\xbf# BOM\n[[ghost]]\n"]


@dataclass
class World:
    """The vault on disk and how it is linted next."""

    root: Path
    cache_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    cwd: Path | None = None  # the root unless set
    today: date = TODAY
    clock: int = 1_700_000_000  # seconds; every write moves it on, so stamps differ

    def tick(self, path: Path) -> None:
        self.clock += 7
        os.utime(path, (self.clock, self.clock))

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.tick(path)

    def notes(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.md"))

    def lint(self, *, use_cache: bool, paths: Sequence[str] = ()) -> RunResult:
        return run(
            RunRequest(
                paths=[str(self.root / p) for p in paths] or [str(self.root)],
                config=self.config,
                root=self.root,
                offline=True,
                use_cache=use_cache,
                cache_dir=self.cache_dir,
                cwd=self.cwd or self.root,
                today=self.today,
            )
        )


def make_world(root: Path, cache_dir: Path) -> World:
    world = World(root, cache_dir)
    (root.parent / "elsewhere").mkdir(parents=True, exist_ok=True)
    for rel, data in VAULT.items():
        world.write(rel, data)
    return world


def observed(result: RunResult) -> tuple[int, list[tuple[Any, ...]]]:
    """Everything a user sees of a finding, and the exit code."""
    return result.exit_code, [_finding(f) for f in result.findings]


def _finding(f: Finding) -> tuple[Any, ...]:
    fix = None if f.fix is None else (f.fix.span, f.fix.replacement)
    return (f.path, f.span, f.code, f.rule, f.severity, f.message, f.suggestion, fix)


def assert_same(world: World, paths: Sequence[str] = ()) -> RunResult:
    """Lint with and without the cache; both must report the same. Returns the cached run."""
    cached = world.lint(use_cache=True, paths=paths)
    fresh = world.lint(use_cache=False, paths=paths)
    assert observed(cached) == observed(fresh)
    assert not [m for m in cached.messages if "internal error" in m], cached.messages
    assert not [m for m in fresh.messages if "internal error" in m], fresh.messages
    return cached


# -- mutations ---------------------------------------------------------------------------


def _pick(items: Sequence[str], index: int) -> str | None:
    return items[index % len(items)] if items else None


def apply(world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    notes = world.notes()
    if kind == "edit":
        _, index, frontmatter, fragments = op
        rel = _pick(notes, index)
        if rel is not None:
            # an earlier step may have made it invalid UTF-8: keep what can be read
            text = (world.root / rel).read_bytes().decode("utf-8", errors="replace")
            body = text.split("\n---\n")[-1]
            world.write(rel, FRONTMATTERS[frontmatter % len(FRONTMATTERS)] + body
                        + "".join(FRAGMENTS[i % len(FRAGMENTS)] for i in fragments))
    elif kind == "append":
        _, index, fragment = op
        rel = _pick(notes, index)
        if rel is not None:
            with (world.root / rel).open("a", encoding="utf-8") as handle:
                handle.write(FRAGMENTS[fragment % len(FRAGMENTS)])
            world.tick(world.root / rel)
    elif kind == "bytes":
        rel = _pick(notes, op[1])
        if rel is not None:
            world.write(rel, BAD_BYTES[op[2] % len(BAD_BYTES)])
    elif kind == "cwd":
        # the display paths change ("vault/a.md", "../vault/a.md"); cached findings must too
        world.cwd = [None, world.root.parent, world.root.parent / "elsewhere"][op[1] % 3]
    elif kind == "touch":
        rel = _pick(notes, op[1])
        if rel is not None:
            world.tick(world.root / rel)
    elif kind == "delete":
        rel = _pick(notes, op[1])
        if rel is not None:
            (world.root / rel).unlink()
    elif kind == "create":
        rel = BROKEN_TARGETS[op[1] % len(BROKEN_TARGETS)]
        world.write(rel, FRONTMATTERS[op[2] % len(FRONTMATTERS)] + "# Ghost\n\n[[index]]\n")
    elif kind == "rename":
        rel = _pick(notes, op[1])
        if rel is not None:
            new = BROKEN_TARGETS[op[2] % len(BROKEN_TARGETS)]
            if not (world.root / new).exists():
                (world.root / new).parent.mkdir(parents=True, exist_ok=True)
                (world.root / rel).rename(world.root / new)
    elif kind == "attachment":
        rel = ATTACHMENTS[op[1] % len(ATTACHMENTS)]
        path = world.root / rel
        if path.exists():
            path.unlink()
        else:
            world.write(rel, b"\x89PNG\r\n\x1a\nnew")
    elif kind == "folder":
        folder = world.root / "sub"
        if folder.exists():
            shutil.rmtree(folder)
        else:
            world.write("sub/delta.md", VAULT["sub/delta.md"])
    elif kind == "config":
        world.config = CONFIGS[op[1] % len(CONFIGS)]
    elif kind == "day":
        world.today = world.today + timedelta(days=op[1])
    else:  # pragma: no cover
        raise AssertionError(op)


INDEX = st.integers(min_value=0, max_value=50)
OPS = st.one_of(
    st.tuples(st.just("edit"), INDEX, INDEX, st.lists(INDEX, max_size=4)),
    st.tuples(st.just("append"), INDEX, INDEX),
    st.tuples(st.just("touch"), INDEX),
    st.tuples(st.just("bytes"), INDEX, INDEX),
    st.tuples(st.just("cwd"), INDEX),
    st.tuples(st.just("delete"), INDEX),
    st.tuples(st.just("create"), INDEX, INDEX),
    st.tuples(st.just("rename"), INDEX, INDEX),
    st.tuples(st.just("attachment"), INDEX),
    st.tuples(st.just("folder")),
    st.tuples(st.just("config"), INDEX),
    st.tuples(st.just("day"), st.integers(min_value=1, max_value=40)),
)
# what a step reports: the whole vault, or one note (other notes then stay summaries)
SCOPES = st.one_of(st.just(()), st.tuples(st.sampled_from(NOTES)))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(OPS, SCOPES), min_size=1, max_size=6))
def test_cached_and_uncached_runs_agree_after_any_mutations(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[tuple[Any, ...], tuple[str, ...]]]
) -> None:
    base = tmp_path_factory.mktemp("differential")
    world = make_world(base / "vault", base / "cache")
    assert_same(world)
    for op, scope in steps:
        apply(world, op)
        paths = [rel for rel in scope if (world.root / rel).exists()]
        assert_same(world, paths)
        assert_same(world)  # the full vault after a partial run


# -- explicit examples -------------------------------------------------------------------


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path / "vault", tmp_path / "cache")


def test_the_mutations_of_one_scripted_sequence_agree(world: World) -> None:
    """Every kind of mutation at least once, in an order the examples show to matter."""
    first = assert_same(world)
    assert first.parsed == set(NOTES)
    assert {f.code for f in first.findings} >= {
        "NL101", "NL102", "NL103", "NL104", "NL106", "NL107", "NL201", "NL202", "NL203",
        "NL204", "NL206", "NL301", "NL302", "NL303", "NL304", "NL306", "NL307",
    }
    for op in [("touch", 3), ("append", 0, 3), ("create", 0, 1), ("delete", 2),
               ("rename", 5, 1), ("attachment", 0), ("attachment", 1), ("folder",),
               ("config", 3), ("config", 5), ("day", 3), ("folder",), ("config", 0),
               ("edit", 7, 3, [1, 2]), ("create", 3, 0)]:
        apply(world, op)
        assert_same(world)


def test_touching_a_note_without_changing_it_parses_nothing(world: World) -> None:
    before = assert_same(world)
    for rel in ("alpha.md", "journal.md", "sub/delta.md"):
        world.tick(world.root / rel)
    after = assert_same(world)
    assert after.parsed == set()
    assert observed(after) == observed(before)
    # the new stamps were kept: the next run does not even hash them
    assert world.lint(use_cache=True).parsed == set()


def test_changing_one_note_parses_only_that_note(world: World) -> None:
    assert_same(world)
    world.write("beta.md", _text("beta.md") + "## Third\n")
    result = assert_same(world)
    assert result.parsed == {"beta.md"}


def test_a_new_target_heals_a_link_in_a_note_that_did_not_change(world: World) -> None:
    before = assert_same(world, ["sub/epsilon.md"])
    assert [f.message for f in before.findings if f.code == "NL101"] != []
    assert any("zeta" in f.message for f in before.findings)
    world.write("sub/zeta.md", FM + "# Zeta\n")
    after = assert_same(world, ["sub/epsilon.md"])
    assert after.parsed == {"sub/zeta.md"}
    assert not any("zeta" in f.message for f in after.findings)
    # and the other way round: deleting the target breaks the link again
    (world.root / "sub/zeta.md").unlink()
    again = assert_same(world, ["sub/epsilon.md"])
    assert again.parsed == set()
    assert observed(again) == observed(before)


def test_a_broken_anchor_heals_when_the_target_gains_the_heading(world: World) -> None:
    before = assert_same(world, ["index.md"])
    assert any(f.code == "NL104" and "Nowhere" in f.message for f in before.findings)
    world.write("beta.md", _text("beta.md") + "## Nowhere\n")
    after = assert_same(world, ["index.md"])
    assert after.parsed == {"beta.md"}
    assert not any(f.code == "NL104" and "Nowhere" in f.message for f in after.findings)


def test_an_attachment_appearing_heals_an_embed(world: World) -> None:
    before = assert_same(world, ["index.md"])
    assert any(f.code == "NL103" and "gone.png" in f.message for f in before.findings)
    world.write("gone.png", b"\x89PNG")
    after = assert_same(world, ["index.md"])
    assert after.parsed == set()
    assert not any(f.code == "NL103" and "gone.png" in f.message for f in after.findings)


def test_a_config_change_rechecks_with_the_new_options(world: World) -> None:
    before = assert_same(world)
    world.config = {"frontmatter": {"required": ["tags", "title"]}}
    after = assert_same(world)
    assert len(after.findings) > len(before.findings)  # every note now lacks a title
    world.config = {}
    assert observed(assert_same(world)) == observed(before)


def test_lowering_max_file_size_reports_unchanged_notes_over_the_limit(world: World) -> None:
    assert_same(world)
    world.config = {"max-file-size": 60}  # the same rules and options
    fresh = world.lint(use_cache=False)
    over = {f.path for f in fresh.findings if f.code == "NL001" and "limit" in f.message}
    assert over >= {"index.md", "journal.md"}
    assert observed(world.lint(use_cache=True)) == observed(fresh)


def test_raising_max_file_size_checks_notes_that_were_over_the_limit(world: World) -> None:
    world.config = {"max-file-size": 60}
    small = assert_same(world)
    assert any(f.code == "NL001" and f.path == "journal.md" for f in small.findings)
    world.config = {}
    large = assert_same(world)
    assert not any(f.code == "NL001" for f in large.findings)
    assert any(f.code == "NL306" and f.path == "journal.md" for f in large.findings)


def test_the_date_moving_on_rechecks_date_rules(world: World) -> None:
    before = assert_same(world, ["journal.md"])
    assert any(f.code == "NL306" for f in before.findings)  # 2024-06-03 is in the future
    world.today = TODAY + timedelta(days=5)
    after = assert_same(world, ["journal.md"])
    assert not any(f.code == "NL306" for f in after.findings)


def _index(world: World) -> Path:
    return world.cache_dir / INDEX_FILE


def _rewritten(document: tuple[Any, ...]) -> Callable[[Path], None]:
    def write(index: Path) -> None:
        index.unlink()
        write_index_document(index, document)  # type: ignore[arg-type]
    return write


def _bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    return lambda index: index.write_bytes(change(index.read_bytes()))


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "garbage": _bytes(lambda data: b"\x80\x04 this is no cache \x00\xff"),
    "truncated": _bytes(lambda data: data[: len(data) // 2]),
    "empty": _bytes(lambda data: b""),
    "one flipped byte": _bytes(_flip),
    "flipped checksum": _bytes(lambda data: data[:27] + bytes([data[27] ^ 1]) + data[28:]),
    "older format": _rewritten(((CACHE_FORMAT - 1, __version__, "x"), {}, None)),
    "older layout": lambda index: index.write_bytes(
        INDEX_HEADER + b"\x00" * 12 + b"\x92\x01\x02"),
    "not a tuple": _rewritten(({"entries": {}}, None, None)),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_an_unusable_cache_is_ignored_with_the_same_findings(world: World,
                                                            corruption: str) -> None:
    before = assert_same(world)
    index = _index(world)
    CORRUPTIONS[corruption](index)
    result = world.lint(use_cache=True)
    assert observed(result) == observed(before)
    assert result.parsed == set(NOTES)
    assert not [m for m in result.messages if "internal error" in m]
    # the rewritten cache serves the next run
    assert world.lint(use_cache=True).parsed == set()


def test_a_cache_entry_of_another_shape_is_ignored(world: World) -> None:
    """Entries the current format does not know (of a key-compatible but different
    writer, say) are parsed again, not trusted."""
    before = assert_same(world)
    index = _index(world)
    key, entries, vault_results = read_index_document(index)
    entries["alpha.md"] = ("stamp", b"digest", ("summary",))
    write_index_document(index, (key, entries, vault_results))
    result = world.lint(use_cache=True)
    assert observed(result) == observed(before)
    assert result.parsed == {"alpha.md"}


def test_an_edit_that_restores_size_and_mtime_is_not_served_stale(world: World) -> None:
    """``cp -p`` or ``touch -r``: same size and modification time, other bytes. The
    status-change time (and the inode, for a file replaced by a rename) still moved, as
    git and ruff notice."""
    assert_same(world)
    path = world.root / "alpha.md"
    stamp = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[[phantom]]", "[[phantoX]]"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stamp.st_size, stamp.st_mtime_ns)
    cached = world.lint(use_cache=True, paths=["alpha.md"])
    assert cached.parsed == {"alpha.md"}
    assert not any("phantom'" in f.message for f in cached.findings)
    assert any("phantoX" in f.message for f in cached.findings)


def test_a_copy_with_its_times_kept_is_not_served_stale(world: World, tmp_path: Path) -> None:
    assert_same(world)
    path = world.root / "alpha.md"
    other = tmp_path / "alpha.md"
    other.write_text(path.read_text(encoding="utf-8").replace("[[phantom]]", "[[phantoX]]"),
                     encoding="utf-8")
    os.utime(other, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    subprocess.run(["cp", "-p", str(other), str(path)], check=True)
    cached = world.lint(use_cache=True, paths=["alpha.md"])
    assert cached.parsed == {"alpha.md"}
    assert any("phantoX" in f.message for f in cached.findings)


def test_an_index_file_replaced_by_a_folder_is_recovered(world: World) -> None:
    before = assert_same(world)
    index = _index(world)
    index.unlink()
    index.mkdir()
    (index / "junk").write_text("x")
    result = world.lint(use_cache=True)
    assert observed(result) == observed(before)
    assert index.is_file()  # notelint's own name in its own folder: taken back
    again = world.lint(use_cache=True)
    assert again.parsed == set()
    assert not [m for m in again.messages if "cache" in m]


def test_entries_are_cache_entries_keyed_by_rel(world: World) -> None:
    assert_same(world)
    key, entries, vault_results = read_index_document(_index(world))
    assert key[0] == CACHE_FORMAT
    assert set(entries) == set(NOTES)
    cache = IndexCache(_index(world).parent, key[-1]).load()
    assert all(isinstance(cache.entry(rel), CacheEntry) for rel in NOTES)
    assert vault_results is not None


# -- the spelling rule's word list is an input of the vault results -----------------------


@pytest.mark.skipif(shutil.which("aspell") is None, reason="aspell is not installed")
def test_adding_a_word_to_the_word_list_drops_its_finding(tmp_path: Path) -> None:
    world = World(tmp_path / "vault", tmp_path / "cache", config={"select": ["NL501", "NL502"]})
    write_vault(world.root, {
        "a.md": FM + "The Zorbleflux engine is running again today.\n",
        "b.md": FM + "Another ordinary sentence about the weather.\n",
    })
    before = assert_same(world)
    assert [(f.code, f.span.line) for f in before.findings] == [("NL502", 4)]
    assert "Zorbleflux" in before.findings[0].message
    (world.root / DEFAULT_WORDLIST).write_text("Zorbleflux\n", encoding="utf-8")
    after = assert_same(world)
    assert after.parsed == set()
    assert after.findings == []
    # and removing it again brings the finding back, still without parsing
    (world.root / DEFAULT_WORDLIST).write_text("# nothing\n", encoding="utf-8")
    again = assert_same(world)
    assert again.parsed == set()
    assert observed(again) == observed(before)
