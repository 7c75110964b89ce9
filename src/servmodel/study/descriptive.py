"""Descriptive facts of the replication: Korea against its comparators, ranks, the
technology gradient and economy-wide against manufacturing trends."""

from __future__ import annotations

import pandas as pd

from servmodel.errors import DataError
from servmodel.intensity import IntensityPanel
from servmodel.intensity.summary import manufacturing_intensity

FOCUS = "KOR"
COMPARATORS = ("MEX", "CHN")
OECD_LABEL = "OECD (excl. KOR)"


def _weighted_mean(frame: pd.DataFrame, value: str, by: list[str]) -> pd.Series:
    ok = frame[value].notna()
    f = frame.loc[ok]
    num = (f[value] * f["output"]).groupby([f[b] for b in by]).sum()
    den = f["output"].groupby([f[b] for b in by]).sum()
    return num / den


def comparator_series(panel: IntensityPanel, measure: str = "direct",
                      focus: str = FOCUS) -> pd.DataFrame:
    """Output-weighted manufacturing intensity per (definition, year) of the focus country,
    Mexico, China and the OECD members of that year other than the focus country.

    Returns a long frame: definition, year, series, value.
    """
    f = panel.frame
    if focus not in set(f["country"]):
        raise DataError(f"country {focus!r} is not in the panel")
    by_country = manufacturing_intensity(panel, measure)
    parts = []
    for name in (focus, *COMPARATORS):
        sub = by_country[by_country["country"] == name]
        parts.append(sub.assign(series=name)[["definition", "year", "series", measure]])
    members = f[f["oecd"].fillna(False).astype(bool) & (f["country"] != focus)]
    oecd = _weighted_mean(members, measure, ["definition", "year"]).rename(measure).reset_index()
    parts.append(oecd.assign(series=OECD_LABEL))
    out = pd.concat(parts, ignore_index=True).rename(columns={measure: "value"})
    return out.sort_values(["definition", "series", "year"], ignore_index=True)


def tech_gradient(panel: IntensityPanel, measure: str = "direct",
                  country: str | None = None) -> pd.DataFrame:
    """Output-weighted intensity per (definition, year, technology class), over all countries
    or one country."""
    f = panel.frame if country is None else panel.frame[panel.frame["country"] == country]
    g = _weighted_mean(f.assign(tech=f["tech"].astype(str)), measure,
                       ["definition", "year", "tech"])
    return g.rename("value").reset_index()


def economy_vs_manufacturing(panel: IntensityPanel, measure: str = "direct",
                             country: str = FOCUS) -> pd.DataFrame:
    """Output-weighted intensity of the whole economy and of manufacturing, per
    (definition, year), for one country; needs a panel built from tables (aggregates)."""
    agg = panel.aggregates
    if agg.empty:
        raise DataError("economy-wide aggregates need a panel built from input-output tables, "
                        "not one read from a file")
    sub = agg[(agg["country"] == country) & (agg["weight"] == "output")]
    return sub[["definition", "year", "scope", measure]].rename(columns={measure: "value"}) \
        .sort_values(["definition", "scope", "year"], ignore_index=True)
