"""Descriptive summaries of an intensity panel: coverage, means, country ranks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servmodel.intensity.measures import MEASURES
from servmodel.intensity.panel import IntensityPanel
from servmodel.options import Measure, validate_choice


@dataclass(frozen=True)
class PanelSummary:
    """What ``servmodel data summary`` shows.

    Attributes
    ----------
    coverage
        One row per definition: rows, countries, industries, first and last year, rows
        dropped for zero output, exact zeros in ``direct``.
    means
        Mean of each measure by definition (unweighted over country-industry-years).
    ranks
        Output-weighted manufacturing ``direct`` intensity of each country in the first and
        last year, per definition, with its rank (1 = highest intensity).
    """

    coverage: pd.DataFrame
    means: pd.DataFrame
    ranks: pd.DataFrame


def manufacturing_intensity(panel: IntensityPanel, measure: str = "direct") -> pd.DataFrame:
    """Output-weighted manufacturing intensity per (definition, country, year).

    Computed from the panel rows, so it also works for a panel read from a file.

    Raises
    ------
    UsageError
        ``measure`` is not one of :data:`MEASURES`.
    """
    validate_choice(measure, Measure, "measure")
    f = panel.frame
    ok = f[measure].notna()
    g = (
        (f.loc[ok, measure] * f.loc[ok, "output"])
        .groupby([f.loc[ok, "definition"], f.loc[ok, "country"], f.loc[ok, "year"]])
        .sum()
    )
    w = (
        f.loc[ok, "output"]
        .groupby([f.loc[ok, "definition"], f.loc[ok, "country"], f.loc[ok, "year"]])
        .sum()
    )
    return (g / w).rename(measure).reset_index()


def summarize_panel(panel: IntensityPanel, measure: str = "direct") -> PanelSummary:
    """Coverage, mean intensities and first/last-year country ranks of ``panel``.

    Raises
    ------
    UsageError
        ``measure`` is not one of :data:`MEASURES`.
    """
    validate_choice(measure, Measure, "measure")
    f = panel.frame
    n_dropped = len(panel.dropped)
    coverage = (
        f.groupby("definition", sort=False)
        .agg(
            rows=("country", "size"),
            countries=("country", "nunique"),
            industries=("industry", "nunique"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            zeros=(measure, lambda s: int((s == 0).sum())),
        )
        .reset_index()
    )
    coverage["dropped_zero_output"] = n_dropped
    means = f.groupby("definition", sort=False)[list(MEASURES)].mean().reset_index()
    intensity = manufacturing_intensity(panel, measure)
    first, last = int(f["year"].min()), int(f["year"].max())
    ends = intensity[intensity["year"].isin([first, last])].copy()
    ends["rank"] = (
        ends.groupby(["definition", "year"])[measure]
        .rank(ascending=False, method="min")
        .astype(np.int64)
    )
    ranks = ends.pivot_table(
        index=["definition", "country"], columns="year", values=[measure, "rank"]
    ).reset_index()
    ranks.columns = [
        c if isinstance(c, str) else (f"{c[0]}_{c[1]}" if c[1] != "" else c[0])
        for c in ranks.columns
    ]
    for col in ranks.columns:
        if col.startswith("rank_"):
            ranks[col] = ranks[col].astype(np.int64)
    ranks = ranks.sort_values(["definition", f"rank_{last}"], ignore_index=True)
    return PanelSummary(coverage=coverage, means=means, ranks=ranks)
