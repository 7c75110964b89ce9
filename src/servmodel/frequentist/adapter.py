"""The one place that calls linearmodels: build the model, fit it, read the numbers back.

Everything else in :mod:`servmodel.frequentist` works on plain arrays (:class:`Design`);
this module turns them into linearmodels' panel containers, translates its exceptions into
:class:`EstimationError` with the spec file named, and applies the small-sample
conventions of :mod:`servmodel.frequentist.dof`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from linearmodels.panel import (
    BetweenOLS,
    FirstDifferenceOLS,
    PanelOLS,
    PooledOLS,
    RandomEffects,
)
from linearmodels.panel.utility import AbsorbingEffectError

from servmodel.errors import EstimationError
from servmodel.frequentist.covariance import CovarianceSetup
from servmodel.frequentist.design import Design
from servmodel.frequentist.dof import effects_rescale
from servmodel.results.panel import VarianceComponents

ESTIMATOR_LABELS = {
    "pooled": "Pooled OLS",
    "re": "Random effects (GLS, Swamy-Arora)",
    "between": "Between (entity means)",
    "fd": "First differences",
    "mundlak": "Mundlak / correlated random effects (RE with entity means)",
}
EFFECT_LABELS = {
    "entity": "country x industry",
    "time": "year",
    "twoway": "country x industry and year",
}


def estimator_label(estimator: str, effects: str | None) -> str:
    """Readable estimator name."""
    if estimator == "fe":
        return f"Fixed effects ({EFFECT_LABELS[effects or 'entity']})"
    return ESTIMATOR_LABELS[estimator]


@dataclass(frozen=True)
class RawFit:
    """Numbers read back from a linearmodels fit (covariance already rescaled)."""

    params: np.ndarray
    cov: np.ndarray
    nobs: int
    df_model: int
    df_resid: int
    r2: float
    r2_within: float
    r2_between: float
    r2_overall: float
    variance_components: VarianceComponents | None


def panel_index(design: Design) -> pd.MultiIndex:
    """(entity, year) index of the design's rows, built from the design's codes (the
    codes are compact, so no level needs to be found again)."""
    return pd.MultiIndex(
        levels=[
            pd.RangeIndex(int(design.entity.max()) + 1),
            pd.Index(np.asarray(design.years, dtype=np.int64)),
        ],
        codes=[design.entity, design.time],
        names=["entity", "year"],
        verify_integrity=False,
    )


def build_model(
    estimator: str, effects: str | None, design: Design, index: pd.MultiIndex
) -> object:
    """The linearmodels model object for ``estimator``."""
    y = pd.Series(design.y, index=index, name="y")
    x = pd.DataFrame(design.x, index=index, columns=list(design.names))
    w = None if design.weights is None else pd.Series(design.weights, index=index)
    if estimator == "pooled":
        return PooledOLS(y, x, weights=w)
    if estimator == "fe":
        return PanelOLS(
            y,
            x,
            weights=w,
            entity_effects=effects in ("entity", "twoway"),
            time_effects=effects in ("time", "twoway"),
        )
    if estimator in ("re", "mundlak"):
        return RandomEffects(y, x, weights=w)
    if estimator == "between":
        return BetweenOLS(y, x, weights=w)
    if estimator == "fd":
        return FirstDifferenceOLS(y, x, weights=w)
    raise ValueError(f"unknown estimator {estimator!r}")


def fit_linearmodels(
    estimator: str,
    effects: str | None,
    design: Design,
    index: pd.MultiIndex,
    cov: CovarianceSetup,
    small_sample: bool,
    source: str,
) -> RawFit:
    """Fit with linearmodels and return the numbers servmodel reports.

    Raises
    ------
    EstimationError
        linearmodels refused the model (absorbed or collinear regressors, no residual
        degrees of freedom, ...); the message says which spec and why.
    """
    kwargs = dict(cov.fit_kwargs)
    if estimator == "fe":
        # The effects are counted by the nested rule below, not by linearmodels' own rule
        # (which counts every effect of a two-way model even when one is nested in the
        # clusters), so linearmodels counts none and the covariance is rescaled.
        kwargs.update(auto_df=False, count_effects=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            model = build_model(estimator, effects, design, index)
            res = model.fit(**kwargs)  # type: ignore[attr-defined]
            cov_matrix = np.asarray(res.cov, dtype=float)
    except AbsorbingEffectError as exc:
        raise absorbed_error(exc, source) from exc
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            f"{source}: the {estimator} model cannot be estimated: singular "
            f"matrix ({exc}); check the formula for collinear terms"
        ) from exc
    except ValueError as exc:
        reason = " ".join(str(exc).split())
        raise EstimationError(
            f"{source}: linearmodels cannot fit the {estimator} model: {reason}"
        ) from exc
    params = np.asarray(res.params, dtype=float)
    nobs = int(res.nobs)
    k = len(params)
    if estimator == "fe":
        cov_matrix = cov_matrix * effects_rescale(
            effects, design, cov, small_sample, nobs, k, source
        )
    vc = None
    if estimator in ("re", "mundlak"):
        theta = np.asarray(res.theta, dtype=float).ravel()
        vc = VarianceComponents(
            sigma2_effects=float(res.variance_decomposition["Effects"]),
            sigma2_idiosyncratic=float(res.variance_decomposition["Residual"]),
            rho=float(res.variance_decomposition["Percent due to Effects"]),
            theta_min=float(theta.min()),
            theta_max=float(theta.max()),
        )
    return RawFit(
        params=params,
        cov=cov_matrix,
        nobs=nobs,
        df_model=int(res.df_model),
        df_resid=int(res.df_resid),
        r2=float(res.rsquared),
        r2_within=float(res.rsquared_within),
        r2_between=float(res.rsquared_between),
        r2_overall=float(res.rsquared_overall),
        variance_components=vc,
    )


def absorbed_error(exc: AbsorbingEffectError, source: str) -> EstimationError:
    """linearmodels' absorbed-regressor error as servmodel's message, naming the variables."""
    # linearmodels lists the absorbed variables on their own lines after a colon, followed
    # by advice about its own drop_absorbed option, which does not apply here
    text = str(exc).split("Set drop_absorbed", 1)[0]
    listed = text.rsplit(":", 1)[-1] if ":" in text else text
    names = ", ".join(line.strip() for line in listed.splitlines() if line.strip())
    return EstimationError(
        f"{source}: the fixed effects absorb {names}: it is constant within country x "
        "industry or within year, or a combination of such; remove it, interact it with "
        "time, or use estimator = 're' or 'mundlak'"
    )
