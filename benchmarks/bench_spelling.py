"""Spelling speed: notelint's NL501 against pyspelling's Markdown pipeline and codespell.

One command, every figure measured in the same run on the same machine::

    python benchmarks/bench_spelling.py [--corpus DIR] [--sample 300] [--full]

The corpus defaults to ``../shared/corpora/flancian-garden`` next to the repository (or
``$NOTELINT_BENCH_CORPUS``); without it the benchmark says so and exits 0.

Measured:

- notelint, end to end: ``notelint check --select NL501 --no-cache`` on the whole corpus
  (reading, parsing and indexing every note included), in a fresh process; then again
  with warm caches (parsed-note index and spelling verdicts, kept in a temporary folder);
- notelint, the rule alone: ``Misspelling.check_vault`` on the already parsed vault (the
  parse is shared by every rule), cold (no verdict cache) and warm (verdicts cached),
  the fastest of ``--repeat`` runs (codespell too): the machine's other load only adds;
- pyspelling with its documented Markdown pipeline (``pyspelling.filters.markdown`` then
  ``pyspelling.filters.html`` ignoring code and pre) and aspell, on a sample of notes
  spread evenly over the corpus (all of them with ``--full``), its time scaled to the
  corpus size; notelint is also run on the same sample, for a like-for-like ratio;
- codespell (skipped with a note when not installed) on the same files.

The sample is copied to a temporary folder (never into the repository or the corpus) under
plain file names, since pyspelling reads its sources as glob patterns. Nothing is written
to the corpus: notelint runs with ``--no-cache`` and the rule with no cache folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notelint.vault import Vault

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "flancian-garden"

PYSPELLING_CONFIG = """\
matrix:
- name: markdown
  sources:
  - '{sources}'
  aspell:
    lang: en_US
  pipeline:
  - pyspelling.filters.markdown:
  - pyspelling.filters.html:
      comments: false
      ignores:
      - code
      - pre
