"""Spelling accuracy and speed: notelint's NL501/NL502 against codespell (and pyspelling).

One command, every figure measured in the same run on the same machine::

    python benchmarks/bench_spelling.py             # accuracy on the held-back half, times
    python benchmarks/bench_spelling.py --fit       # fit the typo model on the tune half
    python benchmarks/bench_spelling.py --tune-half # the model in use, on the tune half
    python benchmarks/bench_spelling.py --swap      # fit on the report half, judge the tune half
    python benchmarks/bench_spelling.py --speed [--corpus DIR] [--sample 300] [--full]

Accuracy: ``benchmarks/spelling-labels.json`` holds hand-labelled words (path, line,
word, label; no note text) of ``../shared/corpora/quartz-docs`` and ``flancian-garden``:
every NL501/NL502 candidate of quartz-docs, a seeded sample of flancian-garden's, and
codespell's findings (all of quartz-docs', a seeded sample of flancian-garden's). The set
is split in two halves by a hash of the word (the same word never straddles them);
the typo model (``notelint/typo.py``) is fitted on the ``tune`` half, figures are
reported on the ``report`` half.
Precision counts the labelled findings each tool drew itself (notelint's from its random
sample, codespell's from its own), so neither is judged on the other's picks; recall is
over every labelled typo, whichever tool found it. codespell runs on the same files in
the same run, and the rule's time (parsed vault given, no verdict cache) is set beside it.

Speed (``--speed``):

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
import hashlib
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
from typing import TYPE_CHECKING, Any

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
    parser.add_argument("--speed", action="store_true", help="the speed comparison instead")
    parser.add_argument(
        "--fit", action="store_true",
        help="fit the typo model on the tune half and write notelint/typo-model.json",
    )
    parser.add_argument(
        "--swap", action="store_true",
        help="fit on the report half and judge the tune half (nothing is written)",
    )
    parser.add_argument(
        "--tune-half", action="store_true",
        help="the figures of the model in use on the tune half (what it was fitted on)",
    )
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=300, help="notes given to pyspelling")
    parser.add_argument("--full", action="store_true", help="run pyspelling on every note")
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="runs of the quick measurements (rule, codespell); the fastest counts",
    )
    args = parser.parse_args(argv)
    if not args.speed:
        return accuracy(fit=args.fit, tune_half=args.tune_half, swap=args.swap)
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

    vault, collected = _load_vault(corpus)
    notes = vault.notes

    def run(cache_dir: Path, label: str) -> Measure:
        ctx = RuleContext(
            vault=vault, root=corpus, today=date.today(), cache_dir=cache_dir,
            use_cache=True, jobs=os.cpu_count() or 1, collected=collected,
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


def _load_vault(corpus: Path) -> tuple[Vault, dict[str, dict[str, Any]]]:
    """The vault as the engine builds it (discovery, reading, parsing), without a cache,
    and what the spelling rule's ``collect_note`` gathered from each note (its masked
    prose: the engine keeps only summaries of notes, so the rule reads this, not them)."""
    from notelint.engine import RunRequest, build_index, make_plan

    plan = make_plan(
        RunRequest(paths=[str(corpus)], root=corpus, select=["NL501"], offline=True,
                   use_cache=False, cwd=corpus)
    )
    index = build_index(plan)  # the engine's own reading and parsing
    collected: dict[str, dict[str, Any]] = {}
    for rel, results in index.results.items():
        for code, value in results.collected.items():
            collected.setdefault(code, {})[rel] = value
    if not collected:
        raise SystemExit("bench_spelling: the engine collected no prose; the benchmark "
                         "no longer matches how the spelling rule reads notes")
    return index.vault, collected


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


# -- accuracy ------------------------------------------------------------------------------

LABELS = REPO / "benchmarks" / "spelling-labels.json"
CORPORA = REPO.parent / "shared" / "corpora"

Item = tuple[str, str, int, str]  # corpus, path, line, word


#: ``--swap``: the halves change roles (a check of how much the held-back figure owes to
#: which words fell in which half).
SWAPPED = False


def half(word: str) -> str:
    """``tune`` or ``report``, from a hash of the word: fixed, and one word one half."""
    digest = hashlib.sha256(word.casefold().encode("utf-8")).digest()
    return "tune" if (digest[0] % 2 == 0) != SWAPPED else "report"


def accuracy(*, fit: bool = False, tune_half: bool = False, swap: bool = False) -> int:
    from notelint.spell import aspell_available
    from notelint.typo import shipped_model

    if not aspell_available():
        print("skipped: aspell is not installed (apt-get install aspell aspell-en)")
        return 0
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    corpora = sorted({r["corpus"] for r in labels})
    missing = [c for c in corpora if not (CORPORA / c).is_dir()]
    if missing:
        print(f"skipped: corpora {missing} not found under {CORPORA}")
        return 0
    found: dict[str, list[Any]] = {}
    times: dict[str, tuple[float, float]] = {}
    codespell: dict[str, set[Item] | None] = {}
    with tempfile.TemporaryDirectory(prefix="notelint-bench-") as tmp:
        for corpus in corpora:
            root = CORPORA / corpus
            vault, collected = _load_vault(root)
            found[corpus], rule_seconds = _occurrences(vault, collected, root, Path(tmp) / corpus)
            codespell[corpus], codespell_seconds = _codespell_items(root, corpus)
            times[corpus] = (rule_seconds, codespell_seconds)
    print(f"labelled set: {LABELS.relative_to(REPO)} ({len(labels)} words; load {_load()})")
    if swap:
        global SWAPPED
        SWAPPED = True
        print("swapped: the model is fitted on the report half and judged on the tune half")
        _print_accuracy(labels, found, codespell, _fit(labels, found, write=False))
        return 0
    if fit:
        model = _fit(labels, found)
        _print_accuracy(labels, found, codespell, model, which="tune")
        return 0
    if tune_half:
        _print_accuracy(labels, found, codespell, shipped_model(), which="tune")
        return 0
    _print_accuracy(labels, found, codespell, shipped_model())
    print()
    print(f"{'corpus':<18} {'NL501+NL502 rule':>17} {'codespell':>10} {'ratio':>7}")
    for corpus, (rule_seconds, codespell_seconds) in times.items():
        ratio = rule_seconds / codespell_seconds if codespell_seconds else float("nan")
        print(f"{corpus:<18} {rule_seconds:15.2f} s {codespell_seconds:8.2f} s {ratio:6.2f}x")
    print("(rule: parsed vault given, no verdict cache; codespell: its command on the same "
          "files; both this run, on a shared machine)")
    return 0


def _occurrences(
    vault: Vault, collected: dict[str, dict[str, Any]], root: Path, cache: Path
) -> tuple[list[Any], float]:
    """The rule's occurrences, each with the evidence and usage its verdict came from."""
    from notelint.rule import RuleContext
    from notelint_rules.spelling import Misspelling, analyse

    ctx = RuleContext(vault=vault, root=root, today=date.today(), cache_dir=cache,
                      use_cache=True, jobs=os.cpu_count() or 1, collected=collected)
    start = time.perf_counter()
    found = analyse(Misspelling(), vault, ctx)
    return found, time.perf_counter() - start


