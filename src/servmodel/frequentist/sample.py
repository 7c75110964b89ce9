"""The dependent variable of the estimation sample: ``[dependent]`` applied to the measure
of the rows chosen by ``[data]`` (see :func:`servmodel.spec.select.select_rows`), every
dropped row counted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from servmodel.errors import EstimationError
from servmodel.frequentist.arrays import PanelArrays
from servmodel.spec import DependentSpec


@dataclass(frozen=True)
class Dependent:
    """The transformed dependent variable.

    Attributes
    ----------
    values
        Transformed values for the rows kept (finite).
    keep
        Which selected rows are kept.
    label
        Name in tables, e.g. ``log(direct)``.
    dropped
        ``(reason, rows)`` pairs.
    """

    values: np.ndarray
    keep: np.ndarray
    label: str
    dropped: tuple[tuple[str, int], ...]


def _first_key(arrays: PanelArrays, positions: np.ndarray, mask: np.ndarray) -> str:
    p = positions[np.flatnonzero(mask)[:1]]
    return (
        f"{arrays.labels_at('country', p)[0]} {arrays.labels_at('industry', p)[0]} "
        f"{arrays.year[p][0]}"
    )


def transform_dependent(
    arrays: PanelArrays, positions: np.ndarray, measure: str, dep: DependentSpec, source: str
) -> Dependent:
    """Apply ``[dependent]`` to the measure of the selected rows.

    Rows with a missing measure are dropped and counted. Exact zeros (and, for ``logit``,
    exact ones) follow the spec's rule; values outside the transform's domain stop the fit,
    so the dependent variable never holds an infinity or a NaN.
    """
    v = arrays.column(measure)[positions].astype(float, copy=False)
    keep = np.isfinite(v)
    dropped: list[tuple[str, int]] = []
    if not keep.all():
        dropped.append((f"missing {measure}", int((~keep).sum())))
    if not keep.any():
        raise EstimationError(
            f"{source}: no observations left: {measure} is missing in all {len(v)} selected rows"
        )
    if dep.transform == "level":
        return Dependent(v[keep], keep, measure, tuple(dropped))
    label = (
        f"{dep.transform}({measure} + {dep.offset:g})"
        if dep.zeros == "offset"
        else f"{dep.transform}({measure})"
    )
    with np.errstate(invalid="ignore"):
        bad = keep & ((v < 0) | (v > 1)) if dep.transform == "logit" else keep & (v < 0)
    if bad.any():
        domain = "[0, 1]" if dep.transform == "logit" else ">= 0"
        raise EstimationError(
            f"{source}: [dependent] transform = {dep.transform!r}: {int(bad.sum())} rows of "
            f"{measure} are outside {domain} (e.g. {_first_key(arrays, positions, bad)} = "
            f"{v[bad][0]:.6g}); use transform = 'level' or another measure"
        )
    edge = keep & ((v == 0) | (v == 1)) if dep.transform == "logit" else keep & (v == 0)
    n_edge = int(edge.sum())
    what = "exactly 0" if dep.transform == "log" else "exactly 0 or 1"
    if n_edge and dep.zeros == "error":
        raise EstimationError(
            f"{source}: {n_edge} rows of {measure} are {what} (e.g. "
            f"{_first_key(arrays, positions, edge)}), so {dep.transform} is -inf or inf (NaN "
            "in the dependent variable); set [dependent] zeros = 'drop' (rows are counted) "
            "or 'offset' with offset = c"
        )
    if n_edge and dep.zeros == "drop":
        keep = keep & ~edge
        dropped.append((f"{measure} {what} ({dep.transform} undefined)", n_edge))
    if not keep.any():
        reasons = "; ".join(f"{n} {r}" for r, n in dropped)
        raise EstimationError(
            f"{source}: no observations left: all {len(v)} selected rows were "
            f"dropped ({reasons}); change [data] or [dependent]"
        )
    x = v[keep]
    c = dep.offset if dep.zeros == "offset" and dep.offset is not None else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        if dep.transform == "log":
            y = np.log(x + c)
        else:
            # with c > 0 the empirical logit log((y + c) / (1 - y + c))
            y = np.log(x + c) - np.log(1.0 - x + c)
    if not np.isfinite(y).all():
        raise EstimationError(
            f"{source}: {int((~np.isfinite(y)).sum())} rows give NaN or infinity in {label}; "
            f"check [dependent] (transform {dep.transform!r}, zeros {dep.zeros!r})"
        )
    return Dependent(y, keep, label, tuple(dropped))
