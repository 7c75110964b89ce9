"""PSIS-LOO with observations whose log-likelihood hardly varies over draws (a censored
zero that is all but certain), on which ArviZ's tail fit can return NaN: psis_loo adds them
by plain importance sampling with Pareto k = 0."""

from __future__ import annotations

import warnings

import arviz as az
import numpy as np
import pytest
import xarray as xr

from servmodel.bayes.loo import psis_loo


def _idata(ll: np.ndarray) -> az.InferenceData:
    chains, draws, n = ll.shape
    post = xr.Dataset({"theta": (("chain", "draw"), np.zeros((chains, draws)))},
                      coords={"chain": range(chains), "draw": range(draws)})
    lik = xr.Dataset({"y": (("chain", "draw", "y_dim_0"), ll)},
                     coords={"chain": range(chains), "draw": range(draws),
                             "y_dim_0": range(n)})
    return az.InferenceData(posterior=post, log_likelihood=lik)


def test_constant_observations_enter_with_their_value_and_k_zero():
    rng = np.random.default_rng(0)
    ll = rng.normal(-1.0, 0.3, size=(4, 250, 30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = az.loo(_idata(ll), pointwise=True)
    # like a certain censored zero: -1e-16 in most draws, down to -1e-7 in a few
    tiny = np.full((4, 250, 2), -1.1e-16)
    tiny[:, ::50, :] = -1.3e-7
    constant = np.concatenate([ll, tiny, np.full((4, 250, 1), -0.25)], axis=2)
    got = psis_loo(_idata(constant))
    flat_part = np.log(1000) - np.log(np.exp(-tiny.reshape(1000, 2)).sum(axis=0))
    assert got["elpd_loo"] == pytest.approx(reference["elpd_loo"] - 0.25 + flat_part.sum(),
                                            rel=1e-12)
    np.testing.assert_allclose(np.asarray(got["loo_i"])[:30], np.asarray(reference["loo_i"]))
    np.testing.assert_array_equal(np.asarray(got["pareto_k"])[30:], 0.0)
    loo_i = np.asarray(got["loo_i"])
    assert got["se"] == pytest.approx(np.sqrt(33 * loo_i.var()), rel=1e-12)
    assert got["p_loo"] == pytest.approx(reference["p_loo"], abs=1e-9)
    assert got["n_data_points"] == 33


def test_without_constant_observations_it_is_arviz():
    ll = np.random.default_rng(1).normal(-1.0, 0.3, size=(2, 200, 20))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = az.loo(_idata(ll), pointwise=True)
    assert psis_loo(_idata(ll))["elpd_loo"] == reference["elpd_loo"]
