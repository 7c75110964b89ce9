"""Argument and cell checks shared by the readers of panel, covariate and mapping files."""

from __future__ import annotations

import csv
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from servmodel._fileio import table_columns, table_format
from servmodel.errors import UsageError


def path_argument(value: object, what: str) -> Path:
    """``value`` as a ``Path``; ``UsageError`` unless it is a ``str`` or path-like object.

    The readers would otherwise fail deep inside ``pathlib`` with a bare ``TypeError``.
    """
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise UsageError(
        f"{what} must be a file path (str or pathlib.Path), not {type(value).__name__} {value!r}"
    )


def duplicate_columns(path: Path, what: str) -> list[str]:
    """Column names that the header of a CSV or Parquet file holds more than once.

    pandas renames a repeated CSV column (``direct``, ``direct.1``), so the raw header is
    read; a Parquet schema keeps the names as stored. The file checks of
    :func:`servmodel._fileio.table_columns` (missing, empty, mislabelled file) run first.
    """
    names = table_columns(path, what)
    if table_format(path) == "csv":
        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            names = next(csv.reader(handle), [])
    return [n for n in dict.fromkeys(names) if names.count(n) > 1]


def show(value: Any) -> str:
    """A cell's value for a message: text quoted, numbers plain (``2010.5``, ``inf``)."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return repr(value)


def blank_cells(column: pd.Series) -> np.ndarray:
    """Which cells of a key column are missing or hold only spaces."""
    missing = column.isna().to_numpy()
    text = column.astype(object).where(~missing, "")
    return missing | np.array([str(v).strip() == "" for v in text], dtype=bool)


def whole_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The cells of ``column`` as float64 and which of them are not whole numbers.

    Text that is not a number, a missing cell, an infinity or a fraction (a year such as
    2010.5) is not a whole number.
    """
    if pd.api.types.is_bool_dtype(column):
        values = np.full(len(column), np.nan)
    else:
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values != np.round(values))
    return values, bad
