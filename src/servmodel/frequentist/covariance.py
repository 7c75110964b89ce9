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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from servmodel.errors import EstimationError
from servmodel.frequentist.design import Design
from servmodel.results.tidy import Inference
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


def _n_unique(codes: np.ndarray) -> int:
    return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0


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
            g = _n_unique(codes)
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
        n_t = _n_unique(design.time)
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
            bandwidth = f"{np.floor(4 * (n_t / 100) ** (2 / 9)):g}, automatic"
        else:
            bandwidth = f"{opts.bandwidth:g}"
        label = f"Driscoll-Kraay ({opts.kernel} kernel, bandwidth {bandwidth})"
    if not opts.small_sample:
        label += ", no small-sample correction"
    codes = tuple(_cluster_codes(design, d) for d in opts.cluster) if clusters else ()
    return CovarianceSetup(kwargs, tuple(clusters), label, tuple(notes), codes)


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
        g = _n_unique(codes)
        flagged = []
        for j, name in enumerate(design.names):
            col = design.x[:, j]
            values = np.unique(col)
            if len(values) != 2 or not set(values.tolist()) <= {0.0, 1.0}:
                continue
            with_one = _n_unique(codes[col == 1.0])
            with_zero = _n_unique(codes[col == 0.0])
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


def counted_effects(
    effects: str | None,
    n_entities: int,
    n_periods: int,
    nested: dict[str, bool],
    has_constant: bool,
) -> int:
    """Fixed-effect levels counted in the degrees of freedom.

    Without an intercept all levels are counted (E, T or E + T - 1) unless an effect is
    nested in the clusters: its levels are then replaced by the single intercept they span.
    An intercept among the regressors is that one level, so one fewer is counted.
    """
    levels = {"entity": n_entities, "time": n_periods}
    present = {"entity": ["entity"], "time": ["time"], "twoway": ["entity", "time"]}.get(
        effects or "", []
    )
    if not present:
        return 0
    total = sum(levels[e] for e in present) - (len(present) - 1)
    nested_levels = sum(levels[e] for e in present if nested.get(e, False))
    d = total - nested_levels + (1 if nested_levels else 0)
    return max(d - 1, 0) if has_constant else d


def effect_nested_in_clusters(effect_codes: np.ndarray, cluster_codes: list[np.ndarray]) -> bool:
    """True if every group of the effect lies inside one group of every cluster variable."""
    if not cluster_codes:
        return False
    n_effect = _n_unique(effect_codes)
    for c in cluster_codes:
        # one (effect, cluster) pair per effect group <=> the effect is nested
        pairs = effect_codes.astype(np.int64) * (int(c.max()) + 1) + c.astype(np.int64)
        if _n_unique(pairs) != n_effect:
            return False
    return True


def inference_for(
    opts: FrequentistOptions, setup: CovarianceSetup, design: Design, df_resid: int
) -> Inference:
    """The reference distribution of the coefficient tests."""
    if not opts.small_sample:
        return Inference("normal")
    if opts.cov == "clustered":
        g = min(n for _, n in setup.clusters)
        return Inference("t", float(g - 1))
    if opts.cov == "driscoll_kraay":
        return Inference("t", float(_n_unique(design.time) - 1))
    return Inference("t", float(max(df_resid, 1)))
