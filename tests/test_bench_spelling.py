"""The spelling benchmark measures what the rule does: it reads the engine's prose (a
benchmark that silently saw no words printed 0.00 for every figure once), and its labelled
set holds words, paths and lines only."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from notelint.spell import aspell_available

REPO = Path(__file__).resolve().parents[1]
QUARTZ_DOCS = REPO.parent / "shared" / "corpora" / "quartz-docs"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_spelling  # type: ignore[import-not-found]

        yield bench_spelling
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def test_the_labelled_set_holds_no_note_text(bench: ModuleType) -> None:
    data = json.loads(bench.LABELS.read_text(encoding="utf-8"))
    allowed = {"corpus", "path", "line", "word", "label", "sources", "meant"}
    labels = {"typo", "name", "jargon", "foreign", "code-leak", "variant", "ordinary"}
    for row in data["labels"]:
        assert set(row) <= allowed and row["label"] in labels
        assert " " not in row["word"] and isinstance(row["line"], int)
    halves = {bench.half(row["word"]) for row in data["labels"]}
    assert halves == {"tune", "report"}


@pytest.mark.skipif(not QUARTZ_DOCS.is_dir(), reason="quartz-docs corpus absent")
@pytest.mark.skipif(not aspell_available(), reason="aspell is not installed")
def test_the_benchmark_sees_the_words_the_rule_sees(bench: ModuleType, tmp_path: Path) -> None:
    vault, collected = bench._load_vault(QUARTZ_DOCS)
    assert collected and len(vault.reported) == len(vault.notes)
    found, _ = bench._occurrences(vault, collected, QUARTZ_DOCS, tmp_path)
    words = {o.word for o in found}
    assert "embeded" in words and len(words) > 100  # quartz-docs has ~180 unknown words
    labels = json.loads(bench.LABELS.read_text(encoding="utf-8"))["labels"]
    mine = {(r["path"], r["line"], r["word"]) for r in labels if r["corpus"] == "quartz-docs"}
    seen = {(o.rel, o.span.line, o.word) for o in found}
    assert seen <= mine  # every candidate of quartz-docs is labelled
