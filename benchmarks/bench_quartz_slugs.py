"""Does notelint call a wiki-link broken (NL101) that Quartz resolves? Counted on a real vault.

Quartz turns every file path and every link target into a *slug* and resolves a bare name
to the unique file whose slug ends in it (design §10, issue 12). This script re-derives
those slugs on its own — from the file listing and the frontmatter aliases, with none of
notelint's resolver code — and counts the NL101 findings whose target Quartz would
resolve. The figure should be 0; the script prints every such link (path:line, target),
at most 20, so a regression can be read off directly.

    python benchmarks/bench_quartz_slugs.py [--corpus ../shared/corpora/flancian-garden]

Timing is not the point here (the run takes about 25 s on the 7,770-note garden on a
shared machine).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "rules"))

DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpora" / "flancian-garden"
_FRONTMATTER_RE = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)


def slug(path: str) -> str:
    """Quartz's slug of a path without ``.md``, written out again from its rules."""
    out = []
    for part in path.split("/"):
        part = re.sub(r"\s", "-", part)
        part = part.replace("&", "-and-").replace("%", "-percent")
        out.append(part.replace("?", "").replace("#", ""))
    return "/".join(out)


def without_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def vault_slugs(root: Path) -> tuple[Counter[str], set[str]]:
    """(how many pages end in each last segment, every full slug): files and aliases."""
    last: Counter[str] = Counter()
    full: set[str] = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            pages = {slug(without_md(rel))}
            if name.lower().endswith(".md"):
                pages |= {slug(alias) for alias in aliases(Path(folder, name))}
            for page in pages:
                full.add(page)
                last[page.rsplit("/", 1)[-1]] += 1
    return last, full


def aliases(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    match = _FRONTMATTER_RE.match(text)
    if match is None:
        return []
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return []
    if not isinstance(data, dict):
        return []
    found = data.get("aliases", data.get("alias"))
    if isinstance(found, str):
        return [part.strip() for part in found.split(",") if part.strip()]
    if isinstance(found, list):
        return [str(item).strip() for item in found if item is not None and str(item).strip()]
    return []


def quartz_resolves(target: str, last: Counter[str], full: set[str]) -> bool:
    """Quartz's shortest-path resolution of a wiki-link target (fragment removed)."""
    try:
        decoded = unquote(target, errors="strict")
    except UnicodeDecodeError:
        decoded = target
    wanted = slug(without_md(decoded.strip()))
    return last.get(wanted, 0) == 1 or wanted in full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    from notelint.engine import RunRequest, run

    result = run(
        RunRequest(
            paths=[str(corpus)],
            select=["NL101"],
            offline=True,
            use_cache=False,
            cwd=corpus,
            config={"links": {"flavor": "quartz"}},
        )
    )
    last, full = vault_slugs(corpus)
    wrong = []
    for finding in result.findings:
        target = (finding.subject or "").split("#", 1)[0]
        if target and quartz_resolves(target, last, full):
            wrong.append((finding.path, finding.span.line, target))
    print(f"corpus: {corpus}")
    print(f"NL101 findings: {len(result.findings)}")
    print(f"NL101 for a link Quartz resolves (slugs re-derived here): {len(wrong)}")
    for path, line, target in wrong[:20]:
        print(f"  {path}:{line}: [[{target}]]")
    return 0 if not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
