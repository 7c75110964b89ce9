"""The panel as plain arrays: integer codes for the label columns, NumPy views of the rest.

Estimation works on row positions and arrays; labels come back only for messages and
results. The arrays are built once per panel object (the panel is frozen and its frame is
read-only by contract), so fitting many models on one panel pays for them once.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servmodel.intensity import TECH_LEVELS, IntensityPanel
from servmodel.spec.select import Coded, PanelCodes


def _code_tech(series: pd.Series) -> Coded:
    """Technology classes coded in their order (low .. high), so that ``low`` is the
    reference level of the dummies whether the column is categorical (built panel) or
    text (panel read from CSV)."""
    text = series.astype(str)
    if set(text.unique()) <= set(TECH_LEVELS):
        codes = pd.Categorical(text, categories=list(TECH_LEVELS)).codes
        return Coded(codes.astype(np.int64), TECH_LEVELS)
    return Coded.of(text)


@dataclass(frozen=True, eq=False)
class PanelArrays:
    """Codes and arrays of one panel frame.

    Attributes
    ----------
    frame
        The panel frame the arrays were made from.
    codes
        The coded label columns, year and OECD membership (what a selection reads).
    coded
        Coded label columns by name: definition, country, industry, tech.
    """

    frame: pd.DataFrame
    codes: PanelCodes
    coded: dict[str, Coded]
    _numeric: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def year(self) -> np.ndarray:
        """Years (int64)."""
        return self.codes.year

    def column(self, name: str) -> np.ndarray:
        """A numeric column as a NumPy array (cached); ``oecd`` as 1.0 / 0.0 / NaN."""
        if name == "oecd":
            return self.codes.oecd
        arr = self._numeric.get(name)
        if arr is None:
            col = self.frame[name]
            if isinstance(col.dtype, pd.BooleanDtype):
                arr = col.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            else:
                arr = col.to_numpy()
            self._numeric[name] = arr
        return arr

    def labels_at(self, name: str, positions: np.ndarray) -> np.ndarray:
        """Labels of a coded column at ``positions``."""
        return self.coded[name].labels_at(positions)


_CACHE: weakref.WeakKeyDictionary[IntensityPanel, PanelArrays] = weakref.WeakKeyDictionary()


def panel_arrays(panel: IntensityPanel) -> PanelArrays:
    """The arrays of ``panel`` (built on first use, then cached for the panel object)."""
    arrays = _CACHE.get(panel)
    if arrays is None or arrays.frame is not panel.frame:
        frame = panel.frame
        codes = PanelCodes.of(frame)
        arrays = PanelArrays(
            frame=frame,
            codes=codes,
            coded={
                "definition": codes.definition,
                "country": codes.country,
                "industry": codes.industry,
                "tech": _code_tech(frame["tech"]),
            },
        )
        _CACHE[panel] = arrays
    return arrays
