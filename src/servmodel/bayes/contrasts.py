"""Posterior contrasts of expected manufacturing intensity and probabilities of claims."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm

from servmodel.bayes.data import BayesData, year_ranges
from servmodel.bayes.model import EXPECTED, build_model
from servmodel.bayes.sampling import quiet_forward_sampling
from servmodel.errors import ResultError, UsageError
from servmodel.spec.bayes import BayesOptions

# Comparator groups, each in the contrast's year: the OECD members of that year (the panel's
# ``oecd`` column), the non-members of that year, and every other economy. Not the sample
# groups ``oecd_last_year`` / ``non_oecd_last_year`` of model specs.
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


def expected_by_country(
    idata: az.InferenceData, opts: BayesOptions, data: BayesData, year: int, seed: int = 0
) -> tuple[np.ndarray, tuple[str, ...], pd.DataFrame]:
    """Posterior draws (draws x countries) of output-weighted expected manufacturing
    intensity in ``year``, using each industry's observed gross output in that year."""
    rows = data.frame[data.frame["year"] == year]
    if rows.empty:
        raise UsageError(
            f"no data for year {year}; the model was fit on "
            f"{year_ranges(data.frame['year'])}: choose one of those years"
        )
    c_index = {c: k for k, c in enumerate(data.countries)}
    i_index = {c: k for k, c in enumerate(data.industries)}
    grid = data.grid(
        rows["country"].map(c_index).to_numpy(),
        rows["industry"].map(i_index).to_numpy(),
        rows["year"].to_numpy(),
        rows["output"].to_numpy(),
    )
    model = build_model(opts, data, covariates=grid)
    # PyMC would draw a variable missing from the posterior from its prior, silently
    missing = [v.name for v in model.free_RVs if v.name not in idata.posterior]
    if missing:
        raise ResultError(
            f"the draws lack {', '.join(missing)}, which the model of this spec "
            "needs, so they were not drawn from it; give the NAME.nc that "
            "`servmodel bayes` wrote for this spec"
        )
    with model, quiet_forward_sampling():
        pp = pm.sample_posterior_predictive(
            idata.posterior, var_names=[EXPECTED], random_seed=seed, progressbar=False
        )
    draws = pp.posterior_predictive[EXPECTED].stack(sample=("chain", "draw")).values.T
    weights = rows["output"].to_numpy(dtype=float)
    codes = rows["country"].map(c_index).to_numpy()
    present = np.unique(codes)
    out = np.empty((draws.shape[0], len(present)))
    for k, c in enumerate(present):
        m = codes == c
        out[:, k] = draws[:, m] @ weights[m] / weights[m].sum()
    return out, tuple(data.countries[c] for c in present), rows


def _group_draws(
    draws: np.ndarray,
    countries: tuple[str, ...],
    rows: pd.DataFrame,
    group: str,
    year: int,
    focus: str,
) -> np.ndarray:
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
        raise UsageError(
            f"group {group!r} has no members other than {focus} in {year}; "
            "compare with countries instead"
        )
    idx = [countries.index(c) for c in members]
    w = totals.reindex(members).to_numpy(dtype=float)
    return draws[:, idx] @ w / w.sum()


def _years_of(data: BayesData, country: str) -> str:
    return year_ranges(data.frame.loc[data.frame["country"] == country, "year"])


def _suggest(value: object, choices: Sequence[str]) -> str:
    """`` (did you mean 'KOR'?)`` for a near miss (case or a typo), else nothing."""
    if not isinstance(value, str):
        return ""
    same_case = [c for c in choices if c.lower() == value.lower()]
    close = same_case or difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _whole(value: object, what: str) -> int:
    """An integer year, refusing text, fractions and booleans (2011.0 is 2011)."""
    if (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and (isinstance(value, numbers.Integral) or float(value).is_integer())
    ):
        return int(value)  # type: ignore[call-overload]
    raise UsageError(f"contrast: {what} must be a whole number such as 2011, not {value!r}")


