"""The frontmatter rule family (being written; see its issue)."""

from __future__ import annotations

from notelint.rule import Rule

RULES: list[type[Rule]] = []
