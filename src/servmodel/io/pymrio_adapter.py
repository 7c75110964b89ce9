"""Adapter from a ``pymrio.IOSystem`` (EXIOBASE, Eora, OECD ICIO, ... loaded by pymrio)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from servmodel.errors import DataError
from servmodel.io.table import IOTable


def _levels(index: pd.Index, what: str, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(index, pd.MultiIndex) or index.nlevels != 2:
        raise DataError(f"{source}: {what} needs a two-level (region, sector/category) index")
    regions = tuple(str(r) for r in pd.unique(index.get_level_values(0)))
    inner = tuple(str(s) for s in pd.unique(index.get_level_values(1)))
    expected = pd.MultiIndex.from_product([regions, inner])
    got = pd.MultiIndex.from_arrays(
        [index.get_level_values(0).astype(str), index.get_level_values(1).astype(str)]
    )
    if not got.equals(expected):
        raise DataError(
            f"{source}: {what} is not in region-major order with every region holding the same "
            "entries; reorder it (pymrio's own loaders produce that order)"
        )
    return regions, inner


def from_pymrio(iosystem: Any, year: int) -> IOTable:
    """Convert a pymrio ``IOSystem`` into a validated :class:`IOTable`.

    Parameters
    ----------
    iosystem
        A ``pymrio.IOSystem`` with at least ``Z`` and ``Y`` set. If its gross output ``x`` is
        missing it is computed as the row total of ``Z`` and ``Y`` (as ``pymrio.calc_x`` does).
    year
        Year of the table (pymrio systems do not always record it).
    """
    source = f"pymrio system {getattr(iosystem, 'name', '') or ''}".strip()
    Z = getattr(iosystem, "Z", None)
    Y = getattr(iosystem, "Y", None)
    if not isinstance(Z, pd.DataFrame) or not isinstance(Y, pd.DataFrame):
        raise DataError(f"{source}: needs Z and Y as DataFrames; load or calculate them first")
    regions, sectors = _levels(Z.index, "Z rows", source)
    col_regions, col_sectors = _levels(Z.columns, "Z columns", source)
    if (col_regions, col_sectors) != (regions, sectors):
        raise DataError(f"{source}: Z columns are not in the same order as its rows")
    if not Y.index.equals(Z.index):
        raise DataError(f"{source}: Y rows are not in the same order as Z rows")
    y_regions, categories = _levels(Y.columns, "Y columns", source)
    if y_regions != regions:
        raise DataError(f"{source}: Y columns do not list the same regions as Z")
    x_frame = getattr(iosystem, "x", None)
    if x_frame is None:
        x = Z.to_numpy(dtype=float).sum(axis=1) + Y.to_numpy(dtype=float).sum(axis=1)
    else:
        x = np.asarray(x_frame, dtype=float).reshape(-1)
    return IOTable(
        Z=Z.to_numpy(dtype=float),
        F=Y.to_numpy(dtype=float),
        x=x,
        countries=regions,
        industries=sectors,
        final_categories=categories,
        year=year,
        source=source,
    )
