"""One entry point from a data source (embedded WIOD or a user's file) to the panel."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from servmodel.errors import DataError
from servmodel.intensity.classification import (
    IndustryClassification,
    read_country_info,
    read_sector_mapping,
    wiod_classification,
    wiod_country_info,
)
from servmodel.intensity.covariates import merge_covariates
from servmodel.intensity.panel import IntensityPanel, build_panel
from servmodel.io import WIOD_YEARS, IOTable, iter_wiod2013, read_io_long
from servmodel.options import parse_years

EMBEDDED = "wiod2013"


def panel_from_source(
    source: str | os.PathLike[str] = EMBEDDED,
    years: str | Sequence[int] | None = None,
    definitions: str | Sequence[str] = "all",
    mapping: str | os.PathLike[str] | None = None,
    countries: str | os.PathLike[str] | None = None,
    covariates: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> IntensityPanel:
    """Build an intensity panel from the embedded WIOD tables or a long-format IO file.

    Parameters
    ----------
    source
        ``"wiod2013"`` for the embedded tables, or the path of a long-format CSV/Parquet
        table (see :func:`servmodel.io.read_io_long`).
    years
        Years to use (``"1995-2011"``, a list); default all.
    definitions
        Producer-service definitions (see :func:`resolve_definitions`).
    mapping
        Sector mapping file (required for a user table whose industries are not WIOD's).
    countries
        Country file with OECD accession years (``code,name,oecd_member_since``).
    covariates
        CSV or Parquet of covariates to merge (see :func:`merge_covariates`).
    progress
        Called with each year once it is built.
    on_progress
        Called with (years built, years to build) once each year is built.
    """
    wanted = parse_years(years)
    tables: _EmbeddedYears | list[IOTable]
    if str(source) == EMBEDDED:
        if wanted is not None:
            outside = [y for y in wanted if y not in WIOD_YEARS]
            if outside:
                raise DataError(
                    f"years {', '.join(map(str, outside))} are outside the embedded WIOD 2013 "
                    f"tables ({WIOD_YEARS[0]}-{WIOD_YEARS[-1]})"
                )
        tables = _EmbeddedYears(WIOD_YEARS if wanted is None else wanted)
        classification = read_sector_mapping(mapping) if mapping else wiod_classification()
        info = read_country_info(countries) if countries else wiod_country_info()
    else:
        path = Path(source)
        if not path.exists():
            raise DataError(f"input-output table {path} does not exist; check the path, or use "
                            f"--source {EMBEDDED} for the embedded data")
        loaded = read_io_long(path)
        if wanted is not None:
            have = {t.year for t in loaded}
            missing = [y for y in wanted if y not in have]
            if missing:
                raise DataError(
                    f"{path}: no table for year(s) {', '.join(map(str, missing))}; the file holds "
                    f"{', '.join(map(str, sorted(have)))}"
                )
            loaded = [t for t in loaded if t.year in set(wanted)]
        tables = loaded
        classification = _user_classification(mapping, loaded[0].industries, path)
        info = read_country_info(countries) if countries else None
    panel = build_panel(tables, classification, info, definitions, progress=progress,
                        on_progress=on_progress)
    if str(source) == EMBEDDED:
        panel = dataclasses.replace(panel, source="WIOD 2013 (embedded)")
    if covariates is not None:
        panel, _ = merge_covariates(panel, covariates)
    return panel


class _EmbeddedYears:
    """The embedded tables of some years, read one at a time, with their count."""

    def __init__(self, years: Sequence[int]) -> None:
        self.years = tuple(years)

    def __len__(self) -> int:
        return len(self.years)

    def __iter__(self) -> Iterator[IOTable]:
        return iter_wiod2013(self.years)


def _user_classification(
    mapping: str | os.PathLike[str] | None, industries: tuple[str, ...], path: Path
) -> IndustryClassification:
    if mapping is not None:
        return read_sector_mapping(mapping)
    wiod = wiod_classification()
    if set(wiod.manufacturing) <= set(industries):
        return wiod
    raise DataError(
        f"{path}: industries are not WIOD codes (c1..c35), so servmodel cannot tell which are "
        "manufacturing; pass a sector mapping file (--mapping) with industry, role, tech"
    )