def _codespell_items(root: Path, corpus: str) -> tuple[set[Item] | None, float]:
    if shutil.which("codespell") is None:
        print("note: codespell is not installed (pip install codespell); its rows are skipped")
        return None, 0.0
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.md") if not _hidden(p, root))
    start = time.perf_counter()
    done = subprocess.run(["codespell", *files], capture_output=True, text=True, cwd=root,
                          check=False)
    seconds = time.perf_counter() - start
    items: set[Item] = set()
    for line in done.stdout.splitlines():
        head, _, rest = line.partition(": ")
        path, _, number = head.rpartition(":")
        word = rest.split(" ==>", 1)[0].strip()
        if path and number.isdigit() and word:
            items.add((corpus, path, int(number), word))
    return items, seconds


def _levels(found: dict[str, list[Any]], model: Any) -> dict[Item, str]:
    """Each occurrence's verdict under ``model`` (a word judged once per corpus)."""
    from notelint.typo import judge

    levels: dict[Item, str] = {}
    memo: dict[tuple[str, str], str] = {}
    for corpus, occurrences in found.items():
        for o in occurrences:
            level = memo.get((corpus, o.word))
            if level is None:
                level = memo[(corpus, o.word)] = judge(o.word, o.evidence, o.usage, model).level
            levels[(corpus, o.rel, o.span.line, o.word)] = level
    return levels


def _scores(
    labels: list[dict[str, Any]], flagged: set[Item], source: str | None, which: str
) -> tuple[float, float, int, int]:
    """(precision, recall, findings judged, typos) on one half."""
    rows = [r for r in labels if half(r["word"]) == which]
    key = lambda r: (r["corpus"], r["path"], r["line"], r["word"])  # noqa: E731
    own = [r for r in rows if source is None or source in r["sources"]]
    drawn = [r for r in own if key(r) in flagged]
    typos = [r for r in rows if r["label"] == "typo"]
    hits = [r for r in typos if key(r) in flagged]
    precision = sum(r["label"] == "typo" for r in drawn) / len(drawn) if drawn else 0.0
    recall = len(hits) / len(typos) if typos else 0.0
    return precision, recall, len(drawn), len(typos)


def _flags(levels: dict[Item, str], wanted: set[str]) -> set[Item]:
    return {item for item, level in levels.items() if level in wanted}


