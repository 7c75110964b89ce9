"""Build once per key, remembering refusals as well as results."""

from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping
from typing import TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
E = TypeVar("E", bound=Exception)


def remembered(
    cache: MutableMapping[K, V | E],
    key: K,
    build: Callable[[], V],
    refusal: type[E],
) -> V:
    """``build()`` once per ``key``; a ``refusal`` it raises is remembered and raised again.

    A grid asks for the same sample, design or spec section thousands of times, and a
    refused one would otherwise be built (and refused) again each time.
    """
    made = cache.get(key)
    if made is None:
        try:
            made = build()
        except refusal as exc:
            made = exc
        cache[key] = made
    if isinstance(made, refusal):
        raise made
    return cast(V, made)
