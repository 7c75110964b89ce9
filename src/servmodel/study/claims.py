"""The five claims of the 2013 study and the rules that decide each from the data.

Every verdict is ``supported``, ``contradicted`` or ``inconclusive``, with the number
behind it. Trends are OLS slopes of a yearly series on the year with Newey-West (HAC, two
lags, small-sample corrected, t quantiles) standard errors; a slope "is positive" when its 95% interval lies above zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

SUPPORTED, CONTRADICTED, INCONCLUSIVE = "supported", "contradicted", "inconclusive"

CLAIMS = {
    "C1": "Producer-service use across the whole Korean economy rises steadily over time",
    "C2": "In Korean manufacturing it rises slowly or not at all",
    "C3": "Korean manufacturing uses fewer producer services than Mexico's, China's and the "
          "OECD countries'",
    "C4": "Manufacturing industries with higher technology levels use more producer services",
    "C5": "The producer-service input coefficient of Korean manufacturing is falling",
}

RULES = {
    "C1": "supported if the slope of Korea's economy-wide (output-weighted) intensity on the "
          "year is positive with its 95% HAC interval above zero; contradicted if the interval "
          "lies below zero; inconclusive otherwise.",
    "C2": "supported if Korea's manufacturing slope is not significantly positive, or its 95% "
          "interval lies below the economy-wide slope; contradicted if it is significantly "
          "positive and at least as steep as the economy-wide slope; inconclusive otherwise.",
    "C3": "supported if in the last year Korea's output-weighted manufacturing intensity is "
          "below each of Mexico, China and the OECD average (members other than Korea); "
          "contradicted if it is above all three; inconclusive (mixed) otherwise.",
    "C4": "pooled OLS of the intensity on the technology score (1-4) with year effects, "
          "standard errors clustered by country: supported if the coefficient is positive "
          "with p < 0.05, contradicted if negative with p < 0.05, inconclusive otherwise.",
    "C5": "supported if the slope of Korea's manufacturing intensity on the year is negative "
          "with its 95% HAC interval below zero; contradicted if the interval lies above "
          "zero; inconclusive otherwise.",
}


@dataclass(frozen=True)
class Trend:
    """An OLS time slope with a HAC interval, also relative to the series' mean level."""

    slope: float
    low: float
    high: float
    mean: float

    @property
    def percent_per_year(self) -> float:
        return 100.0 * self.slope / self.mean if self.mean else float("nan")

    def describe(self) -> str:
        return (f"slope {self.slope:+.2e}/yr [{self.low:+.2e}, {self.high:+.2e}] "
                f"({self.percent_per_year:+.2f}% of the mean per year)")


@dataclass(frozen=True)
class Verdict:
    """One claim under one definition and measure."""

    claim: str
    definition: str
    measure: str
    verdict: str
    evidence: str


def trend(years: np.ndarray, values: np.ndarray, lags: int = 2) -> Trend:
    """OLS slope of ``values`` on ``years`` with a Newey-West 95% interval."""
    y = np.asarray(values, dtype=float)
    x = sm.add_constant(np.asarray(years, dtype=float) - np.mean(years))
    # small-sample correction and t quantiles: 17 yearly points are few for HAC
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True},
                           use_t=True)
    lo, hi = fit.conf_int(0.05)[1]
    return Trend(float(fit.params[1]), float(lo), float(hi), float(y.mean()))


def judge_rise(t: Trend) -> str:
    """C1: a steady rise."""
    if t.low > 0:
        return SUPPORTED
    if t.high < 0:
        return CONTRADICTED
    return INCONCLUSIVE


def judge_slow_rise(manufacturing: Trend, economy: Trend) -> str:
    """C2: manufacturing rises slowly (slower than the economy) or not at all."""
    significantly_up = manufacturing.low > 0
    if not significantly_up or manufacturing.high < economy.slope:
        return SUPPORTED
    if manufacturing.slope >= economy.slope:
        return CONTRADICTED
    return INCONCLUSIVE


def judge_fewer(focus: float, comparators: dict[str, float]) -> tuple[str, list[str]]:
    """C3: below every comparator. Returns the verdict and the comparators it is below."""
    below = [k for k, v in comparators.items() if focus < v]
    if len(below) == len(comparators):
        return SUPPORTED, below
    if not below:
        return CONTRADICTED, below
    return INCONCLUSIVE, below


def judge_tech(estimate: float, p_value: float, alpha: float = 0.05) -> str:
    """C4: a positive technology gradient."""
    if p_value < alpha:
        return SUPPORTED if estimate > 0 else CONTRADICTED
    return INCONCLUSIVE


def judge_fall(t: Trend) -> str:
    """C5: a falling coefficient."""
    if t.high < 0:
        return SUPPORTED
    if t.low > 0:
        return CONTRADICTED
    return INCONCLUSIVE


def verdict_matrix(verdicts: list[Verdict]) -> pd.DataFrame:
    """Claims as rows, (definition, measure) as columns, verdicts as cells."""
    frame = pd.DataFrame([v.__dict__ for v in verdicts])
    return frame.pivot_table(index="claim", columns=["definition", "measure"], values="verdict",
                             aggfunc="first")
