"""Wald tests of linear restrictions (joint significance), as stored in results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from servmodel.results.codec import Record
from servmodel.results.tidy import Inference


@dataclass(frozen=True)
class WaldTest(Record):
    """A joint test that some coefficients are all zero.

    Attributes
    ----------
    name
        What is tested, e.g. ``F test: all slopes = 0``.
    terms
        The coefficients restricted to zero.
    statistic
        F (when ``df_denom`` is set) or chi-squared statistic; NaN when the covariance of
        the tested coefficients is singular.
    df_num, df_denom
        Degrees of freedom; ``df_denom`` is ``None`` for a chi-squared test.
    p_value
        Upper-tail probability.
    """

    name: str
    terms: tuple[str, ...]
    statistic: float
    df_num: int
    df_denom: float | None
    p_value: float

    @property
    def distribution(self) -> str:
        """``F(q, d)`` or ``chi2(q)``."""
        if self.df_denom is None:
            return f"chi2({self.df_num})"
        return f"F({self.df_num}, {self.df_denom:g})"


def wald_test(
    name: str,
    terms: Sequence[str],
    params: np.ndarray,
    cov: np.ndarray,
    inference: Inference,
) -> WaldTest:
    """Test ``params == 0`` jointly with covariance ``cov``.

    With a t reference distribution the statistic is W / q against F(q, df) (as Stata
    reports after ``regress`` and ``xtreg``); with a normal one it is W against chi2(q).
    A singular covariance (e.g. more restrictions than clusters - 1) gives NaN, as Stata
    leaves the F statistic empty then.
    """
    b = np.asarray(params, dtype=float)
    v = np.asarray(cov, dtype=float)
    q = len(b)
    rank = np.linalg.matrix_rank(v) if q else 0
    if q == 0 or rank < q:
        stat = float("nan")
    else:
        stat = float(b @ np.linalg.solve(v, b))
    if inference.distribution == "t":
        assert inference.df is not None
        f = stat / q if q else float("nan")
        p = float(stats.f.sf(f, q, inference.df)) if np.isfinite(f) else float("nan")
        return WaldTest(name, tuple(terms), f, q, float(inference.df), p)
    p = float(stats.chi2.sf(stat, q)) if np.isfinite(stat) else float("nan")
    return WaldTest(name, tuple(terms), stat, q, None, p)
