"""Shared fixtures: the embedded panel is built once per test session."""

from __future__ import annotations

import pytest

from servmodel.intensity import IntensityPanel, panel_from_source


@pytest.fixture(scope="session")
def wiod_panel() -> IntensityPanel:
    """The full embedded panel (all four definitions, 1995-2011)."""
    return panel_from_source()
