"""Decompositions of one economy's aggregate: over time, against a comparator, by year."""

from __future__ import annotations

import os
from itertools import pairwise

import numpy as np
import pandas as pd

from servmodel.decompose.result import (
    COMPOSITION,
    SDA_PREFIX,
    TOLERANCE,
    WITHIN,
    Decomposition,
)
from servmodel.decompose.sda import StructuralDecomposition, structural_decomposition
from servmodel.decompose.selection import (
    GROUPS,
    SOURCING,
    Side,
    check_country,
    check_request,
    check_year,
    comparator_name,
    economy_side,
    group_side,
    industry_order,
    measures_of,
)
from servmodel.decompose.shift_share import (
    ShiftShare,
    constant_weight_levels,
    presence,
    shift_share,
)
from servmodel.decompose.tables import TableSource, definition_codes, table_getter
from servmodel.errors import DataError, UsageError
from servmodel.intensity.panel import IntensityPanel

# the panel's ``total`` and the tables' Leontief inverse must agree to this (relative to the
# level): a looser match means the tables are not those the panel was built from
MATCH_TOLERANCE = 1e-9


def _sourcing(measure: str, sourcing: bool | None) -> bool:
    if sourcing is None:
        return measure in SOURCING
    if sourcing and measure not in SOURCING:
        raise UsageError(
            f"measure {measure!r} has no sourcing split; only "
            f"{', '.join(SOURCING)} splits into domestic and imported services "
            "(direct_domestic, direct_foreign)"
        )
    return bool(sourcing)


def _frame(industries: list[str], ss: ShiftShare, p0: np.ndarray, p1: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "industry": industries,
            "weight0": ss.weight0,
            "weight1": ss.weight1,
            "intensity0": ss.intensity0,
            "intensity1": ss.intensity1,
            "present0": p0,
            "present1": p1,
            "change": ss.change,
            WITHIN: ss.within,
            COMPOSITION: ss.composition,
        }
    )


def _split(
    side0: Side, side1: Side, measure: str, industries: list[str], sourcing: bool
) -> pd.DataFrame:
    """Within / composition per industry, with the sourcing parts when asked."""
    x0, a0 = side0[measure]
    x1, a1 = side1[measure]
    p0, p1 = presence(x0, a0), presence(x1, a1)
    frame = _frame(industries, shift_share(x0, a0, x1, a1), p0, p1)
    if sourcing:
        # the parts share the weights (and missing industries) of the measure they split
        for part, name in zip(SOURCING[measure], ("domestic", "foreign"), strict=True):
            ss = shift_share(side0[part][0], side0[part][1], side1[part][0], side1[part][1], p0, p1)
            frame[f"within_{name}"] = ss.within
            frame[f"composition_{name}"] = ss.composition
    return frame


def _levels(frame: pd.DataFrame) -> tuple[float, float]:
    w0, w1 = frame["weight0"].to_numpy(), frame["weight1"].to_numpy()
    a0, a1 = frame["intensity0"].to_numpy(), frame["intensity1"].to_numpy()
    l0 = float((w0 * a0).sum()) if frame["present0"].any() else float("nan")
    l1 = float((w1 * a1).sum()) if frame["present1"].any() else float("nan")
    return l0, l1


def _years_of(rows: pd.DataFrame, country: str) -> list[int]:
    return sorted(int(y) for y in rows.loc[rows["country"] == country, "year"].unique())


