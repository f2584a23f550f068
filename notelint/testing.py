"""A public harness for rule tests: write a small vault, run the real engine, read findings.

Used by notelint's own tests and by plugin authors::

    from notelint.testing import lint

    def test_broken_link(tmp_path):
        result = lint(tmp_path, {"a.md": "[[missing]]\\n"}, select=["NL101"])
        assert result.brief() == ["a.md:1:1: NL101"]

Engine stage: none: runs the whole pipeline (``notelint.engine.run``) for rule tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from notelint.engine import RunRequest, RunResult, run
from notelint.model import Finding


@dataclass(frozen=True)
class LintResult:
    """What a run found, in the shapes tests want to compare."""

    findings: list[Finding]
    exit_code: int
    messages: list[str]
    fixed: int = 0

    def brief(self) -> list[str]:
        """``path:line:col: CODE`` per finding, sorted as reported."""
        return [
            f"{f.path}:{f.span.line}:{f.span.column}: {f.code}" for f in self.findings
        ]

    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def by_code(self, code: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.code == code]


def write_vault(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (relative path -> text or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def lint(
    root: Path,
    files: Mapping[str, str | bytes] | None = None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    config: Mapping[str, Any] | None = None,
    paths: Sequence[str] | None = None,
    today: date | None = None,
    offline: bool = True,
    fix: bool = False,
    use_cache: bool = False,
    stdin: tuple[str, str] | None = None,
    extra_plugins: Sequence[object] = (),
) -> LintResult:
    """Write ``files`` under ``root`` and lint it as a vault, paths shown relative to it.

    ``config`` is a configuration table as TOML would give it (``{"links": {...}}``);
    ``paths`` limits what is reported (default: everything); ``stdin`` is
    ``(filename, text)`` to lint unsaved text as that file.
    """
    write_vault(root, files or {})
    request = RunRequest(
        paths=[str(root / p) for p in paths] if paths is not None else [str(root)],
        config=config if config is not None else {},
        root=root,
        select=select,
        ignore=ignore,
        offline=offline,
        fix=fix,
        use_cache=use_cache,
        cwd=root,
        today=today or date(2024, 6, 1),
        stdin_filename=str(root / stdin[0]) if stdin else None,
        stdin_text=stdin[1] if stdin else None,
        extra_plugins=extra_plugins,
    )
    result: RunResult = run(request)
    return LintResult(result.findings, result.exit_code, result.messages, result.fixed)
