"""What the engine is given and what it returns: one specification, one outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from servmodel.spec import ModelSpec


@dataclass(frozen=True)
class Job:
    """One specification to estimate.

    Attributes
    ----------
    key
        Its hash (the cache key).
    spec
        The model spec (``[frequentist]`` family).
    term
        The coefficient reported.
    """

    key: str
    spec: ModelSpec
    term: str


@dataclass(frozen=True)
class Outcome:
    """The estimate of one specification, or why there is none.

    Attributes
    ----------
    key
        The specification's hash.
    ok
        Whether it was estimated.
    estimate, std_error
        The coefficient and its standard error (servmodel's conventions).
    df
        Degrees of freedom of the t reference distribution; ``None`` for the normal.
    nobs
        Observations used (differences for first differences).
    sd_y
        Standard deviation of the dependent variable in the sample (for the ``sd`` scale).
    engine
        ``fwl`` (this module) or ``linearmodels`` (``frequentist.fit``).
    reason
        Why it was not estimated (``ok`` false).
    """

    key: str
    ok: bool
    estimate: float = float("nan")
    std_error: float = float("nan")
    df: float | None = None
    nobs: int = 0
    sd_y: float = float("nan")
    engine: str = ""
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN written as ``None``)."""
        out = dict(self.__dict__)
        for k in ("estimate", "std_error", "sd_y"):
            if not np.isfinite(out[k]):
                out[k] = None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        for k in ("estimate", "std_error", "sd_y"):
            values[k] = float("nan") if values.get(k) is None else float(values[k])
        return cls(**values)


def skipped(key: str, exc: BaseException | str, source: str = "") -> Outcome:
    """An outcome for a specification that cannot be estimated; the message loses the
    ``source:`` prefix, which names no file here."""
    text = str(exc)
    if source and text.startswith(f"{source}: "):
        text = text[len(source) + 2 :]
    return Outcome(key, ok=False, reason=" ".join(text.split()))
