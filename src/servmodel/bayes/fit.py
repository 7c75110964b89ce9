"""Fit a Bayesian model spec on the panel: select, build, sample, check, summarise."""

from __future__ import annotations

import logging
from dataclasses import fields, replace
from typing import Any

import arviz as az
import numpy as np
import pandas as pd

from servmodel.bayes.data import prepare_data
from servmodel.bayes.diagnostics import diagnose
from servmodel.bayes.loo import psis_loo
from servmodel.bayes.model import build_model
from servmodel.bayes.sampling import (
    add_log_likelihood,
    add_posterior_predictive,
    sample,
)
from servmodel.bayes.summary import posterior_tidy
from servmodel.errors import SpecError, UsageError
from servmodel.intensity import IntensityPanel
from servmodel.options import IntervalKind, validate_choice
from servmodel.results.bayes import BayesResult
from servmodel.results.bayes_info import BayesInfo, CredibleInterval, LooSummary
from servmodel.results.provenance import package_versions
from servmodel.spec import ModelSpec
from servmodel.spec.bayes import SamplerSettings
from servmodel.spec.select import select_rows

log = logging.getLogger(__name__)


def fit_bayes(
    spec: ModelSpec,
    panel: IntensityPanel,
    settings: SamplerSettings | None = None,
    progress: bool = False,
    level: float = 0.95,
    interval: str = "eti",
) -> BayesResult:
    """Fit the Bayesian model ``spec`` to ``panel``.

    Parameters
    ----------
    spec
        A spec with a ``[bayes]`` section.
    panel
        The intensity panel.
    settings
        Sampler settings; default the spec's ``[bayes.sampling]``.
    progress
        Show the sampler's progress display.
    level, interval
        Credible interval of the summary: probability and ``eti`` (equal-tailed) or ``hdi``.

    Returns
    -------
    BayesResult
        Draws with pointwise log-likelihood and a thinned posterior predictive, the tidy
        summary, diagnostics against the accepted thresholds, LOO and timings.

    Raises
    ------
    UsageError
        An argument of the wrong kind (a path for ``spec``, a data frame for ``panel``), a
        ``level`` outside (0, 1) or an unknown ``interval``; checked before sampling.
    SpecError
        A spec without a ``[bayes]`` section, or country terms on a one-country sample.
    """
    _check_arguments(spec, panel, settings, level, interval)
    if spec.bayes is None:
        raise SpecError(
            f"{spec.source}: [bayes]: no Bayesian section; this spec is for `servmodel estimate`"
        )
    opts = spec.bayes
    s = settings or opts.sampling
    selection = select_rows(panel.frame, spec.data, spec.source)
    rows = panel.frame.iloc[selection.positions]
    data = prepare_data(rows, spec.data.measure, spec.source, opts.zeros)
    _check_country_terms(spec, data.countries)
    model = build_model(opts, data)
    run = sample(model, s, progress=progress)
    add_log_likelihood(run.idata, model)
    add_posterior_predictive(run.idata, model, seed=s.seed)
    diagnostics = diagnose(run.idata)
    loo = psis_loo(run.idata)
    pareto = np.asarray(loo.pareto_k)
    summary = posterior_tidy(run.idata, level=level, interval=interval)
    zero_note = _zero_handling_note(opts.zeros, data, run.idata, opts.rounding_unit)
    log.info("%s: %s", spec.name, zero_note)
    info = BayesInfo(
        definition=spec.data.definition,
        measure=spec.data.measure,
        n_obs=len(data.y),
        n_zeros=data.n_zeros,
        zeros=opts.zeros,
        zero_handling=zero_note,
        family=opts.family,
        countries=tuple(data.countries),
        industries=tuple(data.industries),
        years=(int(data.frame["year"].min()), int(data.frame["year"].max())),
        year_center=data.year_center,
        panel_fingerprint=panel.fingerprint(),
        sampler=s,
        compile_seconds=run.compile_seconds,
        sampling_seconds=run.sampling_seconds,
        loo=LooSummary(
            elpd=float(loo.elpd_loo),
            se=float(loo.se),
            p=float(loo.p_loo),
            pareto_k_over_07=int((pareto > 0.7).sum()),
        ),
        interval=CredibleInterval(kind=interval, level=level),  # type: ignore[arg-type]
        versions=package_versions(),
    )
    return BayesResult(
        name=spec.name,
        spec=spec,
        summary=summary,
        diagnostics=diagnostics.record(),
        info=info,
        idata=run.idata,
        rows=data.frame,
    )


