"""``notelint mv`` on a real garden: many seeded random moves, then no new link finding.

Copies ``../shared/corpora/flancian-garden`` (read-only) into a temporary folder, records
the link findings (NL101–NL107) of a full check, then performs ``--moves`` random moves
(seeded): renaming a note in place, moving a note into another or a new folder, moving
an attachment, moving a whole folder (one of the vault's, or one an earlier move made).
Each move is planned and applied exactly as ``notelint mv`` does (the vault read through
the warm index cache, every link resolved before and after, notes rewritten atomically).
A move notelint refuses (it would leave some link ambiguous or broken) is counted and
another is drawn. Afterwards a full check runs again; every link finding must be one that
existed before (same rule, same note under its new path, same line).

Prints the time per move (median, slowest), the links and notes rewritten, the refusals
and the new link findings (the goal: zero).

    python benchmarks/bench_mv.py [--corpus PATH] [--moves 50] [--seed 16]

Exits 0 with a note when the corpus is absent; 1 when a move left a new link finding.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

from notelint.engine import RunRequest, run  # noqa: E402
from notelint.mv import MoveError, apply_move, plan_move  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "flancian-garden"
LINK_CODES = ["NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL107"]


def link_findings(vault: Path, cache: Path) -> Counter[tuple[str, str, int]]:
    result = run(RunRequest(paths=[str(vault)], root=vault, cwd=vault, select=LINK_CODES,
                            offline=True, cache_dir=cache))
    return Counter((f.code, f.path, f.span.line) for f in result.findings)


def files_of(vault: Path) -> tuple[list[str], list[str], list[str]]:
    notes, attachments, folders = [], [], []
    for path in vault.rglob("*"):
        rel = path.relative_to(vault).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.is_dir():
            folders.append(rel)
        elif rel.endswith(".md"):
            notes.append(rel)
        else:
            attachments.append(rel)
    return sorted(notes), sorted(attachments), sorted(folders)


def draw(rng: random.Random, vault: Path, index: int) -> tuple[str, str]:
    notes, attachments, folders = files_of(vault)
    kind = rng.choices(["rename", "into", "attachment", "folder"], [4, 4, 1, 1])[0]
    if kind == "attachment" and attachments:
        old = rng.choice(attachments)
        return old, f"media/{index}/{old.rsplit('/', 1)[-1]}"
    if kind == "folder" and folders:
        old = rng.choice(folders)
        return old, f"archive/{index} {old.rsplit('/', 1)[-1]}"
    old = rng.choice(notes)
    name = old.rsplit("/", 1)[-1][:-3]
    if kind == "rename":
        parent = old.rpartition("/")[0]
        return old, (f"{parent}/" if parent else "") + f"{name} (moved {index}).md"
    destination = rng.choice([*folders, f"moved/{index % 7}"]) if folders else "moved"
    return old, f"{destination}/{name}.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--verbose", action="store_true", help="print every move")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench_mv: corpus {args.corpus} not found; skipped")
        return 0
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        cache = Path(tmp) / "cache"
        shutil.copytree(args.corpus, vault, ignore=shutil.ignore_patterns(".git"))
        started = time.perf_counter()
        before = link_findings(vault, cache)
        print(f"{args.corpus.name}: {sum(before.values()):,} link findings before "
              f"({time.perf_counter() - started:.1f} s, cold)")
        original_of: dict[str, str] = {}  # where a moved file is now -> where it was
        times: list[float] = []
        refused = links = notes = 0
        while len(times) < args.moves:
            old, new = draw(rng, vault, len(times) + refused)
            if (vault / new).exists():
                continue
            started = time.perf_counter()
            try:
                plan = plan_move(vault / old, vault / new, root=vault, cwd=vault)
            except MoveError as exc:
                refused += 1
                print(f"  refused {old} -> {new}: {str(exc).splitlines()[0][:120]}")
                continue
            apply_move(plan)
            times.append(time.perf_counter() - started)
            if args.verbose:
                print(f"  {len(times):>2}. {old} -> {new}: {plan.links} links in "
                      f"{len(plan.rewrites)} notes, {times[-1]:.2f} s")
            links += plan.links
            notes += len(plan.rewrites)
            for old_rel, new_rel in plan.renames:
                original_of[new_rel] = original_of.pop(old_rel, old_rel)
        after = link_findings(vault, cache)
    renames = {original: current for current, original in original_of.items()}
    mapped: Counter[tuple[str, str, int]] = Counter()
    for (code, path, line), count in before.items():
        mapped[(code, renames.get(path, path), line)] += count
    new_findings = after - mapped
    print(f"{len(times)} moves ({refused} refused and redrawn): median "
          f"{statistics.median(times):.2f} s per move, slowest {max(times):.2f} s, "
          f"total {sum(times):.1f} s")
    print(f"  {links:,} links rewritten in {notes:,} notes; link findings after: "
          f"{sum(after.values()):,}; new link findings: {sum(new_findings.values())}")
    for (code, path, line), count in sorted(new_findings.items())[:20]:
        print(f"    NEW {path}:{line}: {code} x{count}")
    print("  (2 shared cores: times vary with the other developers' load)")
    return 1 if new_findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
