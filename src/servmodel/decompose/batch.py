"""Every economy, definition, measure and pair of consecutive years at once (vectorised)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from servmodel.decompose.api import MATCH_TOLERANCE
from servmodel.decompose.result import ALL, SDA_PREFIX, TIDY_COLUMNS
from servmodel.decompose.sda import PARTS, LeontiefYear, decompose_years_many, prepare
from servmodel.decompose.selection import SOURCING, industry_order
from servmodel.decompose.shift_share import presence, shift_share
from servmodel.decompose.tables import TableSource, definition_codes, table_getter
from servmodel.errors import DataError, UsageError
from servmodel.intensity.measures import MEASURES
from servmodel.intensity.panel import IntensityPanel


def decompose_all(
    panel: IntensityPanel,
    *,
    measures: Sequence[str] | None = None,
    sda: bool = True,
    tables: TableSource = None,
    mapping: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Shift-share of every economy, definition and measure over each pair of consecutive
    years of the panel, as tidy rows (see :meth:`Decomposition.tidy`).

    The same arithmetic as :func:`decompose_change` (without its chained form, which for
    consecutive years is the two-point form), on arrays of all economies and years at once.
    ``direct`` carries its sourcing split; with ``sda``, ``total`` carries the structural
    decomposition of its within part, from ``tables`` (default the embedded tables), each
    table read and factored once.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS`.
    """
    if not isinstance(panel, IntensityPanel):
        raise UsageError(f"panel must be an IntensityPanel, not {type(panel).__name__}")
    measures = tuple(MEASURES if measures is None else measures)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise UsageError(f"unknown measure {unknown[0]!r}; choose among {', '.join(MEASURES)}")
    f = panel.frame
    years = sorted(int(y) for y in f["year"].unique())
    if len(years) < 2:
        raise DataError(
            f"{panel.source}: the panel holds only the year {years[0]}; changes "
            "over time need two years"
        )
    definitions = list(dict.fromkeys(f["definition"].astype(str)))
    countries = sorted(f["country"].astype(str).unique())
    industries = industry_order(f["industry"].astype(str))
    cubes = {
        d: _cube(
            f[f["definition"] == d],
            countries,
            years,
            industries,
            ("output", *measures, *(p for m in measures for p in SOURCING.get(m, ()))),
        )
        for d in definitions
    }
    parts: list[pd.DataFrame] = []
    head = (np.array(countries), np.array(years[:-1]), np.array(years[1:]))
    for d in definitions:
        cube = cubes[d]
        x = cube["output"]
        for m in measures:
            a = cube[m]
            p = presence(x, a)
            ss = shift_share(x[:, :-1], a[:, :-1], x[:, 1:], a[:, 1:], p[:, :-1], p[:, 1:])
            comps = {"change": ss.change, "within": ss.within, "composition": ss.composition}
            for part, name in zip(SOURCING.get(m, ()), ("domestic", "foreign"), strict=False):
                s = shift_share(
                    x[:, :-1], cube[part][:, :-1], x[:, 1:], cube[part][:, 1:], p[:, :-1], p[:, 1:]
                )
                comps[f"within_{name}"] = s.within
                comps[f"composition_{name}"] = s.composition
            levels = {"level_start": ss.level0, "level_end": ss.level1}
            parts.append(_tidy(d, m, head, industries, levels, comps))
    if sda and "total" in measures:
        parts += _sda_parts(panel, cubes, countries, years, industries, tables, mapping, head)
    # one set of categories per text column, so that the parts concatenate as categoricals
    for col in ("country", "comparator", "definition", "measure", "component", "industry"):
        union = list(dict.fromkeys(c for part in parts for c in part[col].cat.categories))
        for part in parts:
            part[col] = part[col].cat.set_categories(union)
    out = pd.concat(parts, ignore_index=True)
    return out[list(TIDY_COLUMNS)]


def _cube(
    rows: pd.DataFrame,
    countries: list[str],
    years: list[int],
    industries: list[str],
    columns: Sequence[str],
) -> dict[str, np.ndarray]:
    """Arrays (country, year, industry) of ``columns``; NaN where there is no row."""
    c = pd.Categorical(rows["country"].astype(str), categories=countries).codes
    y = np.searchsorted(years, rows["year"].to_numpy())
    i = pd.Categorical(rows["industry"].astype(str), categories=industries).codes
    out = {}
    for col in columns:
        cube = np.full((len(countries), len(years), len(industries)), np.nan)
        cube[c, y, i] = rows[col].to_numpy(dtype=float)
        out[col] = cube
    return out