"""


@dataclass
class Measure:
    label: str
    seconds: float
    notes: int
    misspelled: int | None  # distinct misspelled words
    occurrences: int | None = None
    note: str = ""

    def row(self) -> str:
        rate = self.notes / self.seconds if self.seconds > 0 else float("inf")
        words = "-" if self.misspelled is None else str(self.misspelled)
        found = "-" if self.occurrences is None else str(self.occurrences)
        return (
            f"{self.label:<44} {self.seconds:9.2f} s {self.notes:6d} {rate:9.0f}/s "
            f"{words:>8} {found:>8}  {self.note}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=300, help="notes given to pyspelling")
    parser.add_argument("--full", action="store_true", help="run pyspelling on every note")
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="runs of the quick measurements (rule, codespell); the fastest counts",
    )
    args = parser.parse_args(argv)
    corpus = args.corpus or Path(os.environ.get("NOTELINT_BENCH_CORPUS", DEFAULT_CORPUS))
    corpus = corpus.resolve()  # notelint runs with the corpus as working directory
    if not corpus.is_dir():
        print(f"skipped: corpus {corpus} not found (set --corpus or NOTELINT_BENCH_CORPUS)")
        return 0
    if shutil.which("aspell") is None:
        print("skipped: aspell is not installed (apt-get install aspell aspell-en)")
        return 0
    files = sorted(p for p in corpus.rglob("*.md") if not _hidden(p, corpus))
    sample = _spread(files, len(files) if args.full else min(args.sample, len(files)))
    print(f"corpus: {corpus} ({len(files)} notes); sample: {len(sample)} notes; "
          f"cpus: {os.cpu_count()}; load: {_load()}")
    print()
    with tempfile.TemporaryDirectory(prefix="notelint-bench-") as tmp:
        sample_dir = Path(tmp) / "sample"
        _copy_sample(sample, sample_dir)
        results = _measure_all(corpus, files, sample_dir, Path(tmp), max(1, args.repeat))
    _report(results, len(files), len(sample))
    return 0


def _measure_all(
    corpus: Path, files: list[Path], sample_dir: Path, tmp: Path, repeat: int
) -> dict[str, Measure]:
    results: dict[str, Measure] = {}
    sample_count = len(list(sample_dir.glob("*.md")))
    results["cli"] = notelint_cli(corpus, len(files), "notelint check --select NL501 (corpus)")
    # with a configuration file in the temporary folder the caches live there, never in
    # the corpus: a first run fills them, the second is what a user sees day to day
    config = tmp / "notelint.toml"
    config.write_text("", encoding="utf-8")
    notelint_cli(corpus, len(files), "fill the caches", config=config)
    results["cli_warm"] = notelint_cli(
        corpus, len(files), "notelint check --select NL501, warm caches", config=config
    )
    results["cli_sample"] = notelint_cli(
        sample_dir, sample_count, "notelint check --select NL501 (sample)"
    )
    cold, warm = notelint_rule(corpus, tmp / "cache", repeat)
    results["rule"] = cold
    results["rule_warm"] = warm
    results["pyspelling"] = pyspelling_run(sample_dir, sample_count, tmp)
    codespell_corpus = _fastest(repeat, lambda: codespell_run(files, "codespell (corpus)"))
    if codespell_corpus is not None:
        results["codespell"] = codespell_corpus
        sample_files = sorted(sample_dir.glob("*.md"))
        codespell_sample = _fastest(
            repeat, lambda: codespell_run(sample_files, "codespell (sample)")
        )
        if codespell_sample is not None:
            results["codespell_sample"] = codespell_sample
    return results


# -- notelint ------------------------------------------------------------------------------


def notelint_cli(target: Path, notes: int, label: str, config: Path | None = None) -> Measure:
    """``notelint check`` in a fresh process, as a user runs it (no cache unless
    ``config`` names a configuration file, whose folder then holds the caches)."""
    command = [
        sys.executable, "-m", "notelint", "check", str(target), "--select", "NL501",
        "--offline", "--format", "json", "--exit-zero",
        *(["--config", str(config)] if config is not None else ["--no-cache"]),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=target, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"notelint failed ({done.returncode}): {done.stderr.strip()[:500]}")
    findings = json.loads(done.stdout)["findings"]
    words = {f["message"].split("'")[1] for f in findings}
    return Measure(label, seconds, notes, len(words), len(findings))


def notelint_rule(corpus: Path, cache: Path, repeat: int) -> tuple[Measure, Measure]:
    """The NL501 rule alone on an already parsed vault: cold, then with cached verdicts."""
    from notelint.rule import RuleContext
    from notelint_rules.spelling import Misspelling

    vault = _load_vault(corpus)
    notes = vault.notes

    def run(cache_dir: Path, label: str) -> Measure:
        ctx = RuleContext(
            vault=vault, root=corpus, today=date.today(), cache_dir=cache_dir,
            use_cache=True, jobs=os.cpu_count() or 1,
        )
        start = time.perf_counter()
        findings = list(Misspelling().check_vault(vault, ctx))
        seconds = time.perf_counter() - start
        words = {f.message.split("'")[1] for f in findings}
        return Measure(label, seconds, len(notes), len(words), len(findings),
                       "parsed vault given")

    # cold: an empty verdict cache each time; warm: the cache the cold runs left
    runs = iter(range(repeat))
    cold = _fastest(repeat, lambda: run(cache / f"cold-{next(runs)}", "NL501 rule alone, cold"))
    warm = _fastest(repeat, lambda: run(cache / "cold-0", "NL501 rule alone, warm"))
    assert cold is not None and warm is not None
    return cold, warm


def _load_vault(corpus: Path) -> Vault:
    """The vault as the engine builds it (discovery, reading, parsing), without a cache."""
    from notelint.engine import RunRequest, Session

    session = Session(
        RunRequest(paths=[str(corpus)], root=corpus, select=["NL501"], offline=True,
                   use_cache=False, cwd=corpus)
    )
    session.prepare()
    try:
        return session._build_vault()  # the engine's own reading and parsing
    except AttributeError:  # the engine changed shape: parse the notes here instead
        return _parse_vault(corpus)


def _parse_vault(corpus: Path) -> Vault:
    from notelint import syntax
    from notelint.parse import build_markdown, parse_note
    from notelint.vault import Vault

    md = build_markdown(syntax.notelint_configure_markdown)
    notes = {}
    for path in sorted(corpus.rglob("*.md")):
        if _hidden(path, corpus):
            continue
        rel = path.relative_to(corpus).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        notes[rel] = parse_note(md, rel=rel, display=rel, file=path, text=text)
    return Vault(corpus, notes, frozenset(), frozenset(), frozenset(notes))


def _fastest(repeat: int, measure: Callable[[], Measure | None]) -> Measure | None:
    """The fastest of ``repeat`` runs: other load on the machine only ever adds time."""
    best: Measure | None = None
    for _ in range(repeat):
        found = measure()
        if found is None:
            return None
        if best is None or found.seconds < best.seconds:
            best = found
    if best is not None and repeat > 1:
        best.note = f"{best.note}; fastest of {repeat}".lstrip("; ")
    return best


# -- the baselines -------------------------------------------------------------------------


def pyspelling_run(sample_dir: Path, notes: int, tmp: Path) -> Measure:
    """pyspelling's Markdown pipeline with aspell, through its own API."""
    from pyspelling import spellcheck

    config = tmp / "pyspelling.yml"
    config.write_text(PYSPELLING_CONFIG.format(sources=f"{sample_dir}/*.md"), encoding="utf-8")
    words: set[str] = set()
    occurrences = 0
    start = time.perf_counter()
    for result in spellcheck(str(config)):
        if result.error:
            raise SystemExit(f"pyspelling failed: {result.error}")
        words.update(result.words)
        occurrences += len(result.words)
    seconds = time.perf_counter() - start
    return Measure("pyspelling markdown+html pipeline (sample)", seconds, notes, len(words),
                   occurrences, "words per chunk, no positions")


