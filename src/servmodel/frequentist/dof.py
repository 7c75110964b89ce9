"""Degrees of freedom and small-sample rules, for both estimation backends.

Both :func:`servmodel.frequentist.fit` (linearmodels) and the batch engine
(:mod:`servmodel.frequentist.batch`) take every count and correction from here:

* the residual scale n / (n - extra_df - k) (k only when debiased), as linearmodels;
* the cluster correction G / (G - 1) x (n - 1) / n (linearmodels' ``group_debias``);
* the Driscoll-Kraay bandwidth rule of thumb, floor(4 (T / 100)^(2/9)) (Newey and West
  1994, linearmodels' default);
* the fixed effects counted in the degrees of freedom: servmodel's nested rule
  (:func:`counted_effects`, :func:`effects_rescale`) and the count linearmodels itself
  uses for the residual degrees of freedom (:func:`model_effects`);
* the reference distribution of the tests (:func:`inference_for`).

The conventions themselves are described in :mod:`servmodel.frequentist.covariance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from servmodel.errors import EstimationError
from servmodel.frequentist.design import INTERCEPT, Design
from servmodel.results.tidy import Inference
from servmodel.spec import FrequentistOptions

if TYPE_CHECKING:
    from servmodel.frequentist.covariance import CovarianceSetup


def n_unique(codes: np.ndarray) -> int:
    """Distinct values among non-negative integer ``codes``."""
    return int(np.count_nonzero(np.bincount(codes))) if len(codes) else 0


def dk_bandwidth(n_periods: int) -> float:
    """The Driscoll-Kraay bandwidth when none is given: linearmodels' rule of thumb."""
    return float(np.floor(4 * (n_periods / 100) ** (2 / 9)))


def residual_scale(nobs: int, nvar: int, debiased: bool, extra_df: int = 0) -> float:
    """n / (n - extra_df - k), k counted only if ``debiased`` (linearmodels' scale).

    Raises
    ------
    ValueError
        No residual degrees of freedom.
    """
    eff = nobs - extra_df - (nvar if debiased else 0)
    if eff <= 0:
        raise ValueError(
            f"The covariance of the model cannot be estimated since the model has "
            f"no residual degrees of freedom ({nobs} observations)"
        )
    return nobs / eff


def cluster_correction(n_clusters: int, nobs: int) -> float:
    """G / (G - 1) x (n - 1) / n, the small-sample factor of a cluster covariance."""
    return n_clusters / (n_clusters - 1) * ((nobs - 1) / nobs)


def model_effects(effects: str | None, n_entities: int, n_periods: int, has_constant: bool) -> int:
    """The effects linearmodels counts in a fixed-effects model's residual degrees of
    freedom: every level, less one per dimension already spanned by the constant or by
    the other dimension's dummies."""
    count, drop_first = 0, has_constant
    if effects in ("entity", "twoway"):
        count += n_entities - drop_first
        drop_first = True
    if effects in ("time", "twoway"):
        count += n_periods - drop_first
    return count


def counted_effects(
    effects: str | None,
    n_entities: int,
    n_periods: int,
    nested: dict[str, bool],
    has_constant: bool,
) -> int:
    """Fixed-effect levels counted in the degrees of freedom of the covariance.

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
    n_effect = int(effect_codes.max()) + 1
    for c in cluster_codes:
        # nested <=> every row is in the cluster of (any) one row of its effect group
        one = np.empty(n_effect, dtype=c.dtype)
        one[effect_codes] = c
        if not np.array_equal(one[effect_codes], c):
            return False
    return True


def effects_rescale(
    effects: str | None,
    design: Design,
    cov: CovarianceSetup,
    small_sample: bool,
    nobs: int,
    k: int,
    source: str,
) -> float:
    """Factor that turns a covariance with no effects counted into one that counts the
    effects by the nested rule: (n - k) / (n - k - d).

    Without the small-sample correction the unadjusted, robust and Driscoll-Kraay
    covariances still count every effect, n / (n - d), since the residual variance of a
    fixed-effects model needs it to be consistent with few periods; the clustered
    covariance is then the plain sandwich.

    Raises
    ------
    EstimationError
        No residual degrees of freedom once the effects are counted.
    """
    if not small_sample and "clusters" in cov.fit_kwargs:
        return 1.0
    n_e = int(design.entity.max()) + 1
    n_t = int(design.time.max()) + 1
    cluster_codes = list(cov.cluster_codes)
    nested = {
        "entity": effect_nested_in_clusters(design.entity, cluster_codes),
        "time": effect_nested_in_clusters(design.time, cluster_codes),
    }
    d = counted_effects(effects, n_e, n_t, nested, has_constant=INTERCEPT in design.names)
    base = nobs - (k if small_sample else 0)
    if base - d <= 0:
        raise EstimationError(
            f"{source}: no residual degrees of freedom ({nobs} observations, "
            f"{k} coefficients, {d} fixed effects counted)"
        )
    return base / (base - d)


def inference_for(
    opts: FrequentistOptions, setup: CovarianceSetup, design: Design, df_resid: int
) -> Inference:
    """The reference distribution of the coefficient tests: t(G - 1) with clustered
    errors (G the smallest number of clusters), t(T - 1) with Driscoll-Kraay, t(residual
    df) otherwise; the normal without the small-sample correction."""
    if not opts.small_sample:
        return Inference("normal")
    if opts.cov == "clustered":
        g = min(n for _, n in setup.clusters)
        return Inference("t", float(g - 1))
    if opts.cov == "driscoll_kraay":
        return Inference("t", float(n_unique(design.time) - 1))
    return Inference("t", float(max(df_resid, 1)))
