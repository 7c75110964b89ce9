"""Exact within transformations on integer codes, built once per sample and applied to
any number of columns (Frisch-Waugh-Lovell).

Removing unit means, year means or both is a linear projection that depends only on the
rows of the sample, not on the variables. One operator per sample is built and applied to
every regressor and every dependent variable of the specifications that share that
sample, instead of repeating the work inside each model fit.

Two-way effects are removed exactly, as linearmodels does (demean by the dimension with
more levels, then project out the dummies of the other one), but without forming the
n x (T - 1) dummy matrix: the normal equations of the dummies are assembled from the
unit-by-year cell counts, and each column needs only its sums per unit-year cell. A column
thus costs two passes over the rows (one ``bincount``, one gather), against the dozens of
passes of alternating projections (as in pyfixest) to a tolerance, and the result is exact
to rounding; the one dense solve is a (T - 1) x (T - 1) pseudo-inverse, made once per
sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def group_sums(codes: np.ndarray, z: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``z`` (n x m) within each group: an (n_groups x m) array."""
    if not z.shape[1]:
        return np.zeros((n_groups, 0))
    # bincount copies a strided column before summing it: one copy of all columns in
    # column order is several times cheaper than one per column
    cols = np.asfortranarray(z)
    return np.column_stack(
        [np.bincount(codes, weights=cols[:, j], minlength=n_groups) for j in range(z.shape[1])]
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
        cols = np.asfortranarray(z)
        means = self.means(cols)
        out = np.empty_like(cols)
        for j in range(cols.shape[1]):
            # mode 'clip' (the codes are valid): 'raise' would buffer the output
            np.take(means[:, j], self.codes, out=out[:, j], mode="clip")
            np.subtract(cols[:, j], out[:, j], out=out[:, j])
        return out


@dataclass(frozen=True, eq=False)
class TwoWay:
    """Removes unit and year effects exactly.

    ``outer`` is the dimension with more levels, ``inner`` the other. The dummies of the
    inner dimension (first level dropped), once outer-demeaned, are projected out through
    their normal equations ``A c = b``, with ``A = diag(n_d) - C' diag(1 / n_g) C`` from
    the cell counts ``C``. Every sum the projection needs comes from the sums of each
    outer x inner cell, so a column costs one ``bincount`` over the rows and one gather,
    whatever the number of levels.
    """

    cell: np.ndarray
    outer_counts: np.ndarray
    cells: np.ndarray
    pinv: np.ndarray

    @classmethod
    def of(cls, entity: np.ndarray, time: np.ndarray) -> TwoWay:
        """The operator for unit codes ``entity`` and year codes ``time``."""
        n_e, n_t = int(entity.max()) + 1, int(time.max()) + 1
        outer, inner, n_outer, n_inner = (
            (entity, time, n_e, n_t) if n_e > n_t else (time, entity, n_t, n_e)
        )
        # rows sorted by entity and year give increasing cell codes when the entity is
        # the outer dimension: the sums and the gather below then read memory in order
        cell = outer * n_inner + inner
        cells = np.bincount(cell, minlength=n_outer * n_inner).astype(float)
        cells = cells.reshape(n_outer, n_inner)
        outer_counts = cells.sum(axis=1)
        a = np.diag(cells.sum(axis=0)) - cells.T @ (cells / outer_counts[:, None])
        # first level dropped, as linearmodels' dummies(drop_first=True); the pseudo-inverse
        # also covers designs whose unit-year graph is not connected
        pinv = np.linalg.pinv(a[1:, 1:], hermitian=True) if n_inner > 1 else np.zeros((0, 0))
        return cls(cell, outer_counts, cells, pinv)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        n_outer, n_inner = self.cells.shape
        cols = np.asfortranarray(z)
        out = np.empty_like(cols)
        # column by column on contiguous arrays: bincount and the gather read memory in
        # order, the per-cell arrays are small and contiguous
        for j in range(cols.shape[1]):
            sums = np.bincount(self.cell, weights=cols[:, j], minlength=n_outer * n_inner)
            sums = sums.reshape(n_outer, n_inner)
            outer_means = sums.sum(axis=1) / self.outer_counts
            # inner sums of the outer-demeaned column, from the cell counts
            b = sums.sum(axis=0) - self.cells.T @ outer_means
            c = np.concatenate(([0.0], self.pinv @ b[1:]))
            # z - M_outer (D c), with M_outer (D c) = D c - (outer means of D c): per
            # cell, the outer mean of z less that of D c, plus the inner coefficient
            outer_part = outer_means - (self.cells @ c) / self.outer_counts
            fitted = (outer_part[:, None] + c[None, :]).ravel()
            np.take(fitted, self.cell, out=out[:, j], mode="clip")
            np.subtract(cols[:, j], out[:, j], out=out[:, j])
        return out


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
