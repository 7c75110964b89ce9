"""Prior sensitivity of a Bayesian fit: power-scaling diagnostics and refits with wider and
narrower priors.

Power-scaling (Kallioinen, Paananen, Buerkner and Vehtari 2024, "Detecting and diagnosing
prior and likelihood sensitivity with power-scaling", Statistics and Computing 34) raises
the prior, or the likelihood, to a power alpha close to 1 and measures by importance
sampling, without refitting, how far each marginal posterior moves (the derivative of the
cumulative Jensen-Shannon distance with respect to log2 alpha; ArviZ's ``psens``). With
the usual threshold of 0.05:

=============================  =================  ======================================
prior sensitivity              likelihood sens.   verdict
=============================  =================  ======================================
>= threshold                   >= threshold       prior-data conflict: prior and data
                                                  pull apart
>= threshold                   < threshold        prior-sensitive: the prior dominates a
                                                  weak likelihood
< threshold                    >= threshold       likelihood-sensitive: the data decide
                                                  (what one wants)
< threshold                    < threshold        weak likelihood: neither moves it
=============================  =================  ======================================

In a hierarchical model only the priors of the top-level parameters (those whose prior
does not depend on another parameter: intercepts, slopes, group standard deviations) are
power-scaled; the group-level effects are the model's structure, not a prior choice.

The refits multiply every prior scale by the factors of the grid's ``[prior] scales``
(e.g. 0.5 and 2) and compare the key posterior quantities with the original fit.
"""

from __future__ import annotations

import difflib
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

from servmodel.errors import EstimationError, ResultError, SpecError, UsageError
from servmodel.results.bayes import BayesResult
from servmodel.sensitivity.grid import PriorPlan
from servmodel.spec.bayes import SamplerSettings

log = logging.getLogger(__name__)

VERDICTS: dict[tuple[bool, bool], str] = {
    (True, True): "prior-data conflict",
    (True, False): "prior-sensitive",
    (False, True): "likelihood-sensitive",
    (False, False): "weak likelihood",
}
EXPLAIN: dict[str, str] = {
    "prior-data conflict": "prior and likelihood pull the posterior apart; check the prior "
    "against what the data say",
    "prior-sensitive": "the prior dominates a weak likelihood; the estimate reflects the "
    "prior more than the data",
    "likelihood-sensitive": "informed by the data, insensitive to the prior (no concern)",
    "weak likelihood": "neither the prior nor the likelihood moves it: weakly identified, or "
    "determined by other parameters",
    "undetermined": "the importance weights of the power-scaled posterior degenerate (the "
    "draws do not cover it); run more draws, or rely on the refits",
}


def verdict(prior: float, likelihood: float, threshold: float = 0.05) -> str:
    """The diagnosis of one quantity from its prior and likelihood sensitivities."""
    if not (np.isfinite(prior) and np.isfinite(likelihood)):
        return "undetermined"
    return VERDICTS[(bool(prior >= threshold), bool(likelihood >= threshold))]


def _model_of(result: BayesResult, scale: float = 1.0) -> Any:
    """The PyMC model of a saved result, rebuilt on the rows it was fit to (with every
    prior scale multiplied by ``scale``)."""
    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import build_model

    if result.rows is None:
        raise ResultError(
            f"{result.name}: the result holds no data rows; open the .nc file "
            "written by `servmodel bayes`"
        )
    # named as the file the draws came from, as messages about the rows say
    spec = result.spec.replace(source=f"{result.name}.nc")
    opts = result.options
    if scale != 1.0:
        opts = replace(opts, priors=opts.priors.scaled(scale))
    data = prepare_data(result.rows, spec.data.measure, spec.source, opts.zeros)
    return build_model(opts, data)


