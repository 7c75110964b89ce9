"""What a table reads from a saved result: its ``tidy()`` frame and a few fit facts.

This is the only module of :mod:`servmodel.report` that reads results; it knows them by the
protocols :class:`PanelSource` and :class:`BayesSource` (what a table needs), and everything
downstream sees :class:`ModelEntry`, so a new estimator family needs one adapter here.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol, runtime_checkable

import pandas as pd

from servmodel.errors import ResultError, UsageError
from servmodel.results.bayes_info import BayesDiagnostics, BayesInfo, CheckResult
from servmodel.results.stats import FitStats, SampleInfo
from servmodel.results.tidy import TIDY_COLUMNS
from servmodel.spec import ModelSpec

Family = Literal["panel", "bayes"]

_ESTIMATORS = {
    "pooled": "Pooled OLS",
    "fe": "FE",
    "re": "RE",
    "between": "Between",
    "fd": "First differences",
    "mundlak": "Mundlak (CRE)",
}

# PyMC's transformed coordinates (``sigma_country_log__``, ``a_country_zerosum__[0]``) are
# sampler internals, and group-level effects (``a_country[KOR]``) are the Bayesian analogue of
# the fixed effects that esttab and etable do not list; technology-class terms
# (``tech[high]``) are slopes of interest and stay.
_INTERNAL = re.compile(r"__")
_GROUP_EFFECT = re.compile(r"\[")
_KEPT_INDEXED = re.compile(r"^tech\[")


def hidden_term(term: str) -> bool:
    """True for a Bayesian term that tables leave out unless asked (internals, group effects)."""
    if _INTERNAL.search(term):
        return True
    return bool(_GROUP_EFFECT.search(term)) and not _KEPT_INDEXED.search(term)


@dataclass(frozen=True, eq=False)
class ModelEntry:
    """One model as a table sees it.

    Attributes
    ----------
    name
        The model's name (its spec's).
    family
        ``panel`` (frequentist, stars allowed) or ``bayes``.
    coefs
        The result's ``tidy()`` frame (columns :data:`servmodel.results.TIDY_COLUMNS`).
    estimator, dependent, definition
        Short estimator name, the dependent variable as written in tables and the
        producer-service definition.
    facts
        Fit facts by key of :data:`servmodel.report.options.FitKey` (missing: not
        applicable to this model).
    entity_fe, year_fe
        ``Yes``/``No`` (or ``Differenced``) for the fixed-effect indicator rows.
    interval
        ``(kind, level)`` of a Bayesian credible interval (``eti``/``hdi``), ``None`` for
        panel models.
    converged
        For Bayesian models, whether every convergence check passed.
    """

    name: str
    family: Family
    coefs: pd.DataFrame
    estimator: str
    dependent: str
    definition: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    entity_fe: str = "No"
    year_fe: str = "No"
    interval: tuple[str, float] | None = None
    converged: bool | None = None

    def __post_init__(self) -> None:
        missing = [c for c in TIDY_COLUMNS if c not in self.coefs.columns]
        if missing:
            raise UsageError(f"model {self.name!r}: its tidy() frame lacks {missing}")
        coefs = self.coefs[list(TIDY_COLUMNS)].reset_index(drop=True).copy()
        dup = coefs["term"][coefs["term"].duplicated()].tolist()
        if dup:
            raise UsageError(f"model {self.name!r} lists term(s) {dup} twice")
        object.__setattr__(self, "coefs", coefs)
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))

    @property
    def terms(self) -> tuple[str, ...]:
        """Term names in the result's order."""
        return tuple(self.coefs["term"])


@runtime_checkable
class PanelSource(Protocol):
    """What a table reads from a frequentist panel result
    (:class:`~servmodel.results.PanelResult`)."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> ModelSpec: ...
    @property
    def fit(self) -> FitStats: ...
    @property
    def sample(self) -> SampleInfo: ...
    def tidy(self, level: float = 0.95) -> pd.DataFrame: ...


@runtime_checkable
class BayesSource(Protocol):
    """What a table reads from a Bayesian result
    (:class:`~servmodel.results.bayes.BayesResult`, with or without draws)."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> ModelSpec: ...
    @property
    def summary(self) -> pd.DataFrame: ...
    @property
    def diagnostics(self) -> BayesDiagnostics: ...
    @property
    def info(self) -> BayesInfo: ...
    def tidy(self) -> pd.DataFrame: ...


def _panel_entry(result: PanelSource, level: float) -> ModelEntry:
    fit = result.fit
    spec = result.spec
    opts = spec.frequentist
    assert opts is not None  # a panel result's spec has a [frequentist] section
    effects = opts.effects if opts.estimator == "fe" else None
    year_dummies = "C(year)" in spec.formula.replace(" ", "")
    if opts.estimator == "fd":
        entity_fe = "Differenced"
    else:
        entity_fe = "Yes" if effects in ("entity", "twoway") else "No"
    year_fe = "Yes" if effects in ("time", "twoway") or year_dummies else "No"
    facts: dict[str, Any] = {
        "nobs": fit.nobs,
        "entities": fit.entities,
        "cov_type": fit.cov_type,
        "r2_within": fit.r2_within,
        "r2_overall": fit.r2_overall,
    }
    if fit.clusters:
        facts["clusters"] = tuple(fit.clusters)
    return ModelEntry(
        name=result.name,
        family="panel",
        coefs=result.tidy(level),
        estimator=_ESTIMATORS.get(opts.estimator, opts.estimator),
        dependent=result.sample.dependent,
        definition=result.sample.definition,
        facts=facts,
        entity_fe=entity_fe,
        year_fe=year_fe,
    )


