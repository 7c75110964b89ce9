"""Structural decomposition of the producer-service rows of the Leontief inverse.

With ``L = (I - A)^-1`` the change between two tables is exactly
``L1 - L0 = L1 (A1 - A0) L0`` (and equally ``L0 (A1 - A0) L1``). Splitting
``A1 - A0 = sum_k dA_k`` into parts, the symmetric average
``1/2 (L1 dA_k L0 + L0 dA_k L1)`` gives each part's contribution, and the contributions
add up to ``L1 - L0`` with no residual (Dietzenbacher and Los 1998; Miller and Blair,
Input-Output Analysis, 2nd ed., 2009, ch. 13).

Only the producer-service rows summed, ``s' L`` with ``s`` the indicator of the
producer-service rows of every origin economy, are needed (the ``total`` measure of the
panel), so nothing is inverted: with ``y_t' = s' L_t`` (one transposed solve per year),
``s' L1 dA_k L0 = (y_1' dA_k) L0`` is one more transposed solve per part, for every
country-industry at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg

from servmodel.errors import DataError, UsageError
from servmodel.intensity.measures import LUFactor, factor_in_place, input_coefficients
from servmodel.io.table import IOTable

# the parts of the change in A: producer-service inputs bought from the user's own economy,
# producer-service inputs bought from other economies, every other input
PARTS: tuple[str, ...] = ("ps_domestic", "ps_imported", "other_inputs")
PART_LABELS: dict[str, str] = {
    "ps_domestic": "producer-service inputs, domestic",
    "ps_imported": "producer-service inputs, imported",
    "other_inputs": "all other inputs",
}


@dataclass(frozen=True, eq=False)
class LeontiefYear:
    """One table prepared for decompositions: its coefficients and the LU factors of I - A.

    Build it with :func:`prepare`; a year shared by two consecutive pairs is then factored
    once.
    """

    table: IOTable
    A: np.ndarray
    lu: LUFactor


def prepare(table: IOTable) -> LeontiefYear:
    """Coefficients and LU factorization of one table (``DataError`` if I - A is singular)."""
    if not isinstance(table, IOTable):
        raise UsageError(f"expected an IOTable, not {type(table).__name__}")
    A = input_coefficients(table.Z, table.x)
    lu = factor_in_place(A.copy(), table)
    A.setflags(write=False)
    return LeontiefYear(table, A, lu)


@dataclass(frozen=True, eq=False)
class StructuralDecomposition:
    """Contributions of the parts of the change in A to the change of ``s' L``.

    Attributes
    ----------
    start, end
        Years of the two tables.
    codes
        The producer-service industries (rows of L summed, in every origin economy).
    countries, industries
        Labels of the tables' columns (country-major).
    level0, level1
        ``sum over r, s in S of L[(r, s), column]`` for every column, shape (n,): the
        panel's ``total`` measure in each year.
    contributions
        Shape (parts, n): each part's contribution; along the first axis they add up to
        ``level1 - level0``.
    parts
        Names of the parts (:data:`PARTS`).
    """

    start: int
    end: int
    codes: tuple[str, ...]
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    level0: np.ndarray
    level1: np.ndarray
    contributions: np.ndarray
    parts: tuple[str, ...] = PARTS

    @property
    def change(self) -> np.ndarray:
        """``level1 - level0`` for every column."""
        return self.level1 - self.level0

    def economy(self, country: str, industries: Sequence[str] | None = None) -> pd.DataFrame:
        """One economy's columns: industry, level0, level1, change and one column per part."""
        if country not in self.countries:
            raise UsageError(
                f"economy {country!r} is not in the tables; they hold {', '.join(self.countries)}"
            )
        ni = len(self.industries)
        c = self.countries.index(country)
        wanted = list(self.industries) if industries is None else list(industries)
        pos = {code: k for k, code in enumerate(self.industries)}
        missing = [i for i in wanted if i not in pos]
        if missing:
            raise DataError(f"industries {', '.join(missing)} are not in the tables")
        cols = np.array([c * ni + pos[i] for i in wanted], dtype=int)
        frame = pd.DataFrame(
            {
                "industry": wanted,
                "level0": self.level0[cols],
                "level1": self.level1[cols],
                "change": self.change[cols],
            }
        )
        for k, part in enumerate(self.parts):
            frame[part] = self.contributions[k, cols]
        return frame


