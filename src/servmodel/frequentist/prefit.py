"""Everything before the fit, shared by both estimation backends.

:func:`servmodel.frequentist.fit` (one model through linearmodels) and the batch engine
(:mod:`servmodel.frequentist.batch`, many models on arrays) form the estimation sample and
check the design here, so that the same rows, regressors and messages come out of both:

1. :func:`select_sample`: the rows of ``[data]`` and the ``[dependent]`` transform of the
   measure (rows it cannot take dropped and counted);
2. :func:`sample_design`: the formula on those rows (rows with a missing regressor dropped
   and counted; first differences without the intercept);
3. :func:`check_design`: a formula that the estimator cannot estimate (only an
   intercept, no terms), a singular design, regressors the effects or first differences
   absorb, regressors whose entity means the between estimator cannot separate.

The backends cache these stages differently (the engine once per distinct input), never
repeat them in their own code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from servmodel.errors import EstimationError
from servmodel.frequentist.arrays import PanelArrays
from servmodel.frequentist.checks import (
    TOL,
    check_absorbed,
    check_not_singular,
    dependent_columns,
)
from servmodel.frequentist.design import INTERCEPT, Design, build_design
from servmodel.frequentist.sample import transform_dependent
from servmodel.spec import DataSelection, DependentSpec
from servmodel.spec.select import select_rows


@dataclass(frozen=True)
class EstimationSample:
    """The rows of one ``[data]`` + ``[dependent]`` pair and their dependent variable.

    Attributes
    ----------
    positions
        Panel rows kept (selected, with a dependent value the transform can take).
    y
        The transformed dependent variable of those rows.
    label
        Its name in tables, e.g. ``log(direct)``.
    dropped
        ``(reason, rows)`` pairs of the transform.
    rows_selected
        Rows chosen by ``[data]``, before the transform dropped any.
    trend_origin
        The first selected year (``trend`` is 0 there, whatever rows are dropped later).
    """

    positions: np.ndarray
    y: np.ndarray
    label: str
    dropped: tuple[tuple[str, int], ...]
    rows_selected: int
    trend_origin: int


def select_sample(
    arrays: PanelArrays, data: DataSelection, dependent: DependentSpec, source: str
) -> EstimationSample:
    """Select the rows of ``data`` and transform their measure by ``dependent``.

    Raises
    ------
    SpecError
        ``data`` names something the panel does not hold.
    EstimationError
        No rows left, or values outside the transform's domain.
    """
    selection = select_rows(arrays.codes, data, source)
    positions = selection.positions
    trend_origin = int(arrays.year[positions].min())
    dep = transform_dependent(arrays, positions, data.measure, dependent, source)
    if not dep.keep.all():
        positions = positions[dep.keep]
    return EstimationSample(
        positions, dep.values, dep.label, dep.dropped, len(selection.positions), trend_origin
    )


def sample_design(
    arrays: PanelArrays,
    sample: EstimationSample,
    formula: str,
    variables: list[str],
    estimator: str,
    source: str,
    *,
    weights: np.ndarray | None = None,
    y: np.ndarray | None = None,
) -> tuple[Design, int]:
    """The design of ``formula`` on the sample's rows (unchecked).

    ``y`` replaces the sample's dependent variable as the design's ``y`` (the batch engine
    passes row keys, to put any dependent variable in the design's row order later).

    Returns
    -------
    (Design, int)
        The design and the rows dropped for missing regressor values.
    """
    return build_design(
        arrays,
        sample.positions,
        sample.y if y is None else y,
        formula,
        variables,
        sample.trend_origin,
        weights,
        # a constant in first differences is a trend in levels: it is written as trend
        drop_intercept=estimator == "fd",
        source=source,
    )


def check_design(design: Design, estimator: str, effects: str | None, source: str) -> None:
    """Stop with the reason when ``estimator`` cannot estimate the design.

    Raises
    ------
    EstimationError
        Only an intercept for fixed effects or first differences; no terms; a singular
        design; a regressor absorbed by the effects or removed by first differences; for
        the between estimator, collinear entity means.
    """
    if not any(n != INTERCEPT for n in design.names) and estimator in ("fe", "fd"):
        raise EstimationError(
            f"{source}: the formula has no regressor besides the intercept, "
            f"which estimator {estimator!r} cannot estimate alone; add a "
            "variable"
        )
    if design.x.shape[1] == 0:
        raise EstimationError(f"{source}: the formula has no terms (not even an intercept)")
    if not clearly_full_rank(design.x):
        check_not_singular(design.x, design.names, source)
    check_absorbed(design.x, design.names, estimator, effects, design.entity, design.time, source)
    if estimator == "between":
        _check_between(design, source)


def clearly_full_rank(x: np.ndarray) -> bool:
    """True when ``check_not_singular`` cannot object: every diagonal element of a QR of
    the unit-norm columns, whatever their order, is at least their smallest singular value,
    so a smallest singular value well above the check's tolerance settles it from the
    k x k Gram matrix, without the check's pivoted QR of all rows."""
    if x.shape[0] < x.shape[1]:
        return False
    gram = x.T @ x
    norms = np.sqrt(np.diag(gram)).copy()
    norms[norms == 0.0] = 1.0
    smallest = float(np.linalg.eigvalsh(gram / np.outer(norms, norms))[0])
    return smallest > 0.0 and np.sqrt(smallest) > 10 * TOL * max(x.shape)


def _check_between(design: Design, source: str) -> None:
    """The between estimator regresses entity means: a regressor whose mean is the same
    for every entity (``trend`` in a balanced panel) cannot be estimated."""
    n_e = int(design.entity.max()) + 1
    counts = np.bincount(design.entity, minlength=n_e)
    means = np.column_stack(
        [
            np.bincount(design.entity, weights=design.x[:, j], minlength=n_e) / counts
            for j in range(design.x.shape[1])
        ]
    )
    deps = dependent_columns(means)
    if deps:
        j, partners = deps[0]
        with_ = ", ".join(design.names[p] for p in partners)
        raise EstimationError(
            f"{source}: between estimator: the entity means of {design.names[j]} are "
            f"collinear with {with_ or 'the other regressors'} (e.g. every entity has the same "
            "mean of a time variable in a balanced panel); remove it from the formula"
        )
