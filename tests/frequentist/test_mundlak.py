"""Mundlak / correlated random effects: time-varying slopes equal the FE slopes exactly,
time-invariant regressors keep a coefficient, collinear means are left out and said so."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.frequentist import fit
from tests.frequentist.helpers import make_spec, toy_panel

LOG = {"transform": "log", "zeros": "drop"}
VARYING = "center(trend) + tech_score:center(trend) + log(output)"


@pytest.mark.parametrize("weights", ["none", "output"])
def test_slopes_equal_fixed_effects_on_unbalanced_embedded_panel(wiod_panel, weights):
    # dropping zeros (log) makes the panel unbalanced; the equality must still be exact
    fe = fit(make_spec(VARYING, "fe", effects="entity", dependent=LOG, weights=weights,
                       cov="clustered", cluster="country"), wiod_panel)
    mu = fit(make_spec("tech_score + " + VARYING, "mundlak", dependent=LOG, weights=weights,
                       cov="clustered", cluster="country"), wiod_panel)
    assert fe.nobs == mu.nobs
    slopes = [t for t in fe.terms if t != "Intercept"]
    assert len(slopes) == 3
    for term in slopes:
        assert mu.params[term] == pytest.approx(fe.params[term], rel=1e-8, abs=1e-12), term
    assert "tech_score" in mu.terms  # the time-invariant level keeps a coefficient
    assert "mean(log(output))" in mu.terms
    (test,) = mu.tests
    assert test.name.startswith("Mundlak test")
    assert "mean(log(output))" in test.terms


def test_mean_test_is_the_wald_test_of_the_means(wiod_panel):
    mu = fit(make_spec("tech_score + " + VARYING, "mundlak", dependent=LOG, cov="clustered",
                       cluster="country"), wiod_panel)
    (test,) = mu.tests
    b = mu.params[list(test.terms)].to_numpy()
    v = mu.cov.loc[list(test.terms), list(test.terms)].to_numpy()
    assert test.statistic == pytest.approx(b @ np.linalg.solve(v, b) / len(b), rel=1e-10)
    assert test.df_denom == 39  # 40 country clusters


def test_balanced_panel_leaves_out_the_collinear_mean_of_trend():
    rng = np.random.default_rng(11)
    n_units, t = 30, 5
    unit = np.repeat(np.arange(n_units), t)
    x = rng.normal(size=n_units * t) + rng.normal(size=n_units)[unit]
    y = 0.4 * x + 0.02 * np.tile(np.arange(t), n_units) + rng.normal(size=n_units)[unit] \
        + rng.normal(0, 0.1, n_units * t)
    panel = toy_panel(y, {"x": x}, 6, 5, range(2000, 2000 + t))
    mu = fit(make_spec("tech_score + trend + x", "mundlak", cov="robust"), panel)
    fe = fit(make_spec("trend + x", "fe", effects="entity", cov="robust"), panel)
    assert "mean(trend)" not in mu.terms  # the same (2) in every unit: the intercept's span
    assert "mean(x)" in mu.terms
    assert any("mean(trend)" in n and "left out" in n for n in mu.notes)
    for term in ("trend", "x"):
        assert mu.params[term] == pytest.approx(fe.params[term], rel=1e-8)


def test_nearly_collinear_mean_is_reported(wiod_panel):
    """Without centring, the mean of tech_score:trend is about 8 x tech_score."""
    mu = fit(make_spec("tech_score + trend + tech_score:trend", "mundlak", dependent=LOG,
                       cov="clustered", cluster="country"), wiod_panel)
    assert any("nearly collinear" in n and "center(trend)" in n for n in mu.notes)
