"""Fit statistics and the sample description of a panel result (plain records)."""

from __future__ import annotations

from dataclasses import dataclass

from servmodel.results.codec import Record
from servmodel.results.wald import WaldTest


@dataclass(frozen=True)
class VarianceComponents(Record):
    """Random-effects variance components (Swamy-Arora).

    Attributes
    ----------
    sigma2_effects, sigma2_idiosyncratic
        Variances of the entity effect u_i and of the idiosyncratic error e_it.
    rho
        Share of the effect in the total error variance.
    theta_min, theta_max
        Range of the quasi-demeaning weight theta_i (one value in a balanced panel).
    """

    sigma2_effects: float
    sigma2_idiosyncratic: float
    rho: float
    theta_min: float
    theta_max: float


@dataclass(frozen=True)
class FitStats(Record):
    """Fit statistics of a panel model.

    Attributes
    ----------
    estimator
        Readable estimator name, e.g. ``Fixed effects (entity, year)``.
    nobs, entities, periods
        Observations used (entities for the between estimator; differences for first
        differences), country x industry units, years.
    r2, r2_within, r2_between, r2_overall
        The estimator's own R-squared (on the data the estimator regresses: demeaned for
        fixed effects, quasi-demeaned for random effects, means for between, differences for
        first differences) and the within, between and overall R-squared of linearmodels:
        1 - SSR / TSS of the model's coefficients applied to the demeaned data, the entity
        means and the data. Unlike Stata's squared correlations these can be negative.
    df_model, df_resid
        Model and residual degrees of freedom, effects counted.
    cov_type
        The covariance estimator in words.
    clusters
        ``(dimension, number of clusters)`` pairs; empty unless clustered.
    f_test
        Joint test that all slopes are zero with the model's covariance (``None`` without
        slopes).
    variance_components
        Random-effects variance components (``re`` and ``mundlak`` only).
    """

    # field order is the order of the keys in result files
    estimator: str
    nobs: int
    entities: int
    periods: int
    r2: float
    r2_within: float
    r2_between: float
    r2_overall: float
    df_model: int
    df_resid: int
    cov_type: str
    clusters: tuple[tuple[str, int], ...]
    f_test: WaldTest | None = None
    variance_components: VarianceComponents | None = None


@dataclass(frozen=True)
class SampleInfo(Record):
    """Which observations a model used and why others were left out.

    Attributes
    ----------
    definition, measure
        Producer-service definition and intensity measure.
    dependent
        The dependent variable as written in tables, e.g. ``log(direct)``.
    countries, industries, years
        What the estimation sample covers.
    trend_origin
        The year where ``trend`` is 0.
    rows_selected
        Panel rows matching the data selection, before any row was dropped.
    dropped
        ``(reason, rows)`` for each rule that removed rows (zeros under ``log``, missing
        values, ...).
    sample_id
        Hash of the rows and values used; two results with equal ids used the same sample.
    """

    definition: str
    measure: str
    dependent: str
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    years: tuple[int, ...]
    trend_origin: int
    rows_selected: int
    dropped: tuple[tuple[str, int], ...]
    sample_id: str
