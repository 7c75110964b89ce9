"""The claim rules on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from servmodel.study import claims as cl

YEARS = np.arange(1995, 2012)
# What the rules say the trend intervals are, written out independently of the code:
# Newey-West with the Bartlett kernel and maximum lag L, variance times T/(T - 2), t(T - 2).
L = 2
T = len(YEARS)
TREND_RULES = ("C1", "C2", "C5")


def _hand_trend(years: np.ndarray, values: np.ndarray, *, correction: bool = True,
                quantile: str = "t") -> tuple[float, float, float]:
    """OLS slope on the year and its 95% Newey-West interval, in plain numpy."""
    x = np.column_stack([np.ones(len(years)), years - years.mean()])
    beta = np.linalg.solve(x.T @ x, x.T @ values)
    u = x * (values - x @ beta)[:, None]            # score contributions x_t e_t
    meat = u.T @ u
    for lag in range(1, L + 1):
        weight = 1.0 - lag / (L + 1)                 # Bartlett
        s = u[lag:].T @ u[:-lag]
        meat += weight * (s + s.T)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ meat @ bread * (len(years) / (len(years) - 2) if correction else 1.0)
    se = float(np.sqrt(cov[1, 1]))
    q = stats.t.ppf(0.975, len(years) - 2) if quantile == "t" else stats.norm.ppf(0.975)
    return float(beta[1]), float(beta[1] - q * se), float(beta[1] + q * se)


def _autocorrelated_series(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = np.zeros(T)
    for i in range(T):
        noise[i] = (0.6 * noise[i - 1] if i else 0.0) + rng.normal(0, 2e-3)
    return 0.08 - 4e-4 * (YEARS - 1995) + noise


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_trend_interval_is_the_one_the_rules_describe(seed):
    values = _autocorrelated_series(seed)
    got = cl.trend(YEARS, values)
    slope, low, high = _hand_trend(YEARS.astype(float), values)
    assert got.slope == pytest.approx(slope, rel=1e-10, abs=0)
    assert got.low == pytest.approx(low, rel=1e-10, abs=0)
    assert got.high == pytest.approx(high, rel=1e-10, abs=0)
    # each detail matters at this tolerance: without the correction, or with normal
    # quantiles, the interval is measurably different
    for variant in (_hand_trend(YEARS.astype(float), values, correction=False),
                    _hand_trend(YEARS.astype(float), values, quantile="normal")):
        assert abs(variant[2] - got.high) > 1e-6 * abs(got.high - got.slope)


def test_trend_rules_state_kernel_lag_correction_and_degrees_of_freedom():
    critical = f"{stats.t.ppf(0.975, T - 2):.3f}"
    assert critical == "2.131"
    for claim in TREND_RULES:
        text = cl.RULES[claim]
        assert "Newey-West" in text and "Bartlett kernel" in text, claim
        assert f"maximum lag {L}" in text and f"1 - l/{L + 1}" in text, claim
        assert "small-sample correction T/(T - 2)" in text, claim
        assert "t(T - 2)" in text and f"T = {T} years" in text, claim
        assert f"t({T - 2}), critical value {critical}" in text, claim


def test_c3_rule_defines_the_oecd_average_by_membership_in_that_year():
    text = cl.RULES["C3"]
    assert "OECD members in that year" in text and "Korea excluded" in text
    assert "gross-output-weighted" in text


def test_c4_rule_states_the_fit_it_is_judged_on(wiod_panel):
    """C4's p-value by hand: pooled OLS with year dummies, CR1 cluster-robust by country
    (G/(G - 1) x (n - 1)/(n - k)), t(G - 1); and the rule states those numbers."""
    from servmodel.frequentist import fit
    from servmodel.study.evidence import tech_gradient_spec

    frame = wiod_panel.frame
    rows = frame[(frame["definition"] == "standard") & frame["direct"].notna()]
    years = sorted(rows["year"].unique())
    x = np.column_stack([np.ones(len(rows)), rows["tech_score"].to_numpy(dtype=float)]
                        + [(rows["year"] == y).to_numpy(dtype=float) for y in years[1:]])
    y = rows["direct"].to_numpy(dtype=float)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    n, k = x.shape
    groups = rows.groupby("country").indices
    g = len(groups)
    meat = sum(np.outer(s, s) for s in (x[i].T @ resid[i] for i in groups.values()))
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - k)
    se = float(np.sqrt(cov[1, 1]))
    p = float(2 * stats.t.sf(abs(beta[1] / se), g - 1))
    row = fit(tech_gradient_spec("standard", "direct"), wiod_panel).tidy() \
        .set_index("term").loc["tech_score"]
    assert row.estimate == pytest.approx(beta[1], rel=1e-10)
    assert row.std_error == pytest.approx(se, rel=1e-8)
    assert row.p_value == pytest.approx(p, rel=1e-8)
    text = cl.RULES["C4"]
    assert f"k = {k} coefficients" in text and f"(G = {g})" in text
    assert "G/(G - 1) x (n - 1)/(n - k)" in text
    assert f"t(G - 1) = t({g - 1}), critical value {stats.t.ppf(0.975, g - 1):.3f}" in text


def test_trend_recovers_a_known_slope_with_honest_intervals():
    rng = np.random.default_rng(0)
    covered, slopes = [], []
    for _ in range(300):
        values = 0.1 + 0.002 * (YEARS - 1995) + rng.normal(0, 1e-3, YEARS.size)
        t = cl.trend(YEARS, values)
        slopes.append(t.slope)
        covered.append(t.low < 0.002 < t.high)
    assert np.mean(slopes) == pytest.approx(0.002, rel=0.02)
    assert 0.85 <= np.mean(covered) <= 0.99  # nominal 95%; HAC with 17 points runs a bit short
    assert t.percent_per_year == pytest.approx(100 * t.slope / values.mean())


def make(slope, low, high, mean=0.1):
    return cl.Trend(slope, low, high, mean)


@pytest.mark.parametrize(
    ("t", "rise", "fall"),
    [
        (make(0.002, 0.001, 0.003), cl.SUPPORTED, cl.CONTRADICTED),
        (make(-0.002, -0.003, -0.001), cl.CONTRADICTED, cl.SUPPORTED),
        (make(0.0005, -0.001, 0.002), cl.INCONCLUSIVE, cl.INCONCLUSIVE),
    ],
)
def test_rise_and_fall(t, rise, fall):
    assert cl.judge_rise(t) == rise
    assert cl.judge_fall(t) == fall


def test_slow_rise():
    economy = make(0.003, 0.002, 0.004)
    assert cl.judge_slow_rise(make(0.0, -0.001, 0.001), economy) == cl.SUPPORTED  # flat
    assert cl.judge_slow_rise(make(0.001, 0.0005, 0.0015), economy) == cl.SUPPORTED  # slower
    assert cl.judge_slow_rise(make(0.004, 0.003, 0.005), economy) == cl.CONTRADICTED  # faster
    # significantly up, below the economy's point slope but not clearly slower
    assert cl.judge_slow_rise(make(0.0025, 0.001, 0.0035), economy) == cl.INCONCLUSIVE


def test_fewer_than_comparators():
    assert cl.judge_fewer(0.05, {"MEX": 0.1, "CHN": 0.08, "OECD": 0.2}) == (
        cl.SUPPORTED, ["MEX", "CHN", "OECD"])
    assert cl.judge_fewer(0.3, {"MEX": 0.1, "CHN": 0.08}) == (cl.CONTRADICTED, [])
    assert cl.judge_fewer(0.09, {"MEX": 0.1, "CHN": 0.08}) == (cl.INCONCLUSIVE, ["MEX"])


def test_tech_gradient():
    assert cl.judge_tech(0.01, 0.001) == cl.SUPPORTED
    assert cl.judge_tech(-0.01, 0.001) == cl.CONTRADICTED
    assert cl.judge_tech(0.01, 0.2) == cl.INCONCLUSIVE


def test_matrix_layout():
    v = [cl.Verdict("C1", "kibs", "direct", cl.SUPPORTED, "x"),
         cl.Verdict("C1", "broad", "direct", cl.CONTRADICTED, "y"),
         cl.Verdict("C5", "kibs", "direct", cl.INCONCLUSIVE, "z")]
    m = cl.verdict_matrix(v)
    assert m.loc["C1", ("kibs", "direct")] == cl.SUPPORTED
    assert m.loc["C1", ("broad", "direct")] == cl.CONTRADICTED
    assert m.loc["C5", ("kibs", "direct")] == cl.INCONCLUSIVE


def test_readme_states_the_same_details():
    from pathlib import Path

    text = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    for detail in ("Bartlett kernel", f"maximum lag of {L}", "T/(T - 2)", "t(T - 2)",
                   f"t({T - 2}) and the critical value 2.131", "G/(G - 1) x (n - 1)/(n - k)",
                   "t(G - 1) = t(39)", "OECD members in each year"):
        assert detail in text, detail
