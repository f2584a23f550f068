"""The synthetic vault generator writes vaults that are valid, so benchmark runs on them
measure the work of checking, not of reporting thousands of made-up problems."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from notelint.testing import lint

SYNTH_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "synth.py"


def _load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notelint_bench_synth", SYNTH_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth")
    synth.generate(root, 200, seed=3)
    return root


def _text(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md")))


def test_generated_vault_has_no_link_frontmatter_or_date_findings(vault: Path) -> None:
    result = lint(vault, select=["links", "frontmatter", "dates"])
    assert result.findings == []
    assert result.exit_code == 0


def test_generated_vault_exercises_every_link_form(vault: Path) -> None:
    text = _text(vault)
    notes = list(vault.rglob("*.md"))
    assert len(notes) == 200
    assert text.count("[[") >= 3 * 200  # about six links a note
    assert "|" in text and "#" in text and "](" in text and "![[" in text
    assert "aliases: [" in text
    assert any((vault / "journal").glob("*.md"))
    assert any((vault / "attachments").glob("*.png"))


def test_breaking_one_link_is_found(tmp_path: Path) -> None:
    """The zero-findings test above would pass vacuously if the rules saw no links."""
    rels = synth.generate(tmp_path, 50, seed=1)
    note = tmp_path / rels[0]
    note.write_text(note.read_text(encoding="utf-8") + "\n[[no such note here]]\n", "utf-8")
    result = lint(tmp_path, select=["links"])
    assert [f.code for f in result.findings] == ["NL101"]
    assert result.findings[0].path.endswith(Path(rels[0]).name)


def test_same_seed_same_vault_other_seed_other_vault(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", 30, seed=7)
    synth.generate(tmp_path / "b", 30, seed=7)
    synth.generate(tmp_path / "c", 30, seed=8)
    assert _text(tmp_path / "a") == _text(tmp_path / "b")
    assert _text(tmp_path / "a") != _text(tmp_path / "c")


def test_journal_dates_are_newest_first_and_not_in_the_future(vault: Path) -> None:
    for journal in (vault / "journal").glob("*.md"):
        days = [
            line[4:] for line in journal.read_text("utf-8").splitlines() if line.startswith("### ")
        ]
        assert days == sorted(days, reverse=True) and days
        assert max(days) <= synth.LATEST_DATE.isoformat()
