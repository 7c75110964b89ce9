"""Model structure and the one linear predictor shared by fitting and prediction."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
from scipy.special import expit

from servmodel.bayes.data import TECH_CENTER, prepare_data
from servmodel.bayes.model import EXPECTED, build_model
from servmodel.errors import DataError, SpecError
from servmodel.spec.bayes import BayesOptions, Priors
from tests.bayes.synthetic import synthetic_rows


@pytest.fixture(scope="module")
def data():
    return prepare_data(synthetic_rows(), "direct", "synthetic")


def names(model):
    return {v.name for v in model.free_RVs}


def test_flagship_structure(data):
    m = build_model(BayesOptions(cells=True), data)
    assert {"alpha", "beta_tech", "tech_trend", "b_industry", "a_country", "slope_country",
            "u_cell", "log_phi", "zero_intercept", "zero_log_output"} <= names(m)
    assert not any(n.startswith("z_") for n in names(m))


def test_naive_structure(data):
    m = build_model(BayesOptions(cells=True, parameterization="naive"), data)
    assert {"z_industry", "z_country", "z_slope", "z_cell"} <= names(m)
    assert "b_industry" not in names(m) and "a_country" not in names(m)


def test_pooled_and_notech_and_class(data):
    pooled = build_model(BayesOptions(intercepts=(), country_slopes=False), data)
    assert not any("country" in n or "industry" in n for n in names(pooled))
    notech = build_model(BayesOptions(tech="none", tech_trend=False), data)
    assert not any(n.startswith(("beta_tech", "tech_")) for n in names(notech))
    cls = build_model(BayesOptions(tech="class"), data)
    assert {"beta_tech_class", "tech_class_trend"} <= names(cls)


def test_logitnormal_and_squeeze(data):
    m = build_model(BayesOptions(family="logitnormal", zeros="squeeze"), data)
    assert "sigma_obs" in names(m) and "zero_intercept" not in names(m)


def test_expected_share_matches_hand_computation(data):
    opts = BayesOptions(cells=True)
    fit_model = build_model(opts, data)
    prior = pm.sample_prior_predictive(draws=4, model=fit_model, random_seed=11).prior
    x = data.covariates
    pred = build_model(opts, data, covariates=x)
    with pred:
        pp = pm.sample_posterior_predictive(prior, var_names=[EXPECTED], progressbar=False)
    got = pp.posterior_predictive[EXPECTED].values[0]
    p = {k: prior[k].values[0] for k in prior.data_vars}
    techz = data.tech_score - TECH_CENTER
    for d in range(4):
        eta = (p["b_industry"][d][x.industry] + p["a_country"][d][x.country]
               + p["u_cell"][d][x.country, x.industry]
               + (p["slope_country"][d][x.country] + p["tech_trend"][d] * techz[x.industry]) * x.t)
        pi = expit(p["zero_intercept"][d] + p["zero_log_output"][d] * x.log_output)
        np.testing.assert_allclose(got[d], (1 - pi) * expit(eta), rtol=1e-9)


def test_zero_sum_effects(data):
    m = build_model(BayesOptions(cells=True), data)
    prior = pm.sample_prior_predictive(draws=5, model=m, random_seed=2).prior
    assert np.abs(prior["a_country"].values.sum(axis=-1)).max() < 1e-9
    cells = prior["u_cell"].values
    assert np.abs(cells.sum(axis=-1)).max() < 1e-9 and np.abs(cells.sum(axis=-2)).max() < 1e-9


def test_bad_data_and_options():
    rows = synthetic_rows()
    rows.loc[3, "direct"] = 1.0
    with pytest.raises(DataError, match="equals 1 in 1 rows.*squeeze"):
        prepare_data(rows, "direct", "synthetic")
    rows.loc[3, "direct"] = 1.5
    with pytest.raises(DataError, match="outside \\[0, 1\\]"):
        prepare_data(rows, "direct", "synthetic")
    with pytest.raises(SpecError, match=r"\[bayes.priors\] tech_sd.*must be > 0"):
        Priors(tech_sd=-1.0)
    with pytest.raises(SpecError, match=r"\[bayes\] family.*choose one of beta, logitnormal"):
        BayesOptions(family="gamma")
    with pytest.raises(SpecError, match="tech_trend"):
        BayesOptions(tech="none", tech_trend=True)
    with pytest.raises(SpecError, match="cells"):
        BayesOptions(intercepts=("country",), cells=True)
