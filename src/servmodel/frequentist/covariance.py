"""Covariance options -> linearmodels arguments, cluster checks, degrees of freedom.

Small-sample conventions (``small_sample = true``) follow Stata and R's fixest, so that
standard errors match what applied economists compare against:

* every covariance is scaled by n / (n - k - d), d being the fixed effects counted
  (``debiased`` in linearmodels); clustered covariances also by G / (G - 1) x (n - 1) / n
  (linearmodels' ``group_debias``), i.e. (n - 1) / (n - k - d) x G / (G - 1) in all;
* with clustered errors, fixed effects nested in every cluster variable are not counted
  in d (they are replaced by the one intercept they span), as ``xtreg, fe vce(cluster)``,
  ``reghdfe`` and fixest do; other effects are counted;
* tests use t(G - 1) with clustered errors (G the smallest number of clusters), t(T - 1)
  with Driscoll-Kraay (as ``xtscc``), and t(residual df) otherwise.

``small_sample = false`` gives the asymptotic covariances (the plain cluster sandwich; HC0;
effects still counted in the residual variance of fixed-effects models, which needs them
to be consistent with few periods) and normal inference.

The counts and factors themselves are computed in :mod:`servmodel.frequentist.dof`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servmodel.errors import EstimationError
from servmodel.frequentist.design import INTERCEPT, Design
from servmodel.frequentist.dof import dk_bandwidth, n_unique
from servmodel.spec import FrequentistOptions

FEW_CLUSTERS = 30
_KERNEL_NAMES = {"bartlett": "bartlett", "parzen": "parzen", "qs": "qs"}


@dataclass(frozen=True)
class CovarianceSetup:
    """What the adapter passes to linearmodels and how the result is read.

    Attributes
    ----------
    fit_kwargs
        Keyword arguments of ``fit`` (cov_type, debiased, clusters, kernel, ...).
    clusters
        ``(dimension, G)`` for each cluster variable.
    cluster_codes
        The cluster codes of each row, per cluster variable.
    label
        The covariance in words.
    notes
        Warnings about the covariance (few clusters, few treated clusters).
    """

    fit_kwargs: dict[str, Any]
    clusters: tuple[tuple[str, int], ...]
    label: str
    notes: tuple[str, ...]
    cluster_codes: tuple[np.ndarray, ...] = ()


def _cluster_codes(design: Design, dim: str) -> np.ndarray:
    return {
        "entity": design.entity,
        "country": design.country,
        "industry": design.industry,
        "year": design.time,
    }[dim]


def setup_covariance(
    opts: FrequentistOptions,
    design: Design,
    index: pd.MultiIndex,
    source: str,
) -> CovarianceSetup:
    """Translate ``[frequentist]`` covariance options for the data in ``design``.

    Raises
    ------
    EstimationError
        Fewer than two clusters in a cluster dimension; Driscoll-Kraay with fewer than two
        years or a bandwidth not below the number of years.
    """
    kwargs: dict[str, Any] = {"debiased": opts.small_sample}
    notes: list[str] = []
    clusters: list[tuple[str, int]] = []
    if opts.cov == "unadjusted":
        kwargs["cov_type"] = "unadjusted"
        label = "unadjusted (homoskedastic)"
    elif opts.cov == "robust":
        kwargs["cov_type"] = "robust"
        label = "heteroskedasticity-robust (White)"
    elif opts.cov == "clustered":
        kwargs["cov_type"] = "clustered"
        kwargs["group_debias"] = opts.small_sample
        cols = {}
        for dim in opts.cluster:
            codes = _cluster_codes(design, dim)
            g = n_unique(codes)
            if g < 2:
                only = _only_label(design, dim, codes)
                raise EstimationError(
                    f"{source}: [frequentist] cluster = {dim!r}: the sample has a single "
                    f"cluster ({only}), and clustered standard errors need at least 2 (and "
                    "should have many more); cluster on another dimension or use cov = "
                    "'robust' or 'driscoll_kraay'"
                )
            clusters.append((dim, g))
            cols[dim] = codes
            if g < FEW_CLUSTERS:
                notes.append(
                    f"only {g} clusters ({dim}): cluster-robust standard errors can "
                    "be too small with fewer than about 30 to 50 clusters"
                )
        # one variable: an array in the order of the rows (cheaper than a labelled frame);
        # two: a frame with the rows' index, which linearmodels cannot mistake for a
        # (time x entity) layout
        kwargs["clusters"] = (
            next(iter(cols.values())) if len(cols) == 1 else pd.DataFrame(cols, index=index)
        )
        label = "clustered by " + " and ".join(opts.cluster)
        notes += _few_treated(design, opts.cluster)
    else:
        n_t = n_unique(design.time)
        if n_t < 2:
            raise EstimationError(
                f"{source}: Driscoll-Kraay standard errors need at least 2 "
                f"years; the sample has {n_t}"
            )
        kwargs["cov_type"] = "kernel"
        kwargs["kernel"] = _KERNEL_NAMES[opts.kernel or "bartlett"]
        if opts.bandwidth is not None:
            if opts.bandwidth >= n_t:
                raise EstimationError(
                    f"{source}: [frequentist] bandwidth = {opts.bandwidth:g} must be below the "
                    f"number of years in the sample ({n_t})"
                )
            kwargs["bandwidth"] = float(opts.bandwidth)
        if opts.bandwidth is None:
            # linearmodels' rule of thumb (Newey and West 1994), shown so that the table
            # says which bandwidth was used
            bandwidth = f"{dk_bandwidth(n_t):g}, automatic"
        else:
            bandwidth = f"{opts.bandwidth:g}"
        label = f"Driscoll-Kraay ({opts.kernel} kernel, bandwidth {bandwidth})"
    if not opts.small_sample:
        label += ", no small-sample correction"
    cluster_codes = tuple(_cluster_codes(design, d) for d in opts.cluster) if clusters else ()
    return CovarianceSetup(kwargs, tuple(clusters), label, tuple(notes), cluster_codes)


def _only_label(design: Design, dim: str, codes: np.ndarray) -> str:
    c = int(codes[0])
    if dim == "country":
        return design.countries[c]
    if dim == "industry":
        return design.industries[c]
    if dim == "year":
        return str(design.years[c])
    return design.entity_label(c)


def _few_treated(design: Design, dims: tuple[str, ...]) -> list[str]:
    """Dummy regressors that are 1 (or 0) in at most two clusters: their cluster-robust
    standard errors are unreliable (MacKinnon and Webb 2017)."""
    notes = []
    for dim in dims:
        codes = _cluster_codes(design, dim)
        g = n_unique(codes)
        flagged = []
        for j, name in enumerate(design.names):
            col = design.x[:, j]
            # the intercept is never a dummy; nor is a column that starts with another value
            if name == INTERCEPT or col[0] not in (0.0, 1.0):
                continue
            # a dummy: both 0 and 1 occur, nothing else (cheaper than sorting the values)
            is_one = col == 1.0
            if not (is_one | (col == 0.0)).all() or is_one.all() or not is_one.any():
                continue
            with_one = n_unique(codes[is_one])
            with_zero = n_unique(codes[~is_one])
            if min(with_one, with_zero) <= 2:
                flagged.append(
                    (name, "1" if with_one <= with_zero else "0", min(with_one, with_zero))
                )
        if len(flagged) == 1:
            name, value, k = flagged[0]
            notes.append(
                f"{name} is {value} in only {k} of {g} {dim} clusters: its "
                "cluster-robust standard error is unreliable (MacKinnon and Webb "
                "2017); prefer Driscoll-Kraay or a wild cluster bootstrap"
            )
        elif flagged:
            shown = ", ".join(f[0] for f in flagged[:3]) + (" ..." if len(flagged) > 3 else "")
            notes.append(
                f"{len(flagged)} dummy regressors ({shown}) vary in at most 2 of {g} "
                f"{dim} clusters: their cluster-robust standard errors are unreliable"
            )
    return notes