def _bayes_label(info: BayesInfo, spec: ModelSpec) -> tuple[str, str]:
    bayes = spec.bayes
    family = info.family or (bayes.family if bayes is not None else "")
    zeros = info.zeros or (bayes.zeros if bayes is not None else "")
    measure = info.measure or ""
    if family == "beta":
        what = {"hurdle": "hurdle Beta", "censored": "censored Beta"}.get(zeros, "Beta")
        dependent = f"{measure} (logit link)"
    elif family == "logitnormal":
        what = "hurdle logit-normal" if zeros == "hurdle" else "logit-normal"
        dependent = f"logit({measure})"
    else:
        what, dependent = str(family), str(measure)
    pooled = bayes is not None and not bayes.intercepts
    return (f"Bayes{' (pooled)' if pooled else ''}, {what}", dependent)


def _worst(check: CheckResult | None, summary: pd.DataFrame, col: str, pick: str) -> float | None:
    # NaN is how a file stores a value that could not be computed: read the summary then
    if check is not None and not math.isnan(check.value):
        return float(check.value)
    if col in summary.columns and summary[col].notna().any():
        values = summary[col].astype(float)
        return float(values.max() if pick == "max" else values.min())
    return None


def _bayes_entry(result: BayesSource) -> ModelEntry:
    info = result.info
    summary = result.summary
    estimator, dependent = _bayes_label(info, result.spec)
    facts: dict[str, Any] = {}
    if info.n_obs is not None:
        facts["nobs"] = int(info.n_obs)
    loo = info.loo
    if loo is not None and not math.isnan(loo.elpd):
        facts["elpd_loo"] = (float(loo.elpd), float(loo.se))
    if loo is not None and not math.isnan(loo.p):
        facts["p_loo"] = float(loo.p)
    # the worst value over every parameter the sampler drew (the convergence checks'),
    # not only over the rows shown: a table must not hide a failed chain
    diagnostics = result.diagnostics
    rhat = _worst(diagnostics.r_hat, summary, "r_hat", "max")
    ess = _worst(diagnostics.ess_bulk, summary, "ess_bulk", "min")
    if rhat is not None:
        facts["max_rhat"] = rhat
    if ess is not None:
        facts["min_ess"] = ess
    interval = info.interval
    stored = diagnostics.items()
    converged = all(c.passed for _, c in stored) if stored else None
    return ModelEntry(
        name=result.name,
        family="bayes",
        coefs=result.tidy(),
        estimator=estimator,
        dependent=dependent,
        definition=info.definition or "",
        facts=facts,
        interval=(interval.kind, interval.level) if interval is not None else ("eti", 0.95),
        converged=converged,
    )


def entry_from_result(result: object, level: float = 0.95, source: str = "") -> ModelEntry:
    """Turn a panel or Bayesian result into a :class:`ModelEntry`.

    Parameters
    ----------
    result
        A :class:`~servmodel.results.PanelResult` or
        :class:`~servmodel.results.bayes.BayesResult` (with or without draws).
    level
        Confidence level of the panel model's interval.
    source
        Where the result came from, for messages.
    """
    if isinstance(result, ModelEntry):
        return result
    # by what a result offers, so the Bayesian result's module (ArviZ) is never imported
    if isinstance(result, PanelSource):
        return _panel_entry(result, level)
    if isinstance(result, BayesSource):
        return _bayes_entry(result)
    where = f"{source}: " if source else ""
    raise UsageError(
        f"{where}a {type(result).__name__} is not a model result; tables take "
        "the results of `servmodel estimate` and `servmodel bayes`"
    )


def load_model(path: str | os.PathLike[str]) -> Any:
    """Read a saved result for a table: panel JSON, Bayesian JSON summary or netCDF.

    Raises
    ------
    ResultError
        The file is missing, or was not written by servmodel.
    """
    from servmodel.results import load_result

    p = Path(path)
    if p.is_dir():
        raise ResultError(f"result file {p} is a directory; give the JSON or .nc file")
    if p.suffix.lower() == ".nc" or _kind(p) == "bayes":
        # importing the Bayesian result module registers its kind with load_result; it is
        # imported only when needed, as it brings ArviZ
        from servmodel.results.bayes import load_bayes

        if p.suffix.lower() == ".nc":
            return load_bayes(p)
    return load_result(p)


def _kind(path: Path) -> str | None:
    """The ``kind`` of a servmodel JSON result, or ``None`` (load_result reports errors)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return doc.get("kind") if isinstance(doc, dict) else None
