"""LOO (or WAIC) comparison of fitted Bayesian models."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import arviz as az
import numpy as np
import pandas as pd

from servmodel.errors import ResultError

PARETO_K_MAX = 0.7


@dataclass(frozen=True)
class Comparison:
    """The comparison table and the Pareto-k warnings.

    Attributes
    ----------
    table
        One row per model, best first: rank, elpd, its SE, elpd difference to the best and
        its SE, effective number of parameters, stacking weight.
    pareto_k_bad
        Per model, the number of observations with Pareto k > 0.7 (LOO only).
    ic
        ``loo`` or ``waic``.
    """

    table: pd.DataFrame
    pareto_k_bad: dict[str, int]
    n_obs: int
    ic: str


def compare_models(models: Mapping[str, az.InferenceData], ic: str = "loo") -> Comparison:
    """Compare models by PSIS-LOO (default) or WAIC with stacking weights.

    Raises
    ------
    ResultError
        Fewer than two models, a model without pointwise log-likelihood, or models fit to
        different observations.
    """
    if len(models) < 2:
        raise ResultError("compare needs at least two models")
    sizes = {}
    for name, idata in models.items():
        if "log_likelihood" not in idata.groups():
            raise ResultError(f"{name}: no pointwise log-likelihood stored; refit it with "
                              "servmodel bayes")
        ll = idata.log_likelihood
        sizes[name] = int(np.prod([ll.sizes[d] for d in ll.dims if d not in ("chain", "draw")]))
    if len(set(sizes.values())) > 1:
        listing = ", ".join(f"{k}: {v}" for k, v in sizes.items())
        raise ResultError(f"models were fit to different numbers of observations ({listing}); "
                          "LOO compares models of the same data only")
    bad: dict[str, int] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ic == "loo":
            for name, idata in models.items():
                loo = az.loo(idata, pointwise=True)
                bad[name] = int((np.asarray(loo.pareto_k) > PARETO_K_MAX).sum())
        table = az.compare(dict(models), ic=ic, method="stacking")
    elpd = f"elpd_{ic}"
    p = f"p_{ic}"
    out = pd.DataFrame({
        "model": table.index,
        "rank": table["rank"].to_numpy(dtype=int),
        "elpd": table[elpd].to_numpy(dtype=float),
        "se": table["se"].to_numpy(dtype=float),
        "elpd_diff": table["elpd_diff"].to_numpy(dtype=float),
        "dse": table["dse"].to_numpy(dtype=float),
        "p": table[p].to_numpy(dtype=float),
        "weight": table["weight"].to_numpy(dtype=float),
    })
    return Comparison(out, bad, next(iter(sizes.values())), ic)