def _print_accuracy(
    labels: list[dict[str, Any]],
    found: dict[str, list[Any]],
    codespell: dict[str, set[Item] | None],
    model: Any,
    which: str = "report",
) -> None:
    levels = _levels(found, model)
    rows = [
        ("notelint NL501", _flags(levels, {"typo"}), "notelint"),
        ("notelint NL501+NL502", _flags(levels, {"typo", "unknown"}), "notelint"),
    ]
    if all(v is not None for v in codespell.values()):
        rows.append(("codespell", set().union(*codespell.values()), "codespell"))  # type: ignore[arg-type]
    print(f"{which} half: {'':<16} {'precision':>9} {'recall':>7} {'judged':>7} {'typos':>6}")
    for label, flagged, source in rows:
        precision, recall, judged, typos = _scores(labels, flagged, source, which)
        print(f"  {label:<26} {precision:9.2f} {recall:7.2f} {judged:7d} {typos:6d}")
    print("targets: NL501 precision >= 0.7 and recall >= 0.75; NL501+NL502 recall >= 0.9")
    # the typos in text notelint reads as prose (not in code, link targets, file names)
    read = set(levels)
    prose = [r for r in labels if r["label"] == "typo" and half(r["word"]) == which
             and (r["corpus"], r["path"], r["line"], r["word"]) in read]
    for label, flagged, _ in rows[:2]:
        hits = sum((r["corpus"], r["path"], r["line"], r["word"]) in flagged for r in prose)
        print(f"  {label} recall over the {len(prose)} typos in prose notelint reads: "
              f"{hits / len(prose) if prose else 0.0:.2f}")


# -- fitting the typo model ----------------------------------------------------------------

MODEL_PATH = REPO / "notelint" / "typo-model.json"

#: L2 penalties tried by cross-validation on the tune half (the bias is not penalised).
PENALTIES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

#: NL501's precision floor on the tune half: the threshold is the lowest that keeps it.
PRECISION_FLOOR = 0.75


def _examples(
    labels: list[dict[str, Any]], found: dict[str, list[Any]], which: str
) -> list[tuple[list[float], float, tuple[str, str]]]:
    """One example per labelled word of one half (features, 1.0 for a typo): a word's
    occurrences share their evidence, so counting each would weigh repeated words more."""
    from collections import Counter

    from notelint.typo import FEATURES, features

    label_of = {(r["corpus"], r["path"], r["line"], r["word"]): r["label"] for r in labels}
    votes: dict[tuple[str, str], Counter[str]] = {}
    evidence: dict[tuple[str, str], Any] = {}
    for corpus, occurrences in found.items():
        for o in occurrences:
            label = label_of.get((corpus, o.rel, o.span.line, o.word))
            if label is None or half(o.word) != which:
                continue
            votes.setdefault((corpus, o.word), Counter())[label] += 1
            evidence[(corpus, o.word)] = o
    examples = []
    for key, counted in sorted(votes.items()):
        o = evidence[key]
        values = features(o.word, o.evidence, o.usage)
        typo = counted["typo"] * 2 >= sum(counted.values())
        examples.append(([values[name] for name in FEATURES], 1.0 if typo else 0.0, key))
    return examples


def _fit(labels: list[dict[str, Any]], found: dict[str, list[Any]], *, write: bool = True) -> Any:
    """Logistic regression on the tune half, its penalty chosen by 5-fold cross-validation
    there; its threshold the lowest at which NL501's precision, judged out of fold (each
    word scored by the model fitted on the other four folds, so the figure is not flattered
    by the fit), stays at PRECISION_FLOOR; written to notelint/typo-model.json."""
    import dataclasses
    import random

    from notelint.typo import FEATURES, TypoModel, shipped_model

    examples = _examples(labels, found, "tune")
    typos = sum(y for _, y, _ in examples)
    print(f"tune half: {len(examples)} labelled words, {typos:.0f} typos")
    shuffled = examples[:]
    random.Random(13).shuffle(shuffled)
    folds = [shuffled[i::5] for i in range(5)]

    def fold_weights(penalty: float) -> list[tuple[list[Any], list[float]]]:
        return [
            (held, _logistic([(x, y) for j, fold in enumerate(folds) if j != i
                              for x, y, _ in fold], penalty))
            for i, held in enumerate(folds)
        ]

    losses = {}
    for penalty in PENALTIES:
        loss = sum(_log_loss(w, x, y) for held, w in fold_weights(penalty) for x, y, _ in held)
        losses[penalty] = loss / len(examples)
    penalty = min(losses, key=lambda k: losses[k])
    print("cross-validated log loss by L2 penalty: "
          + ", ".join(f"{k:g}: {v:.3f}" for k, v in losses.items()) + f" -> {penalty:g}")

    def as_model(weights: list[float]) -> TypoModel:
        return TypoModel(weights=dict(zip(FEATURES, weights, strict=True)), threshold=0.0,
                         known_zipf=shipped_model().known_zipf,
                         min_length=shipped_model().min_length)

    out_of_fold = {key: as_model(w) for held, w in fold_weights(penalty) for _, _, key in held}
    threshold = _threshold(labels, found, out_of_fold)
    weights = _logistic([(x, y) for x, y, _ in examples], penalty)
    model = dataclasses.replace(
        as_model(weights), threshold=threshold,
        about=(f"Fitted by benchmarks/bench_spelling.py --fit on {date.today()} from the tune "
               f"half of benchmarks/spelling-labels.json ({len(examples)} words, {typos:.0f} "
               f"typos; L2 penalty {penalty:g}, by 5-fold cross-validation); threshold: the "
               f"lowest logit keeping NL501 precision >= {PRECISION_FLOOR} out of fold on "
               "the tune half."),
    )
    print("weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)))
    print(f"threshold: {threshold:+.2f}")
    if write:
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(REPO)}")
    return model


