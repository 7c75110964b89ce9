"""Run a sampler on a built model and return an ArviZ InferenceData with timings."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import arviz as az
import numpy as np
import pymc as pm

from servmodel.errors import EstimationError, UsageError
from servmodel.spec.bayes import SamplerSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplingRun:
    """Draws and how long they took."""

    idata: az.InferenceData
    compile_seconds: float
    sampling_seconds: float
    settings: SamplerSettings


@contextmanager
def quiet_forward_sampling() -> Iterator[None]:
    """Silence PyMC's "Sampling: [y]" log line while forward sampling runs.

    ``pm.sample_posterior_predictive`` logs which variables it draws at INFO; servmodel
    calls it for the thinned predictive check and to evaluate deterministic predictions
    (where the list is empty, "Sampling: []"), neither of which is news to the user.
    """
    logger = logging.getLogger("pymc.sampling.forward")
    before = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


@contextmanager
def strict_numba_math() -> Iterator[None]:
    """Compile PyTensor's numba functions without fastmath within the block.

    With fastmath, LLVM may reorder floating-point sums, and a function compiled afresh
    and the same function loaded from PyTensor's compile cache can then differ in the
    last bits of the log density (1.8e-12 for ``hier_logitnormal``). NUTS compares log
    densities to accept or reject, so such a difference changes the draws after a few
    hundred iterations: the same seed gave different posteriors on a fresh machine than
    on one whose cache was warm. Strict IEEE arithmetic gives the same bits either way.
    """
    import pytensor

    before = pytensor.config.numba__fastmath
    pytensor.config.numba__fastmath = False
    try:
        yield
    finally:
        pytensor.config.numba__fastmath = before


def _cores(chains: int) -> int:
    return max(1, min(chains, os.cpu_count() or 1))


def sample(model: pm.Model, settings: SamplerSettings, progress: bool = False) -> SamplingRun:
    """Sample ``model`` with the sampler named in ``settings``.

    nutpie and PyMC's sampler give the same draws for the same seed; numpyro needs the
    optional extra ``servmodel[numpyro]``.
    """
    s = settings
    if s.sampler == "nutpie":
        import nutpie

        start = time.perf_counter()
        with strict_numba_math():
            compiled = nutpie.compile_pymc_model(model)
        compiled_at = time.perf_counter()
        try:
            idata = nutpie.sample(
                compiled,
                draws=s.draws,
                tune=s.tune,
                chains=s.chains,
                cores=_cores(s.chains),
                seed=s.seed,
                progress_bar=progress,
                target_accept=s.target_accept,
                save_warmup=False,
                low_rank_modified_mass_matrix=s.low_rank_mass_matrix,
            )
        except Exception as exc:  # nutpie reports initialisation failures as plain errors
            raise EstimationError(f"nutpie failed to sample: {exc}") from exc
        done = time.perf_counter()
        _drop_unconstrained(idata)
        return SamplingRun(idata, compiled_at - start, done - compiled_at, s)
    if s.sampler == "numpyro":
        try:
            import numpyro  # noqa: F401
        except ImportError as exc:
            raise UsageError(
                "--sampler numpyro needs the optional extra: pip install 'servmodel[numpyro]'"
            ) from exc
    start = time.perf_counter()
    with model:
        try:
            idata = pm.sample(
                draws=s.draws,
                tune=s.tune,
                chains=s.chains,
                cores=_cores(s.chains),
                random_seed=s.seed,
                target_accept=s.target_accept,
                progressbar=progress,
                nuts_sampler=s.sampler,
                compute_convergence_checks=False,
            )
        except (pm.exceptions.SamplingError, FloatingPointError) as exc:
            raise EstimationError(f"{s.sampler} failed to sample: {exc}") from exc
    elapsed = time.perf_counter() - start
    # PyMC's sampler compiles inside pm.sample; its compile time is counted with sampling
    return SamplingRun(idata, float("nan"), elapsed, s)


def _drop_unconstrained(idata: az.InferenceData) -> None:
    """Remove the sampler's unconstrained coordinates (``sigma_log__``, ``a_zerosum__``):
    they duplicate the model's variables on another scale."""
    post = idata.posterior
    internal = [v for v in post.data_vars if str(v).endswith("__")]
    if internal:
        idata.posterior = post.drop_vars(internal)


def add_log_likelihood(idata: az.InferenceData, model: pm.Model) -> None:
    """Add the pointwise log-likelihood (float32) to ``idata`` in place."""
    with model:
        pm.compute_log_likelihood(idata, progressbar=False, extend_inferencedata=True)
    ll = idata.log_likelihood
    for name in ll.data_vars:
        ll[name] = ll[name].astype(np.float32)


def add_posterior_predictive(
    idata: az.InferenceData, model: pm.Model, seed: int, max_draws: int = 500
) -> None:
    """Add posterior predictive draws of the observed shares (a thinned subset, float32)."""
    post = idata.posterior
    n = post.sizes["chain"] * post.sizes["draw"]
    step = max(1, int(np.ceil(n / max_draws)))
    thinned = post.isel(draw=slice(None, None, step))
    with model, quiet_forward_sampling():
        pp = pm.sample_posterior_predictive(thinned, random_seed=seed, progressbar=False)
    pred = pp.posterior_predictive
    for name in pred.data_vars:
        pred[name] = pred[name].astype(np.float32)
    idata.add_groups(posterior_predictive=pred)
    if "observed_data" not in idata.groups() and "observed_data" in pp.groups():
        idata.add_groups(observed_data=pp.observed_data)