def _check_arguments(
    idata: object,
    opts: object,
    data: object,
    country: object,
    versus: object,
    year: object,
    level: object,
    first_year: object,
) -> tuple[list[str], int, int | None]:
    """Refuse arguments that would fail inside PyMC or give a meaningless table; return
    the comparators as a list and the years as integers."""
    if not isinstance(idata, az.InferenceData) or "posterior" not in idata.groups():
        raise UsageError(
            "contrast: idata must be the draws (an InferenceData with a "
            "posterior, e.g. load_bayes('model.nc').idata), not "
            f"{type(idata).__name__}"
        )
    if not isinstance(opts, BayesOptions):
        raise UsageError(
            f"contrast: opts must be the spec's BayesOptions (spec.bayes), not "
            f"{type(opts).__name__}"
        )
    if not isinstance(data, BayesData):
        raise UsageError(
            "contrast: data must be a BayesData (servmodel.bayes.data."
            "prepare_data(result.rows, measure, name, zeros)), not "
            f"{type(data).__name__}"
        )
    if not (
        isinstance(level, (int, float)) and not isinstance(level, bool) and 0.0 < float(level) < 1.0
    ):
        raise UsageError(f"contrast: level {level!r} must be between 0 and 1, e.g. 0.95")
    if country not in data.countries:
        raise UsageError(
            f"country {country!r} is not in the model's data"
            f"{_suggest(country, data.countries)}; it has "
            f"{', '.join(data.countries)}"
        )
    # a string is iterable too: "MEX" would be read letter by letter
    if isinstance(versus, str) or not isinstance(versus, Iterable):
        shown = f"the string {versus!r}" if isinstance(versus, str) else type(versus).__name__
        raise UsageError(
            f"contrast: versus must be a list of comparators such as ['MEX', 'oecd'], not {shown}"
        )
    comps = list(versus)
    if not comps:
        raise UsageError(
            "contrast: versus names no comparator; give country codes or groups "
            f"({', '.join(GROUPS)})"
        )
    seen: set[str] = set()
    for v in comps:
        if v not in data.countries and v not in GROUPS:
            raise UsageError(
                f"comparator {v!r} is neither a country of the model nor a group "
                f"({', '.join(GROUPS)}){_suggest(v, (*data.countries, *GROUPS))}"
            )
        if v == country:
            raise UsageError(
                f"comparator {v} is the country itself; compare it with other "
                f"countries or the groups {', '.join(GROUPS)}"
            )
        if v in seen:
            raise UsageError(f"comparator {v} is listed twice; list each comparator once")
        seen.add(v)
    first = None if first_year is None else _whole(first_year, "first_year")
    return comps, _whole(year, "year"), first


def contrast(
    idata: az.InferenceData,
    opts: BayesOptions,
    data: BayesData,
    country: str,
    versus: Sequence[str],
    year: int,
    level: float = 0.95,
    first_year: int | None = None,
) -> ContrastReport:
    """Compare ``country`` with each comparator (country codes or oecd, non_oecd, all; a
    group never includes ``country`` itself, and ``oecd`` / ``non_oecd`` are the members /
    non-members of the OECD in ``year``).

    Returns the posterior of each difference in expected manufacturing intensity, P(country
    below comparator), P(country has the lowest intensity of all economies), and the claim
    probabilities P(technology effect > 0), P(country's time slope < 0) and P(country's
    expected intensity fell from ``first_year`` to ``year``).

    The intensity compared (and ranked, and compared across years) is the model's expected
    output-weighted manufacturing intensity of the economy in that year: each industry's
    expected share (exact zeros included, and the economy x year effect when the model has
    one) weighted by the industries' observed gross outputs in that year. It is the
    aggregate whose replicates, noise of the shares included, the claim-level checks
    (:func:`servmodel.bayes.claim_checks.claim_checks`) compare with the data. The
    technology and time-slope probabilities read the coefficients.

    Parameters
    ----------
    idata
        The draws of a fit (``load_bayes(path).idata``).
    opts
        The spec's ``[bayes]`` options the model was fit with.
    data
        The fit's data, rebuilt with :func:`servmodel.bayes.data.prepare_data`.
    country
        The country compared.
    versus
        Comparators: a list of country codes and groups (``oecd``, ``non_oecd``, ``all``),
        each once, not ``country`` itself.
    year
        The year of the contrasts.
    level
        Probability of the credible intervals.
    first_year
        Start of the "intensity fell" claim (default: the first year of the data).

    Raises
    ------
    UsageError
        An argument of the wrong kind, an unknown or repeated comparator, the country
        among its comparators, or a year in which the country or a comparator has no data.
    """
    versus, year, first_year = _check_arguments(
        idata, opts, data, country, versus, year, level, first_year
    )
    draws, countries, rows = expected_by_country(idata, opts, data, year)
    if country not in countries:
        raise UsageError(
            f"{country} has no observations in {year}; it has "
            f"{_years_of(data, country)}: choose another year"
        )
    for v in versus:
        # a country of the model without rows in this year is no group
        if v in data.countries and v not in countries:
            raise UsageError(
                f"comparator {v} has no observations in {year}; it has "
                f"{_years_of(data, v)}: choose another year or comparator"
            )
    own = draws[:, countries.index(country)]
    alpha = (1 - level) / 2
    out = []
    diffs: dict[str, np.ndarray] = {}
    for v in versus:
        other = (
            draws[:, countries.index(v)]
            if v in countries
            else _group_draws(draws, countries, rows, v, year, country)
        )
        diff = own - other
        diffs[v] = diff
        out.append(
            Contrast(
                country,
                v,
                year,
                float(own.mean()),
                float(other.mean()),
                float(diff.mean()),
                float(np.quantile(diff, alpha)),
                float(np.quantile(diff, 1 - alpha)),
                float((diff < 0).mean()),
            )
        )
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
            (post["slope_country"].sel(country=country) < 0).mean()
        )
    elif "trend" in post:
        claims["P(common time slope < 0)"] = float((post["trend"] < 0).mean())
    start = first_year if first_year is not None else int(data.frame["year"].min())
    if start != year:
        early, early_countries, _ = expected_by_country(idata, opts, data, start)
        if country in early_countries:
            fell = early[:, early_countries.index(country)] > own
            claims[f"P({country} intensity {year} < {start})"] = float(fell.mean())
    return ContrastReport(
        tuple(out),
        float((ranks == 1).mean()),
        float(ranks.mean()),
        len(countries),
        claims,
        level,
        diffs,
    )