def key_parameters(
    names: Sequence[str], model_names: Sequence[str], where: str = "[prior] parameters"
) -> list[str]:
    """The names of ``names`` that are variables of this model.

    A name that no servmodel Bayesian model has (a typo) is refused; one that other models
    have (a pooled model has no ``sigma_country``) is left out, so that one grid serves
    every model.

    Parameters
    ----------
    names
        The key parameters asked for (a grid's ``[prior] parameters``).
    model_names
        The variables of the fitted model.
    where
        What the message names as the source of ``names`` (the grid file and key).

    Raises
    ------
    SpecError
        A name that is not a parameter of any servmodel Bayesian model; the message lists
        the model's parameters and suggests the closest.
    """
    from servmodel.bayes.model import MODEL_VARIABLES

    for name in names:
        if name in model_names or name in MODEL_VARIABLES:
            continue
        close = difflib.get_close_matches(str(name), [*model_names, *MODEL_VARIABLES], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SpecError(
            f"{where}: {name!r} is not a parameter of servmodel's Bayesian "
            f"models{hint}; this model's are {', '.join(model_names)}"
        )
    absent = [n for n in names if n not in model_names]
    if absent:
        log.info("%s not in this model; left out of the comparison", ", ".join(absent))
    return [n for n in names if n in model_names]


def top_level(model: Any) -> list[str]:
    """Free variables whose prior depends on no other free variable."""
    from pytensor.graph.traversal import ancestors

    free = model.free_RVs
    out = []
    for rv in free:
        others = set(free) - {rv}
        parents = set(ancestors(rv.owner.inputs)) if rv.owner is not None else set()
        if not parents & others:
            out.append(rv.name)
    return out


def add_log_prior(idata: az.InferenceData, model: Any, var_names: list[str]) -> None:
    """Add the log prior density of ``var_names`` at each draw (group ``log_prior``)."""
    import pymc as pm

    if "log_prior" in idata.groups():
        del idata.log_prior
    # the fast-compile mode evaluates a few thousand draws in a blink, without the
    # C compilation a full build would need
    pm.compute_log_prior(
        idata,
        var_names=var_names,
        model=model,
        progressbar=False,
        extend_inferencedata=True,
        compile_kwargs={"mode": "FAST_COMPILE"},
    )
    bad = [v for v in idata.log_prior.data_vars if not np.isfinite(idata.log_prior[v].values).all()]
    if bad:
        raise EstimationError(
            f"the log prior of {', '.join(bad)} is not finite at some draws; "
            "power-scaling cannot be computed"
        )


def _element_label(var: str, da: Any, idx: tuple[int, ...]) -> str:
    dims = [d for d in da.dims if d not in ("chain", "draw")]
    if not dims:
        return var
    labels = [str(da.coords[d].values[i]) for d, i in zip(dims, idx, strict=True)]
    return f"{var}[{', '.join(labels)}]"


def power_scaling(
    idata: az.InferenceData, var_names: list[str], threshold: float = 0.05
) -> pd.DataFrame:
    """Prior and likelihood power-scaling sensitivity of each quantity, with the verdict.

    Parameters
    ----------
    idata
        Draws with the groups ``log_likelihood`` and ``log_prior``.
    var_names
        Posterior variables to diagnose (vectors are diagnosed element by element).
    threshold
        Sensitivity at or above which a component counts as influential.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter``, ``prior``, ``likelihood`` (sensitivities) and ``verdict``.
    """
    for group in ("log_likelihood", "log_prior"):
        if group not in idata.groups():
            raise ResultError(f"the draws have no {group} group; power-scaling needs it")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sens = {
            c: az.psens(idata, component=c, var_names=var_names) for c in ("prior", "likelihood")
        }
    # with one variable ArviZ returns a DataArray rather than a Dataset
    sens = {
        c: (v.to_dataset(name=var_names[0]) if isinstance(v, xr.DataArray) else v)
        for c, v in sens.items()
    }
    rows = []
    for var in var_names:
        prior_da, lik_da = sens["prior"][var], sens["likelihood"][var]
        for idx in np.ndindex(*prior_da.shape):
            p, lik = float(prior_da.values[idx]), float(lik_da.values[idx])
            rows.append(
                {
                    "parameter": _element_label(var, prior_da, idx),
                    "prior": p,
                    "likelihood": lik,
                    "verdict": verdict(p, lik, threshold),
                }
            )
    return pd.DataFrame(rows, columns=["parameter", "prior", "likelihood", "verdict"])


def _quantity_rows(idata: az.InferenceData, names: list[str], scale: float) -> list[dict]:
    post = idata.posterior
    rows = []
    for var in names:
        da = post[var]
        extra = [d for d in da.dims if d not in ("chain", "draw")]
        values = np.asarray(da.transpose("chain", "draw", *extra).values, dtype=float)
        values = values.reshape(-1, *values.shape[2:])
        for idx in np.ndindex(*values.shape[1:]):
            draws = values[(slice(None), *idx)]
            rows.append(
                {
                    "parameter": _element_label(var, da, idx),
                    "scale": scale,
                    "mean": float(draws.mean()),
                    "sd": float(draws.std(ddof=1)),
                    "q2.5": float(np.quantile(draws, 0.025)),
                    "q97.5": float(np.quantile(draws, 0.975)),
                }
            )
    return rows


def compare_refits(
    base: az.InferenceData, refits: dict[float, az.InferenceData], names: list[str]
) -> pd.DataFrame:
    """Posterior mean, sd and 95% interval of each quantity under each prior scale, and the
    shift of the mean in posterior standard deviations of the original fit."""
    if not names:  # nothing to compare: an empty table, not a KeyError on its columns
        return pd.DataFrame(
            columns=["parameter", "scale", "mean", "sd", "q2.5", "q97.5", "shift_sd"]
        )
    rows = _quantity_rows(base, names, 1.0)
    for factor, idata in sorted(refits.items()):
        rows += _quantity_rows(idata, names, factor)
    frame = pd.DataFrame(rows)
    origin = frame[frame["scale"] == 1.0].set_index("parameter")
    frame["shift_sd"] = (frame["mean"] - frame["parameter"].map(origin["mean"])) / frame[
        "parameter"
    ].map(origin["sd"])
    return frame.sort_values(["parameter", "scale"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Refit:
    """One refit with scaled priors: the draws and its convergence verdict."""

    scale: float
    idata: az.InferenceData
    passed: bool
    verdict: str


@dataclass(frozen=True)
class PriorSensitivity:
    """The prior sensitivity analysis of one fit.

    Attributes
    ----------
    name
        The model's name.
    scaled_priors
        Variables whose priors were power-scaled (top level).
    psens
        :func:`power_scaling` table.
    refits
        The refits, by prior scale factor.
    comparison
        :func:`compare_refits` table (empty without refits).
    threshold
        The sensitivity threshold.
    """

    name: str
    scaled_priors: tuple[str, ...]
    psens: pd.DataFrame
    refits: tuple[Refit, ...]
    comparison: pd.DataFrame
    threshold: float


def prior_sensitivity(
    result: BayesResult,
    plan: PriorPlan | None = None,
    *,
    refit: bool = True,
    settings: SamplerSettings | None = None,
    progress: bool = False,
    source: str | None = None,
) -> PriorSensitivity:
    """Power-scaling diagnostics of ``result`` and, with ``refit``, refits with scaled priors.

    Parameters
    ----------
    result
        A Bayesian result read with its draws (:func:`servmodel.results.bayes.load_bayes`).
    plan
        Scales, key quantities and threshold (the grid's ``[prior]`` section).
    refit
        Refit with every prior scale multiplied by each factor of ``plan.scales``.
    settings
        Sampler settings of the refits (default: those of the original fit).
    progress
        Show the sampler's progress.
    source
        The grid file ``plan`` was read from, named in messages.

    Raises
    ------
    UsageError
        An argument of the wrong kind.
    ResultError
        A result without draws or data rows.
    SpecError
        A key parameter that no servmodel Bayesian model has (see :func:`key_parameters`).
    """
    from servmodel.bayes.diagnostics import diagnose
    from servmodel.bayes.sampling import sample

    if not isinstance(result, BayesResult):
        raise UsageError(
            f"prior_sensitivity: result must be a BayesResult, not "
            f"{type(result).__name__}; read it with load_bayes('model.nc')"
        )
    if plan is not None and not isinstance(plan, PriorPlan):
        raise UsageError(
            f"prior_sensitivity: plan must be a PriorPlan (a grid's .prior), not "
            f"{type(plan).__name__}"
        )
    if settings is not None and not isinstance(settings, SamplerSettings):
        raise UsageError(
            f"prior_sensitivity: settings must be SamplerSettings, not {type(settings).__name__}"
        )
    plan = plan or PriorPlan()
    if result.idata is None:
        raise ResultError(f"{result.name}: no draws; read the .nc file with load_bayes")
    idata = result.idata
    model = _model_of(result)
    named = [v.name for v in model.free_RVs] + [v.name for v in model.deterministics]
    where = f"{source}: [prior] parameters" if source else "[prior] parameters"
    # before any work, so that a misspelt name fails at once
    key = [
        v for v in key_parameters(plan.parameters, named, where) if v in idata.posterior.data_vars
    ]
    scaled = top_level(model)
    add_log_prior(idata, model, scaled)
    present = [v for v in named if v in idata.posterior.data_vars]
    # the diagnostics cover the top-level parameters and the key quantities
    shown = list(dict.fromkeys([*[v for v in scaled if v in present], *key]))
    table = power_scaling(idata, shown, plan.threshold)
    refits: list[Refit] = []
    if refit:
        base_settings = settings or _settings_of(result)
        for factor in plan.scales:
            run = sample(_model_of(result, factor), base_settings, progress=progress)
            diag = diagnose(run.idata)
            refits.append(Refit(factor, run.idata, diag.passed, diag.verdict))
    comparison = (
        compare_refits(idata, {r.scale: r.idata for r in refits}, key)
        if refits and key
        else pd.DataFrame()
    )
    return PriorSensitivity(
        result.name, tuple(scaled), table, tuple(refits), comparison, plan.threshold
    )


def _settings_of(result: BayesResult) -> SamplerSettings:
    """The settings the original fit ran with (command-line overrides included)."""
    used = result.info.sampler
    if used is not None:
        return used
    return result.options.sampling
