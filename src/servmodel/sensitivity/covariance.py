"""linearmodels' panel covariance estimators, computed on arrays for many specifications.

The formulas are those of ``linearmodels.panel.covariance`` (Homoskedastic-,
Heteroskedastic-, ClusteredCovariance and DriscollKraay), including their degrees-of-freedom
scale and cluster debiasing, and use linearmodels' own kernel weights and kernel
covariance. What differs is the bookkeeping: cluster and period sums are taken with
``bincount`` instead of a loop over clusters or a pandas group-by, which is what dominates
when thousands of small models are fitted. The agreement test of the sensitivity engine
holds every standard error to those of linearmodels.
"""

from __future__ import annotations

import numpy as np
from linearmodels.iv.covariance import KERNEL_LOOKUP
from linearmodels.shared.covariance import cluster_union, cov_kernel
from linearmodels.shared.exceptions import lookup_option

from servmodel.sensitivity.within import group_sums


def _scale(nobs: int, nvar: int, debiased: bool, extra_df: int) -> float:
    eff = nobs - extra_df - (nvar if debiased else 0)
    if eff <= 0:
        raise ValueError(
            f"The covariance of the model cannot be estimated since the model has "
            f"no residual degrees of freedom ({nobs} observations)"
        )
    return nobs / eff


def _cluster_meat(xe: np.ndarray, codes: np.ndarray, debias: bool) -> np.ndarray:
    """sum over clusters of s_g s_g' / n (linearmodels' ``cov_cluster``), times
    g / (g - 1) (n - 1) / n when ``debias``."""
    n = len(codes)
    sums = group_sums(codes, xe, int(codes.max()) + 1)
    present = np.bincount(codes) > 0
    g = int(present.sum())
    if g < 2:
        raise ValueError(
            "A clustered covariance requires at least two clusters, but clusters has one group."
        )
    sums = sums[present]
    meat = sums.T @ sums / n
    if debias:
        meat *= g / (g - 1) * ((n - 1) / n)
    return meat


def panel_covariance(
    cov_type: str,
    x: np.ndarray,
    eps: np.ndarray,
    *,
    debiased: bool,
    extra_df: int = 0,
    clusters: np.ndarray | None = None,
    group_debias: bool = False,
    time: np.ndarray | None = None,
    kernel: str | None = None,
    bandwidth: float | None = None,
) -> np.ndarray:
    """Covariance of the estimates of a regression of the transformed data.

    Parameters
    ----------
    cov_type
        ``unadjusted``, ``robust``, ``clustered`` or ``kernel`` (Driscoll-Kraay).
    x, eps
        Transformed regressors (n x k) and residuals (n).
    debiased, extra_df
        As in linearmodels: the scale n / (n - extra_df - k) (k only if ``debiased``).
    clusters, group_debias
        Cluster codes (n, or n x 2 for two-way clustering; non-negative integers) and the
        g / (g - 1) (n - 1) / n correction.
    time, kernel, bandwidth
        Period codes, kernel name and bandwidth of the Driscoll-Kraay estimator (``None``:
        linearmodels' rule of thumb).
    """
    nobs, nvar = x.shape
    scale = _scale(nobs, nvar, debiased, extra_df)
    xpx = x.T @ x
    if cov_type == "unadjusted":
        out = (scale * float(eps @ eps) / nobs) * np.linalg.inv(xpx)
        return (out + out.T) / 2
    xpxi = np.linalg.inv(xpx / nobs)
    xe = x * eps[:, None]
    if cov_type == "robust":
        meat = xe.T @ xe / nobs
    elif cov_type == "clustered":
        assert clusters is not None
        if clusters.ndim == 1:
            meat = _cluster_meat(xe, clusters, group_debias)
        else:
            both = cluster_union(clusters)
            meat = (
                _cluster_meat(xe, clusters[:, 0], group_debias)
                + _cluster_meat(xe, clusters[:, 1], group_debias)
                - _cluster_meat(xe, both, group_debias)
            )
    elif cov_type == "kernel":
        assert time is not None
        used = np.flatnonzero(np.bincount(time) > 0)
        sums = group_sums(time, xe, int(time.max()) + 1)[used]
        periods = len(used)
        bw = bandwidth
        if bw is None:
            bw = float(np.floor(4 * (periods / 100) ** (2 / 9)))
        if bw >= periods:
            raise ValueError(
                f"The bandwidth of the Driscoll-Kraay covariance, {bw:g}, must be "
                f"below the number of time periods, {periods}."
            )
        weights = lookup_option(KERNEL_LOOKUP, kernel or "bartlett", "kernel")(bw, periods - 1)
        meat = cov_kernel(sums, weights) * (periods / nobs)
    else:
        raise ValueError(f"unknown covariance {cov_type!r}")
    out = xpxi @ (scale * meat) @ xpxi / nobs
    return (out + out.T) / 2
