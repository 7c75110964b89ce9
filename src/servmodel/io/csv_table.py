"""Reader for a user's own input-output table in servmodel's long CSV (or Parquet) format.

Format: one row per non-zero cell, with columns

===================  ============================================================
``supplier_country``  country (region) of the supplying industry
``supplier_industry`` supplying industry code
``user_country``      country (region) of the user
``user_industry``     using industry code, or a final-demand category code
``value``             flow, in any one currency unit
``year``              optional; without it, pass ``year=`` to the reader
===================  ============================================================

Industries are the codes that appear as ``supplier_industry``; a ``user_industry`` code that
never supplies is a final-demand category (reported in the log). Gross output is the row
total (intermediate plus final use), the accounting identity of a use table. A national
table is the case of one country. Cells that are absent are zero.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel._fileio import read_table
from servmodel.errors import DataError
from servmodel.io.table import IOTable

log = logging.getLogger(__name__)

KEY_COLUMNS = ("supplier_country", "supplier_industry", "user_country", "user_industry")
REQUIRED_COLUMNS = (*KEY_COLUMNS, "value")


def _line(index: int) -> int:
    """CSV line number of a data row (header is line 1)."""
    return int(index) + 2


def read_io_long(
    path: str | os.PathLike[str],
    year: int | None = None,
    final_categories: tuple[str, ...] | None = None,
) -> list[IOTable]:
    """Read a long-format input-output table file into one :class:`IOTable` per year.

    Parameters
    ----------
    path
        CSV or Parquet file in the format described in this module.
    year
        Year of the table when the file has no ``year`` column.
    final_categories
        Final-demand category codes. When given, a ``user_industry`` that is neither an
        industry nor one of these is an error (catches misspelt codes).

    Raises
    ------
    DataError
        For a missing or misspelt column, text or non-finite numbers in ``value``, negative
        intermediate flows, duplicate cells, or countries that supply but never use.
    """
    p = Path(path)
    frame = read_table(p, what="input-output table", dtype={c: str for c in KEY_COLUMNS})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{p}: missing column(s) {', '.join(missing)}; the long IO format needs "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally year); found "
            f"{', '.join(map(str, frame.columns))}"
        )
    if frame.empty:
        raise DataError(f"{p}: has a header but no data rows")
    for col in KEY_COLUMNS:
        blank = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
        if blank.any():
            raise DataError(f"{p}: line {_line(np.flatnonzero(blank)[0])}: empty {col}")
        frame[col] = frame[col].astype(str).str.strip()
    values = pd.to_numeric(frame["value"], errors="coerce")
    text = values.isna() & frame["value"].notna()
    if text.any():
        i = np.flatnonzero(text)[0]
        raise DataError(
            f"{p}: line {_line(i)}: value {frame['value'].iloc[i]!r} is not a number"
        )
    bad = ~np.isfinite(values.to_numpy(dtype=float))
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise DataError(
            f"{p}: line {_line(i)}: value is {values.iloc[i]}; every value must be "
            "a finite number (write 0 or leave the cell out)"
        )
    frame["value"] = values.astype(float)

    if "year" in frame.columns:
        years = pd.to_numeric(frame["year"], errors="coerce")
        if years.isna().any() or (years != np.round(years)).any():
            i = np.flatnonzero(years.isna() | (years != np.round(years)))[0]
            raise DataError(f"{p}: line {_line(i)}: year {frame['year'].iloc[i]!r} is not a whole number")
        frame["year"] = years.astype(int)
    elif year is None:
        raise DataError(f"{p}: no year column; add one or pass the table's year")
    else:
        frame["year"] = int(year)

    dup = frame.duplicated(["year", *KEY_COLUMNS], keep=False)
    if dup.any():
        rows = np.flatnonzero(dup)[:2]
        r = frame.iloc[rows[0]]
        raise DataError(
            f"{p}: lines {', '.join(str(_line(i)) for i in rows)}: duplicate cell "
            f"{r['supplier_country']} {r['supplier_industry']} -> {r['user_country']} "
            f"{r['user_industry']} (year {r['year']}); sum them into one row"
        )

    countries = tuple(pd.unique(frame["supplier_country"]))
    users = set(frame["user_country"])
    only_supply = [c for c in countries if c not in users]
    only_use = sorted(users - set(countries))
    if only_supply:
        raise DataError(
            f"{p}: country {only_supply[0]!r} appears as supplier but never as user; every "
            "country needs its own columns (a national table uses one country code throughout)"
        )
    if only_use:
        raise DataError(
            f"{p}: country {only_use[0]!r} appears as user but never as supplier; add its rows "
            "or recode it"
        )
    industries = tuple(pd.unique(frame["supplier_industry"]))
    user_codes = tuple(pd.unique(frame["user_industry"]))
    fd = tuple(c for c in user_codes if c not in set(industries))
    if final_categories is not None:
        unknown = [c for c in fd if c not in set(final_categories)]
        if unknown:
            raise DataError(
                f"{p}: user_industry {unknown[0]!r} is neither an industry nor a declared "
                f"final-demand category ({', '.join(final_categories)}); check its spelling"
            )
        fd = tuple(final_categories)
    elif fd:
        log.info("%s: final-demand categories taken from user_industry: %s", p.name, ", ".join(fd))

    negative = (frame["value"] < 0) & frame["user_industry"].isin(industries)
    if negative.any():
        i = np.flatnonzero(negative)[0]
        raise DataError(
            f"{p}: line {_line(i)}: negative intermediate flow {frame['value'].iloc[i]:g}; "
            "intermediate flows must be >= 0 (only final-demand inventory changes may be negative)"
        )

    ci = {c: k for k, c in enumerate(countries)}
    ii = {c: k for k, c in enumerate(industries)}
    fi = {c: k for k, c in enumerate(fd)}
    n, ni, nf = len(countries) * len(industries), len(industries), len(fd)
    tables = []
    for yr, part in frame.groupby("year", sort=True):
        rows = part["supplier_country"].map(ci).to_numpy() * ni + part["supplier_industry"].map(ii).to_numpy()
        is_z = part["user_industry"].isin(industries).to_numpy()
        ucol = part["user_country"].map(ci).to_numpy()
        Z = np.zeros((n, n))
        F = np.zeros((n, len(countries) * nf))
        zc = ucol[is_z] * ni + part["user_industry"][is_z].map(ii).to_numpy()
        np.add.at(Z, (rows[is_z], zc), part["value"].to_numpy()[is_z])
        if nf:
            fc = ucol[~is_z] * nf + part["user_industry"][~is_z].map(fi).to_numpy()
            np.add.at(F, (rows[~is_z], fc), part["value"].to_numpy()[~is_z])
        x = Z.sum(axis=1) + F.sum(axis=1)
        tables.append(
            IOTable(Z=Z, F=F, x=x, countries=countries, industries=industries, final_categories=fd,
                    year=int(yr), source=p.name)
        )
    return tables
