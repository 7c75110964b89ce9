"""Fit one model spec on the intensity panel: the stages in order, one result out."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servmodel.errors import EstimationError, SpecError
from servmodel.frequentist.adapter import estimator_label, fit_linearmodels, panel_index
from servmodel.frequentist.arrays import PanelArrays, panel_arrays
from servmodel.frequentist.covariance import setup_covariance
from servmodel.frequentist.design import INTERCEPT, Design, check_variables
from servmodel.frequentist.dof import inference_for
from servmodel.frequentist.mundlak import mundlak_design
from servmodel.frequentist.prefit import check_design, sample_design, select_sample
from servmodel.intensity import IntensityPanel
from servmodel.results import (
    FitStats,
    Inference,
    PanelResult,
    SampleInfo,
    WaldTest,
    package_versions,
    wald_test,
)
from servmodel.spec import FrequentistOptions, ModelSpec

log = logging.getLogger(__name__)

# The panel is frozen and its frame read-only by contract, so its SHA-256 is computed once
# per panel object rather than once per model (it costs as much as the rest of the set-up).
_FINGERPRINTS: weakref.WeakKeyDictionary[IntensityPanel, str] = weakref.WeakKeyDictionary()


def _fingerprint(panel: IntensityPanel) -> str:
    fp = _FINGERPRINTS.get(panel)
    if fp is None:
        fp = _FINGERPRINTS[panel] = panel.fingerprint()
    return fp


def _as_panel(panel: IntensityPanel | pd.DataFrame) -> IntensityPanel:
    if isinstance(panel, IntensityPanel):
        return panel
    if isinstance(panel, pd.DataFrame):
        # validates columns and unique keys (DataError otherwise)
        return IntensityPanel(frame=panel)
    raise TypeError(f"panel must be an IntensityPanel or a DataFrame, not {type(panel).__name__}")


def fit(spec: ModelSpec, panel: IntensityPanel | pd.DataFrame) -> PanelResult:
    """Estimate ``spec`` on ``panel``.

    Parameters
    ----------
    spec
        A model spec with a ``[frequentist]`` section (see :func:`servmodel.spec.load_spec`).
    panel
        The intensity panel (or a DataFrame with its columns).

    Returns
    -------
    PanelResult
        Estimates, covariance, fit statistics, the spec, the sample, notes, the panel's
        fingerprint and package versions.

    Raises
    ------
    SpecError
        The spec names something the panel does not hold (definition, country, year,
        industry, formula variable).
    EstimationError
        The model cannot be estimated on the selected data: no observations, a singular
        design, a regressor absorbed by the effects, a single cluster, a dependent variable
        that the transform cannot take.
    DataError
        A DataFrame given as ``panel`` is not a valid panel (e.g. duplicate keys).
    """
    opts = spec.frequentist
    source = spec.source
    if opts is None:
        raise SpecError(
            f"{source}: no [frequentist] section: this is a {spec.family} spec; "
            "a panel estimator needs [frequentist] with an estimator"
        )
    panel = _as_panel(panel)
    prep = _prepare(spec, opts, panel)
    design = prep.design
    notes: list[str] = []
    mean_terms: tuple[str, ...] = ()
    if opts.estimator == "mundlak":
        design, mean_terms, mundlak_notes = mundlak_design(design)
        notes += mundlak_notes
    index = panel_index(design)
    cov_setup = setup_covariance(opts, design, index, source)
    raw = fit_linearmodels(
        opts.estimator, opts.effects, design, index, cov_setup, opts.small_sample, source
    )
    inference = inference_for(opts, cov_setup, design, raw.df_resid)
    notes += _degenerate_intercept(opts.estimator, design.names, raw.params, raw.cov)
    tests = []
    if mean_terms:
        tests.append(
            _subset_wald(
                "Mundlak test: entity means = 0",
                mean_terms,
                design.names,
                raw.params,
                raw.cov,
                inference,
            )
        )
    slopes = tuple(n for n in design.names if n != INTERCEPT)
    f_test = (
        _subset_wald("slopes = 0", slopes, design.names, raw.params, raw.cov, inference)
        if slopes
        else None
    )
    notes += _f_test_notes(f_test, opts.cov)
    notes = (
        [f"{n:,} rows dropped: {reason}" for reason, n in prep.dropped if n]
        + list(cov_setup.notes)
        + notes
    )
    for note in notes:
        log.debug("%s: %s", spec.name, note)
    fit_stats = FitStats(
        estimator=estimator_label(opts.estimator, opts.effects),
        # design codes are compact (0..G-1 over the rows used)
        nobs=raw.nobs,
        entities=int(design.entity.max()) + 1,
        periods=int(design.time.max()) + 1,
        clusters=cov_setup.clusters,
        r2=raw.r2,
        r2_within=raw.r2_within,
        r2_between=raw.r2_between,
        r2_overall=raw.r2_overall,
        df_model=raw.df_model,
        df_resid=raw.df_resid,
        cov_type=cov_setup.label,
        f_test=f_test,
        variance_components=raw.variance_components,
    )
    sample = SampleInfo(
        definition=spec.data.definition,
        measure=spec.data.measure,
        dependent=prep.label,
        countries=design.countries,
        industries=design.industries,
        years=design.years,
        trend_origin=prep.trend_origin,
        rows_selected=prep.rows_selected,
        dropped=prep.dropped,
        sample_id=design.sample_id(),
    )
    return PanelResult(
        spec=spec,
        terms=design.names,
        params=raw.params,
        cov=raw.cov,
        inference=inference,
        fit=fit_stats,
        sample=sample,
        tests=tests,
        notes=notes,
        fingerprint=_fingerprint(panel),
        versions=package_versions(),
    )


@dataclass(frozen=True)
class _Prepared:
    """The checked design of a spec and how the sample was formed."""

    design: Design
    label: str
    dropped: tuple[tuple[str, int], ...]
    rows_selected: int
    trend_origin: int


def _prepare(spec: ModelSpec, opts: FrequentistOptions, panel: IntensityPanel) -> _Prepared:
    """Select rows, transform the dependent variable, build and check the design."""
    source = spec.source
    variables = check_variables(spec.formula, list(panel.frame.columns), source)
    arrays = panel_arrays(panel)
    sample = select_sample(arrays, spec.data, spec.dependent, source)
    weights = _weights(arrays, sample.positions, opts.weights, source)
    design, n_missing = sample_design(
        arrays, sample, spec.formula, variables, opts.estimator, source, weights=weights
    )
    dropped = sample.dropped + ((("missing regressor value", n_missing),) if n_missing else ())
    check_design(design, opts.estimator, opts.effects, source)
    return _Prepared(design, sample.label, dropped, sample.rows_selected, sample.trend_origin)


def _degenerate_intercept(
    estimator: str, names: tuple[str, ...], params: np.ndarray, cov: np.ndarray
) -> list[str]:
    """Blank the intercept's variance (in place) where a fixed-effects model makes it zero.

    The intercept of a fixed-effects model is the mean of the effects. When the clusters
    contain whole entities, the within residuals sum to zero in every cluster, so its
    cluster-robust variance is zero up to rounding: a standard error of 1e-16 and a t of
    1e16 would only mislead. Its estimate is kept.
    """
    if estimator != "fe" or INTERCEPT not in names:
        return []
    i = names.index(INTERCEPT)
    if not cov[i, i] <= (1e-10 * max(1.0, abs(float(params[i])))) ** 2:
        return []
    cov[i, :] = np.nan
    cov[:, i] = np.nan
    return [
        "the intercept (the mean of the fixed effects) has no standard error: its "
        "cluster-robust variance is zero by construction when the clusters contain whole "
        "entities"
    ]


def _f_test_notes(f_test: WaldTest | None, cov: str) -> list[str]:
    if f_test is None:
        return []
    if not np.isfinite(f_test.statistic):
        return [
            "F test not reported: the covariance of the slopes is singular (more slopes "
            "than it has degrees of freedom: clusters - 1 or years - 1)"
        ]
    if (
        f_test.df_denom is not None
        and cov in ("clustered", "driscoll_kraay")
        and f_test.df_num > f_test.df_denom / 2
    ):
        return [
            f"the F test restricts {f_test.df_num} slopes with a covariance estimated from "
            f"{f_test.df_denom:g} degrees of freedom; treat it with caution"
        ]
    return []


def fit_many(specs: Iterable[ModelSpec], panel: IntensityPanel | pd.DataFrame) -> list[PanelResult]:
    """Fit several specs on one panel, in order."""
    panel = _as_panel(panel)
    return [fit(s, panel) for s in specs]


def _weights(
    arrays: PanelArrays, positions: np.ndarray, option: str, source: str
) -> np.ndarray | None:
    if option == "none":
        return None
    w = arrays.column("output")[positions].astype(float)
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        raise EstimationError(
            f"{source}: [frequentist] weights = 'output': {int(bad.sum())} "
            "rows have zero, negative or missing gross output"
        )
    return w


def _subset_wald(
    name: str,
    terms: tuple[str, ...],
    names: tuple[str, ...],
    params: np.ndarray,
    cov: np.ndarray,
    inference: Inference,
) -> WaldTest:
    idx = [names.index(t) for t in terms]
    return wald_test(name, terms, params[idx], cov[np.ix_(idx, idx)], inference)
