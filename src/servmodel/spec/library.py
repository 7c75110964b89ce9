"""Where the shipped model specifications (``models/``) live."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from servmodel.errors import UsageError


def models_dir() -> Path:
    """Directory of the shipped model specs: package data in a wheel, ``models/`` in a
    source checkout."""
    packaged = Path(str(resources.files("servmodel").joinpath("_embedded", "models")))
    checkout = Path(__file__).resolve().parents[3] / "models"
    for cand in (packaged, checkout):
        if (cand / "hier_beta.toml").is_file():
            return cand
    raise UsageError(
        f"the shipped model specs were not found (looked in {packaged}, "
        f"{checkout}); reinstall servmodel with `pip install .`"
    )
