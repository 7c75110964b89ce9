"""The hurdle likelihoods against scipy's densities (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from servmodel.bayes import distributions as dist
from servmodel.bayes.data import squeeze

Y = np.array([0.0, 0.013, 0.2, 0.5, 0.93])
MU = np.array([0.1, 0.05, 0.3, 0.45, 0.8])
PI = np.array([0.02, 0.2, 0.01, 0.5, 0.3])


def test_hurdle_beta_logp_matches_scipy():
    phi = 37.0
    got = dist.hurdle_beta_logp(Y, MU, phi, PI).eval()
    expected = np.where(
        Y == 0, np.log(PI),
        np.log1p(-PI) + stats.beta.logpdf(np.where(Y == 0, 0.5, Y), MU * phi, (1 - MU) * phi))
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_beta_logp_matches_scipy():
    y = np.array([0.013, 0.2, 0.5, 0.93])
    got = dist.beta_logp(y, MU[1:], 37.0).eval()
    np.testing.assert_allclose(got, stats.beta.logpdf(y, MU[1:] * 37.0, (1 - MU[1:]) * 37.0),
                               rtol=1e-10)


def test_hurdle_logitnormal_logp_matches_scipy():
    eta, sigma = special.logit(MU), 0.4
    got = dist.hurdle_logitnormal_logp(Y, eta, sigma, PI).eval()
    safe = np.where(Y == 0, 0.5, Y)
    continuous = (stats.norm.logpdf(special.logit(safe), eta, sigma)
                  - np.log(safe) - np.log1p(-safe))
    expected = np.where(Y == 0, np.log(PI), np.log1p(-PI) + continuous)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_logitnormal_density_integrates_to_one():
    grid = np.linspace(1e-6, 1 - 1e-6, 200001)
    dens = np.exp(dist.logitnormal_logp(grid, -1.3, 0.7).eval())
    assert np.trapezoid(dens, grid) == pytest.approx(1.0, abs=1e-4)


def test_hurdle_random_zero_share_and_mean():
    rng = np.random.default_rng(3)
    draws = dist.hurdle_beta_random(0.2, 50.0, 0.25, rng=rng, size=200_000)
    assert (draws == 0).mean() == pytest.approx(0.25, abs=0.005)
    assert draws[draws > 0].mean() == pytest.approx(0.2, abs=0.002)
    ln = dist.hurdle_logitnormal_random(-1.0, 0.5, 0.1, rng=rng, size=200_000)
    assert (ln == 0).mean() == pytest.approx(0.1, abs=0.005)


def test_squeeze_keeps_order_inside_unit_interval():
    y = np.array([0.0, 0.1, 0.5, 1.0])
    s = squeeze(y)
    n = len(y)
    np.testing.assert_allclose(s, (y * (n - 1) + 0.5) / n)
    assert (s > 0).all() and (s < 1).all() and (np.diff(s) > 0).all()


def test_censored_beta_logp_matches_scipy():
    """A zero counts as a share below its threshold: log of the Beta CDF there."""
    phi, threshold = 37.0, np.array([0.02, 0.01, 0.05, 0.3, 0.001])
    got = dist.censored_beta_logp(Y, MU, phi, threshold).eval()
    a, b = MU * phi, (1 - MU) * phi
    expected = np.where(Y == 0, stats.beta.logcdf(threshold, a, b),
                        stats.beta.logpdf(np.where(Y == 0, 0.5, Y), a, b))
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_censored_beta_draws_and_expected_value():
    """Draws below the threshold are recorded as 0, and E[Y 1(Y >= c)] of the prediction
    graph equals the Monte Carlo mean of the draws."""
    import pytensor.tensor as pt

    mu, phi, c = 0.08, 60.0, 0.05
    draws = dist.censored_beta_random(mu, phi, c, rng=1, size=400_000)
    assert (draws[draws > 0] >= c).all()
    assert (draws == 0).mean() == pytest.approx(stats.beta.cdf(c, mu * phi, (1 - mu) * phi),
                                                abs=3e-3)
    a, b = mu * phi, (1 - mu) * phi
    expected = float((mu * (1 - pt.betainc(a + 1.0, b, c))).eval())
    assert draws.mean() == pytest.approx(expected, rel=3e-3)
