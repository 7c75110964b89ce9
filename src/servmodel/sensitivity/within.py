"""Exact within transformations on integer codes, built once per sample and applied to
any number of columns (Frisch-Waugh-Lovell).

Removing unit means, year means or both is a linear projection that depends only on the
rows of the sample, not on the variables. One :class:`Within` per sample is built and
applied to every regressor and every dependent variable of the specifications that share
that sample, instead of repeating the work inside each model fit.

Two-way effects are removed exactly, as linearmodels does (demean by the dimension with
more levels, then project out the dummies of the other one), but without forming the
n x (T - 1) dummy matrix: the normal equations of the dummies are assembled from the
unit-by-year cell counts, so memory and time stay linear in the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def group_sums(codes: np.ndarray, z: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``z`` (n x m) within each group: an (n_groups x m) array."""
    return (
        np.column_stack(
            [np.bincount(codes, weights=z[:, j], minlength=n_groups) for j in range(z.shape[1])]
        )
        if z.shape[1]
        else np.zeros((n_groups, 0))
    )


@dataclass(frozen=True, eq=False)
class Demean:
    """Removes group means (one categorical variable)."""

    codes: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray) -> Demean:
        """The operator for integer ``codes`` (0..G-1)."""
        counts = np.bincount(codes).astype(float)
        return cls(codes, counts)

    def means(self, z: np.ndarray) -> np.ndarray:
        """Group means of the columns of ``z`` (G x m)."""
        return group_sums(self.codes, z, len(self.counts)) / self.counts[:, None]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return z - self.means(z)[self.codes]


@dataclass(frozen=True, eq=False)
class TwoWay:
    """Removes unit and year effects exactly.

    ``outer`` demeans by the dimension with more levels; the dummies of the other
    dimension (``inner``, first level dropped), once demeaned, are projected out through
    their normal equations ``A c = b``, with ``A = diag(n_d) - C' diag(1 / n_g) C`` from
    the cell counts ``C``.
    """

    outer: Demean
    inner: np.ndarray
    n_inner: int
    cells: np.ndarray
    pinv: np.ndarray

    @classmethod
    def of(cls, entity: np.ndarray, time: np.ndarray) -> TwoWay:
        """The operator for unit codes ``entity`` and year codes ``time``."""
        n_e, n_t = int(entity.max()) + 1, int(time.max()) + 1
        outer_codes, inner, n_inner = (entity, time, n_t) if n_e > n_t else (time, entity, n_e)
        outer = Demean.of(outer_codes)
        cells = np.zeros((len(outer.counts), n_inner))
        np.add.at(cells, (outer_codes, inner), 1.0)
        a = np.diag(cells.sum(axis=0)) - cells.T @ (cells / outer.counts[:, None])
        # first level dropped, as linearmodels' dummies(drop_first=True); the pseudo-inverse
        # also covers designs whose unit-year graph is not connected
        pinv = np.linalg.pinv(a[1:, 1:], hermitian=True) if n_inner > 1 else np.zeros((0, 0))
        return cls(outer, inner, n_inner, cells, pinv)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        zt = self.outer(z)
        if self.n_inner <= 1:
            return zt
        b = group_sums(self.inner, zt, self.n_inner)[1:]
        c = np.vstack([np.zeros((1, z.shape[1])), self.pinv @ b])
        # M_outer (D c) = D c - (outer means of D c), the means from the cell counts
        dc_means = (self.cells @ c) / self.outer.counts[:, None]
        return zt - c[self.inner] + dc_means[self.outer.codes]


@dataclass(frozen=True, eq=False)
class FirstDifference:
    """Differences between a unit's consecutive years (rows sorted by unit, then year).

    As in linearmodels, a difference is taken only between adjacent years of the sample:
    never across a gap, never across units.
    """

    later: np.ndarray

    @classmethod
    def of(cls, entity: np.ndarray, time: np.ndarray) -> FirstDifference:
        """The operator for rows sorted by ``entity`` and ``time``."""
        valid = (entity[1:] == entity[:-1]) & (time[1:] == time[:-1] + 1)
        return cls(np.flatnonzero(valid) + 1)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return z[self.later] - z[self.later - 1]
