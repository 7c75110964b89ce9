"""Posterior summaries in the one ``tidy()`` layout that every table reads."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd

from servmodel.results.tidy import TIDY_COLUMNS

# Posterior variables that are internal coordinates (non-centred raw draws) or too many to
# tabulate (560 country x industry cells and slopes, 600 economy x year coefficients); they
# stay in the netCDF file.
HIDDEN_PREFIXES = ("z_", "u_cell", "b_country_year")

# Model variables named as the terms of the panel models' formulas where they mean the same
# thing, so that one table row holds the technology effect of both families. Time slopes are
# per decade here (per year in the panel models), so they keep names of their own.
TERM_NAMES = {
    "alpha": "Intercept",
    "beta_tech": "tech_score",
    "trend": "trend_decade",
    "tech_trend": "tech_score:trend_decade",
}


def term_label(var: str, labels: tuple[str, ...] = ()) -> str:
    """Display name of a posterior variable (and its coordinates)."""
    if var == "beta_tech_class":
        return f"tech[{labels[0]}]"
    if var == "tech_class_trend":
        return f"tech[{labels[0]}]:trend_decade"
    base = TERM_NAMES.get(var, var)
    return f"{base}[{', '.join(labels)}]" if labels else base


def posterior_tidy(
    idata: az.InferenceData, level: float = 0.95, interval: str = "eti"
) -> pd.DataFrame:
    """One row per scalar parameter (vector parameters spread over their coordinates).

    Columns: the tidy layout (``estimate`` = posterior mean, ``std_error`` = posterior sd,
    ``conf_low``/``conf_high`` = the credible interval; ``statistic`` and ``p_value`` are
    empty) plus ``r_hat`` (NaN with one chain), ``ess_bulk`` and ``ess_tail``.
    """
    post = idata.posterior
    names = [v for v in post.data_vars if not v.startswith(HIDDEN_PREFIXES)]
    sub = post[names]
    # R-hat compares chains; ArviZ warns and returns NaN for one, which NaN says alone
    rhat = az.rhat(sub) if post.sizes["chain"] > 1 else None
    ess_b = az.ess(sub, method="bulk")
    ess_t = az.ess(sub, method="tail")
    if interval == "hdi":
        bounds = az.hdi(sub, hdi_prob=level)
    rows = []
    alpha = (1 - level) / 2
    for var in names:
        da = sub[var]
        extra = [d for d in da.dims if d not in ("chain", "draw")]
        stacked = da.stack(sample=("chain", "draw")).transpose(*extra, "sample")
        values = np.asarray(stacked.values, dtype=float).reshape(-1, stacked.sizes["sample"])
        coords = list(np.ndindex(*[da.sizes[d] for d in extra])) if extra else [()]
        for k, idx in enumerate(coords):
            labels = tuple(str(da.coords[d].values[i]) for d, i in zip(extra, idx, strict=True))
            draws = values[k]
            sel = {d: da.coords[d].values[i] for d, i in zip(extra, idx, strict=True)}
            if interval == "hdi":
                lo, hi = (float(v) for v in bounds[var].sel(sel).values)
            else:
                lo, hi = (float(v) for v in np.quantile(draws, [alpha, 1 - alpha]))
            rows.append(
                {
                    "term": term_label(var, labels),
                    "estimate": float(draws.mean()),
                    "std_error": float(draws.std(ddof=1)),
                    "statistic": np.nan,
                    "p_value": np.nan,
                    "conf_low": lo,
                    "conf_high": hi,
                    "r_hat": float(rhat[var].sel(sel).values) if rhat is not None else np.nan,
                    "ess_bulk": float(ess_b[var].sel(sel).values),
                    "ess_tail": float(ess_t[var].sel(sel).values),
                }
            )
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, "r_hat", "ess_bulk", "ess_tail"])