def codespell_run(files: list[Path], label: str) -> Measure | None:
    if shutil.which("codespell") is None:
        print("note: codespell is not installed (pip install codespell); its rows are skipped")
        return None
    start = time.perf_counter()
    done = subprocess.run(["codespell", *map(str, files)], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if "==>" in line]
    words = {line.split(":")[-1].split("==>")[0].strip().lower() for line in lines}
    return Measure(label, seconds, len(files), len(words), len(lines),
                   "known-misspellings list only")


# -- report --------------------------------------------------------------------------------


def _report(results: dict[str, Measure], corpus_notes: int, sample_notes: int) -> None:
    print(f"{'run':<44} {'time':>11} {'notes':>6} {'rate':>11} {'words':>8} {'found':>8}")
    for measure in results.values():
        print(measure.row())
    print()
    scale = corpus_notes / sample_notes
    pyspelling_full = results["pyspelling"].seconds * scale
    print(f"pyspelling scaled to {corpus_notes} notes: {pyspelling_full:.1f} s "
          f"(sample time x {scale:.2f})")
    ratios = [
        ("pyspelling (scaled) / notelint rule alone, cold", pyspelling_full, results["rule"]),
        ("pyspelling (scaled) / notelint check, corpus", pyspelling_full, results["cli"]),
        ("pyspelling (scaled) / notelint check, warm caches", pyspelling_full,
         results["cli_warm"]),
        ("pyspelling / notelint check, same sample", results["pyspelling"].seconds,
         results["cli_sample"]),
    ]
    if "codespell" in results:
        ratios += [
            ("codespell / notelint rule alone, cold", results["codespell"].seconds,
             results["rule"]),
            ("codespell / notelint rule alone, warm", results["codespell"].seconds,
             results["rule_warm"]),
            ("codespell / notelint check, corpus", results["codespell"].seconds, results["cli"]),
            ("codespell / notelint check, warm caches", results["codespell"].seconds,
             results["cli_warm"]),
        ]
    for label, baseline, measure in ratios:
        print(f"{label:<52} {baseline / measure.seconds:7.2f}x")
    print()
    print("targets: >= 20x faster than pyspelling; at least as fast as codespell (ratio >= 1)")


def _copy_sample(files: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True)
    for index, path in enumerate(files):
        shutil.copyfile(path, folder / f"note-{index:05d}.md")


def _spread(files: list[Path], count: int) -> list[Path]:
    """``count`` files spread evenly over the sorted list (the same ones every run)."""
    if count >= len(files):
        return list(files)
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
