"""Arrays for the Bayesian models, prepared once from the selected panel rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servmodel.errors import DataError
from servmodel.intensity.classification import TECH_LEVELS

log = logging.getLogger(__name__)

FRAME_COLUMNS = ("country", "industry", "year", "output", "oecd", "tech", "tech_score")
TECH_CENTER = 2.5  # midpoint of the 1..4 technology score: the intercept is a mid-tech industry
YEARS_PER_UNIT = 10.0  # time enters in decades, so slopes read "per 10 years"


@dataclass(frozen=True)
class Covariates:
    """Per-observation inputs of the linear predictors (observed rows or a prediction grid)."""

    country: np.ndarray
    industry: np.ndarray
    t: np.ndarray
    log_output: np.ndarray
    year: np.ndarray  # code of the year among the fitted years; -1 for a year not fitted

    def __len__(self) -> int:
        return len(self.country)


@dataclass(frozen=True)
class BayesData:
    """Observed shares with their group indices and the constants that scale the inputs.

    Attributes
    ----------
    y
        The share in [0, 1) (exact zeros kept; the model decides how to treat them).
    covariates
        Country and industry codes, time in decades from ``year_center``, standardized
        log output.
    countries, industries, years
        Labels of the codes (``years``: the fitted years, in order).
    tech_score
        Technology score (1..4) of each industry.
    tech_class
        Technology class code (0 = low .. 3 = high) of each industry.
    year_center, log_output_center, log_output_scale
        Constants used to build ``covariates``; prediction grids reuse them.
    frame
        The rows behind the arrays (country, industry, year, output, oecd and the measure).
    """

    y: np.ndarray
    covariates: Covariates
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    years: tuple[int, ...]
    tech_score: np.ndarray
    tech_class: np.ndarray
    year_center: float
    log_output_center: float
    log_output_scale: float
    frame: pd.DataFrame

    @property
    def n_zeros(self) -> int:
        """Number of exact zeros in ``y``."""
        return int((self.y == 0).sum())

    def grid(
        self, countries: np.ndarray, industries: np.ndarray, years: np.ndarray, output: np.ndarray
    ) -> Covariates:
        """Covariates for new (country code, industry code, year, output) combinations."""
        return Covariates(
            year=_year_codes(years, self.years),
            country=np.asarray(countries, dtype=np.int64),
            industry=np.asarray(industries, dtype=np.int64),
            t=(np.asarray(years, dtype=float) - self.year_center) / YEARS_PER_UNIT,
            log_output=(np.log(np.asarray(output, dtype=float)) - self.log_output_center)
            / self.log_output_scale,
        )


def prepare_data(rows: pd.DataFrame, measure: str, source: str, zeros: str = "hurdle") -> BayesData:
    """Turn selected panel rows into :class:`BayesData`.

    Rows whose measure is missing (a share of intermediate inputs for an industry that buys
    none) are dropped and counted in the log. Shares of exactly 1 are allowed only with the
    ``squeeze`` rule (a hurdle handles zeros only).

    Raises
    ------
    DataError
        Values outside [0, 1), exactly 1, or fewer than two countries or industries.
    """
    values = rows[measure].to_numpy(dtype=float)
    missing = np.isnan(values)
    if missing.any():
        log.warning("%s: %d rows with missing %s dropped", source, int(missing.sum()), measure)
        rows = rows.loc[~missing]
        values = values[~missing]
    if len(rows) == 0:
        raise DataError(f"{source}: no observations left for the Bayesian model")
    if (values < 0).any() or (values > 1).any():
        raise DataError(
            f"{source}: {measure} has values outside [0, 1]; the Beta and "
            "logit-normal models need shares (use a share measure such as direct)"
        )
    if zeros != "squeeze" and (values == 1).any():
        raise DataError(
            f"{source}: {measure} equals 1 in {int((values == 1).sum())} rows; the "
            f"{zeros} rule handles zeros only: set zeros = 'squeeze' in [bayes]"
        )
    rows = rows.reset_index(drop=True)
    country, countries = pd.factorize(rows["country"], sort=True)
    industry, industries = pd.factorize(rows["industry"], sort=True)
    by_industry = rows.groupby("industry", sort=True)["tech_score"].first()
    tech_score = by_industry.reindex(industries).to_numpy(dtype=float)
    tech_by_industry = rows.groupby("industry", sort=True)["tech"].first().reindex(industries)
    tech_class = np.array([TECH_LEVELS.index(str(t)) for t in tech_by_industry])
    years = rows["year"].to_numpy(dtype=float)
    fitted_years = tuple(int(y) for y in np.unique(years))
    year_center = float((years.min() + years.max()) / 2)
    out = rows["output"].to_numpy(dtype=float)
    if (out <= 0).any():
        raise DataError(f"{source}: gross output must be positive in every row")
    lo = np.log(out)
    lo_center, lo_scale = float(lo.mean()), float(lo.std()) or 1.0
    return BayesData(
        y=values,
        covariates=Covariates(
            country=country.astype(np.int64),
            industry=industry.astype(np.int64),
            t=(years - year_center) / YEARS_PER_UNIT,
            log_output=(lo - lo_center) / lo_scale,
            year=_year_codes(years, fitted_years),
        ),
        countries=tuple(map(str, countries)),
        industries=tuple(map(str, industries)),
        years=fitted_years,
        tech_score=tech_score,
        tech_class=tech_class,
        year_center=year_center,
        log_output_center=lo_center,
        log_output_scale=lo_scale,
        frame=rows[[*FRAME_COLUMNS, measure]].copy(),
    )


def _year_codes(years: np.ndarray, fitted: tuple[int, ...]) -> np.ndarray:
    """Position of each year among the fitted years, -1 where it was not fitted."""
    years = np.asarray(years, dtype=float)
    fitted_arr = np.asarray(fitted, dtype=float)
    pos = np.clip(np.searchsorted(fitted_arr, years), 0, len(fitted_arr) - 1)
    return np.where(fitted_arr[pos] == years, pos, -1).astype(np.int64)


def squeeze(y: np.ndarray) -> np.ndarray:
    """Smithson and Verkuilen's (2006) squeeze (y (n - 1) + 1/2) / n into the open interval."""
    n = len(y)
    return (y * (n - 1) + 0.5) / n


def year_ranges(years: object) -> str:
    """Years as runs, for messages: ``[2000, 2001, 2002, 2005]`` -> ``"2000-2002, 2005"``."""
    values = sorted({int(y) for y in years})  # type: ignore[attr-defined]
    runs: list[list[int]] = []
    for y in values:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
