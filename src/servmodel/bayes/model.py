"""PyMC model builders for the Bayesian family (one builder, options pick the structure).

The same builder serves fitting (observed shares) and prediction (a grid of country,
industry, year and output with no observations): prediction adds a deterministic
``expected`` share, evaluated later from posterior draws, so the linear predictor is written
once.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from servmodel.bayes import distributions as dist
from servmodel.bayes.data import TECH_CENTER, BayesData, Covariates, squeeze
from servmodel.spec.bayes import BayesOptions

OBSERVED = "y"
OBSERVED_DATA = "y_observed"
EXPECTED = "expected"
TECH_CLASS_TERMS = ("medium-low", "medium-high", "high")
# Every variable some model of this builder draws (the names that a grid's [prior]
# parameters may list); a test builds the models and keeps this list complete.
MODEL_VARIABLES = (
    "alpha", "beta_tech", "tech_trend", "beta_tech_class", "tech_class_trend",
    "sigma_industry", "z_industry", "b_industry", "sigma_country", "z_country", "a_country",
    "trend", "sigma_slope", "z_slope", "slope_country", "sigma_cell", "z_cell", "u_cell",
    "log_phi", "sigma_obs", "zero_intercept", "zero_log_output",
)


def coords_of(data: BayesData) -> dict[str, list[str]]:
    """Named dimensions of the model."""
    return {
        "country": list(data.countries),
        "industry": list(data.industries),
        "tech_term": list(TECH_CLASS_TERMS),
    }


def _industry_tech(opts: BayesOptions, data: BayesData):
    """The technology part of each industry's mean, and its x time counterpart."""
    p = opts.priors
    techz = data.tech_score - TECH_CENTER
    if opts.tech == "score":
        beta = pm.Normal("beta_tech", 0.0, p.tech_sd)
        level = beta * techz
        trend = pm.Normal("tech_trend", 0.0, p.tech_trend_sd) * techz if opts.tech_trend else 0.0
        return level, trend
    if opts.tech == "class":
        onehot = np.stack([(data.tech_class == k).astype(float) for k in (1, 2, 3)], axis=1)
        beta = pm.Normal("beta_tech_class", 0.0, p.tech_sd, dims="tech_term")
        level = pt.dot(onehot, beta)
        if opts.tech_trend:
            gamma = pm.Normal("tech_class_trend", 0.0, p.tech_trend_sd, dims="tech_term")
            return level, pt.dot(onehot, gamma)
        return level, 0.0
    return 0.0, 0.0


def _linear_predictor(opts: BayesOptions, data: BayesData, x: Covariates):
    """eta = industry level + country level + cell + (country slope + tech trend) x time."""
    p = opts.priors
    tech_level, tech_trend = _industry_tech(opts, data)
    n_ind, n_cty = len(data.industries), len(data.countries)
    naive = opts.parameterization == "naive"
    alpha = pm.Normal("alpha", p.intercept_mean, p.intercept_sd)
    if "industry" in opts.intercepts:
        sigma_i = pm.HalfNormal("sigma_industry", p.sigma_industry)
        if naive:
            z = pm.Normal("z_industry", 0.0, 1.0, dims="industry")
            industry = alpha + tech_level + sigma_i * z
        else:
            # technology and the intercept enter as the mean of the (centred) industry
            # effects, so neither trades off against them
            industry = pm.Normal("b_industry", alpha + tech_level, sigma_i, dims="industry")
    else:
        industry = alpha + tech_level + pt.zeros(n_ind)
    if "country" in opts.intercepts:
        sigma_c = pm.HalfNormal("sigma_country", p.sigma_country)
        if naive:
            country = sigma_c * pm.Normal("z_country", 0.0, 1.0, dims="country")
        else:
            country = pm.ZeroSumNormal("a_country", sigma=sigma_c, dims="country")
    else:
        country = pt.zeros(n_cty)
    trend = pm.Normal("trend", 0.0, p.trend_sd)
    if opts.country_slopes:
        sigma_s = pm.HalfNormal("sigma_slope", p.sigma_slope)
        if naive:
            slope = trend + sigma_s * pm.Normal("z_slope", 0.0, 1.0, dims="country")
        else:
            slope = pm.Normal("slope_country", trend, sigma_s, dims="country")
    else:
        slope = trend + pt.zeros(n_cty)
    trend_industry = tech_trend + pt.zeros(n_ind)
    eta = industry[x.industry] + country[x.country] + (slope[x.country]
                                                       + trend_industry[x.industry]) * x.t
    if opts.cells:
        sigma_u = pm.HalfNormal("sigma_cell", p.sigma_cell)
        if naive:
            cell = sigma_u * pm.Normal("z_cell", 0.0, 1.0, dims=("country", "industry"))
        else:
            # summing to zero over countries and over industries keeps the cells from
            # trading off against the country and industry effects
            cell = pm.ZeroSumNormal("u_cell", sigma=sigma_u, dims=("country", "industry"),
                                    n_zerosum_axes=2)
        eta = eta + cell[x.country, x.industry]
    return eta


