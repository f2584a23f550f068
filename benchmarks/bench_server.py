"""Language-server latency: ``didChange`` -> ``publishDiagnostics`` with the index warm.

Starts ``python -m notelint server`` on ``../shared/corpora/flancian-garden`` over real
stdio (the JSON-RPC client of ``tests/test_server.py``), waits until the vault is indexed,
opens one note (the median-sized note among those with wiki-links, or with ``--note
busiest`` the one with the most wiki-links), then sends ``--edits`` full-text changes (each adds a
line holding a new broken wiki-link, so every check resolves links and builds
suggestions) and times each until the diagnostics for that version arrive. Prints the
median and 90th percentile, the ratio to the 100 ms target, and the same-run baseline:
one ``notelint check --stdin-filename`` of the same text with the CLI's index cache
warm, which is what an editor pays per check without the server.

    python benchmarks/bench_server.py [--corpus PATH] [--note typical|busiest]
                                      [--edits 20] [--debounce 0] [--ignore CODES]
                                      [--no-baseline]

The server runs all default rules, offline; caches go to a temporary folder, never into
the corpus. ``--debounce`` is the server's quiet time (0 here: the figure is the server's
own work; an editor's default adds 50 ms). Exits 0 with a note when the corpus is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

if importlib.util.find_spec("pygls") is None:
    print("bench_server: pygls is not installed (pip install pygls lsprotocol); nothing measured")
    raise SystemExit(0)

from notelint.server import uri_of  # noqa: E402
from tests.test_server import LspClient  # noqa: E402

TARGET_MS = 100.0
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "flancian-garden"
LOAD_TIMEOUT = 600.0


def pick_note(corpus: Path, how: str) -> Path:
    """A note to edit: ``typical`` is the median-sized note among those with at least
    three wiki-links; ``busiest`` the one with the most wiki-links under 20 kB (a long
    list of links, the worst case for parsing and resolving)."""
    candidates: list[tuple[int, int, str]] = []  # (links, size, path)
    for path in corpus.rglob("*.md"):
        if any(part.startswith(".") for part in path.relative_to(corpus).parts):
            continue
        try:
            size = path.stat().st_size
            if size > 20_000:
                continue
            links = path.read_text(encoding="utf-8", errors="replace").count("[[")
        except OSError:
            continue
        if links >= 3:
            candidates.append((links, size, str(path)))
    if not candidates:
        raise SystemExit(f"no note with wiki-links under {corpus}")
    if how == "busiest":
        return Path(max(candidates)[2])
    by_size = sorted(candidates, key=lambda item: (item[1], item[2]))
    return Path(by_size[len(by_size) // 2][2])


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), str(ROOT / "rules"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    return env


def server_latencies(corpus: Path, note: Path, config: Path, edits: int, debounce: int
                     ) -> tuple[float, list[float], int]:
    """(seconds to index, per-edit latencies in ms, findings on the note)."""
    client = LspClient(
        [sys.executable, "-m", "notelint", "server", "--config", str(config),
         "--debounce", str(debounce)],
        cwd=corpus, env=environment(),
    )
    try:
        started = time.perf_counter()
        client.initialize(corpus)
        client.wait(lambda m: m.get("method") == "window/logMessage"
                    and "indexed" in m["params"]["message"], LOAD_TIMEOUT)
        indexed = time.perf_counter() - started
        uri = uri_of(note)
        text = note.read_text(encoding="utf-8")
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        found = client.diagnostics(uri, LOAD_TIMEOUT)
        latencies: list[float] = []
        for version in range(2, edits + 4):  # two warm-up edits, not counted
            edited = text + f"\nEdit {version}: see [[missing page {version}]].\n"
            sent = time.perf_counter()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": edited}],
            })
            message = client.wait(
                lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri and m["params"].get("version") == v,
                LOAD_TIMEOUT,
            )
            elapsed = (time.perf_counter() - sent) * 1000
            if version >= 4:
                latencies.append(elapsed)
            found = message["params"]["diagnostics"]
        client.close()
        return indexed, latencies, len(found)
    finally:
        if client.process.poll() is None:
            client.process.kill()


def cli_once(corpus: Path, note: Path, config: Path, cache: Path) -> float:
    """Milliseconds for one ``notelint check --stdin-filename`` of the edited note."""
    text = note.read_text(encoding="utf-8") + "\nEdit: see [[missing page]].\n"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--config", str(config), "--root",
         str(corpus), "--cache-dir", str(cache), "--offline", "--format", "json",
         "--stdin-filename", str(note)],
        input=text, text=True, capture_output=True, cwd=corpus, env=environment(),
        timeout=LOAD_TIMEOUT, check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench_server: the CLI baseline failed:\n{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--debounce", type=int, default=0, metavar="MS")
    parser.add_argument("--note", choices=["typical", "busiest"], default="typical",
                        help="which note to edit (default: typical)")
    parser.add_argument("--ignore", default="", metavar="CODES",
                        help="rules to leave out, comma-separated (e.g. NL501 to see what "
                             "the spelling rule costs)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the one-shot CLI run used as the baseline")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"bench_server: corpus {corpus} is absent; nothing measured")
        return 0
    note = pick_note(corpus, args.note)
    with tempfile.TemporaryDirectory(prefix="notelint-bench-") as temp:
        config = Path(temp) / "notelint.toml"  # default settings, caches kept out of the corpus
        ignored = [code.strip() for code in args.ignore.split(",") if code.strip()]
        config.write_text(f"ignore = {ignored!r}\n" if ignored else "", encoding="utf-8")
        indexed, latencies, findings = server_latencies(
            corpus, note, config, args.edits, args.debounce)
        baseline = None
        if not args.no_baseline:  # the first run fills the index cache, the second uses it
            cache = Path(temp) / "cache"
            cold = cli_once(corpus, note, config, cache)
            baseline = cli_once(corpus, note, config, cache)
    median = statistics.median(latencies)
    p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) >= 2 else median
    print(f"corpus: {corpus} ({sum(1 for _ in corpus.rglob('*.md'))} notes)")
    size = note.stat().st_size
    print(f"note ({args.note}): {note.relative_to(corpus)}, {size} bytes, "
          f"{findings} findings after the last edit")
    print(f"rules: all enabled by default{' except ' + args.ignore if args.ignore else ''}")
    print(f"index warm-up (initialize -> indexed): {indexed:.1f} s")
    print(f"didChange -> publishDiagnostics over {len(latencies)} edits "
          f"(debounce {args.debounce} ms): median {median:.1f} ms, p90 {p90:.1f} ms, "
          f"min {min(latencies):.1f} ms, max {max(latencies):.1f} ms")
    print(f"ratio to the {TARGET_MS:.0f} ms target: {median / TARGET_MS:.2f} "
          f"({'met' if median < TARGET_MS else 'NOT met'})")
    if baseline is not None:
        print(f"baseline, one CLI check of the same note (no server): {baseline:.0f} ms "
              f"with its index cache warm ({cold:.0f} ms cold); the server's median is "
              f"{baseline / median:.1f}x faster than the warm CLI")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
