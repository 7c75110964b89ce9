"""Variables a formula may use beside the panel's own columns (trend, Korea, tech dummies)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from servmodel.frequentist.arrays import PanelArrays
from servmodel.intensity import TECH_LEVELS


@dataclass(frozen=True)
class Derived:
    """A variable computed from the selected rows.

    Attributes
    ----------
    description
        What it is, shown in error messages that list the allowed variables.
    make
        ``make(arrays, positions, trend_origin)`` -> values for the rows at ``positions``.
    """

    description: str
    make: Callable[[PanelArrays, np.ndarray, int], np.ndarray]


def _is(column: str, label: str) -> Callable[[PanelArrays, np.ndarray, int], np.ndarray]:
    def make(arrays: PanelArrays, pos: np.ndarray, _origin: int) -> np.ndarray:
        coded = arrays.coded[column]
        code = coded.code_of(label)
        if code is None:
            return np.zeros(len(pos))
        return (coded.codes[pos] == code).astype(float)

    return make


DERIVED: Mapping[str, Derived] = MappingProxyType(
    {
        "trend": Derived(
            "year minus the first year of the sample (0, 1, 2, ...)",
            lambda a, pos, origin: (a.year[pos] - origin).astype(float),
        ),
        "korea": Derived("1 for Korea (KOR), else 0", _is("country", "KOR")),
        "oecd": Derived(
            "1 if the country is an OECD member in that year, else 0",
            lambda a, pos, _o: a.column("oecd")[pos],
        ),
        **{
            f"tech_{lvl.replace('-', '_')}": Derived(
                f"1 if the industry's OECD technology class is {lvl}", _is("tech", lvl)
            )
            for lvl in TECH_LEVELS
        },
    }
)

# Panel columns that are labels, not numbers; formulas use them through C(...) or as
# categorical variables (dummy-coded against the first level)
LABEL_COLUMNS: tuple[str, ...] = ("country", "industry", "tech")
NOT_REGRESSORS: tuple[str, ...] = ("definition",)


def available_variables(columns: list[str]) -> list[str]:
    """Names a formula may use, given the panel's columns."""
    own = [c for c in columns if c not in NOT_REGRESSORS]
    return sorted(set(own) | set(DERIVED))


def variable_column(
    arrays: PanelArrays, positions: np.ndarray, name: str, origin: int
) -> np.ndarray | pd.Categorical:
    """The values of ``name`` at ``positions``: a float array, or a categorical of the
    labels that occur (levels of no selected row would give all-zero dummies)."""
    if name in DERIVED:
        return DERIVED[name].make(arrays, positions, origin)
    if name in LABEL_COLUMNS:
        coded = arrays.coded[name]
        cat = pd.Categorical.from_codes(coded.codes[positions], categories=list(coded.labels))
        return cat.remove_unused_categories()
    values = arrays.column(name)[positions]
    if values.dtype.kind in "iub":
        return values.astype(float)
    return values
