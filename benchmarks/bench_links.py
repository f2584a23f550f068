"""Link resolution speed on a real vault, after parsing.

Parses ``../shared/corpora/flancian-garden`` once with the engine's own discovery, reader
and parser, then times resolving every local link (wiki-links, embeds, Markdown and HTML
links) with a fresh resolver, indexes included, and prints links per second against the
target of 50,000 links/s. For context it also times the whole links analysis (anchors,
drafts and the closest-name suggestions every broken link gets), which is what
``notelint check`` spends after parsing.

    python benchmarks/bench_links.py [--corpus PATH] [--repeat 3]

Exits 0 with a note when the corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

from notelint import syntax  # noqa: E402
from notelint.config import Config  # noqa: E402
from notelint.discover import discover  # noqa: E402
from notelint.model import Note  # noqa: E402
from notelint.parse import build_markdown, parse_note  # noqa: E402
from notelint.read import NoteText, read_note  # noqa: E402
from notelint.vault import Vault  # noqa: E402
from notelint_rules.links import LinksOptions, analyse, is_local  # noqa: E402

TARGET = 50_000  # links per second, after parsing
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "flancian-garden"


def load_vault(root: Path) -> Vault:
    """The vault exactly as the engine builds it (discovery, decoding, parsing)."""
    config = Config()
    discovery, _ = discover(root, config)
    md = build_markdown(syntax.notelint_configure_markdown)
    notes: dict[str, Note] = {}
    for rel in discovery.notes:
        read = read_note(root / rel, rel, config.max_file_size)
        if isinstance(read, NoteText):
            notes[rel] = parse_note(
                md, rel=rel, display=rel, file=root / rel, text=read.text, has_bom=read.has_bom
            )
    return Vault(
        root,
        notes,
        frozenset(discovery.attachments),
        frozenset(discovery.folders),
        frozenset(notes),
    )


def fresh(vault: Vault) -> Vault:
    """The same notes with empty resolver caches, so every run pays for its indexes."""
    return Vault(vault.root, vault.notes, vault.attachments, vault.folders, vault.reported)


def time_resolution(vault: Vault) -> tuple[float, int, Counter[str]]:
    work = [
        (link, note.rel) for note in vault.notes.values() for link in note.links if is_local(link)
    ]
    started = time.perf_counter()
    resolver = vault.resolver()
    statuses = Counter(resolver.resolve_link(link, rel).status.value for link, rel in work)
    return time.perf_counter() - started, len(work), statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: corpus {args.corpus} is absent")
        return 0
    started = time.perf_counter()
    vault = load_vault(args.corpus.resolve())
    parse_seconds = time.perf_counter() - started
    links = sum(len(note.links) for note in vault.notes.values())
    print(f"parsed {len(vault.notes)} notes, {links} links in {parse_seconds:.1f} s")

    best = float("inf")
    count = 0
    statuses: Counter[str] = Counter()
    for _ in range(max(1, args.repeat)):
        seconds, count, statuses = time_resolution(fresh(vault))
        best = min(best, seconds)
    rate = count / best if best > 0 else float("inf")
    print(
        f"resolved {count} local links in {best * 1000:.0f} ms (best of {args.repeat}): "
        f"{rate:,.0f} links/s"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in statuses.most_common()))
    print(f"ratio to target {TARGET:,} links/s: {rate / TARGET:.2f} (>= 1.00 meets it)")

    started = time.perf_counter()
    problems = analyse(fresh(vault), LinksOptions())
    analysis = time.perf_counter() - started
    codes = Counter(problem.code for problem in problems)
    print(
        f"full links analysis with suggestions: {analysis:.2f} s, "
        f"{len(problems)} findings ({', '.join(f'{c} {n}' for c, n in sorted(codes.items()))})"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
