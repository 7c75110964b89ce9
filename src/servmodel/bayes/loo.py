"""PSIS-LOO that also takes observations whose log-likelihood barely varies over draws.

A censored zero whose threshold lies far above any plausible share (an industry with one
million US dollars of output, where a zero flow is all but certain) has a log-likelihood
within a few millionths of 0 in every draw. ArviZ's Pareto smoothing fits a tail to those
nearly equal importance ratios and returns NaN for the whole elpd. Smoothing is not needed
there: the ratios differ by less than 0.1%, so plain importance sampling is as good as
smoothed (Pareto k = 0). :func:`psis_loo` computes the other observations with ArviZ and
these with plain importance sampling.
"""

from __future__ import annotations

import warnings

import arviz as az
import numpy as np
import xarray as xr
from scipy.special import logsumexp

# log-likelihood spread (max - min over draws) below which importance ratios differ by less
# than 0.1%: the effective sample size is the number of draws to within 1e-6, and smoothing
# changes nothing
FLAT = 1e-3


def psis_loo(idata: az.InferenceData) -> az.ELPDData:
    """Pointwise PSIS-LOO of ``idata`` (one observed variable), flat columns included.

    Parameters
    ----------
    idata
        Draws with a ``log_likelihood`` group holding one variable over one observation
        dimension.

    Returns
    -------
    arviz.ELPDData
        As :func:`arviz.loo` with ``pointwise=True``; observations whose log-likelihood
        spreads less than :data:`FLAT` over the draws enter by plain importance sampling,
        with Pareto k = 0.
    """
    ll = idata.log_likelihood
    (name,) = list(ll.data_vars)
    values = ll[name]
    (obs_dim,) = [d for d in values.dims if d not in ("chain", "draw")]
    flat = values.values.reshape(-1, values.sizes[obs_dim])
    constant = (flat.max(axis=0) - flat.min(axis=0)) < FLAT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not constant.any():
            return az.loo(idata, pointwise=True)
        varying = np.flatnonzero(~constant)
        reduced = az.InferenceData(
            posterior=idata.posterior, log_likelihood=ll.isel({obs_dim: varying})
        )
        out = az.loo(reduced, pointwise=True)
    n = flat.shape[1]
    loo_i = np.empty(n)
    loo_i[varying] = np.asarray(out["loo_i"])
    s = flat.shape[0]
    flat_ll = flat[:, constant].astype(np.float64)
    # elpd_i = -log mean_s exp(-ll_s); lppd_i = log mean_s exp(ll_s)
    loo_i[constant] = np.log(s) - logsumexp(-flat_ll, axis=0)
    lppd = logsumexp(flat_ll, axis=0) - np.log(s)
    pareto_k = np.zeros(n)
    pareto_k[varying] = np.asarray(out["pareto_k"])
    coords = {obs_dim: values[obs_dim].values}
    out["loo_i"] = xr.DataArray(loo_i, dims=[obs_dim], coords=coords)
    out["pareto_k"] = xr.DataArray(pareto_k, dims=[obs_dim], coords=coords)
    out["elpd_loo"] = float(loo_i.sum())
    out["se"] = float(np.sqrt(n * np.var(loo_i)))
    out["p_loo"] = float(out["p_loo"] + (lppd - loo_i[constant]).sum())
    out["n_data_points"] = n
    return out
