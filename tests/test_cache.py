"""The index cache: unchanged notes that are not reported are rebuilt without parsing."""

from __future__ import annotations

import os
from pathlib import Path

from notelint.cache import (
    INDEX_FILE,
    finding_from_tuple,
    finding_tuple,
    note_from_summary,
    summary_of,
)
from notelint.engine import RunRequest, RunResult, run
from notelint.model import Finding, Fix, Severity, Span
from notelint.testing import write_vault

NOTES = {
    "a.md": "---\ntags: [x]\n---\nSee [[b#Second]] and [[b#Third]]; [x](b.md#x).\n",
    "b.md": "---\ntags: [x]\naliases: [Bee]\n---\n# First\n## Second\nText ^blk <a id=\"x\"></a>\n",
    "c.md": "---\ntags: [x]\n---\n[[Bee]] #topic\n",
}


def _check(root: Path, *paths: str, use_cache: bool = True) -> RunResult:
    request = RunRequest(
        paths=[str(root / p) for p in paths] or [str(root)],
        config={},
        root=root,
        select=["links"],
        offline=True,
        use_cache=use_cache,
        cwd=root,
    )
    return run(request)


def _brief(result: RunResult) -> list[str]:
    return [f"{f.path}:{f.span.line}:{f.span.column}: {f.code}" for f in result.findings]


def test_second_run_parses_nothing_and_finds_the_same(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    first = _check(tmp_path)
    assert (tmp_path / ".notelint-cache" / INDEX_FILE).is_file()
    assert first.parsed == set(NOTES)

    second = _check(tmp_path, "a.md")
    assert second.parsed == set()
    assert second.notes["b.md"].summary_only and second.notes["c.md"].summary_only
    assert _brief(second) == ["a.md:4:22: NL104"]  # b has '## Second' but no 'Third'
    assert _brief(_check(tmp_path)) == _brief(first)


def test_a_changed_note_is_parsed_again(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    _check(tmp_path)
    b = tmp_path / "b.md"
    b.write_text(NOTES["b.md"] + "## Third\n")
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000_000))
    result = _check(tmp_path, "a.md")
    assert result.parsed == {"b.md"}
    assert _brief(result) == []


