"""One entry point from a data source (embedded WIOD or a user's file) to the panel."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel.errors import DataError, UsageError
from servmodel.intensity._checks import path_argument
from servmodel.intensity.classification import (
    CountryInfo,
    IndustryClassification,
    read_country_info,
    read_sector_mapping,
    wiod_classification,
    wiod_country_info,
)
from servmodel.intensity.covariates import merge_covariates, read_covariates
from servmodel.intensity.definitions import definition_tokens
from servmodel.intensity.panel import IntensityPanel, build_panel
from servmodel.io import WIOD_YEARS, IOTable, iter_wiod2013, read_io_long
from servmodel.io.sources import Release, ReleaseTables, open_release, split_source
from servmodel.options import parse_years

EMBEDDED = "wiod2013"


def panel_from_source(
    source: str | os.PathLike[str] = EMBEDDED,
    years: str | Sequence[int] | None = None,
    definitions: str | Sequence[str] = "all",
    mapping: str | os.PathLike[str] | None = None,
    countries: str | os.PathLike[str] | None = None,
    covariates: str | os.PathLike[str] | pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> IntensityPanel:
    """Build an intensity panel from the embedded WIOD tables, a long-format IO file or a
    publisher's release.

    Parameters
    ----------
    source
        ``"wiod2013"`` for the embedded tables, the path of a long-format CSV/Parquet
        table (see :func:`servmodel.io.read_io_long`), or a release as downloaded,
        ``"wiod2016:DIR"``, ``"icio:PATH"`` or ``"adb:PATH"`` (see
        :mod:`servmodel.io.sources`); a release's industries are classified by the Rev. 4
        classification of its edition (ADB's by the WIOD 2013 one) unless ``mapping`` is
        given.
    years
        Years to use (``"1995-2011"``, a list); default all.
    definitions
        Producer-service definitions (see :func:`resolve_definitions`).
    mapping
        Sector mapping file (required for a user table whose industries are not WIOD's).
    countries
        Country file with OECD accession years (``code,name,oecd_member_since``); default
        WIOD 2013's for the embedded tables and ``data/rev4/countries.csv`` for a release.
    covariates
        CSV or Parquet of covariates (or a DataFrame) to merge (see
        :func:`merge_covariates`).
    progress
        Called with each year once it is built.
    on_progress
        Called with (years built, years to build) once each year is built.

    Raises
    ------
    UsageError
        An argument of the wrong kind (a path that is not a path, a fractional year), a
        release of an unknown kind, or a release whose reader package is not installed.
    DataError
        A missing or malformed table, mapping, country or covariate file, a table of one's
        own in which a country-industry's intermediate inputs exceed its gross output, or a
        release's file that is missing, of another release or edition, cut short, labelled
        otherwise or not adding up to its published totals.
    """
    if not isinstance(source, str):
        source = path_argument(source, "source")
    wanted = parse_years(years)
    definition_tokens(definitions)  # a request of the wrong kind fails before the build
    for name, value in (("mapping", mapping), ("countries", countries)):
        if value is not None:
            path_argument(value, name)
    for name, callback in (("progress", progress), ("on_progress", on_progress)):
        if callback is not None and not callable(callback):
            raise UsageError(f"{name} must be a function, not {type(callback).__name__}")
    # a bad covariate file fails before the build, not after it
    extra = read_covariates(covariates) if covariates is not None else None
    tables, classification = _tables(source, wanted, mapping)
    release = tables.release if isinstance(tables, ReleaseTables) else None
    if countries:
        info: CountryInfo | None = read_country_info(countries)
    elif str(source) == EMBEDDED:
        info = wiod_country_info()
    else:
        info = _release_countries() if release is not None else None
    exclude = (release.rest_of_world,) if release is not None else ("RoW",)
    panel = build_panel(
        tables,
        classification,
        info,
        definitions,
        exclude_countries=exclude,
        progress=progress,
        on_progress=on_progress,
    )
    if str(source) == EMBEDDED:
        panel = dataclasses.replace(panel, source="WIOD 2013 (embedded)")
    elif release is not None:
        panel = dataclasses.replace(panel, source=release.label)
    if extra is not None:
        panel, _ = merge_covariates(panel, extra)
    return panel


def _tables(
    source: str | os.PathLike[str],
    wanted: Sequence[int] | None,
    mapping: str | os.PathLike[str] | None,
) -> tuple[_EmbeddedYears | ReleaseTables | list[IOTable], IndustryClassification]:
    """The tables of the years ``wanted`` (all when ``None``) and the classification."""
    if str(source) == EMBEDDED:
        if wanted is not None:
            outside = [y for y in wanted if y not in WIOD_YEARS]
            if outside:
                raise DataError(
                    f"years {', '.join(map(str, outside))} are outside the embedded WIOD 2013 "
                    f"tables ({WIOD_YEARS[0]}-{WIOD_YEARS[-1]})"
                )
        classification = read_sector_mapping(mapping) if mapping else wiod_classification()
        return _EmbeddedYears(WIOD_YEARS if wanted is None else wanted), classification
    if split_source(source) is not None:
        release = open_release(str(source), wanted)
        classification = (
            read_sector_mapping(mapping) if mapping else _release_classification(release)
        )
        return release.tables(wanted), classification
    path = Path(source)
    if not path.exists():
        raise DataError(
            f"input-output table {path} does not exist; check the path, or use "
            f"--source {EMBEDDED} for the embedded data"
        )
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
    for table in loaded:
        _check_inputs_within_output(table, path)
    return loaded, _user_classification(mapping, loaded[0].industries, path)


def value_added_origin_from_source(
    country: str,
    year: int,
    source: str | os.PathLike[str] = EMBEDDED,
    definition: str = "standard",
    mapping: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Value added embodied in an economy's manufacturing exports, by origin economy and
    industry, for one year (see :func:`servmodel.intensity.value_added.value_added_by_origin`).

    Parameters
    ----------
    country
        The exporting economy, e.g. ``"KOR"``.
    year
        The year of the table.
    source
        ``"wiod2013"``, a long-format table or a release (as for
        :func:`panel_from_source`).
    definition
        The producer-service definition whose industries are flagged ``service``.
    mapping
        Sector mapping (for a table whose industries are not WIOD's; it also names the
        final-demand category of a national table's exports).

    Returns
    -------
    pandas.DataFrame
        One row per origin country-industry with ``value_added`` and ``share``, largest
        first, and a column ``definition``.
    """
    from servmodel.intensity.definitions import resolve_definitions
    from servmodel.intensity.value_added import value_added_by_origin

    if not isinstance(country, str) or not country.strip():
        raise UsageError(f"country must be an economy code such as 'KOR', not {country!r}")
    if not isinstance(definition, str) or "," in definition or definition == "all":
        raise UsageError(
            f"definition must name one producer-service definition, not {definition!r}"
        )
    wanted = parse_years([year] if not isinstance(year, str) else year)
    if wanted is None or len(wanted) != 1:
        raise UsageError(f"give one year, not {year!r}")
    tables, classification = _tables(source, wanted, mapping)
    table = next(iter(tables))
    classification.check_covers(table.industries, table.source)
    classification.check_export_categories(table.final_categories, table.source)
    (resolved,) = resolve_definitions(definition, table.industries, classification)
    frame = value_added_by_origin(
        table,
        country,
        classification.manufacturing,
        services=resolved.codes,
        export_categories=classification.export_categories,
    )
    frame.insert(2, "definition", resolved.name)
    return frame


def _release_classification(release: Release) -> IndustryClassification:
    """The industry classification of a release's edition: the Rev. 4 classifications of
    WIOD 2016 and the ICIO editions, WIOD 2013's for the ADB tables (whose 35 industries
    are WIOD 2013's)."""
    if release.edition == "adb":
        return wiod_classification()
    from servmodel.intensity.rev4 import rev4_classification

    return rev4_classification(release.edition)


def _release_countries() -> CountryInfo:
    """Names and OECD accession years of the releases' economies (ISO-3 codes, the ADB
    tables' included)."""
    from servmodel.intensity.rev4 import rev4_country_info

    return rev4_country_info()


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


def _check_inputs_within_output(table: IOTable, path: Path) -> None:
    """``DataError`` for a country-industry whose intermediate inputs exceed its gross output.

    Gross output of a long-format table is its row total, so inputs above it mean value
    added below zero and input coefficients summing to more than 1: an intensity of 5 for
    one set of suppliers, a Leontief inverse with negative or exploding entries. A real
    table can hold negative final demand (inventory changes), yet its row totals still
    cover each column's inputs: none of the 17 years of the embedded WIOD tables, with
    hundreds of negative final-demand cells each, has a column whose inputs exceed its
    output. In one's own file it is a sign of missing final-demand rows, supplier and user
    swapped or flows in mixed units, so it is refused rather than turned into intensities
    that mean nothing.
    """
    inputs = table.Z.sum(axis=0)
    x = np.asarray(table.x, dtype=float)
    # relative slack for the rounding of two sums of the same flows in different orders
    over = inputs > x + 1e-9 * np.maximum(np.abs(x), inputs)
    if not over.any():
        return
    k = int(np.flatnonzero(over)[0])
    ni = table.n_industries
    more = int(over.sum()) - 1
    raise DataError(
        f"{path}: {table.countries[k // ni]} {table.industries[k % ni]} (year {table.year}): "
        f"intermediate inputs {inputs[k]:g} exceed its gross output {x[k]:g} (the row total: "
        f"its intermediate plus final sales){f', as do {more} more' if more else ''}; check "
        "that the file has every final-demand row of that industry, that supplier and user "
        "are not swapped, and that all flows are in one currency unit"
    )
