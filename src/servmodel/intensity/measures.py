"""Producer-service intensity measures on plain arrays (labels are added by the panel builder).

For a table with n = countries x industries, A = Z / x column-wise (zero columns where x = 0)
and L = (I - A)^-1, each function below returns an array of shape (industries, n): the
requirement of every using country-industry (columns) for each *supplying industry* summed
over origin countries (rows). A producer-service definition S is then a sum over rows in S,
so every definition, custom code lists included, reuses one pass over the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from servmodel.errors import DataError
from servmodel.io.table import IOTable

INPUT_MEASURES: tuple[str, ...] = (
    "direct",
    "direct_domestic",
    "direct_foreign",
    "share_intermediate",
    "total",
)
# services value added embodied per unit of output (servmodel.intensity.value_added)
VA_MEASURES: tuple[str, ...] = ("va_services", "va_services_domestic", "va_services_foreign")
MEASURES: tuple[str, ...] = (*INPUT_MEASURES, *VA_MEASURES)

LUFactor = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class SupplierRequirements:
    """Per-supplying-industry requirements of every country-industry, for one table.

    Each array has shape (industries, n); ``output``, ``intermediate`` and
    ``value_added`` (value added per unit of output) have shape (n,); ``lu`` is the LU
    factorization of I - A, kept for further solves with the Leontief inverse.
    """

    direct: np.ndarray
    direct_domestic: np.ndarray
    intermediate_share: np.ndarray
    total: np.ndarray
    output: np.ndarray
    intermediate: np.ndarray
    value_added: np.ndarray
    lu: LUFactor


def input_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A = Z / x by column; a column with x = 0 is all zeros."""
    scale = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x > 0)
    return Z * scale


def supplier_requirements(table: IOTable) -> SupplierRequirements:
    """Compute the per-supplier direct, domestic, share and Leontief requirements.

    The Leontief part solves (I - A)^T Y = E for an indicator E (n x industries) with a single
    LU factorization, instead of forming the inverse: Y[j, s] = sum_r L[(r, s), j].
    """
    nc, ni = table.n_countries, table.n_industries
    n = nc * ni
    A = input_coefficients(table.Z, table.x)
    by_country = A.reshape(nc, ni, n)
    direct = by_country.sum(axis=0)
    # domestic: supplier country equals the user's country -> block diagonal of A.
    # einsum returns a view of A here; copy it, since A is overwritten below.
    domestic = np.einsum("cick->ick", A.reshape(nc, ni, nc, ni)).reshape(ni, n).copy()
    intermediate = table.Z.sum(axis=0)
    z_by_supplier = table.Z.reshape(nc, ni, n).sum(axis=0)
    share = np.divide(
        z_by_supplier,
        intermediate,
        out=np.full_like(z_by_supplier, np.nan),
        where=intermediate > 0,
    )
    x = np.asarray(table.x, dtype=float)
    value_added = np.divide(x - intermediate, x, out=np.zeros_like(x), where=x > 0)
    lu = factor_in_place(A, table)  # A is not needed after this point
    indicator = np.zeros((n, ni))
    indicator[np.arange(n), np.tile(np.arange(ni), nc)] = 1.0
    total = scipy.linalg.lu_solve(lu, indicator, trans=1, check_finite=False).T
    return SupplierRequirements(
        direct=direct,
        direct_domestic=domestic,
        intermediate_share=share,
        total=np.ascontiguousarray(total),
        output=x,
        intermediate=intermediate,
        value_added=value_added,
        lu=lu,
    )


def factor_in_place(A: np.ndarray, table: IOTable) -> LUFactor:
    """LU factorization of I - A, overwriting ``A``; ``DataError`` if I - A is singular."""
    n = A.shape[0]
    np.negative(A, out=A)
    A.flat[:: n + 1] += 1.0
    with np.errstate(all="ignore"):
        lu = scipy.linalg.lu_factor(A, overwrite_a=True, check_finite=False)
    diagonal = lu[0].diagonal()
    if not np.all(np.isfinite(diagonal)) or np.any(diagonal == 0):
        raise DataError(
            f"{table.source} (year {table.year}): I - A is singular, so the Leontief inverse "
            "does not exist; check that intermediate inputs do not exceed gross output"
        )
    return lu


def definition_measures(req: SupplierRequirements, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Sum the supplier requirements over the producer-service industries ``rows``.

    Returns a dict of arrays of shape (n,) keyed by :data:`INPUT_MEASURES` (the
    value-added measures need a solve per economy: see
    :func:`servmodel.intensity.value_added.services_value_added`).
    """
    direct = req.direct[rows].sum(axis=0)
    domestic = req.direct_domestic[rows].sum(axis=0)
    return {
        "direct": direct,
        "direct_domestic": domestic,
        "direct_foreign": direct - domestic,
        "share_intermediate": req.intermediate_share[rows].sum(axis=0),
        "total": req.total[rows].sum(axis=0),
    }
