"""Likelihoods for shares with exact zeros: censored Beta, hurdle Beta, hurdle logit-normal.

A censored zero is a share below a known threshold (a flow rounded to 0), so it enters as
the Beta probability of lying below it. The hurdles are two-part models: an observation is
exactly zero with probability ``pi`` (modelled with its own logit link), and otherwise
follows a continuous density on (0, 1). Every density is on the scale of the share itself
(the logit-normal carries the Jacobian of the logit), so their pointwise log-likelihoods
are comparable by LOO.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

# Stand-in evaluated in place of exact zeros in the continuous part; the switch discards the
# result, but a finite value keeps the gradient free of NaN.
_SAFE = 0.5


def _hurdle(value, pi, continuous_logp):
    is_zero = pt.eq(value, 0.0)
    safe = pt.switch(is_zero, _SAFE, value)
    return pt.switch(is_zero, pt.log(pi), pt.log1p(-pi) + continuous_logp(safe))


def _beta_density(y, mu, phi):
    """Beta log density written out: PyMC's adds bound and parameter checks that cost a
    third of the flagship's gradient time, and a = mu phi, b = (1 - mu) phi are positive
    by construction (logistic mean, exponential precision)."""
    # a Python number would become a float32 constant, and gammaln(phi) lose 1e-6
    phi = pt.cast(phi, "float64")
    a = mu * phi
    b = phi - a
    return (
        (a - 1.0) * pt.log(y)
        + (b - 1.0) * pt.log1p(-y)
        - pt.gammaln(a)
        - pt.gammaln(b)
        + pt.gammaln(phi)
    )


def hurdle_beta_logp(value, mu, phi, pi):
    """log p(y) of the hurdle Beta with mean ``mu`` and precision ``phi``."""
    return _hurdle(value, pi, lambda y: _beta_density(y, mu, phi))


def hurdle_beta_random(mu, phi, pi, rng=None, size=None):
    """Draws from the hurdle Beta (numpy)."""
    rng = np.random.default_rng(rng)
    y = rng.beta(mu * phi, (1.0 - mu) * phi, size=size)
    return np.where(rng.random(size=size) < pi, 0.0, y)


def censored_beta_logp(value, mu, phi, threshold):
    """log p(y) of a Beta share observed as exactly zero below ``threshold``.

    A share is recorded as 0 when its flow was rounded to 0, that is when the share lies
    below ``threshold`` = half the rounding unit / gross output: log P(Y < threshold) =
    log I_threshold(a, b) at the zeros, the Beta density elsewhere. The regularized
    incomplete Beta function is evaluated at the zeros only (its gradient is costly).
    """
    phi = pt.cast(phi, "float64")
    is_zero = pt.eq(value, 0.0)
    zeros = pt.nonzero(is_zero)[0]
    safe = pt.switch(is_zero, _SAFE, value)
    density = _beta_density(safe, mu, phi)
    a = pt.broadcast_to(mu * phi, value.shape)
    b = pt.broadcast_to((1.0 - mu) * phi, value.shape)
    c = pt.broadcast_to(threshold, value.shape)
    censored = pt.log(pt.betainc(a[zeros], b[zeros], c[zeros]))
    return pt.set_subtensor(density[zeros], censored)


def censored_beta_random(mu, phi, threshold, rng=None, size=None):
    """Draws from the Beta with shares below ``threshold`` recorded as 0 (numpy)."""
    rng = np.random.default_rng(rng)
    y = rng.beta(mu * phi, (1.0 - mu) * phi, size=size)
    return np.where(y < threshold, 0.0, y)


def beta_logp(value, mu, phi):
    """log p(y) of the Beta with mean ``mu`` and precision ``phi``."""
    return _beta_density(value, mu, phi)


def beta_random(mu, phi, rng=None, size=None):
    rng = np.random.default_rng(rng)
    return rng.beta(mu * phi, (1.0 - mu) * phi, size=size)


def _logitnormal(y, eta, sigma):
    z = pt.log(y) - pt.log1p(-y)
    return pm.logp(pm.Normal.dist(eta, sigma), z) - pt.log(y) - pt.log1p(-y)


def hurdle_logitnormal_logp(value, eta, sigma, pi):
    """log p(y) of the hurdle logit-normal: logit(y) ~ Normal(eta, sigma) when y > 0."""
    return _hurdle(value, pi, lambda y: _logitnormal(y, eta, sigma))


def hurdle_logitnormal_random(eta, sigma, pi, rng=None, size=None):
    rng = np.random.default_rng(rng)
    y = 1.0 / (1.0 + np.exp(-rng.normal(eta, sigma, size=size)))
    return np.where(rng.random(size=size) < pi, 0.0, y)


def logitnormal_logp(value, eta, sigma):
    """log p(y) of the logit-normal on the share scale (Jacobian included)."""
    return _logitnormal(value, eta, sigma)


def logitnormal_random(eta, sigma, rng=None, size=None):
    rng = np.random.default_rng(rng)
    return 1.0 / (1.0 + np.exp(-rng.normal(eta, sigma, size=size)))
