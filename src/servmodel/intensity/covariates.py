"""Merge a user's own covariates (R&D intensity, patents, controls) into the panel."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servmodel._fileio import read_table
from servmodel.errors import DataError, UsageError
from servmodel.intensity._checks import (
    blank_cells,
    duplicate_columns,
    path_argument,
    show,
    whole_numbers,
)
from servmodel.intensity.panel import PANEL_COLUMNS, IntensityPanel

log = logging.getLogger(__name__)

COVARIATE_KEYS: tuple[str, ...] = ("country", "industry", "year")


@dataclass(frozen=True)
class CovariateTable:
    """A checked covariate table, ready to merge (see :func:`read_covariates`).

    Attributes
    ----------
    frame
        Key and value columns; ``year`` as int64, values as float64.
    source
        The file (or ``covariates`` for a DataFrame), for messages.
    keys
        The key columns it holds, in the order of :data:`COVARIATE_KEYS`.
    values
        The covariate columns.
    """

    frame: pd.DataFrame
    source: str
    keys: tuple[str, ...]
    values: tuple[str, ...]


def read_covariates(covariates: str | os.PathLike[str] | pd.DataFrame) -> CovariateTable:
    """Read and check a covariate table on its own, before any panel is built.

    Parameters
    ----------
    covariates
        A CSV/Parquet path or a DataFrame with one or more key columns (country, industry,
        year) and numeric value columns.

    Returns
    -------
    CovariateTable
        The checked table.

    Raises
    ------
    UsageError
        ``covariates`` is neither a path nor a DataFrame.
    DataError
        A repeated column, no key column, no value column, a blank key, a year that is not
        a whole number, duplicate keys, or a value that is not a finite number. Rows are
        named by their CSV line (the header is line 1).
    """
    if isinstance(covariates, pd.DataFrame):
        frame, where = covariates.copy(), "covariates"
    elif not isinstance(covariates, (str, os.PathLike)):
        raise UsageError(
            "covariates must be a file path (str or pathlib.Path) or a pandas "
            f"DataFrame, not {type(covariates).__name__}"
        )
    else:
        path = path_argument(covariates, "covariates")
        where = str(path)
        repeated = duplicate_columns(path, "covariate file")
        if repeated:
            raise DataError(
                f"{where}: column {repeated[0]!r} appears more than once in the "
                "header; keep one of them (rename or delete the others)"
            )
        # codes kept as written: NA is Namibia, not a missing value
        frame = read_table(
            path,
            what="covariate file",
            dtype={"country": str, "industry": str},
            literal=("country", "industry"),
        )
    repeated = [str(c) for c in frame.columns[frame.columns.duplicated()]]
    if repeated:
        raise DataError(
            f"{where}: column {repeated[0]!r} appears more than once; keep one of "
            "them (rename or delete the others)"
        )
    keys = [k for k in COVARIATE_KEYS if k in frame.columns]
    if not keys:
        raise DataError(
            f"{where}: no key column; name at least one of {', '.join(COVARIATE_KEYS)} "
            f"(found {', '.join(map(str, frame.columns))})"
        )
    values = [c for c in frame.columns if c not in keys]
    if not values:
        raise DataError(f"{where}: no covariate columns besides the keys {', '.join(keys)}")
    for k in keys:
        blank = blank_cells(frame[k])
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise DataError(
                f"{where}: line {i + 2}, column {k!r}: blank key; give every row "
                f"its {k}, or delete the row"
            )
    if "year" in keys:
        years, bad = whole_numbers(frame["year"])
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{where}: line {i + 2}: year {show(frame['year'].iloc[i])} is "
                "not a whole year; write years as integers such as 2011"
            )
        frame["year"] = years.astype(np.int64)
    for k in ("country", "industry"):
        if k in keys:
            frame[k] = frame[k].astype(str).str.strip()
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(
            f"{where}: line {i + 2}: key ({', '.join(str(frame[k].iloc[i]) for k in keys)}) "
            f"appears more than once; keep one row per {', '.join(keys)}"
        )
    for col in values:
        column = frame[col]
        if pd.api.types.is_bool_dtype(column):
            column = column.astype("Float64")
        converted = pd.to_numeric(column, errors="coerce")
        text = converted.isna() & column.notna()
        if text.any():
            i = int(np.flatnonzero(text)[0])
            raise DataError(
                f"{where}: line {i + 2}: column {col!r} holds {frame[col].iloc[i]!r}, not a "
                "number; covariates must be numeric (or name the column country/industry/year "
                "if it is a key)"
            )
        numbers = converted.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isinf(numbers).any():
            i = int(np.flatnonzero(np.isinf(numbers))[0])
            raise DataError(
                f"{where}: line {i + 2}: column {col!r} holds {numbers[i]}, not a finite "
                "number; leave the cell empty where a value is missing"
            )
        frame[col] = numbers
    return CovariateTable(frame, where, tuple(keys), tuple(values))


def merge_covariates(
    panel: IntensityPanel,
    covariates: str | os.PathLike[str] | pd.DataFrame | CovariateTable,
) -> tuple[IntensityPanel, dict[str, float]]:
    """Left-join covariate columns onto the panel by whichever of country, industry, year
    the covariate table holds.

    Parameters
    ----------
    panel
        The intensity panel.
    covariates
        A CSV/Parquet path or a DataFrame with one or more key columns and numeric value
        columns, or a table already read by :func:`read_covariates`.

    Returns
    -------
    (IntensityPanel, dict)
        The panel with the new columns, and per new column the share of panel rows left
        without a value.

    Raises
    ------
    UsageError
        ``panel`` is not an :class:`IntensityPanel`, or ``covariates`` is neither a path
        nor a DataFrame.
    DataError
        What :func:`read_covariates` refuses, a name clash with a panel column, or key
        values that match no panel row at all.
    """
    if not isinstance(panel, IntensityPanel):
        raise UsageError(f"panel must be an IntensityPanel, not {type(panel).__name__}")
    table = covariates if isinstance(covariates, CovariateTable) else read_covariates(covariates)
    frame, where, keys, values = table.frame, table.source, list(table.keys), table.values
    clash = [c for c in values if c in PANEL_COLUMNS or c in panel.frame.columns]
    if clash:
        raise DataError(
            f"{where}: column(s) {', '.join(clash)} already exist in the panel; rename them"
        )
    for k in keys:
        known = set(panel.frame[k].unique())
        unmatched = sorted(set(frame[k]) - known, key=str)
        if len(unmatched) == frame[k].nunique():
            raise DataError(
                f"{where}: no {k} value matches the panel (e.g. {unmatched[0]!r}); the panel's "
                f"{k} values look like {', '.join(map(str, sorted(known, key=str)[:5]))}"
            )
        if unmatched:
            log.info(
                "%s: %d %s value(s) not in the panel are ignored: %s",
                where,
                len(unmatched),
                k,
                ", ".join(map(str, unmatched[:10])),
            )
    merged = panel.frame.merge(frame, on=keys, how="left", validate="many_to_one")
    missing = {c: float(merged[c].isna().mean()) for c in values}
    for col, share in missing.items():
        log.info("covariate %s: %.1f%% of panel rows have no value", col, 100 * share)
    return panel.with_frame(merged), missing
