"""The result of a Hausman test of fixed against random effects."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from servmodel.results.codec import Record
from servmodel.results.serialize import register_kind, save_payload
from servmodel.results.text import hausman_summary_text

KIND = "hausman"


@dataclass(frozen=True)
class HausmanResult(Record):
    """Hausman (1978) test: H0 the effects are uncorrelated with the regressors.

    Attributes
    ----------
    fe_name, re_name
        Names of the two models compared.
    terms
        Coefficients compared (those in both models, the intercept excluded).
    b_fe, b_re
        Their estimates under fixed and random effects.
    var_diff_diag
        Diagonal of V_FE - V_RE (may be negative when the difference is not positive
        definite).
    statistic, df, p_value
        The statistic (b_FE - b_RE)' (V_FE - V_RE)^-1 (b_FE - b_RE), its chi-squared degrees
        of freedom and p-value (NaN if the statistic is negative).
    generalized_inverse
        True if V_FE - V_RE was not positive definite and its Moore-Penrose inverse was used
        (df is then its rank).
    min_eigenvalue
        Smallest eigenvalue of V_FE - V_RE.
    notes
        Sentences about the computation.
    """

    fe_name: str
    re_name: str
    terms: tuple[str, ...]
    b_fe: tuple[float, ...]
    b_re: tuple[float, ...]
    var_diff_diag: tuple[float, ...]
    statistic: float
    df: int
    p_value: float
    generalized_inverse: bool
    min_eigenvalue: float
    notes: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """One row per compared coefficient: term, b_fe, b_re, difference, std_error of the
        difference (NaN where the variance of the difference is negative)."""
        diff = [f - r for f, r in zip(self.b_fe, self.b_re, strict=True)]
        se = [v**0.5 if v >= 0 else float("nan") for v in self.var_diff_diag]
        return pd.DataFrame(
            {
                "term": list(self.terms),
                "b_fe": list(self.b_fe),
                "b_re": list(self.b_re),
                "difference": diff,
                "std_error": se,
            }
        )

    def summary(self) -> str:
        """A plain-text summary: statistic, compared coefficients, notes."""
        return hausman_summary_text(self)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the test as JSON (atomically)."""
        return save_payload(KIND, self.to_dict(), path)


register_kind(KIND, HausmanResult.from_dict)
