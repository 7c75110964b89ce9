"""Small synthetic panels shaped like the real one, for the Bayesian tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from servmodel.intensity.classification import TECH_LEVELS


def synthetic_rows(n_countries: int = 6, n_industries: int = 5, years: range = range(2000, 2008),
                   seed: int = 0) -> pd.DataFrame:
    """Panel-like rows with placeholder shares (the tests replace ``direct``)."""
    rng = np.random.default_rng(seed)
    countries = [f"K{k:02d}" for k in range(n_countries)]
    industries = [f"c{k + 3}" for k in range(n_industries)]
    tech_score = {ind: 1 + k % 4 for k, ind in enumerate(industries)}
    rows = [
        {"country": c, "industry": i, "year": y, "definition": "standard",
         "output": float(np.exp(rng.normal(8, 1.5))), "oecd": k % 2 == 0,
         "tech": TECH_LEVELS[tech_score[i] - 1], "tech_score": tech_score[i],
         "direct": 0.1}
        for k, c in enumerate(countries) for i in industries for y in years
    ]
    frame = pd.DataFrame(rows)
    frame["tech"] = pd.Categorical(frame["tech"], categories=TECH_LEVELS, ordered=True)
    frame["oecd"] = frame["oecd"].astype("boolean")
    return frame
