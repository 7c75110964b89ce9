"""Versions of the packages a result was computed with, stored beside the numbers."""

from __future__ import annotations

import platform
from importlib import metadata

PACKAGES: tuple[str, ...] = (
    "servmodel",
    "linearmodels",
    "numpy",
    "pandas",
    "scipy",
    "formulaic",
    "statsmodels",
)

_CACHE: dict[str, str] = {}


def package_versions() -> dict[str, str]:
    """Python's and each package's installed version (``"not installed"`` if absent)."""
    if not _CACHE:
        _CACHE["python"] = platform.python_version()
        for name in PACKAGES:
            try:
                _CACHE[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                _CACHE[name] = "not installed"
    return dict(_CACHE)