def build_model(
    opts: BayesOptions,
    data: BayesData,
    covariates: Covariates | None = None,
) -> pm.Model:
    """Build the PyMC model of ``opts`` on ``data``.

    Parameters
    ----------
    opts
        The ``[bayes]`` options.
    data
        Observed shares and groups.
    covariates
        A prediction grid. Without it the model observes ``data.y`` (fitting); with it the
        model has no observations and adds the deterministic ``expected`` share
        (prediction; evaluate with ``pm.sample_posterior_predictive``).
    """
    predicting = covariates is not None
    x = covariates if predicting else data.covariates
    p = opts.priors
    with pm.Model(coords=coords_of(data)) as model:
        eta = _linear_predictor(opts, data, x)
        mu = pm.math.sigmoid(eta)
        if opts.family == "beta":
            log_phi = pm.Normal("log_phi", p.log_phi_mean, p.log_phi_sd)
            scale = pm.math.exp(log_phi)
            mean_positive = mu
        else:
            scale = pm.HalfNormal("sigma_obs", p.sigma_obs)
            # logistic-normal mean (probit approximation): E[sigmoid(N(eta, s))]
            mean_positive = pm.math.sigmoid(eta / pt.sqrt(1.0 + np.pi * scale**2 / 8.0))
        if opts.zeros == "hurdle":
            z0 = pm.Normal("zero_intercept", p.zero_intercept_mean, p.zero_intercept_sd)
            z1 = pm.Normal("zero_log_output", 0.0, p.zero_slope_sd)
            pi = pm.math.sigmoid(z0 + z1 * x.log_output)
        if predicting:
            expected = mean_positive * (1.0 - pi) if opts.zeros == "hurdle" else mean_positive
            pm.Deterministic(EXPECTED, expected)
            return model
        # a data container, so that a compiled model can be refit to new shares (simulation-
        # based calibration) without compiling again
        y = pm.Data(OBSERVED_DATA, data.y if opts.zeros == "hurdle" else squeeze(data.y))
        if opts.family == "beta":
            if opts.zeros == "hurdle":
                pm.CustomDist(OBSERVED, mu, scale, pi, logp=dist.hurdle_beta_logp,
                              random=dist.hurdle_beta_random, observed=y)
            else:
                pm.CustomDist(OBSERVED, mu, scale, logp=dist.beta_logp,
                              random=dist.beta_random, observed=y)
        else:
            if opts.zeros == "hurdle":
                pm.CustomDist(OBSERVED, eta, scale, pi, logp=dist.hurdle_logitnormal_logp,
                              random=dist.hurdle_logitnormal_random, observed=y)
            else:
                pm.CustomDist(OBSERVED, eta, scale, logp=dist.logitnormal_logp,
                              random=dist.logitnormal_random, observed=y)
    return model
