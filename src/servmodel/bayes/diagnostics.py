"""Convergence diagnostics against the accepted thresholds, with a verdict.

R-hat compares chains, so a fit with one chain has none: its check is *not available*
rather than failed or passed. The verdict says so and names the fix (2+ chains), and such a
fit does not count as passed, so ``servmodel bayes --strict`` exits 1: convergence was not
shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import arviz as az
import numpy as np

from servmodel.results.bayes_info import BayesDiagnostics, CheckResult

RHAT_MAX = 1.01  # Vehtari et al. (2021), rank-normalized split R-hat
ESS_MIN = 400.0  # bulk and tail ESS, for 4 chains
BFMI_MIN = 0.3  # energy Bayesian fraction of missing information (Betancourt 2016)

# why a check can be unavailable, as the verdict and the diagnostics table say it
UNAVAILABLE = {"r_hat": "R-hat needs 2+ chains"}


@dataclass(frozen=True)
class Check:
    """One diagnostic: its worst value, the threshold and whether it passes.

    ``available`` is False when the check cannot be computed (R-hat of one chain); its
    ``value`` is then NaN and ``passed`` False.
    """

    name: str
    value: float
    threshold: str
    passed: bool
    worst_parameter: str = ""
    available: bool = True


def is_available(check: CheckResult) -> bool:
    """Whether a stored check could be computed."""
    return check.is_available


def verdict_of(checks: BayesDiagnostics) -> str:
    """The verdict on stored checks (a result's ``diagnostics``): all pass, which failed, or
    which could not be made and why."""
    stored = checks.items()
    failed = [n for n, c in stored if not c.passed and c.is_available]
    missing = [
        UNAVAILABLE.get(n, f"{n} could not be computed") for n, c in stored if not c.is_available
    ]
    if not failed and not missing:
        return "all checks pass: R-hat < 1.01, ESS >= 400, no divergences, BFMI >= 0.3"
    if failed:
        note = f" ({'; '.join(missing)})" if missing else ""
        return (
            f"FAILED: {', '.join(failed)}{note}; do not interpret these estimates before "
            "fixing the fit"
        )
    return (
        f"NOT SHOWN: {'; '.join(missing)}, so convergence is unchecked (the other checks "
        "pass); refit with --chains 4 before interpreting these estimates"
    )


@dataclass(frozen=True)
class Diagnostics:
    """R-hat, bulk and tail ESS, divergences and energy BFMI of a posterior."""

    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """True when every check passes (an unavailable check does not)."""
        return all(c.passed for c in self.checks)

    @property
    def verdict(self) -> str:
        """All pass, the failed checks, or the checks that could not be made."""
        return verdict_of(self.record())

    def value(self, name: str) -> float:
        for c in self.checks:
            if c.name == name:
                return c.value
        raise KeyError(name)

    def record(self) -> BayesDiagnostics:
        """The checks as a result stores them."""
        stored = {
            c.name: CheckResult(c.value, c.threshold, c.passed, c.worst_parameter, c.available)
            for c in self.checks
        }
        return BayesDiagnostics(**stored)


def _worst(ds, reduce: str) -> tuple[float, str]:
    best_value = -np.inf if reduce == "max" else np.inf
    best_name = ""
    found = False
    for name, da in ds.data_vars.items():
        values = np.asarray(da.values, dtype=float)
        if values.size == 0 or np.all(np.isnan(values)):
            continue
        flat = values.reshape(-1)
        k = int(np.nanargmax(flat) if reduce == "max" else np.nanargmin(flat))
        v = float(flat[k])
        if (reduce == "max" and v > best_value) or (reduce == "min" and v < best_value):
            best_value = v
            idx = np.unravel_index(k, values.shape) if values.ndim else ()
            labels = [str(da.coords[d].values[i]) for d, i in zip(da.dims, idx, strict=True)]
            best_name = name + (f"[{', '.join(labels)}]" if labels else "")
            found = True
    # NaN, not an infinity, when no parameter has a value: an infinity would print as one
    return (best_value if found else float("nan")), best_name


def diagnose(idata: az.InferenceData, var_names: list[str] | None = None) -> Diagnostics:
    """Compute the diagnostics of the free parameters.

    Parameters
    ----------
    idata
        Draws with ``sample_stats`` (divergences, energy).
    var_names
        Posterior variables to check (default all).

    Returns
    -------
    Diagnostics
        R-hat (not available with one chain), bulk and tail ESS, divergences and BFMI, each
        against its threshold.
    """
    post = idata.posterior if var_names is None else idata.posterior[var_names]
    n_chains = post.sizes["chain"]
    if n_chains > 1:
        rhat, rhat_at = _worst(az.rhat(post), "max")
    else:  # ArviZ would log a shape warning and return NaN for every parameter
        rhat, rhat_at = float("nan"), ""
    ess_b, ess_b_at = _worst(az.ess(post, method="bulk"), "min")
    ess_t, ess_t_at = _worst(az.ess(post, method="tail"), "min")
    stats = idata.sample_stats
    divergent = int(stats["diverging"].sum()) if "diverging" in stats else 0
    try:
        bfmi = float(np.min(az.bfmi(idata)))
    except (KeyError, AttributeError, ValueError, TypeError):
        bfmi = float("nan")
    checks = (
        Check(
            "r_hat",
            rhat,
            f"< {RHAT_MAX}",
            n_chains > 1 and bool(rhat < RHAT_MAX),
            rhat_at,
            available=n_chains > 1,
        ),
        Check("ess_bulk", ess_b, f">= {ESS_MIN:.0f}", bool(ess_b >= ESS_MIN), ess_b_at),
        Check("ess_tail", ess_t, f">= {ESS_MIN:.0f}", bool(ess_t >= ESS_MIN), ess_t_at),
        Check("divergences", float(divergent), "= 0", divergent == 0),
        Check("bfmi", bfmi, f">= {BFMI_MIN}", bool(np.isnan(bfmi) or bfmi >= BFMI_MIN)),
    )
    return Diagnostics(checks)
