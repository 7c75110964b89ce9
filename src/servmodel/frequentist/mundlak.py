"""Mundlak (1978) / correlated random effects: random effects plus the entity means of the
time-varying regressors.

With the means in the model, the random-effects GLS slopes of the time-varying regressors
equal the fixed-effects (within) slopes exactly, balanced panel or not (Wooldridge 2019,
"Correlated random effects models with unbalanced panels", J. Econometrics 211), while
time-invariant regressors such as the technology class keep a coefficient. The joint test
that the means' coefficients are zero is a Hausman-type test of RE against FE that stays
valid with a cluster-robust covariance.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from servmodel.frequentist.checks import TOL, _group_range_zero
from servmodel.frequentist.design import INTERCEPT, Design


def mean_name(name: str) -> str:
    """Name of the entity-mean column of ``name``."""
    return f"mean({name})"


def add_entity_means(design: Design) -> tuple[Design, tuple[str, ...], tuple[str, ...]]:
    """Append the (weighted) entity means of the time-varying columns of ``design``.

    A mean that is a linear combination of the columns already in the model (the mean of
    ``trend`` in a balanced panel is the same for every entity, i.e. a multiple of the
    intercept) adds nothing and is left out; the span, and so the slopes, are unchanged.

    Returns
    -------
    (Design, tuple, tuple)
        The augmented design, the mean columns added, the mean columns left out.
    """
    x = design.x
    n_e = int(design.entity.max()) + 1
    constant = _group_range_zero(x, design.entity, n_e)
    varying = [j for j, n in enumerate(design.names) if n != INTERCEPT and not constant[j]]
    w = np.ones(design.nobs) if design.weights is None else design.weights
    sw = np.bincount(design.entity, weights=w, minlength=n_e)
    current = x.copy()
    names = list(design.names)
    added: list[str] = []
    omitted: list[str] = []
    for j in varying:
        m = (np.bincount(design.entity, weights=w * x[:, j], minlength=n_e) / sw)[design.entity]
        norm = float(np.sqrt(m @ m))
        if norm == 0.0:
            omitted.append(mean_name(design.names[j]))
            continue
        coef = np.linalg.lstsq(current, m, rcond=None)[0]
        resid = m - current @ coef
        if float(np.sqrt(resid @ resid)) <= 1e3 * TOL * norm:
            omitted.append(mean_name(design.names[j]))
            continue
        current = np.column_stack([current, m])
        names.append(mean_name(design.names[j]))
        added.append(mean_name(design.names[j]))
    return (
        replace(design, x=np.ascontiguousarray(current), names=tuple(names)),
        tuple(added),
        tuple(omitted),
    )


def nearly_collinear_means(
    design: Design, means: tuple[str, ...], threshold: float = 0.999
) -> list[tuple[str, float]]:
    """Mean columns whose R-squared on the other regressors exceeds ``threshold``.

    Such a mean is identified only by small differences between units (e.g. of the mean of
    a trend in a nearly balanced panel), so it makes the coefficients of the regressors it
    nearly repeats imprecise; the caller reports it.
    """
    out = []
    for name in means:
        j = design.names.index(name)
        m = design.x[:, j]
        others = np.delete(design.x, j, axis=1)
        resid = m - others @ np.linalg.lstsq(others, m, rcond=None)[0]
        centred = m - m.mean()
        tss = float(centred @ centred)
        if tss > 0:
            r2 = 1.0 - float(resid @ resid) / tss
            if r2 > threshold:
                out.append((name, r2))
    return out


def mundlak_design(design: Design) -> tuple[Design, tuple[str, ...], list[str]]:
    """The Mundlak design: ``design`` with the entity means, the mean terms added, and
    notes on means left out or nearly collinear."""
    augmented, added, omitted = add_entity_means(design)
    notes = []
    if omitted:
        notes.append(
            f"{', '.join(omitted)} left out: collinear with the other regressors "
            "(e.g. the same mean in every entity of a balanced panel); the slopes "
            "still equal the fixed-effects slopes"
        )
    for name, r2 in nearly_collinear_means(augmented, added):
        notes.append(
            f"{name} is nearly collinear with the other regressors (R-squared "
            f"{r2:.6f}), so the coefficients of the regressors it nearly repeats are "
            "imprecise; centre time variables (e.g. center(trend)) so that the means "
            "of their interactions do not repeat time-invariant terms"
        )
    return augmented, added, notes
