"""Claim-level posterior predictive checks: does the model reproduce what the claims are
decided on?

A model can fit the marginal density of the shares well and still miss the aggregates the
claims read: each economy's output-weighted manufacturing intensity in each year, its trend,
Korea's rank and the technology gradient. These checks replicate the shares from the
posterior predictive distribution (Beta or logit-normal noise and exact zeros included),
aggregate every replicate exactly as the observed shares are aggregated, and ask where the
observed statistic falls among its replicates.

The quantity is the intensity of the rows the model was fit on (the result's data rows):
``sum_i output_i * share_i / sum_i output_i`` over one economy's industries in one year,
with the OBSERVED gross output as weights for the observed and every replicated share
alike, so that only the shares differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import arviz as az
import numpy as np
import pandas as pd
from scipy import sparse

from servmodel.errors import ResultError, UsageError

if TYPE_CHECKING:
    from servmodel.results.bayes import BayesResult

TABLE_COLUMNS = (
    "model",
    "statistic",
    "country",
    "year",
    "observed",
    "mean",
    "low",
    "high",
    "p_value",
)
STATISTICS = ("intensity", "trend", "tech_gradient", "rank")
LEVEL = 0.95
INNER_LEVEL = 0.50
# the verdict's bar: with 95% intervals about 95% of economy-years should fall inside; 90%
# leaves room for Monte Carlo error and a few atypical years, not for a systematic misfit
MIN_COVERAGE = 0.90
MAX_DRAWS = 500  # as many as the thinned predictive check the fit stores
FOCUS = "KOR"


@dataclass(frozen=True)
class Coverage:
    """Share of economy-years whose observed intensity lies inside its predictive interval.

    Attributes
    ----------
    n
        Economy-years checked.
    inside_50, inside_95
        Share inside the central 50% and 95% predictive intervals (ideal: about 0.50 and
        0.95; far less means the model misses year-to-year movements of the aggregates).
    focus
        The country reported separately; ``focus_n`` is 0 when it is not in the fit.
    focus_n, focus_inside_50, focus_inside_95
        The same for the focus country alone (NaN shares when it is absent).
    """

    n: int
    inside_50: float
    inside_95: float
    focus: str
    focus_n: int
    focus_inside_50: float
    focus_inside_95: float

    def describe(self) -> str:
        """One line: counts and shares inside the 50% and 95% intervals."""
        text = (
            f"{_count(self.inside_50, self.n)} economy-years inside their 50% predictive "
            f"interval, {_count(self.inside_95, self.n)} inside their 95% interval"
        )
        if self.focus_n:
            text += (
                f"; {self.focus}: {_count(self.focus_inside_50, self.focus_n)} (50%), "
                f"{_count(self.focus_inside_95, self.focus_n)} (95%)"
            )
        return text


def _count(share: float, n: int) -> str:
    return f"{round(share * n)} of {n} ({share:.0%})"


@dataclass(frozen=True, eq=False)
class ClaimChecks:
    """Claim-level posterior predictive checks of one model.

    Attributes
    ----------
    model
        The model's name.
    coverage
        Coverage of the economy-year intensities.
    passed
        True when at least 90% of economy-years lie inside their 95% interval and the
        focus country's trend and the technology gradient lie inside theirs.
    verdict
        The same in words, with the numbers.
    focus
        The country whose trend, rank and coverage are reported separately.
    n_draws
        Replicated data sets used.
    statistics
        The checks, one row per statistic (see :meth:`table`).
    bands
        Per economy-year: country, year, observed, mean and the 50% (``low50``, ``high50``)
        and 95% (``low``, ``high``) predictive intervals of the intensity, for figures.
    """

    model: str
    coverage: Coverage
    passed: bool
    verdict: str
    focus: str
    n_draws: int
    statistics: pd.DataFrame = field(repr=False)
    bands: pd.DataFrame = field(repr=False)

    def table(self) -> pd.DataFrame:
        """model, statistic, country, year, observed, mean, low, high, p_value; ``country``
        is empty for the technology gradient and ``year`` for trends and the gradient."""
        return self.statistics[list(TABLE_COLUMNS)].copy()


# ---------------------------------------------------------------- replicated shares
def replicated_shares(
    result: BayesResult, max_draws: int = MAX_DRAWS
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Posterior predictive draws of the shares of a fit, on the scale of the data.

    The draws are the fit's own thinned posterior predictive group when the result holds
    one (drawn with the sampler's seed when it was fit); otherwise they are drawn now, the
    same way and with the same seed, so repeated checks give the same numbers.

    Parameters
    ----------
    result
        A :class:`~servmodel.results.bayes.BayesResult` with draws and data rows.
    max_draws
        Most posterior draws to replicate from (thinned evenly) when drawing now.

    Returns
    -------
    replicated : numpy.ndarray
        Draws x rows.
    rows : pandas.DataFrame
        The rows (country, industry, year, output, tech_score, ...).
    observed : numpy.ndarray
        The observed shares of ``rows``.
    """
    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import OBSERVED, build_model
    from servmodel.bayes.sampling import add_posterior_predictive
    from servmodel.results.bayes import BayesResult

    if not isinstance(result, BayesResult):
        raise UsageError(
            "claim_checks: give a Bayesian result (servmodel.load_bayes('model.nc')"
            f"), not {type(result).__name__}"
        )
    if result.idata is None or result.rows is None:
        raise ResultError(
            f"{result.name}: the result holds no draws or data rows (read from "
            "JSON); load the NAME.nc file with load_bayes"
        )
    spec = result.spec
    if spec.bayes is None:
        raise ResultError(f"{result.name}: the saved spec has no [bayes] section")
    opts = spec.bayes
    data = prepare_data(result.rows, spec.data.measure, result.name, opts.zeros)
    n = len(data.y)
    idata = result.idata
    stored = idata.posterior_predictive if "posterior_predictive" in idata.groups() else None
    if stored is not None and OBSERVED in stored and stored[OBSERVED].shape[-1] == n:
        rep = np.asarray(stored[OBSERVED].values, dtype=float).reshape(-1, n)
    else:
        model = build_model(opts, data)
        # PyMC would draw a variable missing from the posterior from its prior, silently
        missing = [v.name for v in model.free_RVs if v.name not in idata.posterior]
        if missing:
            raise ResultError(
                f"{result.name}: the draws lack {', '.join(missing)}, which the "
                "model of its spec needs; give the NAME.nc that `servmodel "
                "bayes` wrote for this spec"
            )
        used = result.info.sampler
        seed = used.seed if used is not None else opts.sampling.seed
        scratch = az.InferenceData(posterior=idata.posterior)
        add_posterior_predictive(scratch, model, seed=seed, max_draws=max_draws)
        rep = np.asarray(scratch.posterior_predictive[OBSERVED].values, dtype=float).reshape(-1, n)
    if opts.zeros == "squeeze":
        # the model replicates squeezed shares; undo the (affine) squeeze to compare with
        # the data the claims use
        rep = (rep * n - 0.5) / (n - 1)
    return rep, data.frame, data.y