def _threshold(
    labels: list[dict[str, Any]], found: dict[str, list[Any]], models: dict[tuple[str, str], Any]
) -> float:
    """The lowest threshold at which NL501 keeps PRECISION_FLOOR on the tune half, each
    word judged by its out-of-fold model in ``models``; prints the frontier."""
    import dataclasses

    from notelint.typo import judge

    tune = {c: [o for o in occ if (c, o.word) in models] for c, occ in found.items()}
    print("NL501 on the tune half by threshold (logit), out of fold:")
    best = None
    for step in range(-20, 21):
        threshold = step / 4
        levels: dict[Item, str] = {}
        for corpus, occurrences in tune.items():
            for o in occurrences:
                model = dataclasses.replace(models[(corpus, o.word)], threshold=threshold)
                levels[(corpus, o.rel, o.span.line, o.word)] = judge(
                    o.word, o.evidence, o.usage, model).level
        precision, recall, judged, _ = _scores(labels, _flags(levels, {"typo"}), "notelint",
                                               "tune")
        if step % 2 == 0:
            print(f"  {threshold:+6.2f}: precision {precision:.2f} recall {recall:.2f} "
                  f"({judged} judged)")
        if best is None and judged and precision >= PRECISION_FLOOR:
            best = threshold
    return best if best is not None else 10.0


def _logistic(examples: list[tuple[list[float], float]], penalty: float) -> list[float]:
    """L2-penalised logistic regression whose weights keep the direction ``SIGNS`` gives
    them (notelint/typo.py): a weight fitted the wrong way round is held at zero and the
    rest refitted, until none is (an active set: on a few thousand words, noise can make a
    neighbouring-key slip look like evidence against a typo)."""
    from notelint.typo import FEATURES, SIGNS

    signs = [SIGNS.get(name, 0) for name in FEATURES]
    held: set[int] = set()
    while True:
        weights = _newton(examples, penalty, held)
        wrong = {i for i, sign in enumerate(signs) if sign * weights[i] < 0}
        if not wrong:
            return weights
        held |= wrong


def _newton(
    examples: list[tuple[list[float], float]], penalty: float, held: set[int]
) -> list[float]:
    """Newton's method for the penalised log loss, the ``held`` weights kept at zero (no
    numpy: a few dozen features and a few thousand words)."""
    size = len(examples[0][0])
    free = [i for i in range(size) if i not in held]
    weights = [0.0] * size
    for _ in range(50):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for x, y in examples:
            p = _sigmoid(sum(weights[i] * x[i] for i in free))
            nonzero = [i for i in free if x[i]]
            s = p * (1 - p)
            for i in nonzero:
                gradient[i] += (p - y) * x[i]
                row = hessian[i]
                for j in nonzero:
                    row[j] += s * x[i] * x[j]
        for i in range(1, size):  # the bias (feature 0) is not penalised
            gradient[i] += penalty * weights[i]
            hessian[i][i] += penalty
        for i in held:
            hessian[i][i] = 1.0  # its row stays solvable; its gradient is 0
            gradient[i] = 0.0
        hessian[0][0] += 1e-6
        step = _solve(hessian, gradient)
        weights = [w - d for w, d in zip(weights, step, strict=True)]
        if max(abs(d) for d in step) < 1e-6:
            break
    return weights


def _sigmoid(z: float) -> float:
    import math

    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def _log_loss(weights: list[float], x: list[float], y: float) -> float:
    import math

    p = min(max(_sigmoid(sum(w * v for w, v in zip(weights, x, strict=True))), 1e-12), 1 - 1e-12)
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive
    definite thanks to the penalty)."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            if factor:
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(a[r][r]) < 1e-12:
            continue
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


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
