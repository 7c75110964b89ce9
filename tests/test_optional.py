"""A missing optional test dependency skips on a developer's machine and fails in CI."""

from __future__ import annotations

import pytest

from tests.optional import require


def test_present_module_is_returned():
    assert require("json").dumps([1]) == "[1]"


def test_missing_module_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no_such_module_xyz"):
        require("no_such_module_xyz")


def test_missing_module_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing in CI"):
        require("no_such_module_xyz")
