"""Services value added embodied in output and exports (the TiVA-style measures).

With x gross output, value added ``va = x - column sums of Z`` (output minus intermediate
inputs: it includes net taxes on products and, in the WIOD tables, international transport
margins, as decompr's default does), ``v = va / x`` and B = (I - A)^-1 the world Leontief
inverse, the value added of supplying country-industry i embodied in one unit of output of
country-industry j is ``v_i B[i, j]``; over all i it sums to one, since v' B = 1' (A's
column sums are 1 - v).

For a producer-service definition S and a using country-industry (c, j):

* ``va_services``: sum over i in S (every origin economy) of v_i B[i, (c, j)];
* ``va_services_domestic``: the same over i in S of economy c only;
* ``va_services_foreign``: the difference.

Only the needed combinations of B's rows are formed: with the LU factorization of I - A
that the Leontief measure already computes, one solve of (I - A)' y = w per economy c and
definition, w holding v on c's rows of S, gives y = sum over i in (c, S) of v_i B[i, :]; its
entries on c's own columns are the domestic measure and the sum of the solves over c the
total. No inverse is formed.

Gross exports of a country-industry are all its sales, intermediate and final, to other
economies. A national table (one economy) has no other economies: its exports are the
final-demand categories marked as exports, and the foreign part of value added cannot be
told apart (NaN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.linalg

from servmodel.errors import UsageError
from servmodel.intensity.measures import (
    VA_MEASURES,
    LUFactor,
    factor_in_place,
    input_coefficients,
)
from servmodel.io.table import IOTable

__all__ = [
    "VA_MEASURES",
    "factor_leontief",
    "gross_exports",
    "services_value_added",
    "value_added_by_origin",
    "value_added_coefficients",
    "value_added_in_exports",
]


def value_added_coefficients(table: IOTable) -> np.ndarray:
    """v = (x - column sums of Z) / x per country-industry; 0 where x = 0."""
    x = np.asarray(table.x, dtype=float)
    va = x - table.Z.sum(axis=0)
    return np.divide(va, x, out=np.zeros_like(x), where=x > 0)


def gross_exports(table: IOTable, export_categories: Sequence[str] = ()) -> np.ndarray:
    """Gross exports of every country-industry, shape (n,).

    In a multi-regional table: all intermediate and final sales to other economies. In a
    national table (one economy): the final-demand columns named in ``export_categories``;
    without any, the exports are unknown (NaN).
    """
    nc, ni = table.n_countries, table.n_industries
    n = nc * ni
    if nc == 1:
        cats = [k for k, c in enumerate(table.final_categories) if c in set(export_categories)]
        if not cats:
            return np.full(n, np.nan)
        return table.F[:, cats].sum(axis=1)
    nf = len(table.final_categories)
    z_by_dest = table.Z.reshape(n, nc, ni).sum(axis=2)  # (n, destination economy)
    f_by_dest = table.F.reshape(n, nc, nf).sum(axis=2) if nf else np.zeros((n, nc))
    sales = z_by_dest + f_by_dest
    own = np.repeat(np.arange(nc), ni)
    return sales.sum(axis=1) - sales[np.arange(n), own]


def services_value_added(
    lu: LUFactor,
    table: IOTable,
    v: np.ndarray,
    definition_rows: Mapping[str, np.ndarray],
) -> dict[str, dict[str, np.ndarray]]:
    """The value-added measures of every definition, each an array of shape (n,).

    Parameters
    ----------
    lu
        ``scipy.linalg.lu_factor`` of I - A.
    table
        The table (for its layout).
    v
        Value added per unit of output (:func:`value_added_coefficients`).
    definition_rows
        For each definition, the positions of its producer-service industries.

    Returns
    -------
    dict
        ``{definition: {"va_services": ..., "va_services_domestic": ...,
        "va_services_foreign": ...}}``; for a national table only the domestic part is
        known (the others are NaN).
    """
    nc, ni = table.n_countries, table.n_industries
    n = nc * ni
    names = list(definition_rows)
    # right-hand sides: per definition, one column per economy, v on that economy's S rows
    rhs = np.zeros((n, len(names) * nc))
    for d, name in enumerate(names):
        rows = np.asarray(definition_rows[name], dtype=np.int64)
        for c in range(nc):
            positions = c * ni + rows
            rhs[positions, d * nc + c] = v[positions]
    solved = scipy.linalg.lu_solve(lu, rhs, trans=1, check_finite=False)
    own = np.repeat(np.arange(nc), ni)
    out: dict[str, dict[str, np.ndarray]] = {}
    for d, name in enumerate(names):
        block = solved[:, d * nc : (d + 1) * nc]  # (n using, economy of origin)
        total = block.sum(axis=1)
        domestic = block[np.arange(n), own]
        if nc == 1:  # a national table: value added of other economies is not in it
            total = np.full(n, np.nan)
        out[name] = {
            "va_services": total,
            "va_services_domestic": domestic,
            "va_services_foreign": total - domestic,
        }
    return out


def factor_leontief(table: IOTable) -> LUFactor:
    """LU factorization of I - A; ``DataError`` if it is singular."""
    return factor_in_place(input_coefficients(table.Z, table.x), table)


def value_added_in_exports(
    table: IOTable,
    columns: Sequence[int],
    export_categories: Sequence[str] = (),
    lu: LUFactor | None = None,
) -> np.ndarray:
    """Columns of VAE = diag(v) B diag(e): value added of every origin (rows) in the
    gross exports of the country-industries ``columns``; shape (n, len(columns)).

    Each column sums to that country-industry's exports (v' B = 1').
    """
    n = table.n_countries * table.n_industries
    cols = np.asarray(columns, dtype=np.int64)
    if cols.size and (cols.min() < 0 or cols.max() >= n):
        raise UsageError(f"column positions must lie in 0..{n - 1}")
    lu = factor_leontief(table) if lu is None else lu
    v = value_added_coefficients(table)
    e = gross_exports(table, export_categories)
    unit = np.zeros((n, len(cols)))
    unit[cols, np.arange(len(cols))] = 1.0
    b_cols = scipy.linalg.lu_solve(lu, unit, check_finite=False)  # B[:, cols]
    return v[:, None] * b_cols * e[cols][None, :]


def value_added_by_origin(
    table: IOTable,
    country: str,
    manufacturing: Sequence[str],
    services: Sequence[str] = (),
    export_categories: Sequence[str] = (),
) -> pd.DataFrame:
    """Value added embodied in ``country``'s manufacturing exports, by origin.

    The VAE block diag(v) B diag(e) summed over the economy's manufacturing columns: for
    each origin country-industry, the value added it contributes to those exports.

    Parameters
    ----------
    table
        One year's table.
    country
        The exporting economy.
    manufacturing
        Industry codes of manufacturing (the columns summed).
    services
        Industry codes counted as producer services (flagged in the ``service`` column).
    export_categories
        For a national table: the final-demand categories that are exports.

    Returns
    -------
    pandas.DataFrame
        One row per origin country-industry: ``country, year, origin_country,
        origin_industry, domestic, service, value_added, share`` (share of the exports'
        total value added, which equals their gross exports), largest first.
    """
    if country not in table.countries:
        raise UsageError(
            f"country {country!r} is not in {table.source}; its economies are "
            f"{', '.join(table.countries)}"
        )
    missing = [m for m in manufacturing if m not in table.industries]
    if missing or not manufacturing:
        raise UsageError(
            f"manufacturing industries {missing or '(none)'} are not in {table.source}"
        )
    ni = table.n_industries
    c = table.countries.index(country)
    cols = [c * ni + table.industries.index(m) for m in manufacturing]
    vae = value_added_in_exports(table, cols, export_categories).sum(axis=1)
    total = vae.sum()
    origin_c = np.repeat(np.asarray(table.countries), ni)
    origin_i = np.tile(np.asarray(table.industries), table.n_countries)
    frame = pd.DataFrame(
        {
            "country": country,
            "year": table.year,
            "origin_country": origin_c,
            "origin_industry": origin_i,
            "domestic": origin_c == country,
            "service": np.isin(origin_i, list(services)),
            "value_added": vae,
            "share": vae / total if total > 0 else np.nan,
        }
    )
    return frame.sort_values("value_added", ascending=False, kind="stable", ignore_index=True)
