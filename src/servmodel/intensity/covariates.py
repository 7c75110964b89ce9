"""Merge a user's own covariates (R&D intensity, patents, controls) into the panel."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel._fileio import read_table
from servmodel.errors import DataError
from servmodel.intensity.panel import PANEL_COLUMNS, IntensityPanel

log = logging.getLogger(__name__)

COVARIATE_KEYS: tuple[str, ...] = ("country", "industry", "year")


def merge_covariates(
    panel: IntensityPanel, covariates: str | os.PathLike[str] | pd.DataFrame
) -> tuple[IntensityPanel, dict[str, float]]:
    """Left-join covariate columns onto the panel by whichever of country, industry, year
    the covariate table holds.

    Parameters
    ----------
    panel
        The intensity panel.
    covariates
        A CSV/Parquet path or a DataFrame with one or more key columns and numeric value
        columns.

    Returns
    -------
    (IntensityPanel, dict)
        The panel with the new columns, and per new column the share of panel rows left
        without a value.

    Raises
    ------
    DataError
        No key column, duplicate keys, a name clash with a panel column, a non-numeric value
        column, or key values that match no panel row at all.
    """
    if isinstance(covariates, pd.DataFrame):
        frame, where = covariates.copy(), "covariates"
    else:
        where = str(Path(covariates))
        frame = read_table(covariates, what="covariate file",
                           dtype={"country": str, "industry": str})
    keys = [k for k in COVARIATE_KEYS if k in frame.columns]
    if not keys:
        raise DataError(
            f"{where}: no key column; name at least one of {', '.join(COVARIATE_KEYS)} "
            f"(found {', '.join(map(str, frame.columns))})"
        )
    values = [c for c in frame.columns if c not in keys]
    if not values:
        raise DataError(f"{where}: no covariate columns besides the keys {', '.join(keys)}")
    clash = [c for c in values if c in PANEL_COLUMNS or c in panel.frame.columns]
    if clash:
        raise DataError(
            f"{where}: column(s) {', '.join(clash)} already exist in the panel; rename them"
        )
    if "year" in keys:
        years = pd.to_numeric(frame["year"], errors="coerce")
        if years.isna().any():
            i = int(np.flatnonzero(years.isna())[0])
            raise DataError(f"{where}: line {i + 2}: year {frame['year'].iloc[i]!r} is not a year")
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
        converted = pd.to_numeric(frame[col], errors="coerce")
        text = converted.isna() & frame[col].notna()
        if text.any():
            i = int(np.flatnonzero(text)[0])
            raise DataError(
                f"{where}: line {i + 2}: column {col!r} holds {frame[col].iloc[i]!r}, not a "
                "number; covariates must be numeric (or name the column country/industry/year "
                "if it is a key)"
            )
        frame[col] = converted.astype(float)
    for k in keys:
        known = set(panel.frame[k].unique())
        unmatched = sorted(set(frame[k]) - known, key=str)
        if len(unmatched) == frame[k].nunique():
            raise DataError(
                f"{where}: no {k} value matches the panel (e.g. {unmatched[0]!r}); the panel's "
                f"{k} values look like {', '.join(map(str, sorted(known, key=str)[:5]))}"
            )
        if unmatched:
            log.info("%s: %d %s value(s) not in the panel are ignored: %s", where,
                     len(unmatched), k, ", ".join(map(str, unmatched[:10])))
    merged = panel.frame.merge(frame, on=keys, how="left", validate="many_to_one")
    missing = {c: float(merged[c].isna().mean()) for c in values}
    for col, share in missing.items():
        log.info("covariate %s: %.1f%% of panel rows have no value", col, 100 * share)
    return panel.with_frame(merged), missing