def _check_arguments(
    spec: object, panel: object, settings: object, level: object, interval: object
) -> None:
    """Refuse arguments of the wrong kind before anything is built or sampled (they would
    otherwise fail deep inside PyMC, or in the summary after minutes of sampling)."""
    if not isinstance(spec, ModelSpec):
        raise UsageError(
            f"fit_bayes: spec must be a ModelSpec, not {type(spec).__name__}; "
            "read one with servmodel.load_spec('model.toml')"
        )
    if not isinstance(panel, IntensityPanel):
        raise UsageError(
            f"fit_bayes: panel must be an IntensityPanel, not "
            f"{type(panel).__name__}; read one with servmodel.read_panel(path) "
            "or build it with servmodel.build_panel"
        )
    if settings is not None and not isinstance(settings, SamplerSettings):
        raise UsageError(
            f"fit_bayes: settings must be SamplerSettings, not "
            f"{type(settings).__name__}; e.g. with_settings(spec.bayes.sampling, "
            "chains=2)"
        )
    if not (
        isinstance(level, (int, float)) and not isinstance(level, bool) and 0.0 < float(level) < 1.0
    ):
        raise UsageError(f"fit_bayes: level {level!r} must be between 0 and 1, e.g. 0.95")
    validate_choice(interval, IntervalKind, "interval")


def _check_country_terms(spec: ModelSpec, countries: tuple[str, ...]) -> None:
    """Refuse country-level terms on a one-country sample (a national table): a single
    country's slope and the common trend trade off, and its effects carry no information."""
    opts = spec.bayes
    if len(countries) != 1 or opts is None:
        return
    asked = [
        what
        for what, on in (
            ("country intercepts", "country" in opts.intercepts),
            ("country time slopes", opts.country_slopes),
            ("country x industry effects", opts.cells),
        )
        if on
    ]
    if asked:
        raise SpecError(
            f"{spec.source}: [bayes]: the sample has one country ({countries[0]}), "
            f"so {', '.join(asked)} cannot be estimated; set intercepts = "
            '["industry"], country_slopes = false and cells = false'
        )


def _zero_handling_note(
    rule: str, data, idata: az.InferenceData, rounding_unit: float = 1.0
) -> str:
    """One sentence on what the zero rule did to these data."""
    n, zeros = len(data.y), data.n_zeros
    if rule == "squeeze":
        from servmodel.bayes.data import squeeze

        s = squeeze(data.y)
        # an exact zero becomes 1 / (2 n); a table without zeros has none to report
        what = f"the {zeros} exact zeros became {0.5 / n:.2e}" if zeros else "no exact zeros"
        return (
            f"squeeze: {what}; every share y became (y (n - 1) + 1/2) / n with n = {n} "
            f"(largest shift {np.abs(s - data.y).max():.2e})"
        )
    if rule == "censored":
        return (
            f"censored: {zeros} of {n} shares are exactly zero ({zeros / n:.2%}); each "
            f"counts as a share below half the rounding unit ({rounding_unit:g}) of flow "
            "divided "
            "by the industry's gross output, with no parameters of its own"
        )
    post = idata.posterior
    # probability of a zero for an industry of median size (standardized log output 0)
    p_median = 1.0 / (1.0 + np.exp(-post["zero_intercept"].values))
    return (
        f"hurdle: {zeros} of {n} shares are exactly zero ({zeros / n:.2%}); modelled "
        f"P(zero) at median output {float(p_median.mean()):.2e}, rising as output falls "
        f"(slope on standardized log output {float(post['zero_log_output'].mean()):+.2f})"
    )


def with_settings(base: SamplerSettings, **overrides: object) -> SamplerSettings:
    """``base`` with the command line's non-``None`` overrides applied (validated).

    Raises
    ------
    UsageError
        An unknown setting, or an override out of range, named as its command-line option
        (``--target-accept``).
    """
    known = [f.name for f in fields(SamplerSettings) if f.name != "source"]
    changes: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    for key, value in changes.items():
        if key not in known:
            raise UsageError(f"unknown sampler setting {key!r}; choose from {', '.join(known)}")
        try:
            replace(base, **{key: value})
        except SpecError as exc:
            # the spec's message ends in what is allowed, e.g. "1.5 must be in (0, 1)"
            reason = str(exc).rsplit(": ", 1)[-1]
            raise UsageError(f"--{key.replace('_', '-')}: {reason}") from exc
    return replace(base, **changes)


def rows_for_contrast(result: BayesResult) -> pd.DataFrame:
    """The panel rows a saved result was fit on, for rebuilding its data."""
    if result.rows is None:
        raise SpecError(f"{result.name}: the result holds no data rows; open the .nc file")
    return result.rows
