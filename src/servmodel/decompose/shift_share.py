"""Shift-share arithmetic on plain arrays: the symmetric within / composition split.

For an aggregate ``sum_j w_j a_j`` (w output shares, a intensities) observed in a base
state 0 and a target state 1 (two years, or a comparator and an economy), the change splits
exactly into

- ``within``: ``sum_j wbar_j (a1_j - a0_j)``, intensities change at average weights;
- ``composition``: ``sum_j abar_j (w1_j - w0_j)``, the mix changes at average intensities;

with ``wbar`` and ``abar`` the averages of the two states. Because both use averages, the
two parts add up to the change with no residual (industry by industry).

Missing values. An industry without a value in one state (no panel row there, because
its gross output was zero, or an undefined measure, NaN) has weight 0 in that state, so the
shares are those of the output-weighted aggregate that skips it, as every aggregate of the
panel does. Its intensity in that state is taken to be that of the other state: its whole
contribution (``w1 a1`` on entry, ``-w0 a0`` on exit) then counts as composition, since an
industry appearing or disappearing changes the mix, not any industry's purchases. (With
``w0 = 0`` the split of ``w1 a1`` is exact for any stand-in ``a0``; this choice puts
nothing into ``within``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ShiftShare:
    """The split of one or many aggregates; arrays have the shape of the inputs.

    Attributes
    ----------
    weight0, weight1
        Output shares in each state (0 where an industry has no value); along the last
        axis they sum to 1, or are all 0 where a state has no industry with a value.
    intensity0, intensity1
        Intensities used, with the stand-in of the other state for a missing value (0
        where both are missing).
    within, composition
        Contributions per industry.
    level0, level1
        The aggregates (last axis summed out); NaN where a state has no value.
    """

    weight0: np.ndarray
    weight1: np.ndarray
    intensity0: np.ndarray
    intensity1: np.ndarray
    within: np.ndarray
    composition: np.ndarray
    level0: np.ndarray
    level1: np.ndarray

    @property
    def change(self) -> np.ndarray:
        """Contribution of each industry to the change: ``w1 a1 - w0 a0``."""
        return self.weight1 * self.intensity1 - self.weight0 * self.intensity0


def presence(output: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Where an industry counts in an aggregate: positive output and a defined value."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & np.isfinite(output) & (output > 0)


def shares(output: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Output shares along the last axis over the ``present`` industries (all 0 if none)."""
    x = np.where(present, output, 0.0)
    total = x.sum(axis=-1, keepdims=True)
    return np.divide(x, total, out=np.zeros_like(x), where=total > 0)


def shift_share(
    output0: np.ndarray,
    values0: np.ndarray,
    output1: np.ndarray,
    values1: np.ndarray,
    present0: np.ndarray | None = None,
    present1: np.ndarray | None = None,
) -> ShiftShare:
    """Split the change of output-weighted aggregates into within and composition.

    Parameters
    ----------
    output0, values0, output1, values1
        Gross output and intensity per industry (last axis) in the base and target
        state; NaN output or value (or output <= 0) marks an industry without a value.
        Leading axes (countries, years, ...) are carried along.
    present0, present1
        Which industries count in each state; by default :func:`presence`. The sourcing
        split passes the presence of ``direct`` so that its parts share its weights.

    Returns
    -------
    ShiftShare
    """
    a0 = np.asarray(values0, dtype=float)
    a1 = np.asarray(values1, dtype=float)
    x0 = np.asarray(output0, dtype=float)
    x1 = np.asarray(output1, dtype=float)
    p0 = presence(x0, a0) if present0 is None else np.asarray(present0, dtype=bool)
    p1 = presence(x1, a1) if present1 is None else np.asarray(present1, dtype=bool)
    w0, w1 = shares(x0, p0), shares(x1, p1)
    # the stand-in of a missing value is the other state's value (0 if both are missing)
    c0 = np.where(p0, a0, np.where(p1, a1, 0.0))
    c1 = np.where(p1, a1, np.where(p0, a0, 0.0))
    within = 0.5 * (w0 + w1) * (c1 - c0)
    composition = 0.5 * (c0 + c1) * (w1 - w0)
    level0 = np.where(p0.any(axis=-1), (w0 * c0).sum(axis=-1), np.nan)
    level1 = np.where(p1.any(axis=-1), (w1 * c1).sum(axis=-1), np.nan)
    return ShiftShare(w0, w1, c0, c1, within, composition, level0, level1)


def constant_weight_levels(
    output_base: np.ndarray, present_base: np.ndarray, values: np.ndarray
) -> np.ndarray:
    """Aggregates of ``values`` (years on the leading axes) at fixed base-state weights.

    An industry without a value in a year is left out of that year and the base weights of
    the others are rescaled to sum to 1 (an industry absent in the base year has weight 0
    throughout).
    """
    v = np.asarray(values, dtype=float)
    w = np.where(present_base, output_base, 0.0) * np.isfinite(v)
    total = w.sum(axis=-1)
    num = (w * np.where(np.isfinite(v), v, 0.0)).sum(axis=-1)
    return np.divide(num, total, out=np.full(np.shape(total), np.nan), where=total > 0)