def claim_checks(
    result: BayesResult, focus: str = FOCUS, max_draws: int = MAX_DRAWS
) -> ClaimChecks:
    """Claim-level posterior predictive checks of a loaded Bayesian result.

    Parameters
    ----------
    result
        A :class:`~servmodel.results.bayes.BayesResult` with draws and data rows (a fit, or
        ``load_bayes('model.nc')``).
    focus
        The country whose trend, rank and coverage are reported separately.
    max_draws
        Most posterior draws to replicate from, when the result stores no predictive draws.

    Returns
    -------
    ClaimChecks
        See :func:`check_replicates`.

    Raises
    ------
    UsageError
        ``result`` is not a Bayesian result.
    ResultError
        The result has no draws or data rows, or its draws do not fit its spec's model.
    """
    rep, rows, observed = replicated_shares(result, max_draws=max_draws)
    return check_replicates(rows, observed, rep, model=result.name, focus=focus)


# ---------------------------------------------------------------- the statistics
def intensity_weights(rows: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.DataFrame]:
    """Rows x economy-years matrix of output shares: ``shares @ W`` is each economy-year's
    output-weighted intensity. Returns W and the economy-years (country, year), sorted."""
    keys = rows[["country", "year"]].astype({"country": str}).reset_index(drop=True)
    keys["year"] = keys["year"].astype(int)
    groups = keys.drop_duplicates().sort_values(["country", "year"], ignore_index=True)
    code = pd.MultiIndex.from_frame(groups).get_indexer(pd.MultiIndex.from_frame(keys))
    w = rows["output"].to_numpy(dtype=float)
    total = np.bincount(code, weights=w, minlength=len(groups))
    W = sparse.csr_matrix((w / total[code], (np.arange(len(w)), code)), shape=(len(w), len(groups)))
    return W, groups


