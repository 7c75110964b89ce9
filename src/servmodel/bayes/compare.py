"""LOO (or WAIC) comparison of fitted Bayesian models."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import arviz as az
import numpy as np
import pandas as pd

from servmodel.bayes.data import year_ranges
from servmodel.bayes.loo import psis_loo
from servmodel.errors import ResultError, UsageError
from servmodel.results.bayes import BayesResult

PARETO_K_MAX = 0.7
# Bayesian bootstrap draws of the pseudo-BMA+ weights (ArviZ's default)
BB_SAMPLES = 1000


@dataclass(frozen=True)
class Comparison:
    """The comparison table and the Pareto-k warnings.

    Attributes
    ----------
    table
        One row per model, best first: ``rank``, ``elpd``, its SE ``se``, the elpd difference
        to the best ``elpd_diff`` and its SE ``dse``, the effective number of parameters
        ``p``, the stacking weight ``weight`` and the pseudo-BMA+ weight ``weight_pbma``
        (Akaike-type weights stabilised by the Bayesian bootstrap, seeded). Stacking
        weights of models with near-equal elpd swing between refits; the pseudo-BMA+
        weights and above all ``elpd_diff`` against ``dse`` are the stabler summaries.
    pareto_k_bad
        Per model, the number of observations with Pareto k > 0.7 (LOO only).
    n_obs
        Number of observations (the same for every model).
    ic
        ``loo`` or ``waic``.
    """

    table: pd.DataFrame
    pareto_k_bad: dict[str, int]
    n_obs: int
    ic: str


# what compare_models takes per model: a result read with its draws, or the draws alone
Draws: TypeAlias = az.InferenceData | BayesResult


def compare_models(models: Mapping[str, Draws], ic: str = "loo", seed: int = 0) -> Comparison:
    """Compare models by PSIS-LOO (default) or WAIC with stacking and pseudo-BMA+ weights.

    Parameters
    ----------
    models
        Model name -> its draws: a :class:`~servmodel.results.bayes.BayesResult` read with
        :func:`~servmodel.results.bayes.load_bayes`, or its ``idata``.
    ic
        ``loo`` or ``waic``.
    seed
        Seed of the Bayesian bootstrap of the pseudo-BMA+ weights (the same seed gives the
        same weights).

    Returns
    -------
    Comparison
        The table (see :class:`Comparison`), the Pareto-k counts and the sample size.

    Raises
    ------
    UsageError
        ``models`` not a mapping of names to draws, an unknown ``ic``, or models fit to
        different observations (see :func:`check_same_sample`).
    ResultError
        Fewer than two models, a result without draws, or a model without pointwise
        log-likelihood.
    """
    if not isinstance(models, Mapping):
        raise UsageError(
            f"compare_models: models must be a mapping of names to results, "
            f"e.g. {{'a': load_bayes('a.nc'), 'b': load_bayes('b.nc')}}, not "
            f"{type(models).__name__}"
        )
    if ic not in ("loo", "waic"):
        raise UsageError(f"unknown ic {ic!r}; choose loo or waic")
    if len(models) < 2:
        raise ResultError("compare needs at least two models")
    draws = {name: _draws_of(name, value) for name, value in models.items()}
    check_same_sample(models)
    sizes = {}
    for name, idata in draws.items():
        if "log_likelihood" not in idata.groups():
            raise ResultError(
                f"{name}: no pointwise log-likelihood stored; refit it with servmodel bayes"
            )
        ll = idata.log_likelihood
        sizes[name] = int(np.prod([ll.sizes[d] for d in ll.dims if d not in ("chain", "draw")]))
    first, n_first = next(iter(sizes.items()))
    for name, n in sizes.items():
        if n != n_first:
            _refuse(first, name, [f"observations {n_first:,} vs {n:,}"])
    bad: dict[str, int] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # each model's pointwise elpd once, for both weightings
        elpds = {
            name: psis_loo(idata) if ic == "loo" else az.waic(idata, pointwise=True)
            for name, idata in draws.items()
        }
        if ic == "loo":
            bad = {
                name: int((np.asarray(e.pareto_k) > PARETO_K_MAX).sum())
                for name, e in elpds.items()
            }
        table = az.compare(elpds, ic=ic, method="stacking")
        pbma = az.compare(elpds, ic=ic, method="BB-pseudo-BMA", b_samples=BB_SAMPLES, seed=seed)[
            "weight"
        ]
    elpd = f"elpd_{ic}"
    p = f"p_{ic}"
    out = pd.DataFrame(
        {
            "model": table.index,
            "rank": table["rank"].to_numpy(dtype=int),
            "elpd": table[elpd].to_numpy(dtype=float),
            "se": table["se"].to_numpy(dtype=float),
            "elpd_diff": table["elpd_diff"].to_numpy(dtype=float),
            "dse": table["dse"].to_numpy(dtype=float),
            "p": table[p].to_numpy(dtype=float),
            "weight": table["weight"].to_numpy(dtype=float),
            "weight_pbma": pbma.reindex(table.index).to_numpy(dtype=float),
        }
    )
    return Comparison(out, bad, next(iter(sizes.values())), ic)


# ------------------------------------------------------------------ same observations
KEYS = ("country", "industry", "year")


@dataclass(frozen=True)
class _Sample:
    """What a result records about the observations it was fit on (``None``: unknown)."""

    definition: str | None
    measure: str | None
    rows: pd.DataFrame | None  # country, industry, year and the observed share, sorted
    y: np.ndarray | None  # the observed shares, in the model's order


def _draws_of(name: str, value: object) -> az.InferenceData:
    """The draws of one model given to :func:`compare_models`, or an error naming it."""
    if isinstance(value, BayesResult):
        if value.idata is None:
            raise ResultError(
                f"{name}: no draws (a result read from its JSON summary); "
                "read the .nc file with load_bayes"
            )
        return value.idata
    if not isinstance(value, az.InferenceData):
        raise UsageError(
            f"model {name!r}: {value!r} is a {type(value).__name__}; give "
            "the draws: load_bayes(path) or its .idata"
        )
    return value


def _sample_of(value: Draws) -> _Sample:
    definition: str | None = None
    measure: str | None = None
    if isinstance(value, BayesResult):
        definition, measure = value.spec.data.definition, value.spec.data.measure
    idata = value.idata if isinstance(value, BayesResult) else value
    rows = value.rows if isinstance(value, BayesResult) else None
    groups = () if idata is None else idata.groups()
    if rows is None and idata is not None and "constant_data" in groups:
        # a result saved by servmodel keeps the rows the model saw here
        cd = idata.constant_data
        if all(k in cd for k in KEYS):
            rows = pd.DataFrame({k: cd[k].values for k in cd.data_vars})
    if rows is not None and all(k in rows for k in KEYS):
        cols = [*KEYS, *([measure] if measure in rows else [])]
        rows = rows[cols].sort_values(list(KEYS), kind="stable").reset_index(drop=True)
    else:
        rows = None
    y = None
    if idata is not None and "observed_data" in groups and "y" in idata.observed_data:
        y = np.asarray(idata.observed_data["y"].values, dtype=np.float64).ravel()
    return _Sample(definition, measure, rows, y)


def _only(a: set, b: set, name_a: str, name_b: str) -> str:
    parts = [
        f"{', '.join(sorted(map(str, x)))} only in {n}"
        for x, n in ((a - b, name_a), (b - a, name_b))
        if x
    ]
    return "; ".join(parts)


def _differences(a: _Sample, b: _Sample, name_a: str, name_b: str) -> list[str]:
    """How two samples differ, in words (empty when they are the same observations)."""
    how = []
    for what in ("definition", "measure"):
        va, vb = getattr(a, what), getattr(b, what)
        if va is not None and vb is not None and va != vb:
            how.append(f"{what} {va} vs {vb}")
    if a.rows is not None and b.rows is not None:
        ra, rb = a.rows, b.rows
        for col, label in (("country", "countries"), ("industry", "industries")):
            sa, sb = set(ra[col]), set(rb[col])
            if sa != sb:
                how.append(f"{label}: {_only(sa, sb, name_a, name_b)}")
        if set(ra["year"]) != set(rb["year"]):
            how.append(f"years {year_ranges(ra['year'])} vs {year_ranges(rb['year'])}")
        if how:
            return how
        keys_a = set(ra[list(KEYS)].itertuples(index=False, name=None))
        keys_b = set(rb[list(KEYS)].itertuples(index=False, name=None))
        if keys_a != keys_b or len(ra) != len(rb):
            k = len(keys_a ^ keys_b)
            return [f"observations {len(ra):,} vs {len(rb):,}: {k} row{'s' * (k != 1)} not in both"]
        m = a.measure
        if (
            m is not None
            and m in ra
            and m in rb
            and not np.allclose(
                ra[m].to_numpy(dtype=float), rb[m].to_numpy(dtype=float), rtol=1e-6, equal_nan=True
            )
        ):
            return ["the same rows with different observed shares (built from different panels)"]
        return []
    if how:
        return how
    if a.y is not None and b.y is not None:
        if a.y.size != b.y.size:
            return [f"observations {a.y.size:,} vs {b.y.size:,}"]
        if not np.allclose(a.y, b.y, rtol=1e-6, equal_nan=True):
            return ["different observed shares"]
    return []


def check_same_sample(models: Mapping[str, Any]) -> None:
    """Refuse models fit to different observations: their LOO (or WAIC) sums run over
    different data, so differences between them compare nothing.

    Each model is compared with the first on what its result records: the spec's
    definition and measure, the rows it saw (countries, industries, years, each row and
    its share) or, for bare draws, the observed shares.

    Parameters
    ----------
    models
        Name (a file name or a model name, as the message should say) -> a
        :class:`~servmodel.results.bayes.BayesResult` or its ``idata``.

    Raises
    ------
    UsageError
        Two models fit to different samples; the message names both and how they differ.
    """
    items = list(models.items())
    if not items:
        return
    first_name, first = items[0]
    base = _sample_of(first)
    for name, value in items[1:]:
        how = _differences(base, _sample_of(value), first_name, name)
        if how:
            _refuse(first_name, name, how)


def _refuse(name_a: str, name_b: str, how: list[str]) -> None:
    raise UsageError(
        f"{name_a} and {name_b} were fit on different samples ({'; '.join(how)}); "
        "LOO compares models fit on the same observations only: refit them with "
        "the same [data] section on the same panel"
    )
