"""Rule documentation generated from the rule classes (``docs/rules/<name>.md``).

The class is the single source: code, name, severity, defaults and options come from its
attributes, the prose and examples from its docstring. ``python -m notelint.docs``
rewrites the folder; a test checks it is current.

Engine stage: none (generates the rule docs from the rules' docstrings).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from notelint.rule import Rule, describe_options

DOCS_DIR = Path("docs/rules")


def render_rule_doc(rule: type[Rule]) -> str:
    """The Markdown page of one rule."""
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"**{rule.summary}**",
        "",
        "| family | default severity | enabled by default | fixable |",
        "|---|---|---|---|",
        f"| {rule.family} | {rule.severity} | {'yes' if rule.enabled_by_default else 'no'} "
        f"| {'yes' if rule.fixable else 'no'} |",
        "",
        rule.doc(),
        "",
    ]
    options = list(describe_options(rule))
    if options:
        lines += [
            f"## Options (`[{rule.family}]`)",
            "",
            f"In `notelint.toml` or `.notelint.toml` the table is `[{rule.family}]`; in "
            f"`pyproject.toml` it is `[tool.notelint.{rule.family}]`.",
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for key, type_name, default, help_text in options:
            shown = repr(default) if not isinstance(default, bool) else str(default).lower()
            cells = (f"`{key}`", type_name, f"`{shown}`", help_text)
            lines.append("| " + " | ".join(_table_cell(cell) for cell in cells) + " |")
        lines.append("")
    lines += [
        "## Silencing it",
        "",
        f"`<!-- notelint-disable-next-line {rule.code} -->` before the line, "
        f"`ignore = [\"{rule.code}\"]` in the configuration, or `--ignore {rule.code}`.",
        "",
    ]
    return "\n".join(lines)


def _table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, on one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_index(rules: Sequence[type[Rule]]) -> str:
    lines = [
        "# Rules",
        "",
        "| code | name | severity | default | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| {rule.code} | [{rule.name}]({rule.name}.md) | {rule.severity} | "
            f"{'on' if rule.enabled_by_default else 'off'} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_docs(rules: Sequence[type[Rule]]) -> dict[str, str]:
    """File name -> content of every generated page."""
    pages = {f"{rule.name}.md": render_rule_doc(rule) for rule in rules}
    pages["README.md"] = render_index(rules)
    return pages


def write_docs(rules: Sequence[type[Rule]], folder: Path = DOCS_DIR) -> list[Path]:
    """Rewrite ``folder`` from ``rules``; stale pages of removed rules are deleted."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = expected_docs(rules)
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    written = []
    for name, content in pages.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    from notelint.plugins import load_plugins

    plugins = load_plugins()
    for problem in plugins.problems:
        print(f"notelint: {problem}", file=sys.stderr)
    written = write_docs(plugins.rules())
    print(f"wrote {len(written)} pages to {DOCS_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
