"""docs/rules/ is generated from the rule classes and must be current."""

from __future__ import annotations

from pathlib import Path

from notelint.docs import expected_docs, render_rule_doc
from notelint.plugins import load_plugins

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def test_rule_docs_are_current() -> None:
    rules = load_plugins().rules()
    expected = expected_docs(rules)
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.md")}
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    extra = sorted(set(on_disk) - set(expected))
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale}, removed rules: {extra}); "
        "run `python -m notelint.docs`"
    )


def test_every_rule_documents_a_bad_and_a_good_example() -> None:
    for rule in load_plugins().rules():
        page = render_rule_doc(rule)
        assert page.startswith(f"# {rule.code} {rule.name}\n")
        assert "## Bad" in page and "## Good" in page, f"{rule.code} lacks examples"


def test_option_tables_are_shown_in_both_spellings_and_work_as_written(
    tmp_path: Path,
) -> None:
    """`[urls]` in notelint.toml, `[tool.notelint.urls]` in pyproject.toml: the page and
    `explain` say both, and the page's example loads in the file it names."""
    import re

    from notelint.config import load_config

    page = (Path(__file__).parents[1] / "docs/rules/unverifiable-url.md").read_text()
    assert "the table is `[urls]`; in `pyproject.toml` it is `[tool.notelint.urls]`" in page
    example = re.search(r"```toml\n(.*?)```", page, re.S)
    assert example is not None
    (tmp_path / "notelint.toml").write_text(example[1])
    assert load_config(tmp_path / "notelint.toml").families["urls"]["exclude"]
