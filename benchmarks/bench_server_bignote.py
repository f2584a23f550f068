"""Language server on one huge generated note: ``didOpen`` -> ``publishDiagnostics``.

Writes a vault of ``--pages`` short pages (2,000 by default) and one generated note of
``--paragraphs`` paragraphs (61,518 by default, about 6 MB), each with a wiki-link to a
missing page and a link to a missing heading of an existing page, so every paragraph
gives two findings and every finding asks for a suggestion. Starts ``python -m notelint
server`` over real stdio (the JSON-RPC client of ``tests/test_server.py``), opens the
note and times the wait for its diagnostics; the server sends at most
``DIAGNOSTICS_LIMIT`` of them. Also times ``notelint check --offline --no-cache`` of
the same vault in a fresh process, for comparison.

    python benchmarks/bench_server_bignote.py [--paragraphs 61518] [--pages 2000] [--no-cli]

Everything is written to a temporary folder; no corpus is needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

if importlib.util.find_spec("pygls") is None:
    print("bench_server_bignote: pygls is not installed; nothing measured")
    raise SystemExit(0)

from notelint.server import uri_of  # noqa: E402
from tests.test_server import LspClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server import environment  # noqa: E402  (the server's PYTHONPATH, one place)

TIMEOUT = 900.0


def make_vault(root: Path, paragraphs: int, pages: int) -> Path:
    for i in range(pages):
        (root / f"page {i}.md").write_text(f"# Page {i}\n\nText.\n", encoding="utf-8")
    note = root / "big.md"
    note.write_text("".join(
        f"Paragraph {i} of the generated note: see [[gone page {i}]] and "
        f"[[page {i % pages}#no heading {i}]].\n\n" for i in range(paragraphs)
    ), encoding="utf-8")
    return note


def server_open(root: Path, note: Path) -> tuple[float, int]:
    """(seconds from didOpen to its diagnostics, diagnostics sent)."""
    client = LspClient([sys.executable, "-m", "notelint", "server", "--debounce", "0"],
                       cwd=root, env=environment())
    try:
        client.initialize(root)
        client.wait(lambda m: m.get("method") == "window/logMessage"
                    and "indexed" in m["params"]["message"], TIMEOUT)
        uri = uri_of(note)
        sent = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1,
            "text": note.read_text(encoding="utf-8")}})
        found = client.diagnostics(uri, TIMEOUT)
        elapsed = time.perf_counter() - sent
        client.close()
        return elapsed, len(found)
    finally:
        if client.process.poll() is None:
            client.process.kill()


def cli_check(root: Path) -> tuple[float, int]:
    """(seconds, findings) of ``notelint check --offline --no-cache`` on the vault."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--no-cache",
         "--format", "json", "."],
        cwd=root, env=environment(), capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    import json
    findings = json.loads(done.stdout).get("findings", []) if done.stdout else []
    return elapsed, len(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=61_518)
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".notelint.toml").write_text("", encoding="utf-8")
        note = make_vault(root, args.paragraphs, args.pages)
        size = note.stat().st_size / 1e6
        seconds, sent = server_open(root, note)
        print(f"note: {size:.1f} MB, {args.paragraphs:,} paragraphs; {args.pages:,} pages")
        print(f"server didOpen -> diagnostics: {seconds:.1f} s, {sent:,} diagnostics sent")
        if not args.no_cli:
            seconds, found = cli_check(root)
            print(f"cli check: {seconds:.1f} s, {found:,} findings")


if __name__ == "__main__":
    main()