def test_a_deleted_note_leaves_the_index(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    _check(tmp_path)
    (tmp_path / "b.md").unlink()
    result = _check(tmp_path, "a.md")
    assert "b.md" not in result.notes
    assert [f.code for f in result.findings] == ["NL101", "NL101", "NL102"]


def test_corrupt_cache_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    cache = tmp_path / ".notelint-cache" / INDEX_FILE
    cache.parent.mkdir()
    cache.write_bytes(b"\x80\x04 not a cache")
    result = _check(tmp_path, "a.md")
    assert result.exit_code == 1
    assert any("ignoring unreadable cache" in m for m in result.messages)
    assert _brief(result) == ["a.md:4:22: NL104"]


def test_no_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    _check(tmp_path, use_cache=False)
    assert not (tmp_path / ".notelint-cache").exists()


def test_summary_round_trip_keeps_every_cross_file_fact(tmp_path: Path) -> None:
    write_vault(tmp_path, NOTES)
    result = _check(tmp_path, use_cache=False)
    for note in result.notes.values():
        rebuilt = note_from_summary(summary_of(note), rel=note.rel, display=note.display,
                                    file=note.file)
        assert rebuilt.frontmatter == note.frontmatter
        assert (rebuilt.headings, rebuilt.links, rebuilt.tags) == (
            note.headings, note.links, note.tags)
        assert (rebuilt.block_ids, rebuilt.comments) == (note.block_ids, note.comments)
        assert (rebuilt.text, rebuilt.lines) == (note.text, note.lines)
        assert rebuilt.summary_only and rebuilt.tokens == ()


def test_a_new_cache_folder_is_git_ignored_even_when_spelling_writes_first(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    write_vault(vault, NOTES)
    cache = tmp_path / "cache"
    run(RunRequest(paths=[str(vault)], config={}, root=vault, offline=True, cwd=vault,
                   cache_dir=cache, select=["links", "NL501"]))
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[1] == "*"


def test_a_cached_finding_keeps_its_subject_and_fix() -> None:
    finding = Finding("a.md", Span(2, 5, 2, 12), "NL101", "broken-wikilink", Severity.ERROR,
                      "m", "b", Fix(Span(2, 7, 2, 10), "b"), subject="Nowhere")
    assert finding_from_tuple("a.md", finding_tuple(finding)) == finding


def test_a_file_name_that_is_not_utf8_is_cached_like_any_other(tmp_path: Path) -> None:
    """Linux allows any bytes in a name; Python reads 'n\\xe9.md' as 'n\\udce9.md', which
    strict UTF-8 cannot store, and the whole cache was then never written."""
    write_vault(tmp_path, NOTES)
    odd = os.fsdecode(b"n\xe9.md")
    (tmp_path / odd).write_text("---\ntags: [a]\n---\n# C\n[[missing]]\n")
    # a lone surrogate in a value too: JSON frontmatter can spell one as an escape
    (tmp_path / "j.md").write_text('{\n  "tags": ["a"],\n  "title": "\\ud800"\n}\n[[gone]]\n')
    first = _check(tmp_path)
    assert not [m for m in first.messages if "cache" in m]
    assert first.parsed == {*NOTES, odd, "j.md"}

    second = _check(tmp_path)
    assert not [m for m in second.messages if "cache" in m]
    assert second.parsed == set()
    assert second.notes[odd].summary_only and second.notes[odd].file == tmp_path / odd
    assert second.notes["j.md"].frontmatter.get("title") == "\ud800"
    assert _brief(second) == _brief(first)
    assert f"{odd}:5:1: NL101" in _brief(second)


# -- the code as installed is part of the key ------------------------------------------------


def _copy_of_notelint(folder: Path) -> Path:
    """notelint and notelint_rules copied under ``folder`` (times kept, as ``cp -p``)."""
    import shutil

    repo = Path(__file__).resolve().parents[1]
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(repo / "notelint", folder / "notelint", ignore=ignore)
    shutil.copytree(repo / "rules" / "notelint_rules", folder / "notelint_rules", ignore=ignore)
    return folder


def _run_copy(code: Path, vault: Path, cache: Path) -> list[str]:
    import json
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--format", "json",
         "--select", "NL101", "--cache-dir", str(cache), "."],
        cwd=vault, env=env, capture_output=True, text=True, check=False,
    )
    assert done.stdout, done.stderr
    return [finding["message"].split(" ")[0] for finding in json.loads(done.stdout)["findings"]]


def test_changed_notelint_code_with_the_same_version_is_a_cold_cache(tmp_path: Path) -> None:
    """A notelint whose code changed but whose version did not (an upgrade from git, an
    edited checkout) must not be served the verdicts the old code cached. The changed
    file here is the parser, which no rule's identity covers: it rewrites one link
    target, so a stale cache would still report the old one."""
    code = _copy_of_notelint(tmp_path / "code")
    vault = tmp_path / "vault"
    write_vault(vault, {"a.md": "---\ntags: [x]\n---\nSee [[before]].\n"})
    cache = tmp_path / "cache"
    assert _run_copy(code, vault, cache) == ["[[before]]"]
    assert _run_copy(code, vault, cache) == ["[[before]]"]  # warm, same code
    parse = code / "notelint" / "parse.py"
    with parse.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\n_parse_note_as_shipped = parse_note\n\n\n"
            "def parse_note(md, **kwargs):  # type: ignore[no-redef]\n"
            "    kwargs['text'] = kwargs['text'].replace('[[before]]', '[[after]]')\n"
            "    return _parse_note_as_shipped(md, **kwargs)\n"
        )
    assert _run_copy(code, vault, cache) == ["[[after]]"]
