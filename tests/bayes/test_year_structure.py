"""Economy x year effects and country x industry slopes, on data simulated with known truth:
the claim-level checks fail a fit that lacks the economy x year effects the data carry and
pass one that has them, and the contrasts read the same expected intensity the checks
replicate."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

from servmodel.bayes.claim_checks import claim_checks
from servmodel.bayes.contrasts import expected_by_country
from servmodel.bayes.data import prepare_data
from servmodel.bayes.model import OBSERVED, build_model, detrending_basis
from servmodel.bayes.sampling import sample
from servmodel.bayes.summary import posterior_tidy
from servmodel.results.bayes import BayesInfo, BayesResult
from servmodel.spec import parse_spec
from tests.bayes.synthetic import synthetic_rows

BASE = {"intercepts": ["country", "industry"], "country_slopes": True, "cells": True,
        "cell_slopes": True, "sampling": {"chains": 2, "draws": 300, "tune": 300, "seed": 3}}
# economy x year shocks of 0.5 on the logit scale (larger than the real data's 0.06, so
# that a few economies suffice) under precise Beta noise
TRUTH = {"alpha": -2.0, "beta_tech": 0.1, "trend": 0.1, "tech_trend": 0.0,
         "sigma_industry": 0.3, "sigma_country": 0.3, "sigma_slope": 0.1, "sigma_cell": 0.2,
         "sigma_cell_slope": 0.1, "sigma_country_year": 0.5, "log_phi": 6.0,
         "zero_intercept": -30.0, "zero_log_output": -10.0}


def _spec(name: str, country_years: bool):
    return parse_spec({"name": name, "data": {"definition": "standard", "measure": "direct"},
                       "bayes": {**BASE, "country_years": country_years}})


@pytest.fixture(scope="module")
def fits():
    rows = synthetic_rows(n_countries=8, n_industries=5, years=range(2000, 2012), seed=6)
    truth_spec = _spec("truth", True)
    data = prepare_data(rows, "direct", "simulation")
    fixed = pm.do(build_model(truth_spec.bayes, data), TRUTH)
    draw = pm.sample_prior_predictive(draws=1, model=fixed, random_seed=11)
    rows = rows.assign(direct=draw.prior_predictive[OBSERVED].values.reshape(-1))
    out = {}
    for name, with_years in (("linear", False), ("years", True)):
        spec = _spec(name, with_years)
        data = prepare_data(rows, "direct", name)
        run = sample(build_model(spec.bayes, data), spec.bayes.sampling)
        out[name] = (BayesResult(name=name, spec=spec,
                                 summary=posterior_tidy(run.idata),
                                 info=BayesInfo(sampler=spec.bayes.sampling),
                                 idata=run.idata, rows=data.frame), spec, data)
    return out


def test_checks_fail_without_the_year_effects_the_data_carry_and_pass_with_them(fits):
    linear = claim_checks(fits["linear"][0], focus="K00")
    years = claim_checks(fits["years"][0], focus="K00")
    assert not linear.passed and linear.coverage.inside_95 < 0.85, linear.verdict
    assert years.passed and years.coverage.inside_95 >= 0.90, years.verdict


def test_contrast_quantity_is_the_mean_of_what_the_checks_replicate(fits):
    """E[replicated intensity] = E[expected intensity] economy by economy: the contrasts
    read the fitted quantity the checks test, year effect included."""
    result, spec, data = fits["years"]
    bands = claim_checks(result, focus="K00").bands
    for year in (2003, 2009):
        draws, countries, _ = expected_by_country(result.idata, spec.bayes, data, year)
        rep = bands[bands["year"] == year].set_index("country").loc[list(countries)]
        # predictive sd of the intensity / sqrt(draws) bounds the Monte Carlo error
        mc = (rep["high"] - rep["low"]).to_numpy() / 3.92 / np.sqrt(500)
        np.testing.assert_array_less(np.abs(draws.mean(axis=0) - rep["mean"].to_numpy()),
                                     5 * mc + 1e-12)
    # and without the year effect the expected intensity would miss the year's shock:
    # the posterior year effects of one economy are far from zero
    coef = result.idata.posterior["b_country_year"].mean(("chain", "draw")).values
    effects = coef @ detrending_basis(data).T
    assert np.abs(effects).max() > 0.2


def test_year_effects_hold_no_level_or_trend():
    rows = synthetic_rows(n_countries=3, n_industries=3, years=range(2000, 2007), seed=1)
    data = prepare_data(rows, "direct", "t")
    q = detrending_basis(data)
    t = np.asarray(data.years, dtype=float)
    np.testing.assert_allclose(q.T @ q, np.eye(len(t) - 2), atol=1e-12)
    np.testing.assert_allclose(q.T @ np.column_stack([np.ones_like(t), t]), 0.0, atol=1e-12)
