"""remembered: one build per key, a refusal remembered and raised again."""

from __future__ import annotations

import pytest

from servmodel._memo import remembered
from servmodel.errors import SpecError


def test_builds_once_per_key_and_remembers_refusals():
    cache: dict = {}
    calls: list[str] = []

    def build(key: str):
        def make():
            calls.append(key)
            if key == "bad":
                raise SpecError("bad: refused")
            return key.upper()

        return make

    assert remembered(cache, "a", build("a"), SpecError) == "A"
    assert remembered(cache, "a", build("a"), SpecError) == "A"
    for _ in range(2):
        with pytest.raises(SpecError, match="bad: refused"):
            remembered(cache, "bad", build("bad"), SpecError)
    assert calls == ["a", "bad"]


def test_other_errors_are_not_remembered():
    cache: dict = {}
    with pytest.raises(KeyError):
        remembered(cache, "k", lambda: {}["missing"], SpecError)
    assert "k" not in cache
