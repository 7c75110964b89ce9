"""From the panel to aligned arrays: one economy, or a group of economies, in one year."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from servmodel.errors import DataError, UsageError
from servmodel.intensity.panel import IntensityPanel
from servmodel.options import Measure, validate_choice

# comparator groups, each taken in the year of the gap (the panel's ``oecd`` column), never
# holding the focus economy: as the OECD average of the descriptive comparison
GROUPS: tuple[str, ...] = ("oecd", "non_oecd", "all")
SOURCING: dict[str, tuple[str, str]] = {"direct": ("direct_domestic", "direct_foreign")}

# (output, values) of each measure, aligned to an industry list
Side = dict[str, tuple[np.ndarray, np.ndarray]]


def industry_order(codes: Sequence[str]) -> list[str]:
    """Codes in natural order (c3 before c10), each once."""

    def key(code: str) -> list[object]:
        return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code)]

    return sorted(dict.fromkeys(codes), key=key)


def check_request(panel: IntensityPanel, definition: str, measure: str) -> pd.DataFrame:
    """The panel rows of ``definition``; ``UsageError`` for an unknown measure or definition."""
    if not isinstance(panel, IntensityPanel):
        raise UsageError(f"panel must be an IntensityPanel, not {type(panel).__name__}")
    if not isinstance(measure, str):
        raise UsageError(f"measure must be a string such as 'direct', not {measure!r}")
    validate_choice(measure, Measure, "measure")
    f = panel.frame
    if not isinstance(definition, str) or definition not in set(f["definition"]):
        have = ", ".join(sorted(f["definition"].astype(str).unique()))
        raise UsageError(f"definition {definition!r} is not in the panel; it holds {have}")
    return f[f["definition"] == definition]


def check_country(rows: pd.DataFrame, country: object, what: str = "country") -> str:
    """``country`` if the rows hold it, else ``UsageError`` naming the choices."""
    if not isinstance(country, str) or country not in set(rows["country"]):
        have = sorted(rows["country"].astype(str).unique())
        raise UsageError(
            f"{what} {country!r} is not an economy of the panel; choose one of "
            f"{', '.join(have[:50])}{' ...' if len(have) > 50 else ''}"
        )
    return country


def check_year(rows: pd.DataFrame, year: object, what: str) -> int:
    """``year`` as an int if the rows hold it, else ``UsageError`` naming the years."""
    years = sorted(int(y) for y in rows["year"].unique())
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or int(year) not in years:
        raise UsageError(
            f"{what} {year!r} is not a year of the panel; it covers {_years_text(years)}"
        )
    return int(year)


def _years_text(years: list[int]) -> str:
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"only {years[0]}"
    return ", ".join(map(str, years))


def measures_of(measure: str, sourcing: bool) -> tuple[str, ...]:
    """The measure, with its sourcing parts when asked."""
    return (measure, *SOURCING[measure]) if sourcing else (measure,)


def economy_side(
    rows: pd.DataFrame, country: str, year: int, industries: list[str], measures: Sequence[str]
) -> Side:
    """Output and values of one economy in one year (NaN for an industry without a row)."""
    sub = rows[(rows["country"] == country) & (rows["year"] == year)].set_index("industry")
    sub = sub.reindex(industries)
    x = sub["output"].to_numpy(dtype=float)
    return {m: (x, sub[m].to_numpy(dtype=float)) for m in measures}


def group_members(rows: pd.DataFrame, group: str, focus: str, year: int) -> list[str]:
    """Economies of ``group`` in ``year``, without the focus economy."""
    sub = rows[(rows["year"] == year) & (rows["country"] != focus)]
    if group == "all":
        members = sub["country"]
    else:
        flag = sub["oecd"].astype("boolean")
        if flag.isna().all():
            raise UsageError(
                "OECD membership is unknown for this panel (its oecd column is "
                "empty); compare with economies by their codes"
            )
        member = flag.fillna(False).to_numpy(dtype=bool)
        members = sub.loc[
            member if group == "oecd" else ~member & flag.notna().to_numpy(), "country"
        ]
    out = sorted(set(members.astype(str)))
    if not out:
        raise DataError(f"the group {group!r} has no economy other than {focus} in {year}")
    return out


def group_side(
    rows: pd.DataFrame,
    group: str,
    focus: str,
    year: int,
    industries: list[str],
    measures: Sequence[str],
) -> Side:
    """A group as one economy: per industry, the output of its members with a value and
    their output-weighted mean (so the group's aggregate is the output-weighted mean over
    all its members' rows, NaN values skipped)."""
    members = group_members(rows, group, focus, year)
    sub = rows[(rows["year"] == year) & rows["country"].isin(members)]
    out: Side = {}
    for m in measures:
        ok = sub[m].notna() & (sub["output"] > 0)
        s = sub.loc[ok]
        x = s["output"].groupby(s["industry"]).sum()
        xa = (s["output"] * s[m]).groupby(s["industry"]).sum()
        x = x.reindex(industries)
        a = (xa.reindex(industries) / x).to_numpy(dtype=float)
        out[m] = (x.to_numpy(dtype=float), a)
    return out


def comparator_name(comparator: object) -> str:
    """A group name in its canonical spelling (``OECD`` -> ``oecd``), or the code as given."""
    if not isinstance(comparator, str) or not comparator.strip():
        raise UsageError(
            f"comparator must be an economy code or a group ({', '.join(GROUPS)}), "
            f"not {comparator!r}"
        )
    text = comparator.strip()
    lowered = text.lower().replace("-", "_")
    return lowered if lowered in GROUPS else text
