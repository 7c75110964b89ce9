"""The panel covariances of the batch engine, on the transformed arrays.

The unadjusted and heteroskedasticity-robust covariances are linearmodels' own
(``HomoskedasticCovariance``, ``HeteroskedasticCovariance`` of ``linearmodels.panel``),
given the transformed regressors and residuals. The clustered and Driscoll-Kraay
covariances are computed here with the formulas of linearmodels' ``ClusteredCovariance``
and ``DriscollKraay`` (its kernel weights and kernel covariance, its cluster debiasing):
their cluster and period sums are taken with ``bincount`` instead of a loop over the
clusters or a pandas group-by, which is what dominates when thousands of small models are
fitted. Measured on the WIOD-sized design of the sensitivity grid (9,520 rows, 4
regressors, one thread), per covariance ("arrays": the bincount form, which this module
also had for the first two before they went to linearmodels):

=========================  =========  ============  =======
covariance                 arrays     linearmodels  ratio
=========================  =========  ============  =======
unadjusted                 45 us      75 us         1.7
robust                     217 us     243 us        1.1
clustered, 40 countries    291 us     1,210 us      4.2
clustered, 560 entities    361 us     3,770 us      10.4
clustered, country + year  1,836 us   7,440 us      4.1
Driscoll-Kraay             213 us     1,040 us      4.9
=========================  =========  ============  =======

With linearmodels' clustered and Driscoll-Kraay classes, ``benchmarks/bench_sensitivity.py``
took 13.3 s for the grid in one process instead of 6.7 s (ratio to the naive loop
43x instead of 76x), so those two stay here; the other two gain too little to keep a
copy of linearmodels. Every degrees-of-freedom factor comes from
:mod:`servmodel.frequentist.dof`; the agreement test of the engine holds every standard
error to those of :func:`servmodel.frequentist.fit`.
"""

from __future__ import annotations

import numpy as np
from linearmodels.iv.covariance import KERNEL_LOOKUP
from linearmodels.panel.covariance import HeteroskedasticCovariance, HomoskedasticCovariance
from linearmodels.shared.covariance import cluster_union, cov_kernel
from linearmodels.shared.exceptions import lookup_option

from servmodel.frequentist.batch.within import group_sums
from servmodel.frequentist.dof import cluster_correction, dk_bandwidth, residual_scale


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
        meat *= cluster_correction(g, n)
    return meat


def panel_covariance(
    cov_type: str,
    x: np.ndarray,
    y: np.ndarray,
    params: np.ndarray,
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
    x, y, params
        Transformed regressors (n x k), dependent variable (n) and the estimates (k).
    debiased, extra_df
        As in linearmodels: the scale n / (n - extra_df - k) (k only if ``debiased``).
    clusters, group_debias
        Cluster codes (n, or n x 2 for two-way clustering; non-negative integers) and the
        g / (g - 1) (n - 1) / n correction.
    time, kernel, bandwidth
        Period codes, kernel name and bandwidth of the Driscoll-Kraay estimator (``None``:
        linearmodels' rule of thumb).

    Raises
    ------
    ValueError
        No residual degrees of freedom, a single cluster, a bandwidth not below the number
        of periods.
    """
    nobs, nvar = x.shape
    # checked first, for every covariance, so that the message is always this one
    scale = residual_scale(nobs, nvar, debiased, extra_df)
    if cov_type in ("unadjusted", "robust"):
        estimator = (
            HomoskedasticCovariance if cov_type == "unadjusted" else HeteroskedasticCovariance
        )
        # no entity or time effects here: they were removed before the solve
        cov = estimator(
            y[:, None],
            x,
            params[:, None],
            None,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            debiased=debiased,
            extra_df=extra_df,
        ).cov
        return np.asarray(cov)
    xpxi = np.linalg.inv(x.T @ x / nobs)
    xe = x * (y - x @ params)[:, None]
    if cov_type == "clustered":
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
        bw = dk_bandwidth(periods) if bandwidth is None else bandwidth
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