def trend_weights(groups: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Economy-years x countries matrix A: ``intensity @ A`` is each country's OLS slope of
    its yearly intensity on the year, sum((t - mean t) y) / sum((t - mean t)^2). Countries
    with fewer than two years have no trend and no column."""
    countries = []
    cols = []
    for c, sub in groups.groupby("country", sort=True):
        t = sub["year"].to_numpy(dtype=float)
        if len(t) < 2:
            continue
        dev = t - t.mean()
        col = np.zeros(len(groups))
        col[sub.index.to_numpy()] = dev / (dev**2).sum()
        cols.append(col)
        countries.append(str(c))
    return (np.column_stack(cols) if cols else np.zeros((len(groups), 0))), countries


def gradient_weights(rows: pd.DataFrame) -> np.ndarray | None:
    """Vector a: ``shares @ a`` is the pooled OLS coefficient of the share on tech_score
    with year dummies (claim C4's point estimate), by Frisch-Waugh-Lovell: demean both by
    year, slope = sum(x~ y~) / sum(x~^2) = sum(x~ y) / sum(x~^2) since x~ sums to zero
    within each year. ``None`` when the score does not vary within years."""
    x = rows["tech_score"].to_numpy(dtype=float)
    x_dm = x - pd.Series(x).groupby(rows["year"].to_numpy()).transform("mean").to_numpy()
    sxx = float((x_dm**2).sum())
    if sxx <= 1e-12 * max(1.0, float((x**2).sum())):
        return None
    return x_dm / sxx


def ranks_from_top(values: np.ndarray, position: int) -> np.ndarray:
    """Rank (1 = highest) of column ``position`` among the columns of ``values``
    (draws x economies); ties count in its favour."""
    own = values[:, [position]]
    return 1 + (values > own).sum(axis=1)


def _summarise(observed: float, draws: np.ndarray) -> dict[str, float]:
    alpha, inner = (1 - LEVEL) / 2, (1 - INNER_LEVEL) / 2
    q = np.quantile(draws, [alpha, inner, 1 - inner, 1 - alpha])
    p = min(1.0, 2.0 * min(float((draws >= observed).mean()), float((draws <= observed).mean())))
    return {
        "observed": float(observed),
        "mean": float(draws.mean()),
        "low": float(q[0]),
        "low50": float(q[1]),
        "high50": float(q[2]),
        "high": float(q[3]),
        "p_value": p,
    }


def check_replicates(
    rows: pd.DataFrame,
    observed: np.ndarray,
    replicated: np.ndarray,
    model: str = "",
    focus: str = FOCUS,
) -> ClaimChecks:
    """Compare observed claim statistics with those of replicated shares.

    Parameters
    ----------
    rows
        One row per share with ``country``, ``year``, ``output`` (the weights, for
        observed and replicated shares alike) and ``tech_score``.
    observed
        The observed shares, in the order of ``rows``.
    replicated
        Replicated shares, draws x rows.
    model
        Name for the table.
    focus
        The country whose trend, rank and coverage are reported separately.

    Returns
    -------
    ClaimChecks
        Statistics ``intensity`` (each economy-year), ``trend`` (each economy's OLS slope
        on the year), ``tech_gradient`` (C4's coefficient) and ``rank`` (the focus
        country's rank from the top in its first and last year, when it is in the data),
        each with the observed value, the predictive mean, 95% interval and two-sided
        predictive p-value 2 min(P(rep >= obs), P(rep <= obs)), capped at 1.
    """
    y = np.asarray(observed, dtype=float)
    rep = np.asarray(replicated, dtype=float)
    if rep.ndim != 2 or rep.shape[1] != len(rows) or len(y) != len(rows):
        raise UsageError(
            f"check_replicates: replicated shares must be draws x {len(rows)} "
            f"rows and observed {len(rows)} values; got {rep.shape} and {y.shape}"
        )
    rows = rows.reset_index(drop=True)
    W, groups = intensity_weights(rows)
    obs_i = np.asarray(W.T @ y)
    rep_i = np.asarray((W.T @ rep.T).T)
    records: list[dict[str, object]] = []
    band_rows = []
    for g, (c, t) in enumerate(groups.itertuples(index=False)):
        s = _summarise(obs_i[g], rep_i[:, g])
        band_rows.append({"country": c, "year": int(t), **s})
        records.append({"statistic": "intensity", "country": c, "year": int(t), **s})
    bands = pd.DataFrame(band_rows)

    A, trend_countries = trend_weights(groups)
    obs_t, rep_t = obs_i @ A, rep_i @ A
    for k, c in enumerate(trend_countries):
        records.append(
            {"statistic": "trend", "country": c, "year": None, **_summarise(obs_t[k], rep_t[:, k])}
        )

    a = gradient_weights(rows)
    if a is not None:
        records.append(
            {
                "statistic": "tech_gradient",
                "country": "",
                "year": None,
                **_summarise(float(y @ a), rep @ a),
            }
        )

    focus_years = groups.loc[groups["country"] == focus, "year"]
    if len(focus_years):
        for year in sorted({int(focus_years.min()), int(focus_years.max())}):
            idx = groups.index[groups["year"] == year].to_numpy()
            pos = int(np.flatnonzero(groups.loc[idx, "country"].to_numpy() == focus)[0])
            obs_rank = ranks_from_top(obs_i[None, idx], pos)[0]
            records.append(
                {
                    "statistic": "rank",
                    "country": focus,
                    "year": year,
                    **_summarise(float(obs_rank), ranks_from_top(rep_i[:, idx], pos).astype(float)),
                }
            )

    table = pd.DataFrame(records)
    table.insert(0, "model", model)
    table["year"] = pd.array(table["year"], dtype="Int64")
    coverage = _coverage(bands, focus)
    passed, verdict = _verdict(coverage, table, focus)
    return ClaimChecks(
        model=model,
        coverage=coverage,
        passed=passed,
        verdict=verdict,
        focus=focus,
        n_draws=int(rep.shape[0]),
        statistics=table,
        bands=bands,
    )


def _inside(frame: pd.DataFrame, low: str, high: str) -> pd.Series:
    return (frame[low] <= frame["observed"]) & (frame["observed"] <= frame[high])


def _coverage(bands: pd.DataFrame, focus: str) -> Coverage:
    own = bands[bands["country"] == focus]

    def share(frame: pd.DataFrame, low: str, high: str) -> float:
        return float(_inside(frame, low, high).mean()) if len(frame) else math.nan

    return Coverage(
        n=len(bands),
        inside_50=share(bands, "low50", "high50"),
        inside_95=share(bands, "low", "high"),
        focus=focus,
        focus_n=len(own),
        focus_inside_50=share(own, "low50", "high50"),
        focus_inside_95=share(own, "low", "high"),
    )


def _verdict(coverage: Coverage, table: pd.DataFrame, focus: str) -> tuple[bool, str]:
    """Pass or fail, in words with the numbers behind it."""
    reasons = []
    ok = coverage.inside_95 >= MIN_COVERAGE
    reasons.append(
        f"{_count(coverage.inside_95, coverage.n)} economy-year intensities inside "
        f"their 95% predictive interval (needs {MIN_COVERAGE:.0%})"
    )
    for what, sel, absent in (
        (
            f"{focus}'s trend",
            (table["statistic"] == "trend") & (table["country"] == focus),
            f"{focus} has fewer than two years in the fit",
        ),
        (
            "the technology gradient",
            table["statistic"] == "tech_gradient",
            "the technology score does not vary within years",
        ),
    ):
        row = table[sel]
        if row.empty:
            reasons.append(f"{what} not checked ({absent})")
            continue
        inside = bool(_inside(row, "low", "high").iloc[0])
        ok = ok and inside
        r = row.iloc[0]
        reasons.append(
            f"{what} {r.observed:+.3g} {'inside' if inside else 'outside'} its 95% "
            f"interval [{r.low:+.3g}, {r.high:+.3g}] (p = {r.p_value:.3f})"
        )
    head = (
        "passes: the model reproduces the claim-level statistics"
        if ok
        else "fails: the model does not reproduce the claim-level statistics"
    )
    return ok, f"{head}: {'; '.join(reasons)}"
