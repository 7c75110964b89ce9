"""The claim rules on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.study import claims as cl

YEARS = np.arange(1995, 2012)


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
