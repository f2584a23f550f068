"""Every hook notelint calls. A plugin implements some of them with ``@notelint.hookimpl``.

Hooks register things; the engine runs the rules, so rule identity, selection, options,
severity and suppressions stay in one place.

Engine stage: plan (plugins register rules, reporters and syntax before a file is read).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

from notelint import PROJECT_NAME

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from notelint.config import Config
    from notelint.model import Finding
    from notelint.reporters import Reporter
    from notelint.rule import Rule

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def notelint_add_rules() -> Sequence[type[Rule]]:  # type: ignore[empty-body]
    """Return the rule classes this plugin provides."""


@hookspec
def notelint_add_reporters() -> Mapping[str, type[Reporter]]:  # type: ignore[empty-body]
    """Return output formats this plugin provides, by ``--format`` name."""


@hookspec
def notelint_configure_markdown(md: MarkdownIt) -> None:
    """Add syntax to the Markdown parser (inline or block rules, plugins).

    Called once per parser, before any note is parsed. Tokens a rule adds may carry
    ``meta["span"] = (start, end)``: offsets into the inline source that the parser
    turns into file positions.
    """


@hookspec(historic=True)
def notelint_configure(config: Config) -> None:
    """See the loaded configuration before the run starts."""


@hookspec
def notelint_session_finish(session: Any, findings: Sequence[Finding]) -> None:
    """Called after the run with every finding that will be reported.

    ``session`` is the run's :class:`notelint.engine.Plan` (its configuration, rules and
    root); the name is kept for the packs that already implement this hook.
    """