def decompose_change(
    panel: IntensityPanel,
    country: str,
    start: int,
    end: int,
    definition: str = "standard",
    measure: str = "direct",
    *,
    sourcing: bool | None = None,
    chained: bool = True,
    sda: bool = False,
    tables: TableSource = None,
    mapping: str | os.PathLike[str] | None = None,
) -> Decomposition:
    """Split the change of an economy's output-weighted manufacturing aggregate over time.

    Parameters
    ----------
    panel
        Any intensity panel (embedded data, one's own tables, pymrio, or read from a file).
    country
        The economy, e.g. ``"KOR"``.
    start, end
        The two years (``start < end``).
    definition, measure
        Producer-service definition and measure of the panel.
    sourcing
        Split ``direct`` further into domestic and imported producer services; default:
        for ``direct`` only (``True`` for another measure is a ``UsageError``).
    chained
        Add the chained form: the yearly splits over the consecutive years of the panel
        between ``start`` and ``end``, summed.
    sda
        For ``total``: split the within part further by a structural decomposition of the
        Leontief inverse (:mod:`servmodel.decompose.sda`), read from ``tables``.
    tables
        The input-output tables the panel was built from (see
        :func:`servmodel.decompose.tables.table_getter`); default the embedded tables.
    mapping
        Sector mapping that defines a ``mapping`` definition (structural decomposition of
        a panel read from a file only).

    Returns
    -------
    Decomposition

    Raises
    ------
    UsageError
        Unknown definition, measure, economy or year, ``start >= end``, a sourcing split of
        a measure that has none, or ``sda`` for a measure other than ``total``.
    DataError
        The panel holds one year only, the economy has no value in a year, or the tables
        do not reproduce the panel's ``total``.
    """
    rows = check_request(panel, definition, measure)
    country = check_country(rows, country)
    years = sorted(int(y) for y in rows["year"].unique())
    if len(years) < 2:
        raise DataError(
            f"{panel.source}: the panel holds only the year {years[0]}; a change "
            "over time needs two years (build the panel with more --years)"
        )
    start = check_year(rows, start, "start year")
    end = check_year(rows, end, "end year")
    if start >= end:
        raise UsageError(f"start year {start} must come before end year {end}")
    split = _sourcing(measure, sourcing)
    if sda and measure != "total":
        raise UsageError(
            f"the structural decomposition splits the Leontief measure; use "
            f"measure 'total', not {measure!r}"
        )
    mine = rows[rows["country"] == country]
    industries = industry_order(mine["industry"].astype(str))
    wanted = measures_of(measure, split)
    sides = {
        y: economy_side(mine, country, y, industries, wanted)
        for y in _years_of(rows, country)
        if start <= y <= end
    }
    for y in (start, end):
        if y not in sides or not presence(*sides[y][measure]).any():
            raise DataError(
                f"{country} has no {measure} value in {y} ({definition}); choose other years"
            )
    frame = _split(sides[start], sides[end], measure, industries, split)
    base, level = _levels(frame)
    steps = pd.DataFrame(columns=["start", "end", "level0", "level1", WITHIN, COMPOSITION])
    if chained:
        frame, steps = _chain(frame, sides, measure, industries)
    parts: tuple[str, ...] = ()
    if sda:
        frame, parts = _add_sda(
            frame, panel, rows, country, start, end, definition, tables, mapping
        )
    return Decomposition(
        country, "", definition, measure, start, end, base, level, frame, steps, parts
    )