def service_indicator(table: IOTable, codes: Sequence[str]) -> np.ndarray:
    """1 on the rows of the producer-service industries of every origin economy."""
    unknown = [c for c in codes if c not in table.industries]
    if unknown or not codes:
        raise DataError(
            f"{table.source}: producer-service industries "
            f"{', '.join(unknown) or '(none)'} are not industries of the table"
        )
    per_industry = np.isin(np.asarray(table.industries), list(codes)).astype(float)
    return np.tile(per_industry, table.n_countries)


def _part_vectors(dA: np.ndarray, diagonal: np.ndarray, y: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``y' dA_k`` for each definition d and part k, shape (n, definitions x parts).

    ``y`` and ``s`` have one column per definition; ``diagonal`` holds the diagonal
    blocks of ``dA`` (supplier in the user's economy), shape (countries, ni, ni). The
    producer-service rows split into those blocks and the rest, then the other rows.
    """
    nc, ni, _ = diagonal.shape
    ys = y * s
    both = dA.T @ np.hstack([ys, y - ys])  # one pass over dA for every definition
    d = ys.shape[1]
    from_services, other = both[:, :d], both[:, d:]
    # sum over i of dA[(c, i), (c, j)] ys[(c, i)]: the user's own economy's services
    domestic = np.einsum("cij,cid->cjd", diagonal, ys.reshape(nc, ni, d)).reshape(-1, d)
    return np.stack([domestic, from_services - domestic, other], axis=2).reshape(-1, 3 * d)


def decompose_years(
    year0: LeontiefYear, year1: LeontiefYear, codes: Sequence[str]
) -> StructuralDecomposition:
    """Structural decomposition of ``s' L`` between two prepared tables.

    Parameters
    ----------
    year0, year1
        The base and the later table (:func:`prepare`), with one layout.
    codes
        Producer-service industry codes.

    Returns
    -------
    StructuralDecomposition

    Raises
    ------
    DataError
        The tables' countries or industries differ, or a code is not an industry.
    """
    return decompose_years_many(year0, year1, [tuple(codes)])[0]


def decompose_years_many(
    year0: LeontiefYear, year1: LeontiefYear, code_sets: Sequence[Sequence[str]]
) -> list[StructuralDecomposition]:
    """:func:`decompose_years` for several producer-service definitions at once: one pass
    over ``A1 - A0`` and one multi-column solve per table for all of them."""
    t0, t1 = year0.table, year1.table
    if (t0.countries, t0.industries) != (t1.countries, t1.industries):
        raise DataError(
            f"{t1.source} (year {t1.year}): countries or industries differ from "
            f"{t0.source} (year {t0.year}); a structural decomposition needs one "
            "layout"
        )
    nc, ni = t0.n_countries, t0.n_industries
    s = np.column_stack([service_indicator(t0, codes) for codes in code_sets])
    # y_t' = s' L_t: (I - A_t)' y_t = s
    y0 = scipy.linalg.lu_solve(year0.lu, s, trans=1, check_finite=False)
    y1 = scipy.linalg.lu_solve(year1.lu, s, trans=1, check_finite=False)
    dA = year1.A - year0.A
    blocks = dA.reshape(nc, ni, nc, ni)
    diagonal = np.stack([blocks[c, :, c, :] for c in range(nc)])
    # (y1' dA_k) L0 and (y0' dA_k) L1: transposed solves, one column per definition and part
    first = scipy.linalg.lu_solve(
        year0.lu, _part_vectors(dA, diagonal, y1, s), trans=1, check_finite=False
    )
    second = scipy.linalg.lu_solve(
        year1.lu, _part_vectors(dA, diagonal, y0, s), trans=1, check_finite=False
    )
    both = 0.5 * (first + second)  # columns: definition-major, then part
    out = []
    for k, codes in enumerate(code_sets):
        out.append(
            StructuralDecomposition(
                start=t0.year,
                end=t1.year,
                codes=tuple(codes),
                countries=t0.countries,
                industries=t0.industries,
                level0=y0[:, k].copy(),
                level1=y1[:, k].copy(),
                contributions=np.ascontiguousarray(both[:, 3 * k : 3 * k + 3].T),
            )
        )
    return out


def structural_decomposition(
    table0: IOTable, table1: IOTable, codes: Sequence[str]
) -> StructuralDecomposition:
    """Structural decomposition of the producer-service rows of L between two tables.

    See :func:`decompose_years`; this form factors both tables itself.
    """
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(",") if c.strip()]
    return decompose_years(prepare(table0), prepare(table1), tuple(codes))
