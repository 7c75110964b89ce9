"""Optional test dependencies: skipped on a developer's machine without them, a failure in CI.

The ``test`` extra installs every package named here, so in CI (``CI`` set, as ``.ci/run``
runs) a missing one means the install is broken, and a reference comparison that silently
skipped would hide it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def require(module: str, reason: str | None = None) -> ModuleType:
    """Import ``module``; skip the calling test (or module) without it, fail in CI."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(
                f"{module} is missing in CI, where the test extra installs it: {exc}",
                pytrace=False,
            )
        # allowed at module level, where most callers stand, as with pytest.importorskip
        pytest.skip(
            reason or f"{module} is not installed (pip install -e '.[test]')",
            allow_module_level=True,
        )
