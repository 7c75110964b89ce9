"""Random effects, between, fixed effects and the Hausman test against the textbook formulas
computed by hand with NumPy on a small balanced panel (Baltagi, Econometric Analysis of
Panel Data, ch. 2; Wooldridge, Econometric Analysis of Cross Section and Panel Data, ch. 10).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from servmodel.frequentist import fit, hausman
from tests.frequentist.helpers import make_spec, toy_panel

N_C, N_I, T = 6, 5, 6  # 30 units x 6 years


def _simulate(correlation: float, seed: int):
    rng = np.random.default_rng(seed)
    n_units = N_C * N_I
    unit = np.repeat(np.arange(n_units), T)
    effect = rng.normal(0.0, 0.7, n_units)
    x1 = rng.normal(size=n_units * T) + correlation * effect[unit]
    x2 = rng.normal(size=n_units * T)
    y = 1.0 + 0.5 * x1 - 0.3 * x2 + effect[unit] + rng.normal(0.0, 0.5, n_units * T)
    panel = toy_panel(y, {"x1": x1, "x2": x2}, N_C, N_I, range(2000, 2000 + T))
    return panel, y, np.column_stack([x1, x2]), unit


@pytest.fixture(scope="module")
def small():
    """Effects uncorrelated with the regressors (H0 of the Hausman test)."""
    return _simulate(0.0, 20240607)


@pytest.fixture(scope="module")
def correlated():
    """Effects strongly correlated with x1: RE is inconsistent."""
    return _simulate(0.8, 20240607)


def _means(a, unit):
    return np.stack([np.bincount(unit, weights=c) / np.bincount(unit) for c in a.T], axis=1)


def _within(y, x, unit):
    yd = y - (np.bincount(unit, weights=y) / np.bincount(unit))[unit]
    xd = x - _means(x, unit)[unit]
    b = np.linalg.solve(xd.T @ xd, xd.T @ yd)
    e = yd - xd @ b
    n, k, g = len(y), x.shape[1], unit.max() + 1
    s2 = e @ e / (n - g - k)
    return b, s2 * np.linalg.inv(xd.T @ xd), s2


def _between(y, x, unit):
    yb = np.bincount(unit, weights=y) / np.bincount(unit)
    xb = np.column_stack([np.ones(len(yb)), _means(x, unit)])
    b = np.linalg.solve(xb.T @ xb, xb.T @ yb)
    e = yb - xb @ b
    s2 = e @ e / (len(yb) - xb.shape[1])
    return b, s2 * np.linalg.inv(xb.T @ xb), e @ e


def _swamy_arora(y, x, unit):
    """Random-effects GLS with Swamy-Arora variance components, balanced panel."""
    n_units = unit.max() + 1
    _, _, s2_e = _within(y, x, unit)
    _, _, ssr_b = _between(y, x, unit)
    k_b = x.shape[1] + 1
    s2_u = max(0.0, ssr_b / (n_units - k_b) - s2_e / T)
    theta = 1.0 - np.sqrt(s2_e / (T * s2_u + s2_e))
    ybar = (np.bincount(unit, weights=y) / np.bincount(unit))[unit]
    xc = np.column_stack([np.ones(len(y)), x])
    xs = xc - theta * _means(xc, unit)[unit]
    ys = y - theta * ybar
    b = np.linalg.solve(xs.T @ xs, xs.T @ ys)
    e = ys - xs @ b
    s2 = e @ e / (len(y) - xs.shape[1])
    return b, s2 * np.linalg.inv(xs.T @ xs), s2_u, s2_e, theta


def test_random_effects_swamy_arora(small):
    panel, y, x, unit = small
    ours = fit(make_spec("x1 + x2", "re", cov="unadjusted"), panel)
    b, v, s2_u, s2_e, theta = _swamy_arora(y, x, unit)
    assert ours.terms == ("Intercept", "x1", "x2")
    np.testing.assert_allclose(ours.params.to_numpy(), b, rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), np.sqrt(np.diag(v)), rtol=1e-6)
    vc = ours.fit.variance_components
    assert vc.sigma2_effects == pytest.approx(s2_u, rel=1e-8)
    assert vc.sigma2_idiosyncratic == pytest.approx(s2_e, rel=1e-8)
    assert vc.theta_min == pytest.approx(theta, rel=1e-8)
    assert vc.theta_max == pytest.approx(theta, rel=1e-8)
    assert vc.rho == pytest.approx(s2_u / (s2_u + s2_e), rel=1e-8)


def test_between(small):
    panel, y, x, unit = small
    ours = fit(make_spec("x1 + x2", "between", cov="unadjusted"), panel)
    b, v, _ = _between(y, x, unit)
    np.testing.assert_allclose(ours.params.to_numpy(), b, rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), np.sqrt(np.diag(v)), rtol=1e-6)
    assert ours.nobs == N_C * N_I
    # t with N - k degrees of freedom
    assert ours.inference.df == N_C * N_I - 3


def test_fixed_effects_unadjusted(small):
    panel, y, x, unit = small
    ours = fit(make_spec("x1 + x2", "fe", effects="entity", cov="unadjusted"), panel)
    b, v, _ = _within(y, x, unit)
    slopes = ["x1", "x2"]
    np.testing.assert_allclose(ours.params[slopes].to_numpy(), b, rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors[slopes].to_numpy(), np.sqrt(np.diag(v)),
                               rtol=1e-6)
    # the intercept is the mean of y - x b (the average unit effect, Stata's _cons)
    assert ours.params["Intercept"] == pytest.approx(np.mean(y - x @ b), rel=1e-8)


def test_hausman_against_hand_computation(small):
    panel, y, x, unit = small
    fe = fit(make_spec("x1 + x2", "fe", effects="entity", cov="unadjusted"), panel)
    re = fit(make_spec("x1 + x2", "re", cov="unadjusted"), panel)
    b_fe, v_fe, _ = _within(y, x, unit)
    b_re, v_re, *_ = _swamy_arora(y, x, unit)
    d = b_fe - b_re[1:]
    v = v_fe - v_re[1:, 1:]
    assert np.linalg.eigvalsh(v).min() > 0  # the positive definite case
    stat = float(d @ np.linalg.solve(v, d))
    h = hausman(fe, re)
    assert h.terms == ("x1", "x2")
    assert h.statistic == pytest.approx(stat, rel=1e-6)
    assert h.df == 2
    assert h.p_value == pytest.approx(stats.chi2.sf(stat, 2), rel=1e-6)
    assert not h.generalized_inverse


def test_hausman_agrees_with_linearmodels(small):
    """linearmodels 7 has its own Hausman test; same statistic."""
    panel, *_ = small
    lm_results = pytest.importorskip("linearmodels.panel.results")
    if not hasattr(lm_results.RandomEffectsResults, "hausman"):
        pytest.skip("this linearmodels has no Hausman test")
    from linearmodels import PanelOLS, RandomEffects

    f = panel.frame.assign(unit=lambda d: d["country"] + d["industry"]).set_index(
        ["unit", "year"])
    lm_fe = PanelOLS(f["direct"], f[["x1", "x2"]], entity_effects=True).fit()
    lm_re = RandomEffects(f["direct"], f[["x1", "x2"]].assign(const=1.0)).fit()
    ref = lm_re.hausman(lm_fe)
    fe = fit(make_spec("x1 + x2", "fe", effects="entity", cov="unadjusted"), panel)
    re = fit(make_spec("x1 + x2", "re", cov="unadjusted"), panel)
    assert hausman(fe, re).statistic == pytest.approx(ref.statistic.stat, rel=1e-6)


def test_hausman_generalized_inverse_when_not_positive_definite(correlated):
    """With strongly correlated effects the RE residual variance is inflated, V_FE - V_RE
    is not positive definite: the Moore-Penrose inverse is used, df = its rank, the output
    says so, and a negative statistic gets no p-value."""
    panel, y, x, unit = correlated
    fe = fit(make_spec("x1 + x2", "fe", effects="entity", cov="unadjusted"), panel)
    re = fit(make_spec("x1 + x2", "re", cov="unadjusted"), panel)
    b_fe, v_fe, _ = _within(y, x, unit)
    b_re, v_re, *_ = _swamy_arora(y, x, unit)
    d = b_fe - b_re[1:]
    v = v_fe - v_re[1:, 1:]
    eig = np.linalg.eigvalsh(v)
    assert eig.min() < 0
    h = hausman(fe, re)
    assert h.generalized_inverse
    assert any("generalized inverse" in n for n in h.notes)
    assert h.df == int((np.abs(eig) > 1e-10 * np.abs(eig).max()).sum())
    assert h.statistic == pytest.approx(float(d @ np.linalg.pinv(v) @ d), rel=1e-6)
    assert h.min_eigenvalue == pytest.approx(eig.min(), rel=1e-6)
    if h.statistic < 0:
        assert np.isnan(h.p_value)
        assert any("negative" in n for n in h.notes)
