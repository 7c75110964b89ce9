"""Ordinary memory pages for the engine's short-lived large arrays.

NumPy asks the kernel for transparent huge pages (``madvise``) for every array of 4 MB
or more. Where the kernel then compacts memory to find a huge page when one is first
touched (``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, a common default),
each fresh 8 MB temporary can stall for milliseconds. The batch engine allocates and frees
many such temporaries on a large panel: on the 1,000,000-row benchmark
(``benchmarks/bench_scale.py``) this took up to 0.3 s of system time per run, as long as
the computation, and none with ordinary pages. ``NUMPY_MADVISE_HUGEPAGE=0`` makes the same
choice for a whole process; :func:`ordinary_pages` makes it only while the engine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np


def _hugepage_setter() -> Callable[[bool], bool] | None:
    """NumPy's switch behind ``NUMPY_MADVISE_HUGEPAGE`` (returns the previous setting), or
    ``None`` where this NumPy has none."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """Within the block, NumPy does not ask for huge pages (the setting is restored after).

    The setting is NumPy's, for the whole process: arrays allocated meanwhile by other
    threads get ordinary pages too, which changes their speed only.
    """
    setter = _hugepage_setter()
    if setter is None:
        yield
        return
    previous = setter(False)
    try:
        yield
    finally:
        setter(previous)
