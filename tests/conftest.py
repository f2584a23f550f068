"""Test-wide settings.

Under CI (``CI`` set, as CI services and ``.ci/run`` callers do) Hypothesis draws the same
examples every run (``derandomize``): a landing must not depend on the luck of one draw.
Locally each run draws anew, which is how property tests find new cases; a case found
that way becomes an ``@example`` of its test.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
