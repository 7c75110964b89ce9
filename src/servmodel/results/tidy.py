"""The one coefficient-table layout that every result type returns from ``tidy()``.

Frequentist results fill every column; a Bayesian result leaves ``statistic`` and
``p_value`` empty (NaN) and puts a credible interval in ``conf_low``/``conf_high``, so tables
read every family the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from servmodel.errors import UsageError
from servmodel.results.codec import Record

TIDY_COLUMNS: tuple[str, ...] = (
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "conf_low",
    "conf_high",
)


@dataclass(frozen=True)
class Inference(Record):
    """The reference distribution of the coefficient tests.

    Attributes
    ----------
    distribution
        ``t`` or ``normal``.
    df
        Degrees of freedom of ``t`` (``None`` for ``normal``).
    """

    distribution: Literal["t", "normal"]
    df: float | None = None

    def __post_init__(self) -> None:
        if self.distribution == "t" and (self.df is None or not self.df > 0):
            raise ValueError(f"a t distribution needs df > 0, got {self.df!r}")

    @property
    def label(self) -> str:
        """``t(df)`` or ``normal``."""
        return f"t({self.df:g})" if self.distribution == "t" else "normal"

    def two_sided_p(self, statistic: np.ndarray) -> np.ndarray:
        """Two-sided p-values of ``statistic``."""
        z = np.abs(np.asarray(statistic, dtype=float))
        if self.distribution == "t":
            return 2.0 * stats.t.sf(z, self.df)
        return 2.0 * stats.norm.sf(z)

    def critical(self, level: float) -> float:
        """The two-sided critical value at confidence ``level``."""
        q = 0.5 + level / 2.0
        return float(stats.t.ppf(q, self.df) if self.distribution == "t" else stats.norm.ppf(q))


def check_level(level: float) -> float:
    """Return ``level`` if it is a confidence level strictly between 0 and 1."""
    if not (isinstance(level, (int, float)) and 0.0 < float(level) < 1.0):
        raise UsageError(f"confidence level {level!r} must be between 0 and 1, e.g. 0.95")
    return float(level)


def coefficient_table(
    terms: Sequence[str],
    estimates: np.ndarray,
    std_errors: np.ndarray,
    inference: Inference,
    level: float = 0.95,
) -> pd.DataFrame:
    """Build the tidy table (columns :data:`TIDY_COLUMNS`) from estimates and standard errors.

    Parameters
    ----------
    terms
        Coefficient names.
    estimates, std_errors
        Point estimates and standard errors, in the order of ``terms``.
    inference
        Reference distribution for the statistic, p-value and interval.
    level
        Confidence level of ``conf_low``/``conf_high``.
    """
    level = check_level(level)
    est = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errors, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    crit = inference.critical(level)
    return pd.DataFrame(
        {
            "term": pd.Series(list(terms), dtype=object),
            "estimate": est,
            "std_error": se,
            "statistic": stat,
            "p_value": inference.two_sided_p(stat),
            "conf_low": est - crit * se,
            "conf_high": est + crit * se,
        },
        columns=list(TIDY_COLUMNS),
    )
