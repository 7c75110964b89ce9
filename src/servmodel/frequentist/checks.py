"""Checks before fitting: a singular design, regressors that the effects absorb.

A linear-algebra failure deep inside an estimator says nothing about the model; these
checks name the variable, say why it cannot be estimated and what to do instead.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from servmodel.errors import EstimationError
from servmodel.frequentist.design import INTERCEPT

# Relative size below which a column counts as zero (after removing what the estimator
# removes), scaled by the column's size before: the check does not depend on units.
TOL = 1e-9


def _column_scale(x: np.ndarray) -> np.ndarray:
    scale = np.sqrt((x**2).sum(axis=0))
    scale[scale == 0] = 1.0
    return scale


def dependent_columns(
    x: np.ndarray, scale: np.ndarray | None = None
) -> list[tuple[int, list[int]]]:
    """Columns that are linear combinations of others.

    Returns
    -------
    list of (column, columns it combines)
        For each dependent column (in the order a pivoted QR finds them), the independent
        columns with a non-negligible weight in the combination.
    """
    if x.shape[1] == 0:
        return []
    s = _column_scale(x) if scale is None else scale
    xs = x / s
    _, r, piv = linalg.qr(xs, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    tol = TOL * max(1.0, diag[0] if len(diag) else 1.0) * max(x.shape)
    rank = int((diag > tol).sum())
    if rank == x.shape[1]:
        return []
    independent = sorted(piv[:rank].tolist())
    out = []
    for j in sorted(piv[rank:].tolist()):
        if independent:
            coef = np.linalg.lstsq(xs[:, independent], xs[:, j], rcond=None)[0]
            partners = [independent[i] for i in np.flatnonzero(np.abs(coef) > 1e-6)]
        else:
            partners = []
        out.append((j, partners))
    return out


def check_not_singular(x: np.ndarray, names: tuple[str, ...], source: str) -> None:
    """Raise ``EstimationError`` naming the regressors that make ``x`` singular."""
    if x.shape[0] < x.shape[1]:
        raise EstimationError(
            f"{source}: {x.shape[0]} observations for {x.shape[1]} "
            "coefficients; the model cannot be estimated"
        )
    deps = dependent_columns(x)
    if not deps:
        return
    j, partners = deps[0]
    col = x[:, j]
    if np.all(col == col[0]):
        what = f"{names[j]} is {col[0]:g} in every observation of the sample" + (
            " (collinear with the intercept)" if partners else ""
        )
    elif partners:
        what = f"{names[j]} is a linear combination of {', '.join(names[p] for p in partners)}"
    else:
        what = f"{names[j]} is zero in every observation"
    more = f" ({len(deps) - 1} more such column(s))" if len(deps) > 1 else ""
    raise EstimationError(
        f"{source}: singular design: {what}{more}; remove it from the "
        "formula or widen the data selection"
    )


def _group_range_zero(x: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Columns whose values are the same within every group (up to rounding)."""
    counts = np.bincount(codes, minlength=n_groups)
    counts[counts == 0] = 1
    out = np.empty(x.shape[1], dtype=bool)
    # contiguous columns: bincount would copy each strided column first
    x = np.asfortranarray(x)
    dev = np.empty(x.shape[0])
    for j in range(x.shape[1]):
        col = x[:, j]
        means = np.bincount(codes, weights=col, minlength=n_groups) / counts
        # deviations from the group means in one reused buffer ('clip': the codes are
        # valid, and 'raise' would buffer the output)
        np.take(means, codes, out=dev, mode="clip")
        np.subtract(col, dev, out=dev)
        # largest absolute values from max and min: no array of absolute values
        spread = max(float(dev.max()), -float(dev.min()))
        size = max(float(col.max()), -float(col.min()))
        out[j] = spread <= TOL * max(size, 1e-300)
    return out


def demean(
    x: np.ndarray, codes: np.ndarray, n_groups: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """``x`` minus its (weighted) group means."""
    w = np.ones(len(codes)) if weights is None else weights
    sw = np.bincount(codes, weights=w, minlength=n_groups)
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        m = np.bincount(codes, weights=w * x[:, j], minlength=n_groups) / sw
        out[:, j] = x[:, j] - m[codes]
    return out


_ABSORB_HELP = {
    "entity": (
        "does not vary within country x industry, so the entity fixed effects absorb "
        "it; interact it with time (e.g. {name}:trend), or estimate it with "
        "estimator = 're' or 'mundlak' (within-between)"
    ),
    "time": (
        "is the same for every unit in a year, so the year effects absorb it; remove it "
        "or use effects = 'entity'"
    ),
    "fd": (
        "does not change over time within country x industry, so first differences remove "
        "it; interact it with time (e.g. {name}:trend), or use estimator = 're' or 'mundlak'"
    ),
}


def check_absorbed(
    x: np.ndarray,
    names: tuple[str, ...],
    estimator: str,
    effects: str | None,
    entity: np.ndarray,
    time: np.ndarray,
    source: str,
) -> None:
    """Raise ``EstimationError`` if the estimator's transformation removes a regressor.

    Fixed effects remove what is constant within an entity (entity effects) or within a
    year (time effects); first differences remove what is constant within an entity.
    With one-way effects the demeaned design is also checked for combinations of
    regressors that the effects make collinear.
    """
    # the intercept is constant everywhere by design; fixed-effects models keep it (as
    # xtreg and reghdfe report _cons: the average of the effects)
    keep = [j for j, n in enumerate(names) if n != INTERCEPT]
    # contiguous columns: the checks below read the data column by column
    x = np.asfortranarray(x[:, keep])
    names = tuple(names[j] for j in keep)
    if x.shape[1] == 0:
        return
    n_e = int(entity.max()) + 1
    n_t = int(time.max()) + 1
    checks: list[tuple[str, np.ndarray, int]] = []
    if estimator == "fe" and effects in ("entity", "twoway"):
        checks.append(("entity", entity, n_e))
    if estimator == "fe" and effects in ("time", "twoway"):
        checks.append(("time", time, n_t))
    if estimator == "fd":
        checks.append(("fd", entity, n_e))
    absorbed: list[tuple[str, str]] = []
    for kind, codes, n in checks:
        flat = _group_range_zero(x, codes, n)
        absorbed += [(names[j], kind) for j in np.flatnonzero(flat)]
    if absorbed:
        name, kind = absorbed[0]
        others = [n for n, _ in absorbed[1:]]
        more = f" (so are: {', '.join(others)})" if others else ""
        raise EstimationError(f"{source}: {name} {_ABSORB_HELP[kind].format(name=name)}{more}")
    if len(checks) == 1:
        # one-way: demeaning is exact, so combinations made collinear are found here; for
        # two-way effects linearmodels' own check reports them (translated by the adapter)
        kind, codes, n = checks[0]
        xd = demean(x, codes, n) if kind != "fd" else _first_differences(x, entity, time)
        deps = dependent_columns(xd, _column_scale(x))
        if deps:
            j, partners = deps[0]
            with_ = ", ".join(names[p] for p in partners) or "the effects"
            what = "entity effects" if kind in ("entity", "fd") else "year effects"
            if kind == "fd":
                what = "first differences"
            raise EstimationError(
                f"{source}: after removing the {what}, {names[j]} is collinear with {with_}; "
                "remove one of them from the formula"
            )


def _first_differences(x: np.ndarray, entity: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Differences of consecutive years within each entity (rows sorted by entity, year)."""
    same = (entity[1:] == entity[:-1]) & (time[1:] == time[:-1] + 1)
    return (x[1:] - x[:-1])[same]
