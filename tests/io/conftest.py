"""Fixtures of the reader tests: the Rev. 4 classifications a release's panel is built with."""

from __future__ import annotations

import types

import pytest


@pytest.fixture
def rev4() -> types.ModuleType:
    """``servmodel.intensity.rev4``, whose classifications the readers' panels use."""
    from servmodel.intensity import rev4 as module

    return module
