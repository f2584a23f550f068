"""notelint's built-in rules: an ordinary plugin, registered through the ``notelint``
entry-point group exactly as a third-party rule pack would be."""

from __future__ import annotations

from collections.abc import Sequence

from notelint import hookimpl
from notelint.rule import Rule
from notelint_rules import dates, files, frontmatter, graph, links, spelling, urls


@hookimpl
def notelint_add_rules() -> Sequence[type[Rule]]:
    return [
        *files.RULES,
        *frontmatter.RULES,
        *links.RULES,
        *dates.RULES,
        *urls.RULES,
        *spelling.RULES,
        *graph.RULES,
    ]
