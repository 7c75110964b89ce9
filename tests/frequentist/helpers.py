"""Small panels built in the tests, and specs written as Python dicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from servmodel.intensity import PANEL_COLUMNS, TECH_LEVELS, IntensityPanel
from servmodel.spec import ModelSpec, parse_spec


def toy_panel(
    y: np.ndarray,
    covariates: dict[str, np.ndarray] | None = None,
    n_countries: int = 6,
    n_industries: int = 5,
    years: range = range(2000, 2005),
    tech_score: np.ndarray | None = None,
    output: np.ndarray | None = None,
) -> IntensityPanel:
    """A one-definition ("standard") panel with ``direct = y``, rows ordered by country,
    industry, year; ``covariates`` become extra columns."""
    countries = [f"C{i:02d}" for i in range(n_countries)]
    industries = [f"c{j + 3}" for j in range(n_industries)]
    keys = pd.MultiIndex.from_product([countries, industries, list(years)],
                                      names=["country", "industry", "year"]).to_frame(
        index=False)
    n = len(keys)
    assert len(y) == n, f"y needs {n} values"
    if tech_score is None:
        tech_score = (np.arange(n_industries) % 4 + 1)[np.repeat(
            np.tile(np.arange(n_industries), n_countries), len(years))]
    frame = keys.assign(
        definition="standard",
        direct=np.asarray(y, dtype=float),
        direct_domestic=np.asarray(y, dtype=float) / 2,
        direct_foreign=np.asarray(y, dtype=float) / 2,
        share_intermediate=0.5,
        total=np.asarray(y, dtype=float) * 1.5,
        va_services=np.asarray(y, dtype=float) * 0.8,
        va_services_domestic=np.asarray(y, dtype=float) * 0.5,
        va_services_foreign=np.asarray(y, dtype=float) * 0.3,
        output=np.full(n, 100.0) if output is None else np.asarray(output, dtype=float),
        exports=np.full(n, 40.0),
        tech=pd.Categorical([TECH_LEVELS[int(s) - 1] for s in tech_score],
                            categories=list(TECH_LEVELS), ordered=True),
        tech_score=np.asarray(tech_score, dtype=np.int64),
        oecd=pd.array([True] * n, dtype="boolean"),
    )
    frame = frame[list(PANEL_COLUMNS)]
    for name, values in (covariates or {}).items():
        frame[name] = np.asarray(values, dtype=float)
    return IntensityPanel(frame=frame, source="<toy>")


def make_spec(formula: str, estimator: str, *, data: dict[str, Any] | None = None,
              dependent: dict[str, Any] | None = None, **frequentist: Any) -> ModelSpec:
    """A spec from keyword arguments, as if read from ``test.toml``."""
    raw: dict[str, Any] = {
        "name": "test",
        "formula": formula,
        "data": {"definition": "standard", **(data or {})},
        "dependent": dependent or {"transform": "level"},
        "frequentist": {"estimator": estimator, **frequentist},
    }
    return parse_spec(raw, source="test.toml")


def log_standard_frame(panel: IntensityPanel) -> pd.DataFrame:
    """The embedded panel's ``standard`` rows with log(direct) > -inf, as the reference
    implementations get them: y, trend (year - 1995), entity (country:industry)."""
    f = panel.frame
    f = f[(f["definition"] == "standard") & (f["direct"] > 0)].copy()
    f["y"] = np.log(f["direct"])
    f["trend"] = (f["year"] - f["year"].min()).astype(float)
    f["ts_trend"] = f["tech_score"] * f["trend"]
    f["entity"] = f["country"] + ":" + f["industry"]
    f["country"] = f["country"].astype(str)
    f["log_output"] = np.log(f["output"])
    return f.reset_index(drop=True)
