"""How fast the HTML report opens: a page of N findings (30,000 by default) in headless
Chromium.

Writes the page with the real reporter from a synthetic report (N broken wiki-links spread
over N/7 notes, 500 distinct missing targets), then opens it ``--repeat`` times with
``chromium --headless --dump-dom`` and prints, per round, the page's own render time (the
``data-render-ms`` its script stamps when the first page of findings is drawn: JSON parse,
counts, chart, wanted notes, list) and the wall time of the whole browser process, with
a blank page's wall time as the baseline measured in the same run. Also prints the size
of the page.

    python benchmarks/bench_html.py [--findings 30000] [--repeat 3]

Exits 0 with a note when chromium is not installed.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "rules")]

from notelint.model import Finding, Severity, Span  # noqa: E402
from notelint.reporters import Report  # noqa: E402
from notelint.reporters.html import HtmlReporter  # noqa: E402
from notelint_rules.links import BrokenWikilink  # noqa: E402


def report(count: int) -> Report:
    findings = [
        Finding(
            path=f"notes/n{index // 7:05}.md",
            span=Span.point(index % 7 + 1),
            code="NL101",
            rule="broken-wikilink",
            severity=Severity.ERROR,
            message=f"[[gone {index % 500}]] points to nothing: no note or file named "
            f"'gone {index % 500}' in the vault; create it or correct the name",
            subject=f"gone {index % 500}",
        )
        for index in range(count)
    ]
    return Report(findings, root="vault", files=count // 7, rules={"NL101": BrokenWikilink})


def open_page(browser: str, page: Path, profile: Path) -> tuple[float, float | None]:
    command = [browser, "--headless", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--dump-dom", page.as_uri()]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    wall = time.perf_counter() - started
    found = re.search(r'data-render-ms="([0-9.]+)"', done.stdout)
    return wall, float(found.group(1)) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("bench_html: chromium is not installed (apt-get install chromium); skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stream = io.StringIO()
        started = time.perf_counter()
        HtmlReporter(stream).write(report(args.findings))
        written = time.perf_counter() - started
        page = folder / "report.html"
        page.write_text(stream.getvalue(), encoding="utf-8")
        blank = folder / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
        walls, renders, blanks = [], [], []
        for _ in range(args.repeat):  # interleaved, so machine load hits both alike
            blanks.append(open_page(browser, blank, folder / "profile")[0])
            wall, render = open_page(browser, page, folder / "profile")
            walls.append(wall)
            if render is not None:
                renders.append(render)
    size = len(stream.getvalue().encode("utf-8"))
    print(f"{args.findings:,} findings: page {size / 1e6:.1f} MB, written in {written:.2f} s")
    print(f"  page's own render (median of {len(renders)}): {statistics.median(renders):.0f} ms"
          if renders else "  the page's script did not finish")
    print(f"  browser process, report page: {statistics.median(walls):.2f} s; blank page: "
          f"{statistics.median(blanks):.2f} s (difference: the page's share)")
    print("  (2 shared cores: figures vary with the other developers' load)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
