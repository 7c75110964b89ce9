"""The panel estimators on arrays: each estimator's transformation of the regressors, done
once per design, and the estimates for any number of dependent variables.

The transformations and their details follow linearmodels, which
:func:`servmodel.frequentist.fit` calls: fixed effects keep the intercept by adding the
grand means back (as ``xtreg, fe`` reports ``_cons``); first differences are taken between
a unit's adjacent years; random effects are Swamy-Arora GLS with the variance components
from the within and between regressions, without the small-sample correction of the
effect variance; Mundlak is random effects on the design with the units' means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from linearmodels.panel.utility import AbsorbingEffectError
from linearmodels.panel.utility import check_absorbed as lm_check_absorbed
from linearmodels.shared.linalg import has_constant

from servmodel.frequentist.adapter import absorbed_error
from servmodel.frequentist.batch.linalg import clearly_not_absorbed, lstsq, ols
from servmodel.frequentist.batch.within import Demean, FirstDifference, TwoWay
from servmodel.frequentist.design import INTERCEPT, Design
from servmodel.frequentist.dof import model_effects
from servmodel.frequentist.mundlak import mundlak_design


@dataclass
class Block:
    """A design under one estimator's transformation, shared by its specifications.

    Attributes
    ----------
    design
        The design (with the units' means for Mundlak).
    x
        The transformed regressors (the design's regressors for pooled OLS and random
        effects, whose transformation depends on the dependent variable).
    transform
        The within operator (fixed effects, random effects) or the difference operator.
    has_const
        Whether the regressors include or span a constant (linearmodels' rule).
    later
        First differences: the row of the later year of each difference.
    extra
        Estimator-specific arrays, and the covariance set-ups of the specifications.
    """

    design: Design
    x: np.ndarray
    transform: Any
    has_const: bool
    later: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def make_block(design: Design, estimator: str, effects: str | None, source: str) -> Block:
    """Transform the (checked) design for ``estimator``.

    Raises
    ------
    EstimationError
        The fixed effects absorb a regressor or a combination of regressors (the message
        of :func:`servmodel.frequentist.fit`).
    """
    if estimator == "mundlak":
        design = mundlak_design(design)[0]
    x = design.x
    # a column of ones is linearmodels' explicit constant: its search of the column space
    # for an implicit one is needed only without it
    const = INTERCEPT in design.names or bool(has_constant(x)[0])
    if estimator == "pooled":
        return Block(design, x, None, const)
    if estimator == "fd":
        fd = FirstDifference.of(design.entity, design.time)
        return Block(design, fd(x), fd, const, later=fd.later)
    if estimator in ("re", "mundlak"):
        within = Demean.of(design.entity)
        xw = within(x)
        # the variance components count the coefficients each regression estimates: the
        # rank of the demeaned regressors (scaled by their size before demeaning) and of
        # the units' means
        norm = np.sqrt((x**2).sum(axis=0))
        norm[norm == 0.0] = 1.0
        xbar = within.means(x)
        extra = {
            "xw": xw + (x.mean(axis=0) if const else 0.0),
            "xbar": xbar,
            "rank_within": lstsq(xw / norm, np.zeros(len(x)))[1],
            "rank_between": lstsq(xbar, np.zeros(len(xbar)))[1],
        }
        return Block(design, x, within, const, extra=extra)
    if estimator != "fe":
        raise ValueError(f"no array implementation of estimator {estimator!r}")
    op: Any
    if effects == "entity":
        op = Demean.of(design.entity)
    elif effects == "time":
        op = Demean.of(design.time)
    else:
        op = TwoWay.of(design.entity, design.time)
    xt = op(x)
    if const:
        xt += x.mean(axis=0)
    _check_absorbed(xt, x, design.names, source)
    n_e = int(design.entity.max()) + 1
    n_t = int(design.time.max()) + 1
    neffects = model_effects(effects, n_e, n_t, const)
    return Block(design, xt, op, const, extra={"neffects": neffects})


def _check_absorbed(xt: np.ndarray, x: np.ndarray, names: tuple[str, ...], source: str) -> None:
    """linearmodels' check of the transformed regressors, with servmodel's message."""
    if clearly_not_absorbed(xt, x):
        return
    try:
        lm_check_absorbed(xt, list(names), x)
    except AbsorbingEffectError as exc:
        raise absorbed_error(exc, source) from exc


def fit_columns(block: Block, estimator: str, y: np.ndarray) -> dict[str, Any]:
    """Estimates for every column of ``y`` (dependent variables in design row order).

    Returns
    -------
    dict
        ``y``: the transformed dependent variables (n x m); ``x``: the transformed
        regressors of each column (the same array but for random effects); ``params``:
        the estimates (k x m).
    """
    x = block.x
    if estimator == "pooled":
        return {"y": y, "x": [x] * y.shape[1], "params": ols(x, y)}
    if estimator == "fd":
        yd = block.transform(y)
        return {"y": yd, "x": [x] * y.shape[1], "params": ols(x, yd)}
    if estimator == "fe":
        yt = block.transform(y)
        if block.has_const:
            yt += y.mean(axis=0)
        return {"y": yt, "x": [x] * y.shape[1], "params": ols(x, yt)}
    return random_effects(block, y)


def random_effects(block: Block, y: np.ndarray) -> dict[str, Any]:
    """Swamy-Arora random effects of every column of ``y``.

    The within and between regressions are solved for all columns at once; the
    quasi-demeaning weight theta depends on each column's variance components, so the
    last regression is solved column by column.
    """
    within: Demean = block.transform
    x, xw, xbar = block.x, block.extra["xw"], block.extra["xbar"]
    yw = within(y) + (y.mean(axis=0) if block.has_const else 0.0)
    weps = yw - xw @ lstsq(xw, yw)[0]
    ybar = within.means(y)
    wu = ybar - xbar @ lstsq(xbar, ybar)[0]
    n, n_e = len(y), len(within.counts)
    df_within = n - n_e - block.extra["rank_within"]
    df_between = n_e - block.extra["rank_between"]
    if df_within <= 0:
        raise ValueError(
            "The variance of the idiosyncratic error cannot be estimated since "
            "the within regression has no residual degrees of freedom"
        )
    if df_between <= 0:
        raise ValueError(
            "The variance of the effects cannot be estimated since the between "
            "regression has no residual degrees of freedom"
        )
    t = within.counts
    t_bar = n_e / (1.0 / t).sum()
    ys, xs, params = [], [], []
    for j in range(y.shape[1]):
        sigma2_e = float(weps[:, j] @ weps[:, j]) / df_within
        sigma2_u = max(0.0, float(wu[:, j] @ wu[:, j]) / df_between - sigma2_e / t_bar)
        theta = (1.0 - np.sqrt(sigma2_e / (t * sigma2_u + sigma2_e)))[within.codes]
        wy = y[:, j] - theta * ybar[within.codes, j]
        wx = x - theta[:, None] * xbar[within.codes]
        ys.append(wy)
        xs.append(wx)
        params.append(ols(wx, wy))
    return {"y": np.column_stack(ys), "x": xs, "params": np.column_stack(params)}
