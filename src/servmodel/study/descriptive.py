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


# services as the OECD-WTO TiVA indicators count them: ISIC Rev.3 G-P, WIOD c19-c35
ALL_SERVICES: tuple[str, ...] = tuple(f"c{k}" for k in range(19, 36))
ALL_SERVICES_LABEL = "all services (c19-c35)"
VA_COMPONENTS = {
    "total": "va_services",
    "domestic": "va_services_domestic",
    "foreign": "va_services_foreign",
}


def _weighted_mean(
    frame: pd.DataFrame, value: str, by: list[str], weight: str = "output"
) -> pd.Series:
    """Weighted mean of ``value`` per group; rows with a missing value, or a weight that is
    missing or not positive, are left out."""
    ok = frame[value].notna() & (frame[weight] > 0)
    f = frame.loc[ok]
    num = (f[value] * f[weight]).groupby([f[b] for b in by]).sum()
    den = f[weight].groupby([f[b] for b in by]).sum()
    return num / den


def comparator_series(
    panel: IntensityPanel, measure: str = "direct", focus: str = FOCUS
) -> pd.DataFrame:
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


def services_va_in_exports(panel: IntensityPanel, focus: str = FOCUS) -> pd.DataFrame:
    """The services value-added share of manufacturing gross exports (the TiVA form):
    export-weighted ``va_services`` and its domestic and foreign parts, per (definition,
    year), for the focus country, Mexico, China and the OECD members of that year other than
    the focus country.

    Returns a long frame: definition, year, series, component (total, domestic, foreign),
    value.
    """
    f = panel.frame
    if focus not in set(f["country"]):
        raise DataError(f"country {focus!r} is not in the panel")
    groups = {name: f[f["country"] == name] for name in (focus, *COMPARATORS)}
    groups[OECD_LABEL] = f[f["oecd"].fillna(False).astype(bool) & (f["country"] != focus)]
    parts = []
    for component, column in VA_COMPONENTS.items():
        for name, rows in groups.items():
            share = _weighted_mean(rows, column, ["definition", "year"], weight="exports")
            parts.append(
                share.rename("value").reset_index().assign(series=name, component=component)
            )
    out = pd.concat(parts, ignore_index=True)[
        ["definition", "year", "series", "component", "value"]
    ]
    return out.sort_values(["definition", "component", "series", "year"], ignore_index=True)


def tech_gradient(
    panel: IntensityPanel, measure: str = "direct", country: str | None = None
) -> pd.DataFrame:
    """Output-weighted intensity per (definition, year, technology class), over all countries
    or one country."""
    f = panel.frame if country is None else panel.frame[panel.frame["country"] == country]
    g = _weighted_mean(
        f.assign(tech=f["tech"].astype(str)), measure, ["definition", "year", "tech"]
    )
    return g.rename("value").reset_index()


def economy_vs_manufacturing(
    panel: IntensityPanel, measure: str = "direct", country: str = FOCUS
) -> pd.DataFrame:
    """Output-weighted intensity of the whole economy and of manufacturing, per
    (definition, year), for one country; needs a panel built from tables (aggregates)."""
    agg = panel.aggregates
    if agg.empty:
        raise DataError(
            "economy-wide aggregates need a panel built from input-output tables, "
            "not one read from a file"
        )
    sub = agg[(agg["country"] == country) & (agg["weight"] == "output")]
    return (
        sub[["definition", "year", "scope", measure]]
        .rename(columns={measure: "value"})
        .sort_values(["definition", "scope", "year"], ignore_index=True)
    )