def _chain(
    frame: pd.DataFrame, sides: dict[int, Side], measure: str, industries: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add the chained within and composition; return the yearly steps too."""
    years = sorted(sides)
    within = np.zeros(len(industries))
    composition = np.zeros(len(industries))
    records = []
    for y0, y1 in pairwise(years):
        ss = shift_share(*sides[y0][measure], *sides[y1][measure])
        within += ss.within
        composition += ss.composition
        records.append(
            {
                "start": y0,
                "end": y1,
                "level0": float(ss.level0),
                "level1": float(ss.level1),
                WITHIN: float(ss.within.sum()),
                COMPOSITION: float(ss.composition.sum()),
            }
        )
    frame = frame.assign(within_chained=within, composition_chained=composition)
    return frame, pd.DataFrame.from_records(records)


def _add_sda(
    frame: pd.DataFrame,
    panel: IntensityPanel,
    rows: pd.DataFrame,
    country: str,
    start: int,
    end: int,
    definition: str,
    tables: TableSource,
    mapping: str | os.PathLike[str] | None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    get = table_getter(tables)
    t0, t1 = get(start), get(end)
    codes = definition_codes(panel, definition, t0, mapping)
    sd = structural_decomposition(t0, t1, codes)
    industries = list(frame["industry"])
    parts = sda_within(frame, sd, country, industries, rows, f"{definition} {country}")
    return frame.assign(**parts), sd.parts


def sda_within(
    frame: pd.DataFrame,
    sd: StructuralDecomposition,
    country: str,
    industries: list[str],
    rows: pd.DataFrame | None = None,
    what: str = "",
) -> dict[str, np.ndarray]:
    """The within part of ``total`` split by the structural decomposition's parts.

    Each industry's within contribution ``wbar_j (a1_j - a0_j)`` is split as its change
    ``a1_j - a0_j`` is split by ``sd``; an industry missing in a year has no within
    contribution, so no parts. The tables' levels must match the panel's ``total``.
    """
    econ = sd.economy(country, industries)
    both = (frame["present0"] & frame["present1"]).to_numpy()
    for level, side, year in (("level0", "intensity0", sd.start), ("level1", "intensity1", sd.end)):
        got = econ[level].to_numpy()
        want = frame[side].to_numpy()
        present = frame["present0" if level == "level0" else "present1"].to_numpy()
        gap = np.abs(got - want)[present]
        if gap.size and np.max(gap / np.maximum(np.abs(want[present]), 1.0)) > MATCH_TOLERANCE:
            raise DataError(
                f"{what}: the tables give a Leontief requirement (total) that differs from "
                f"the panel's in {year} (by up to {gap.max():.3g}); give the tables the panel "
                "was built from"
            )
    wbar = 0.5 * (frame["weight0"] + frame["weight1"]).to_numpy()
    return {SDA_PREFIX + p: np.where(both, wbar * econ[p].to_numpy(), 0.0) for p in sd.parts}


def decompose_gap(
    panel: IntensityPanel,
    country: str,
    comparator: str,
    year: int,
    definition: str = "standard",
    measure: str = "direct",
    *,
    sourcing: bool | None = None,
) -> Decomposition:
    """Split the gap between an economy's aggregate and a comparator's in one year.

    The base is the comparator and the target the economy, so ``within`` is the part of
    the gap due to the economy's industries buying more (positive) or fewer (negative)
    services than the comparator's at average weights, and ``composition`` the part due to
    its industry mix.

    Parameters
    ----------
    panel
        Any intensity panel.
    country
        The economy, e.g. ``"KOR"``.
    comparator
        Another economy's code, or a group: ``oecd`` (the OECD members of that year),
        ``non_oecd`` (the others) or ``all``, in any case (``OECD``), the economy itself
        left out. A group is one economy whose industry weights are the members' output
        and whose industry intensities are the members' output-weighted means (values
        that are NaN skipped), so its aggregate is the output-weighted mean over all its
        members' rows.
    year
        The year.
    definition, measure
        Producer-service definition and measure.
    sourcing
        As for :func:`decompose_change`.

    Returns
    -------
    Decomposition
        With ``start == end == year``.
    """
    rows = check_request(panel, definition, measure)
    country = check_country(rows, country)
    comparator = comparator_name(comparator)
    year = check_year(rows, year, "year")
    split = _sourcing(measure, sourcing)
    wanted = measures_of(measure, split)
    here = rows[rows["year"] == year]
    if comparator not in GROUPS:
        check_country(rows, comparator, "comparator")
        if comparator == country:
            raise UsageError(
                f"comparator {comparator} is the economy itself; compare "
                f"{country} with another economy or a group "
                f"({', '.join(GROUPS)})"
            )
    codes = here.loc[here["country"] == country, "industry"].astype(str)
    if comparator not in GROUPS:
        codes = pd.concat([codes, here.loc[here["country"] == comparator, "industry"]])
    else:
        codes = pd.concat([codes, here["industry"]])
    industries = industry_order(codes.astype(str))
    target = economy_side(here, country, year, industries, wanted)
    if comparator in GROUPS:
        base = group_side(here, comparator, country, year, industries, wanted)
    else:
        base = economy_side(here, comparator, year, industries, wanted)
    for name, side in ((country, target), (comparator, base)):
        if not presence(*side[measure]).any():
            raise DataError(
                f"{name} has no {measure} value in {year} ({definition}); choose another year"
            )
    frame = _split(base, target, measure, industries, split)
    b, t = _levels(frame)
    return Decomposition(country, comparator, definition, measure, year, year, b, t, frame)


def constant_weight_series(
    panel: IntensityPanel,
    country: str,
    definition: str = "standard",
    measure: str = "direct",
    base: int | None = None,
) -> pd.DataFrame:
    """The aggregate every year, and the aggregate at the base year's output weights.

    The second series moves only with the industries' intensities (the within effect
    against the base year): an industry without a value in a year is left out of that year
    with the other base weights rescaled; one absent in the base year has weight 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``level`` (output-weighted aggregate), ``constant_weights`` and
        ``base`` (the base year, default the first year of the economy).
    """
    rows = check_request(panel, definition, measure)
    country = check_country(rows, country)
    mine = rows[rows["country"] == country]
    years = sorted(int(y) for y in mine["year"].unique())
    base = years[0] if base is None else check_year(mine, base, "base year")
    industries = industry_order(mine["industry"].astype(str))
    sides = [economy_side(mine, country, y, industries, (measure,))[measure] for y in years]
    x = np.array([s[0] for s in sides])
    a = np.array([s[1] for s in sides])
    p = presence(x, a)
    k = years.index(base)
    w = np.where(p, x, 0.0)
    level = np.divide((w * np.where(p, a, 0.0)).sum(axis=1), w.sum(axis=1))
    fixed = constant_weight_levels(x[k], p[k], np.where(p, a, np.nan))
    return pd.DataFrame(
        {
            "year": np.array(years, dtype=np.int64),
            "level": level,
            "constant_weights": fixed,
            "base": np.int64(base),
        }
    )


def check_additivity(result: Decomposition, tolerance: float = TOLERANCE) -> None:
    """``DataError`` unless every identity of ``result`` holds to ``tolerance``."""
    worst = result.max_residual()
    if not worst <= tolerance:
        raise DataError(
            f"{result!r}: components add up only to a relative residual of "
            f"{worst:.3g} (tolerance {tolerance:g})"
        )
