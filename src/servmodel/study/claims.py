"""The five claims of the 2013 study and the rules that decide each from the data.

Every verdict is ``supported``, ``contradicted`` or ``inconclusive``, with the number
behind it. Trends are OLS slopes of a yearly series on the year with Newey-West standard
errors (Bartlett kernel, maximum lag 2, variance times T/(T - 2)) and t(T - 2) quantiles; a
slope "is positive" when its 95% interval lies above zero. The rules state these details
(:data:`RULES`, printed in the report), and the tests recompute them by hand.
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
    "C5w": "The coefficient of Korean manufacturing is falling at constant output weights: "
    "its industries themselves buy fewer producer services (C5 without the industry "
    "mix)",
}

# Newey-West truncation lag of every trend (``trend``'s default): few yearly points.
HAC_LAGS = 2

# How every trend interval is computed, in words; each trend rule ends with it. The tests
# recompute an interval by hand from these words, so the text and ``trend`` cannot drift.
TREND_METHOD = (
    "Slope and interval: OLS of the yearly series on the year; 95% interval = slope +/- "
    "the 0.975 quantile of t(T - 2) x its Newey-West (HAC) standard error, Bartlett kernel "
    f"with maximum lag {HAC_LAGS} (weights 1 - l/{HAC_LAGS + 1} at lags l = 0, "
    f"{', '.join(map(str, range(1, HAC_LAGS + 1)))}), the HAC variance times the "
    "small-sample correction T/(T - 2); with T = 17 years (1995-2011) that is t(15), "
    "critical value 2.131."
)

RULES = {
    "C1": "supported if the slope of Korea's economy-wide (output-weighted) intensity on the "
    "year is positive with its 95% interval above zero; contradicted if the interval "
    "lies below zero; inconclusive otherwise. " + TREND_METHOD,
    "C2": "supported if Korea's manufacturing slope is not significantly positive (its 95% "
    "interval does not lie above zero), or its 95% interval lies below the economy-wide "
    "slope; contradicted if it is significantly positive and at least as steep as the "
    "economy-wide slope; inconclusive otherwise. " + TREND_METHOD,
    "C3": "supported if in the last year (2011) Korea's manufacturing intensity (its "
    "industries weighted by gross output) is below Mexico's, China's and the OECD "
    "average; contradicted if it is above all three; inconclusive (mixed) "
    "otherwise. The OECD average is the gross-output-weighted intensity of all "
    "manufacturing industries of the countries that are OECD members in that year, "
    "Korea excluded (membership year by year, as in the comparator figure).",
    "C4": "supported if the technology coefficient is positive with p < 0.05, contradicted if "
    "negative with p < 0.05, inconclusive otherwise. Model: pooled OLS of the intensity "
    "(level; all 40 economies, 14 industries, 1995-2011) on the technology score (1-4) "
    "and year dummies, k = 18 coefficients (intercept, score, 16 year dummies); standard "
    "errors clustered by country (G = 40) with the small-sample correction "
    "G/(G - 1) x (n - 1)/(n - k) (n observations); p-values from t(G - 1) = t(39), "
    "critical value 2.023.",
    "C5": "supported if the slope of Korea's manufacturing intensity on the year is negative "
    "with its 95% interval below zero; contradicted if the interval lies above zero; "
    "inconclusive otherwise. " + TREND_METHOD,
    "C5w": "as C5, for Korea's manufacturing intensity with each industry weighted by its "
    "1995 gross output in every year (servmodel.decompose.constant_weight_series), "
    "which moves only with the industries' own intensities. " + TREND_METHOD,
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
        return (
            f"slope {self.slope:+.2e}/yr [{self.low:+.2e}, {self.high:+.2e}] "
            f"({self.percent_per_year:+.2f}% of the mean per year)"
        )


@dataclass(frozen=True)
class Verdict:
    """One claim under one definition and measure."""

    claim: str
    definition: str
    measure: str
    verdict: str
    evidence: str


def trend(years: np.ndarray, values: np.ndarray, lags: int = HAC_LAGS) -> Trend:
    """OLS slope of ``values`` on ``years`` with a Newey-West 95% interval
    (:data:`TREND_METHOD` states how)."""
    y = np.asarray(values, dtype=float)
    x = sm.add_constant(np.asarray(years, dtype=float) - np.mean(years))
    # 17 yearly points are few for HAC: statsmodels' use_correction scales the variance by
    # T/(T - k) with k = 2 coefficients, and use_t takes quantiles of t(T - 2) (df_resid)
    fit = sm.OLS(y, x).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
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
    return frame.pivot_table(
        index="claim", columns=["definition", "measure"], values="verdict", aggfunc="first"
    )
