"""Posterior contrasts of expected manufacturing intensity and probabilities of claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm

from servmodel.bayes.data import BayesData
from servmodel.bayes.model import EXPECTED, build_model
from servmodel.errors import UsageError
from servmodel.spec.bayes import BayesOptions

GROUPS = ("oecd", "non_oecd", "all")


@dataclass(frozen=True)
class Contrast:
    """Posterior of (country - comparator) expected manufacturing intensity in one year."""

    country: str
    comparator: str
    year: int
    country_mean: float
    comparator_mean: float
    difference_mean: float
    difference_low: float
    difference_high: float
    prob_below: float


@dataclass(frozen=True)
class ContrastReport:
    """Contrasts against each comparator, the probability of ranking lowest, and the
    probabilities of the technology and time claims."""

    contrasts: tuple[Contrast, ...]
    prob_lowest: float
    rank_mean: float
    n_economies: int
    claims: dict[str, float]
    level: float
    difference_draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.contrasts])


def expected_by_country(idata: az.InferenceData, opts: BayesOptions, data: BayesData,
                        year: int, seed: int = 0) -> tuple[np.ndarray, tuple[str, ...], pd.DataFrame]:
    """Posterior draws (draws x countries) of output-weighted expected manufacturing
    intensity in ``year``, using each industry's observed gross output in that year."""
    rows = data.frame[data.frame["year"] == year]
    if rows.empty:
        have = sorted(data.frame["year"].unique())
        raise UsageError(f"no data for year {year}; the model was fit on {have[0]}-{have[-1]}")
    c_index = {c: k for k, c in enumerate(data.countries)}
    i_index = {c: k for k, c in enumerate(data.industries)}
    grid = data.grid(rows["country"].map(c_index).to_numpy(),
                     rows["industry"].map(i_index).to_numpy(),
                     rows["year"].to_numpy(), rows["output"].to_numpy())
    model = build_model(opts, data, covariates=grid)
    with model:
        pp = pm.sample_posterior_predictive(idata.posterior, var_names=[EXPECTED],
                                            random_seed=seed, progressbar=False)
    draws = pp.posterior_predictive[EXPECTED].stack(sample=("chain", "draw")).values.T
    weights = rows["output"].to_numpy(dtype=float)
    codes = rows["country"].map(c_index).to_numpy()
    present = np.unique(codes)
    out = np.empty((draws.shape[0], len(present)))
    for k, c in enumerate(present):
        m = codes == c
        out[:, k] = draws[:, m] @ weights[m] / weights[m].sum()
    return out, tuple(data.countries[c] for c in present), rows


def _group_draws(draws: np.ndarray, countries: tuple[str, ...], rows: pd.DataFrame,
                 group: str, year: int, focus: str) -> np.ndarray:
    """Output-weighted expected intensity of a country group other than ``focus`` (weights:
    manufacturing output), so that a country is never compared with itself."""
    totals = rows.groupby("country")["output"].sum()
    oecd = rows.groupby("country")["oecd"].first()
    if group == "all":
        members = [c for c in countries if c != focus]
    else:
        flag = oecd.reindex(list(countries)).astype("boolean")
        if flag.isna().any():
            raise UsageError("OECD membership is unknown for this panel; compare with countries")
        members = [c for c in countries if bool(flag[c]) == (group == "oecd") and c != focus]
    if not members:
        raise UsageError(f"group {group!r} has no members in {year}")
    idx = [countries.index(c) for c in members]
    w = totals.reindex(members).to_numpy(dtype=float)
    return draws[:, idx] @ w / w.sum()


def contrast(idata: az.InferenceData, opts: BayesOptions, data: BayesData, country: str,
             versus: Sequence[str], year: int, level: float = 0.95,
             first_year: int | None = None) -> ContrastReport:
    """Compare ``country`` with each comparator (country codes or oecd, non_oecd, all; a
    group never includes ``country`` itself).

    Returns the posterior of each difference in expected manufacturing intensity, P(country
    below comparator), P(country has the lowest intensity of all economies), and the claim
    probabilities P(technology effect > 0), P(country's time slope < 0) and P(country's
    expected intensity fell from ``first_year`` to ``year``).
    """
    if country not in data.countries:
        raise UsageError(f"country {country!r} is not in the model's data; it has "
                         f"{', '.join(data.countries)}")
    for v in versus:
        if v not in data.countries and v not in GROUPS:
            raise UsageError(f"comparator {v!r} is neither a country of the model nor a group "
                             f"({', '.join(GROUPS)})")
    draws, countries, rows = expected_by_country(idata, opts, data, year)
    if country not in countries:
        raise UsageError(f"{country} has no observations in {year}")
    own = draws[:, countries.index(country)]
    alpha = (1 - level) / 2
    out = []
    diffs: dict[str, np.ndarray] = {}
    for v in versus:
        other = (draws[:, countries.index(v)] if v in countries else
                 _group_draws(draws, countries, rows, v, year, country))
        diff = own - other
        diffs[v] = diff
        out.append(Contrast(country, v, year, float(own.mean()), float(other.mean()),
                            float(diff.mean()), float(np.quantile(diff, alpha)),
                            float(np.quantile(diff, 1 - alpha)), float((diff < 0).mean())))
    ranks = (draws < own[:, None]).sum(axis=1) + 1  # 1 = lowest
    post = idata.posterior
    claims: dict[str, float] = {}
    if "beta_tech" in post:
        claims["P(technology effect > 0)"] = float((post["beta_tech"] > 0).mean())
    if "beta_tech_class" in post:
        high = post["beta_tech_class"].sel(tech_term="high")
        claims["P(high-tech above low-tech)"] = float((high > 0).mean())
    if "slope_country" in post:
        claims[f"P({country} time slope < 0)"] = float(
            (post["slope_country"].sel(country=country) < 0).mean())
    elif "trend" in post:
        claims["P(common time slope < 0)"] = float((post["trend"] < 0).mean())
    start = first_year if first_year is not None else int(data.frame["year"].min())
    if start != year:
        early, early_countries, _ = expected_by_country(idata, opts, data, start)
        if country in early_countries:
            fell = early[:, early_countries.index(country)] > own
            claims[f"P({country} intensity {year} < {start})"] = float(fell.mean())
    return ContrastReport(tuple(out), float((ranks == 1).mean()), float(ranks.mean()),
                          len(countries), claims, level, diffs)
