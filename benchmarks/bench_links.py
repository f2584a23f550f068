"""Link resolution speed on a real vault, after parsing.

Parses ``../shared/corpora/flancian-garden`` once with the engine's own discovery, reader
and parser, then times resolving every local link (wiki-links, embeds, Markdown and HTML
links) with a fresh resolver, indexes included, and prints links per second against the
target of 50,000 links/s. For context it also times the whole links analysis (anchors,
drafts and the closest-name suggestions every broken link gets), which is what
``notelint check`` spends after parsing, and the graph rules (NL601, NL602), which
resolve every note's links once more in their own process when enabled.

    python benchmarks/bench_links.py [--corpus PATH] [--repeat 3]

Exits 0 with a note when the corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

from notelint import syntax  # noqa: E402
from notelint.config import Config  # noqa: E402
from notelint.discover import discover  # noqa: E402
from notelint.model import Note  # noqa: E402
from notelint.parse import build_markdown, parse_note  # noqa: E402
from notelint.read import NoteText, read_note  # noqa: E402
from notelint.rule import RuleContext  # noqa: E402
from notelint.vault import Vault  # noqa: E402
from notelint_rules.graph import RULES as GRAPH_RULES  # noqa: E402
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


def time_resolution(vault: Vault) -> tuple[float, float, int, Counter[str]]:
    """CPU seconds to resolve every local link with a fresh resolver (indexes included),
    CPU seconds of the naive baseline on the same links, the link count, the outcomes.

    The baseline is the cheapest lookup that could stand in for resolution: one
    case-folded name look-up per link (``Vault.by_name``), no paths, anchors or rules.
    CPU time (not wall time) keeps other processes on the machine out of the figure.
    """
    work = [
        (link, note.rel) for note in vault.notes.values() for link in note.links if is_local(link)
    ]
    started = time.process_time()
    by_name = vault.by_name
    for link, _ in work:
        by_name(link.target)
    baseline = time.process_time() - started
    started = time.process_time()
    resolver = vault.resolver()
    outcomes = [resolver.resolve_link(link, rel).status for link, rel in work]
    seconds = time.process_time() - started
    return seconds, baseline, len(work), Counter(status.value for status in outcomes)


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

    best = best_baseline = float("inf")
    count = 0
    statuses: Counter[str] = Counter()
    for _ in range(max(1, args.repeat)):
        seconds, baseline, count, statuses = time_resolution(fresh(vault))
        best, best_baseline = min(best, seconds), min(best_baseline, baseline)
    rate = count / best if best > 0 else float("inf")
    print(
        f"resolved {count} local links in {best * 1000:.0f} ms CPU (best of {args.repeat}): "
        f"{rate:,.0f} links/s"
    )
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in statuses.most_common()))
    print(f"ratio to target {TARGET:,} links/s: {rate / TARGET:.2f} (>= 1.00 meets it)")
    print(
        f"ratio to a bare name look-up per link ({best_baseline * 1000:.0f} ms CPU, same run): "
        f"{best / best_baseline:.2f}x"
    )

    started = time.process_time()
    problems = analyse(fresh(vault), LinksOptions())
    analysis = time.process_time() - started
    codes = Counter(problem.code for problem in problems)
    print(
        f"full links analysis with suggestions: {analysis:.2f} s CPU, "
        f"{len(problems)} findings ({', '.join(f'{c} {n}' for c, n in sorted(codes.items()))})"
    )
    # the graph family (NL601, NL602) on its own fresh resolver: what it adds to a run
    # when it is enabled (it runs beside the links family, in its own process)
    graph_vault = fresh(vault)
    ctx = RuleContext(vault=graph_vault, root=graph_vault.root, today=date.today(),
                      options={"NL101": LinksOptions()})
    started = time.process_time()
    found = [f for rule in GRAPH_RULES for f in rule().check_vault(graph_vault, ctx)]
    graph = time.process_time() - started
    kinds = Counter(finding.code for finding in found)
    print(
        f"graph rules (every note's links resolved again, fresh indexes): {graph:.2f} s CPU, "
        f"{', '.join(f'{c} {n}' for c, n in sorted(kinds.items()))}; "
        f"{graph / analysis:.2f}x the links analysis"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
