"""notelint: a linter and content validator for Markdown notes vaults.

Importing this package never imports the built-in rules (``notelint_rules``); those are
loaded through the ``notelint`` entry-point group like any third-party rule pack.
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

PROJECT_NAME = "notelint"

#: Marker for hook implementations: decorate ``notelint_*`` functions in a plugin module.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
