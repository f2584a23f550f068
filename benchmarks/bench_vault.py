"""Whole-run speed and memory of ``notelint check`` on a vault, against a parse floor and peers.

A pre-commit hook that takes ten seconds gets uninstalled, so what matters is the wall time
of the whole process, as a user waits for it. Every figure here is the median of
``--repeat`` runs of a fresh process, measured in the same run on the same machine:

1. the parse floor: a small script that reads every note once and parses it with
   python-frontmatter and markdown-it-py ("commonmark") in one process: what any Python
   tool that parses everything must pay;
2. notelint cold: ``notelint check --offline --no-cache`` with every default rule
   (spelling included);
3. notelint cold writing its cache (the first run in a fresh clone), then warm: the same
   command again with nothing changed;
4. the pre-commit path: five notes edited, then ``notelint check --offline`` on those five
   files with the warm cache;
5. peak memory (max RSS) of each, and every time as a ratio to the floor;
6. peers, when on PATH: ``markdownlint-cli2`` (style rules only) and ``codespell``;
   skipped with a note otherwise.

The targets from issue 7 are printed next to the ratios, with whether they are met.

    python benchmarks/bench_vault.py [--corpus PATH | --synthetic N] [--repeat 3]

The vault is copied (or generated, with ``benchmarks/synth.py``) into a temporary folder,
since corpora are read-only and notelint writes a cache; the cache goes to a folder beside
the copy so that no tool reads it as part of the vault. Exits 0 always; a missing corpus
or a failing tool is reported, not raised.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "flancian-garden"
CHANGED = 5
STEPS = ("floor", "cold", "graph", "cache", "peers")

# The parse floor, run as its own process so that interpreter start-up and imports are
# paid as notelint pays them. Dot-folders are skipped, as notelint's discovery does.
FLOOR_SCRIPT = textwrap.dedent(
    """\
    import os, sys
    import frontmatter
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    count = 0
    for folder, dirs, files in os.walk(sys.argv[1]):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md"):
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                try:
                    post = frontmatter.loads(text)
                    body = post.content
                except Exception:
                    body = text
                md.parse(body)
                count += 1
    print(count)
    """
)


@dataclass
class Sample:
    """One process run: wall seconds, CPU seconds (user + system, the process and the
    children it waited for), peak resident memory in bytes, exit code."""

    seconds: float
    cpu: float
    peak_bytes: int
    returncode: int
    stderr_tail: str = ""


@dataclass
class Measure:
    """Every run of one step, summarised by the median."""

    label: str
    command: str
    samples: list[Sample] = field(default_factory=list)
    skipped: str | None = None
    ok_exits: frozenset[int] = frozenset({0, 1})  # 1: findings, for the linters

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_bytes for s in self.samples) / 2**20

    @property
    def failed(self) -> Sample | None:
        """A run that crashed or met a usage error (an exit code the tool uses for neither
        success nor findings, or a signal)."""
        return next((s for s in self.samples if s.returncode not in self.ok_exits), None)


def run_process(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``argv`` to completion; wall time and the process's own peak RSS (wait4)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux (and bytes on macOS).
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, cpu, peak, process.returncode, tail)


def touch_notes(notes: Sequence[Path], round_: int) -> None:
    """Edit each note as a person would: one more line of ordinary prose at the end."""
    for path in notes:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nOne more small change, number {round_}.\n")


def pick_changed(vault: Path, count: int) -> list[Path]:
    """``count`` notes spread evenly over the vault (in sorted order), deterministic."""
    notes = sorted(
        p for p in vault.rglob("*.md") if not any(part.startswith(".") for part in p.parts)
    )
    if not notes:
        return []
    step = max(1, len(notes) // count)
    return notes[::step][:count]


def prepare_vault(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    """The vault to measure, inside ``work``, and a line describing it."""
    vault = work / "vault"
    if args.synthetic:
        sys.path.insert(0, str(HERE))
        import synth

        started = time.perf_counter()
        synth.generate(vault, args.synthetic, args.seed)
        made = time.perf_counter() - started
        return vault, f"synthetic vault of {args.synthetic} notes, seed {args.seed} ({made:.1f} s)"
    shutil.copytree(
        args.corpus, vault, symlinks=True, ignore=shutil.ignore_patterns(".notelint-cache", ".git")
    )
    return vault, f"copy of {args.corpus}"


def vault_size(vault: Path) -> tuple[int, int]:
    notes = [p for p in vault.rglob("*.md") if not any(s.startswith(".") for s in p.parts)]
    return len(notes), sum(p.stat().st_size for p in notes)


def snapshot_code(work: Path) -> tuple[dict[str, str], str]:
    """A frozen copy of this checkout's engine and rules, and the environment that runs it.

    The working tree may change while a long benchmark runs (and a changed parser
    invalidates notelint's cache): every run of one benchmark must measure the same code.
    """
    code = work / "code"
    for part in ("notelint", "rules"):
        shutil.copytree(REPO / part, code / part, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), str(code / "rules")])}
    return env, _revision()


def _revision() -> str:
    """The commit measured, marked when notelint/ or rules/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "notelint", "rules"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown revision"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''}"


def notelint_argv() -> list[str]:
    """notelint run as a module, from the snapshot on PYTHONPATH."""
    return [sys.executable, "-m", "notelint"]


def measure_all(args: argparse.Namespace, work: Path, vault: Path) -> list[Measure]:
    floor_script = work / "parse_floor.py"
    floor_script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    cache = work / "cache"
    changed = pick_changed(vault, CHANGED)
    env, args.revision = snapshot_code(work)
    nl = notelint_argv()
    base = [*nl, "check", "--offline"]
    if args.jobs:
        base += ["--jobs", str(args.jobs)]
    with_cache = [*base, "--cache-dir", str(cache)]

    floor = Measure("parse floor", f"python parse_floor.py {vault.name}", ok_exits=frozenset({0}))
    cold = Measure("notelint cold", "notelint check --offline --no-cache vault")
    graph = Measure(
        "notelint cold, graph rules on",
        "notelint check --offline --no-cache --extend-select graph vault",
    )
    first = Measure("notelint cold, writing cache", "notelint check --offline --cache-dir C vault")
    warm = Measure("notelint warm, nothing changed", "(same, cache from the previous run)")
    five = Measure(
        f"notelint, {len(changed)} changed notes",
        f"notelint check --offline --cache-dir C --root vault <{len(changed)} edited notes>",
    )
    peers = peer_measures()
    steps: list[tuple[Measure, Callable[[int], Sample]]] = [
        (floor, lambda _: run_process([sys.executable, str(floor_script), str(vault)], work)),
        (cold, lambda _: run_process([*base, "--no-cache", str(vault)], work, env)),
        (graph, lambda _: run_process(
            [*base, "--no-cache", "--extend-select", "graph", str(vault)], work, env)),
    ]

    def first_run(_: int) -> Sample:
        shutil.rmtree(cache, ignore_errors=True)
        return run_process([*with_cache, str(vault)], work, env)

    def changed_run(round_: int) -> Sample:
        touch_notes(changed, round_)
        return run_process(
            [*with_cache, "--root", str(vault), *(str(p) for p in changed)], work, env
        )

    steps += [
        (first, first_run),
        (warm, lambda _: run_process([*with_cache, str(vault)], work, env)),
        (five, changed_run),
    ]
    for measure, argv in peers:
        if argv:
            steps.append((measure, functools.partial(_peer_run, argv, vault)))
    groups = {m.label: g for m, g in [(floor, "floor"), (cold, "cold"), (graph, "graph")]}
    groups.update({m.label: "cache" for m in (first, warm, five)})
    chosen = []
    for measure, step in steps:
        if groups.get(measure.label, "peers") in args.steps:
            chosen.append((measure, step))
        else:
            measure.skipped = "not selected (--steps)"
    steps = chosen
    for round_ in range(args.repeat):
        for measure, step in steps:
            sample = step(round_)
            measure.samples.append(sample)
            print(
                f"  [{round_ + 1}/{args.repeat}] {measure.label}: {sample.seconds:.2f} s, "
                f"cpu {sample.cpu:.2f} s, {sample.peak_bytes / 2**20:.0f} MB, "
                f"exit {sample.returncode}",
                file=sys.stderr,
                flush=True,
            )
    return [floor, cold, graph, first, warm, five, *(m for m, _ in peers)]


def _peer_run(argv: list[str], vault: Path, _round: int) -> Sample:
    return run_process(argv, vault)


def peer_measures() -> list[tuple[Measure, list[str] | None]]:
    """markdownlint-cli2 and codespell when installed; a skipped Measure otherwise."""
    found: list[tuple[Measure, list[str] | None]] = []
    mdl = shutil.which("markdownlint-cli2")
    measure = Measure("markdownlint-cli2 (style rules)", 'markdownlint-cli2 "**/*.md"')
    if mdl:
        found.append((measure, [mdl, "**/*.md"]))
    else:
        measure.skipped = "not on PATH (npm install -g markdownlint-cli2)"
        found.append((measure, None))
    spell = shutil.which("codespell")
    # codespell exits 65 when it found typos.
    measure = Measure("codespell (spelling only)", "codespell .", ok_exits=frozenset({0, 65}))
    if spell and _codespell_works(spell):
        found.append((measure, [spell, "."]))
    else:
        measure.skipped = "not on PATH (pip install codespell)"
        found.append((measure, None))
    return found


def _codespell_works(path: str) -> bool:
    """A pyenv shim can sit on PATH without the tool behind it."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, timeout=60)
    except OSError:
        return False
    return done.returncode == 0


# -- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    what: str
    ratio: float | None  # None when a measurement is missing
    limit: float
    at_most: bool  # ratio <= limit, else ratio >= limit

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "not measured"
        met = self.ratio <= self.limit if self.at_most else self.ratio >= self.limit
        return "met" if met else "NOT met"


def targets(measures: dict[str, Measure]) -> list[Target]:
    """Issue 7's targets, as ratios of this run's medians."""

    def ratio(a: str, b: str) -> float | None:
        top, bottom = measures[a], measures[b]
        if not top.samples or not bottom.samples or top.failed or bottom.failed:
            return None
        return top.seconds / bottom.seconds

    mdl = "markdownlint-cli2 (style rules)"
    five = next(k for k in measures if k.endswith("changed notes"))
    return [
        Target("cold / floor", ratio("notelint cold", "parse floor"), 1.2, True),
        Target("markdownlint-cli2 / cold", ratio(mdl, "notelint cold"), 3.0, False),
        Target("warm / floor", ratio("notelint warm, nothing changed", "parse floor"), 0.15, True),
        Target("five changed / floor", ratio(five, "parse floor"), 0.25, True),
        # issue 16: the graph rules (orphans, unused attachments) add at most 10 %
        Target("graph on / cold", ratio("notelint cold, graph rules on", "notelint cold"),
               1.10, True),
    ]


def _row(cells: Sequence[str]) -> str:
    label, *numbers, command = cells
    return f"{label:<34}" + "".join(f" {n:>8}" for n in numbers) + f"  {command}"


def report(measures: list[Measure], notes: int, size: int, described: str, load: str) -> str:
    """The table: medians, per-note cost, peak memory, ratios to the floor, targets."""
    by_label = {m.label: m for m in measures}
    floor = by_label["parse floor"]
    ok_floor = bool(floor.samples) and floor.failed is None
    repeat = max(len(m.samples) for m in measures)
    lines = [
        f"vault: {described}",
        f"{notes} notes, {size / 1e6:.1f} MB of Markdown; median of {repeat}; "
        f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; load average {load}",
        "",
        _row(["step", "wall s", "cpu s", "ms/note", "peak MB", "wall×fl", "cpu×fl", "command"]),
    ]
    for m in measures:
        if m.skipped:
            lines.append(_row([m.label, "skipped", "", "", "", "", "", m.skipped]))
            continue
        failed = m.failed
        if failed is not None:
            lines.append(_row([m.label, "failed", "", "", "", "", "", f"exit {failed.returncode}"]))
            lines += ["      " + line for line in failed.stderr_tail.strip().splitlines()[-5:]]
            continue
        per_note = (
            "-" if m.label.endswith("changed notes") else f"{1000 * m.seconds / max(notes, 1):.2f}"
        )
        wall_ratio = f"{m.seconds / floor.seconds:.2f}" if ok_floor else "-"
        cpu_ratio = f"{m.cpu / floor.cpu:.2f}" if ok_floor and floor.cpu else "-"
        lines.append(
            _row(
                [
                    m.label,
                    f"{m.seconds:.2f}",
                    f"{m.cpu:.2f}",
                    per_note,
                    f"{m.peak_mb:.0f}",
                    wall_ratio,
                    cpu_ratio,
                    m.command,
                ]
            )
        )
    lines += ["", "targets (issue 7; wall-time ratios of this run's medians):"]
    for t in targets(by_label):
        shown = "-" if t.ratio is None else f"{t.ratio:.2f}"
        sign = "≤" if t.at_most else "≥"
        lines.append(f"  {t.what:<28} {shown:>6}  target {sign} {t.limit:<5} {t.verdict}")
    peak = max((m.peak_mb for m in measures[1:5] if m.samples), default=0.0)
    lines.append(f"  {'notelint peak memory, MB':<28} {peak:>6.0f}  target ≤ 1024  {_met(peak)}")
    return "\n".join(lines)


def _met(peak_mb: float) -> str:
    return "met" if peak_mb <= 1024 else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    source.add_argument("--synthetic", type=int, metavar="N", help="generate an N-note vault")
    parser.add_argument("--seed", type=int, default=0, help="seed for --synthetic")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="pass --jobs to notelint")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help="comma-separated subset of floor,cold,graph,cache,peers (cache: the cold run that "
        "writes the cache, warm, and five changed); all by default",
    )
    args = parser.parse_args(argv)
    if not args.synthetic and not args.corpus.is_dir():
        print(f"corpus {args.corpus} not found; nothing measured", file=sys.stderr)
        return 0
    args.repeat = max(1, args.repeat)
    args.steps = {step.strip() for step in args.steps.split(",") if step.strip()}
    if not args.steps <= set(STEPS):
        parser.error(f"--steps takes {','.join(STEPS)}")
    with tempfile.TemporaryDirectory(prefix="notelint-bench-") as tmp:
        work = Path(tmp)
        try:
            vault, described = prepare_vault(args, work)
            notes, size = vault_size(vault)
            print(f"measuring {described} in {work}", file=sys.stderr, flush=True)
            started_load = os.getloadavg()[0]
            measures = measure_all(args, work, vault)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"benchmark could not run: {exc}", file=sys.stderr)
            return 0
        load = f"{started_load:.1f} → {os.getloadavg()[0]:.1f}"
    described += f"; notelint {args.revision}"
    print(report(measures, notes, size, described, load))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
