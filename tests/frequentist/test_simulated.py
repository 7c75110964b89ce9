"""Recovery of known coefficients on seeded simulated panels."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.frequentist import fit
from tests.frequentist.helpers import make_spec, toy_panel

N_C, N_I, YEARS = 20, 10, range(2000, 2012)  # 200 units x 12 years
BETA, GAMMA = 0.6, -0.25


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(123456)
    n_units, t = N_C * N_I, len(YEARS)
    unit = np.repeat(np.arange(n_units), t)
    year = np.tile(np.arange(t), n_units)
    alpha = rng.normal(0.0, 1.0, n_units)
    lam = rng.normal(0.0, 0.5, t)
    x = rng.normal(size=n_units * t) + 1.5 * alpha[unit] + 2.0 * lam[year]  # endogenous
    z = rng.normal(size=n_units * t)
    y = BETA * x + GAMMA * z + alpha[unit] + lam[year] + rng.normal(0.0, 0.3, n_units * t)
    return toy_panel(y, {"x": x, "z": z}, N_C, N_I, YEARS)


def test_twoway_fixed_effects_recover_the_slopes(simulated):
    res = fit(make_spec("x + z", "fe", effects="twoway", cov="clustered", cluster="entity"),
              simulated)
    tidy = res.tidy().set_index("term")
    for term, truth in (("x", BETA), ("z", GAMMA)):
        est, se = tidy.loc[term, "estimate"], tidy.loc[term, "std_error"]
        assert abs(est - truth) < 4 * se, term
        assert tidy.loc[term, "conf_low"] < truth < tidy.loc[term, "conf_high"] or \
            abs(est - truth) < 3 * se
        assert se < 0.02


def test_pooled_ols_is_biased_when_effects_correlate(simulated):
    """The reason for fixed effects: pooled OLS misses beta by far more than its SE."""
    res = fit(make_spec("x + z", "pooled", cov="clustered", cluster="entity"), simulated)
    est, se = res.params["x"], res.std_errors["x"]
    assert abs(est - BETA) > 10 * se


def test_first_differences_recover_the_slopes(simulated):
    res = fit(make_spec("x + z + C(year)", "fd", cov="clustered", cluster="entity"),
              simulated)
    for term, truth in (("x", BETA), ("z", GAMMA)):
        assert abs(res.params[term] - truth) < 4 * res.std_errors[term], term
    assert res.nobs == N_C * N_I * (len(YEARS) - 1)


def test_results_are_reproducible(simulated):
    spec = make_spec("x + z", "fe", effects="twoway", cov="clustered", cluster="country")
    a, b = fit(spec, simulated), fit(spec, simulated)
    assert a.to_dict() == b.to_dict()


def test_row_order_of_the_panel_does_not_matter(simulated):
    shuffled = simulated.with_frame(
        simulated.frame.sample(frac=1.0, random_state=1).reset_index(drop=True))
    for spec in (make_spec("x + z", "fe", effects="twoway", cov="clustered", cluster="country"),
                 make_spec("x + z", "fd", cov="robust")):
        a, b = fit(spec, simulated), fit(spec, shuffled)
        np.testing.assert_allclose(b.params.to_numpy(), a.params.to_numpy(), rtol=1e-10)
        np.testing.assert_allclose(b.std_errors.to_numpy(), a.std_errors.to_numpy(), rtol=1e-8)
        assert a.sample.sample_id == b.sample.sample_id


def test_fixed_effects_intercept_has_no_standard_error_with_entity_clusters(simulated):
    """With clusters that contain whole entities the within residuals sum to zero in each
    cluster, so the intercept's clustered variance is zero by construction: it is reported
    without a standard error. Clusters that cut across entities keep it."""
    frame = simulated.frame
    centred = simulated.with_frame(frame.assign(x=frame["x"] - frame["x"].mean(),
                                                z=frame["z"] - frame["z"].mean()))
    nested = fit(make_spec("x + z", "fe", effects="entity", cov="clustered",
                           cluster="country"), centred)
    row = nested.tidy().set_index("term").loc["Intercept"]
    assert np.isnan(row["std_error"]) and np.isnan(row["p_value"])
    assert row["estimate"] == pytest.approx(centred.frame["direct"].mean(), rel=1e-10)
    assert any("no standard error" in n for n in nested.notes)
    crossing = fit(make_spec("x + z", "fe", effects="entity", cov="clustered",
                             cluster="year"), centred)
    assert crossing.tidy().set_index("term").loc["Intercept", "std_error"] > 1e-6
