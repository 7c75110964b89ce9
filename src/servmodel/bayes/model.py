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
from servmodel.bayes.data import TECH_CENTER, YEARS_PER_UNIT, BayesData, Covariates, squeeze
from servmodel.errors import DataError, UsageError
from servmodel.spec.bayes import BayesOptions

OBSERVED = "y"
OBSERVED_DATA = "y_observed"
EXPECTED = "expected"
TECH_CLASS_TERMS = ("medium-low", "medium-high", "high")
# Every variable some model of this builder draws (the names that a grid's [prior]
# parameters may list); a test builds the models and keeps this list complete.
MODEL_VARIABLES = (
    "alpha",
    "beta_tech",
    "tech_trend",
    "beta_tech_class",
    "tech_class_trend",
    "sigma_industry",
    "z_industry",
    "b_industry",
    "sigma_country",
    "z_country",
    "a_country",
    "trend",
    "sigma_slope",
    "z_slope",
    "slope_country",
    "sigma_cell",
    "z_cell",
    "u_cell",
    "sigma_cell_slope",
    "z_cell_slope",
    "u_cell_slope",
    "sigma_country_year",
    "z_country_year",
    "b_country_year",
    "log_phi",
    "sigma_obs",
    "zero_intercept",
    "zero_log_output",
)


def coords_of(data: BayesData) -> dict[str, list]:
    """Named dimensions of the model."""
    return {
        "country": list(data.countries),
        "industry": list(data.industries),
        "tech_term": list(TECH_CLASS_TERMS),
        "year": list(data.years),
        "year_basis": list(range(max(len(data.years) - 2, 0))),
    }


def detrending_basis(data: BayesData) -> np.ndarray:
    """Orthonormal basis (years x (years - 2)) of the year profiles with no level and no
    linear trend.

    Economy x year effects are drawn in this basis: with ``z`` standard normal they are
    ``sigma * Q z``, Normal(0, sigma^2 (I - H)) with H the hat matrix of a constant and a
    linear trend, so they hold only what the country intercept and slope cannot, and no
    direction of ``z`` is left to the prior alone.
    """
    if len(data.years) < 3:
        raise DataError(
            f"economy x year effects need at least 3 years beyond a level and a "
            f"trend; the data hold {len(data.years)}: set country_years = false"
        )
    t = (np.asarray(data.years, dtype=float) - data.year_center) / YEARS_PER_UNIT
    design = np.column_stack([np.ones_like(t), t])
    q, _ = np.linalg.qr(design, mode="complete")
    return q[:, 2:]


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
    """eta = industry level + country level + cell + (country slope + cell slope + tech
    trend) x time + economy x year effect."""
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
    # the predictor is assembled per country x industry cell (level and change per decade)
    # and gathered once per observation: fewer gathers, and their gradients, than one per term
    level = country[:, None] + industry[None, :]
    per_decade = slope[:, None] + (tech_trend + pt.zeros(n_ind))[None, :]
    if opts.cells:
        sigma_u = pm.HalfNormal("sigma_cell", p.sigma_cell)
        if naive:
            cell = sigma_u * pm.Normal("z_cell", 0.0, 1.0, dims=("country", "industry"))
        else:
            # summing to zero over countries and over industries keeps the cells from
            # trading off against the country and industry effects
            cell = pm.ZeroSumNormal(
                "u_cell", sigma=sigma_u, dims=("country", "industry"), n_zerosum_axes=2
            )
        level = level + cell
    if opts.cell_slopes:
        sigma_v = pm.HalfNormal("sigma_cell_slope", p.sigma_cell_slope)
        if naive:
            cell_slope = sigma_v * pm.ZeroSumNormal(
                "z_cell_slope", sigma=1.0, dims=("country", "industry"), n_zerosum_axes=2
            )
        else:
            # centred: 17 years per cell pin a slope down well (sd about 0.07 per decade
            # against sigma about 0.2), and the centred form gave 2.6 times the ESS per
            # second of the non-centred one on the embedded data
            cell_slope = pm.ZeroSumNormal(
                "u_cell_slope", sigma=sigma_v, dims=("country", "industry"), n_zerosum_axes=2
            )
        per_decade = per_decade + cell_slope
    cell_index = x.country * n_ind + x.industry
    eta = level.ravel()[cell_index] + per_decade.ravel()[cell_index] * x.t
    if opts.country_years:
        if (x.year < 0).any():
            raise UsageError(
                "economy x year effects are known only for the fitted years "
                f"{data.years[0]}-{data.years[-1]}; predict for those years"
            )
        sigma_e = pm.HalfNormal("sigma_country_year", p.sigma_country_year)
        if naive:
            coef = sigma_e * pm.Normal("z_country_year", 0.0, 1.0, dims=("country", "year_basis"))
        else:
            coef = pm.Normal("b_country_year", 0.0, sigma_e, dims=("country", "year_basis"))
        year_effect = pt.dot(coef, detrending_basis(data).T)
        eta = eta + year_effect.ravel()[x.country * len(data.years) + x.year]
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
    x = covariates if covariates is not None else data.covariates
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
        if opts.zeros == "censored":
            # a share is recorded as 0 below half a rounding unit of flow
            output = np.exp(x.log_output * data.log_output_scale + data.log_output_center)
            threshold = 0.5 * opts.rounding_unit / output
        if opts.zeros == "hurdle":
            z0 = pm.Normal("zero_intercept", p.zero_intercept_mean, p.zero_intercept_sd)
            z1 = pm.Normal("zero_log_output", p.zero_slope_mean, p.zero_slope_sd)
            pi = pm.math.sigmoid(z0 + z1 * x.log_output)
        if predicting:
            if opts.zeros == "hurdle":
                expected = mean_positive * (1.0 - pi)
            elif opts.zeros == "censored":
                # E[Y 1(Y >= c)] = mu (1 - I_c(a + 1, b)) for Y ~ Beta(a, b), a = mu phi
                a, b = mu * scale, (1.0 - mu) * scale
                expected = mu * (1.0 - pt.betainc(a + 1.0, b, threshold))
            else:
                expected = mean_positive
            pm.Deterministic(EXPECTED, expected)
            return model
        # a data container, so that a compiled model can be refit to new shares (simulation-
        # based calibration) without compiling again
        y = pm.Data(OBSERVED_DATA, squeeze(data.y) if opts.zeros == "squeeze" else data.y)
        if opts.family == "beta":
            if opts.zeros == "censored":
                pm.CustomDist(
                    OBSERVED,
                    mu,
                    scale,
                    threshold,
                    logp=dist.censored_beta_logp,
                    random=dist.censored_beta_random,
                    observed=y,
                )
            elif opts.zeros == "hurdle":
                pm.CustomDist(
                    OBSERVED,
                    mu,
                    scale,
                    pi,
                    logp=dist.hurdle_beta_logp,
                    random=dist.hurdle_beta_random,
                    observed=y,
                )
            else:
                pm.CustomDist(
                    OBSERVED, mu, scale, logp=dist.beta_logp, random=dist.beta_random, observed=y
                )
        else:
            if opts.zeros == "hurdle":
                pm.CustomDist(
                    OBSERVED,
                    eta,
                    scale,
                    pi,
                    logp=dist.hurdle_logitnormal_logp,
                    random=dist.hurdle_logitnormal_random,
                    observed=y,
                )
            else:
                pm.CustomDist(
                    OBSERVED,
                    eta,
                    scale,
                    logp=dist.logitnormal_logp,
                    random=dist.logitnormal_random,
                    observed=y,
                )
    return model
