"""Parameter recovery and simulation-based calibration, from the model's own generative code."""

from __future__ import annotations

import dataclasses

import numpy as np
import pymc as pm
import pytest
from scipy import stats

from servmodel.bayes.data import prepare_data
from servmodel.bayes.model import OBSERVED, OBSERVED_DATA, build_model
from servmodel.bayes.sampling import sample
from servmodel.spec.bayes import BayesOptions, Priors, SamplerSettings
from tests.bayes.synthetic import synthetic_rows

# Hyperparameters fixed at values like the real data's posterior; group effects and shares
# are then drawn from the model itself.
TRUTH = {"alpha": -2.0, "beta_tech": 0.15, "trend": 0.1, "tech_trend": -0.05,
         "sigma_industry": 0.3, "sigma_country": 0.3, "sigma_slope": 0.15, "sigma_cell": 0.2,
         "log_phi": 4.5, "zero_intercept": -3.5, "zero_log_output": -1.0}


def simulate(opts: BayesOptions, rows, seed: int):
    """Draw group effects and shares from the flagship with hyperparameters fixed."""
    data = prepare_data(rows, "direct", "simulation")
    model = build_model(opts, data)
    fixed = pm.do(model, {k: v for k, v in TRUTH.items() if k in model.named_vars})
    draw = pm.sample_prior_predictive(draws=1, model=fixed, random_seed=seed)
    y = draw.prior_predictive[OBSERVED].values.reshape(-1)
    drawn = draw.prior.data_vars if "prior" in draw.groups() else {}  # empty if all fixed
    truth = {k: draw.prior[k].values[0, 0] for k in drawn}
    truth.update(TRUTH)
    sim = rows.copy()
    sim["direct"] = y
    return prepare_data(sim, "direct", "simulation"), truth


def test_flagship_recovers_known_parameters():
    opts = BayesOptions(cells=True,
                        sampling=SamplerSettings(chains=2, draws=400, tune=400, seed=5))
    rows = synthetic_rows(n_countries=10, n_industries=6, years=range(2000, 2010), seed=4)
    data, truth = simulate(opts, rows, seed=17)
    assert 0 < data.n_zeros < len(data.y) // 4
    run = sample(build_model(opts, data), opts.sampling)
    post = run.idata.posterior
    covered = []
    for name, true_value in truth.items():
        if name not in post or name.startswith("z_"):
            continue
        draws = post[name].values.reshape(-1, *np.shape(true_value))
        lo, hi = np.quantile(draws, [0.05, 0.95], axis=0)
        covered.extend(np.ravel((lo <= true_value) & (true_value <= hi)).tolist())
    assert len(covered) == 11 + 6 + 10 + 10 + 60  # scalars and every group effect
    assert np.mean(covered) >= 0.80


def test_same_seed_same_draws():
    opts = BayesOptions(intercepts=(), country_slopes=False,
                        sampling=SamplerSettings(chains=2, draws=50, tune=50, seed=9))
    rows = synthetic_rows(seed=1)
    data, _ = simulate(opts, rows, seed=3)
    a = sample(build_model(opts, data), opts.sampling).idata.posterior
    b = sample(build_model(opts, data), opts.sampling).idata.posterior
    other = sample(build_model(opts, data),
                   dataclasses.replace(opts.sampling, seed=10)).idata.posterior
    np.testing.assert_array_equal(a["alpha"].values, b["alpha"].values)
    assert not np.array_equal(a["alpha"].values, other["alpha"].values)


def test_simulation_based_calibration_of_pooled_model():
    """Hand-rolled SBC (Talts et al. 2018): ranks of prior draws among posterior draws are
    uniform when the sampler and the model agree. Narrow priors keep simulated shares away
    from floating-point 0 and 1."""
    import nutpie

    priors = Priors(intercept_sd=0.5, tech_sd=0.3, trend_sd=0.3, tech_trend_sd=0.2,
                    log_phi_mean=4.0, log_phi_sd=0.4, zero_intercept_sd=0.7,
                    zero_slope_sd=0.5)
    opts = BayesOptions(intercepts=(), country_slopes=False, priors=priors)
    rows = synthetic_rows(n_countries=6, n_industries=5, years=range(2000, 2006), seed=8)
    data = prepare_data(rows, "direct", "sbc")
    model = build_model(opts, data)
    sims = 40
    prior = pm.sample_prior_predictive(draws=sims, model=model, random_seed=123)
    ys = prior.prior_predictive[OBSERVED].values.reshape(sims, -1)
    params = ["alpha", "beta_tech", "trend", "tech_trend", "log_phi", "zero_intercept"]
    compiled = nutpie.compile_pymc_model(model)
    ranks = {p: [] for p in params}
    thin = 4
    for k in range(sims):
        assert ((ys[k] == 0) | ((ys[k] > 0) & (ys[k] < 1))).all()
        fit = nutpie.sample(compiled.with_data(**{OBSERVED_DATA: ys[k]}), chains=1,
                            draws=396, tune=300, seed=k, progress_bar=False)
        for p in params:
            draws = fit.posterior[p].values.reshape(-1)[::thin]  # 99 nearly independent draws
            ranks[p].append(int((draws < prior.prior[p].values[0, k]).sum()))
    for p in params:
        counts = np.bincount(np.asarray(ranks[p]) * 5 // 100, minlength=5)
        pvalue = stats.chisquare(counts).pvalue
        assert pvalue > 0.001, (p, counts)