def _tidy(
    definition: str,
    measure: str,
    head: tuple[np.ndarray, np.ndarray, np.ndarray],
    industries: list[str],
    levels: dict[str, np.ndarray],
    comps: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Rows of economy-level levels and sums, and per-industry components.

    Text columns are built as categoricals from integer codes: the frame has over a
    million rows, and text arrays of that length cost more than all the arithmetic.
    """
    countries, starts, ends = head
    nc, npair, ni = len(countries), len(starts), len(industries)
    names: list[str] = []
    blocks = []  # (component code, country codes, starts, ends, industry codes, values)
    # economy-level rows: levels, then the sums of the components; industry code 0 = ALL
    econ = {**levels, **{k: v.sum(axis=-1) for k, v in comps.items()}}
    for name, values in econ.items():
        names.append(name)
        blocks.append(
            (
                len(names) - 1,
                np.repeat(np.arange(nc), npair),
                np.tile(starts, nc),
                np.tile(ends, nc),
                np.zeros(nc * npair, dtype=np.int64),
                values.reshape(-1),
            )
        )
    for name, values in comps.items():
        if name not in names:
            names.append(name)
        blocks.append(
            (
                names.index(name),
                np.repeat(np.arange(nc), npair * ni),
                np.tile(np.repeat(starts, ni), nc),
                np.tile(np.repeat(ends, ni), nc),
                np.tile(np.arange(1, ni + 1), nc * npair),
                values.reshape(-1),
            )
        )
    n = sum(len(b[5]) for b in blocks)
    return pd.DataFrame(
        {
            "country": pd.Categorical.from_codes(
                np.concatenate([b[1] for b in blocks]), categories=list(countries)
            ),
            "comparator": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[""]),
            "definition": pd.Categorical.from_codes(
                np.zeros(n, dtype=np.int8), categories=[definition]
            ),
            "measure": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[measure]),
            "start": np.concatenate([b[2] for b in blocks]).astype(np.int64),
            "end": np.concatenate([b[3] for b in blocks]).astype(np.int64),
            "component": pd.Categorical.from_codes(
                np.concatenate([np.full(len(b[5]), b[0], dtype=np.int64) for b in blocks]),
                categories=names,
            ),
            "industry": pd.Categorical.from_codes(
                np.concatenate([b[4] for b in blocks]), categories=[ALL, *industries]
            ),
            "value": np.concatenate([b[5] for b in blocks]),
        }
    )


def _sda_parts(
    panel: IntensityPanel,
    cubes: dict[str, dict[str, np.ndarray]],
    countries: list[str],
    years: list[int],
    industries: list[str],
    tables: TableSource,
    mapping: str | os.PathLike[str] | None,
    head: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> list[pd.DataFrame]:
    """The within part of ``total`` split by the structural decomposition, every pair."""
    get = table_getter(tables)
    shape = (len(countries), len(years) - 1, len(industries))
    split = {d: np.zeros((len(PARTS), *shape)) for d in cubes}
    previous: LeontiefYear | None = None
    cols: np.ndarray | None = None
    codes: dict[str, tuple[str, ...]] = {}
    for k, year in enumerate(years):
        current = prepare(get(year))
        table = current.table
        if cols is None:
            missing = sorted(set(countries) - set(table.countries))
            if missing:
                raise DataError(
                    f"{table.source}: economies {', '.join(missing[:5])} of the "
                    "panel are not in the tables; give the panel's tables"
                )
            pos = {code: i for i, code in enumerate(table.industries)}
            cols = np.array(
                [
                    [table.countries.index(c) * table.n_industries + pos[i] for i in industries]
                    for c in countries
                ]
            )
            codes = {d: definition_codes(panel, d, table, mapping) for d in cubes}
        if previous is not None:
            names = list(cubes)
            many = decompose_years_many(previous, current, [codes[d] for d in names])
            for d, sd in zip(names, many, strict=True):
                cube = cubes[d]
                x, a = cube["output"][:, k - 1 : k + 1], cube["total"][:, k - 1 : k + 1]
                p = presence(x, a)
                for level, t in ((sd.level0, 0), (sd.level1, 1)):
                    want = a[:, t][p[:, t]]
                    got = level[cols][p[:, t]]
                    if (
                        want.size
                        and np.max(np.abs(got - want) / np.maximum(np.abs(want), 1))
                        > MATCH_TOLERANCE
                    ):
                        raise DataError(
                            f"{d} {years[k - 1 + t]}: the tables give a Leontief "
                            "requirement (total) that differs from the panel's; "
                            "give the tables the panel was built from"
                        )
                ss = shift_share(x[:, 0], a[:, 0], x[:, 1], a[:, 1], p[:, 0], p[:, 1])
                wbar = 0.5 * (ss.weight0 + ss.weight1)
                both = p[:, 0] & p[:, 1]
                for j in range(len(PARTS)):
                    split[d][j, :, k - 1] = np.where(both, wbar * sd.contributions[j][cols], 0.0)
        previous = current
    return [
        _tidy(
            d,
            "total",
            head,
            industries,
            {},
            {SDA_PREFIX + part: split[d][j] for j, part in enumerate(PARTS)},
        )
        for d in cubes
    ]
