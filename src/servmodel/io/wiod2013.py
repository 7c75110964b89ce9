"""Reader for the embedded WIOD 2013 world input-output tables (1995-2011).

Timmer, Dietzenbacher, Los, Stehrer and de Vries (2015), "An Illustrated User Guide to the
World Input-Output Database", Review of International Economics 23(3); values as stored in the
`wiod` R package 0.4.0 (Quast and Reiter), rounded to whole millions of US dollars.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from servmodel.errors import DataError
from servmodel.io.table import IOTable

WIOD_YEARS: tuple[int, ...] = tuple(range(1995, 2012))
REST_OF_WORLD = "RoW"


def embedded_data_dir() -> Path:
    """Directory holding the embedded WIOD 2013 files.

    Inside an installed wheel the files travel as package data (``servmodel/_embedded``);
    in a source checkout (editable install) they are read from the repository's ``data/``.
    """
    packaged = resources.files("servmodel").joinpath("_embedded", "wiod2013")
    candidates = [Path(str(packaged)), Path(__file__).resolve().parents[3] / "data" / "wiod2013"]
    for cand in candidates:
        if (cand / "sectors.csv").is_file():
            return cand
    raise DataError(
        "the embedded WIOD 2013 data were not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); reinstall servmodel with `pip install .` from the repository"
    )


def wiod_year_file(year: int) -> Path:
    """Path of the embedded table for ``year``."""
    if int(year) not in WIOD_YEARS:
        raise DataError(
            f"WIOD 2013 has no table for {year}; the embedded years are "
            f"{WIOD_YEARS[0]}-{WIOD_YEARS[-1]}"
        )
    return embedded_data_dir() / f"wiot_{int(year)}.npz"


def read_wiod2013_year(year: int) -> IOTable:
    """Read and validate the embedded world input-output table of one year."""
    path = wiod_year_file(year)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {
                k: npz[k]
                for k in ("Z", "F", "x", "countries", "industries", "final_categories", "year")
            }
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{path}: not a readable WIOD table ({exc}); reinstall the data") from exc
    if int(arrays["year"]) != int(year):
        raise DataError(f"{path}: holds year {int(arrays['year'])}, expected {year}")
    return IOTable(
        Z=arrays["Z"],
        F=arrays["F"],
        x=arrays["x"],
        countries=tuple(arrays["countries"].tolist()),
        industries=tuple(arrays["industries"].tolist()),
        final_categories=tuple(arrays["final_categories"].tolist()),
        year=int(year),
        source=path.name,
    )


def iter_wiod2013(years: Iterable[int] | None = None) -> Iterator[IOTable]:
    """Yield the embedded tables one year at a time (keeps one year in memory)."""
    for year in WIOD_YEARS if years is None else years:
        yield read_wiod2013_year(int(year))
