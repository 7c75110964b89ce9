"""Convergence diagnostics against the accepted thresholds, with a verdict."""

from __future__ import annotations

from dataclasses import dataclass

import arviz as az
import numpy as np

RHAT_MAX = 1.01  # Vehtari et al. (2021), rank-normalized split R-hat
ESS_MIN = 400.0  # bulk and tail ESS, for 4 chains
BFMI_MIN = 0.3  # energy Bayesian fraction of missing information (Betancourt 2016)


@dataclass(frozen=True)
class Check:
    """One diagnostic: its worst value, the threshold and whether it passes."""

    name: str
    value: float
    threshold: str
    passed: bool
    worst_parameter: str = ""


@dataclass(frozen=True)
class Diagnostics:
    """R-hat, bulk and tail ESS, divergences and energy BFMI of a posterior."""

    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """True when every check passes."""
        return all(c.passed for c in self.checks)

    @property
    def verdict(self) -> str:
        if self.passed:
            return "all checks pass: R-hat < 1.01, ESS >= 400, no divergences, BFMI >= 0.3"
        failed = ", ".join(c.name for c in self.checks if not c.passed)
        return f"FAILED: {failed}; do not interpret these estimates before fixing the fit"

    def value(self, name: str) -> float:
        for c in self.checks:
            if c.name == name:
                return c.value
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        return {c.name: {"value": c.value, "threshold": c.threshold, "passed": c.passed,
                         "worst_parameter": c.worst_parameter} for c in self.checks}


def _worst(ds, reduce: str) -> tuple[float, str]:
    best_value = -np.inf if reduce == "max" else np.inf
    best_name = ""
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
    return best_value, best_name


def diagnose(idata: az.InferenceData, var_names: list[str] | None = None) -> Diagnostics:
    """Compute the diagnostics of the free parameters (``var_names``; default all)."""
    post = idata.posterior if var_names is None else idata.posterior[var_names]
    rhat, rhat_at = _worst(az.rhat(post), "max")
    ess_b, ess_b_at = _worst(az.ess(post, method="bulk"), "min")
    ess_t, ess_t_at = _worst(az.ess(post, method="tail"), "min")
    stats = idata.sample_stats
    divergent = int(stats["diverging"].sum()) if "diverging" in stats else 0
    try:
        bfmi = float(np.min(az.bfmi(idata)))
    except (KeyError, AttributeError, ValueError, TypeError):
        bfmi = float("nan")
    n_chains = post.sizes["chain"]
    checks = (
        Check("r_hat", rhat, f"< {RHAT_MAX}", bool(rhat < RHAT_MAX) if n_chains > 1 else False,
              rhat_at),
        Check("ess_bulk", ess_b, f">= {ESS_MIN:.0f}", bool(ess_b >= ESS_MIN), ess_b_at),
        Check("ess_tail", ess_t, f">= {ESS_MIN:.0f}", bool(ess_t >= ESS_MIN), ess_t_at),
        Check("divergences", float(divergent), "= 0", divergent == 0),
        Check("bfmi", bfmi, f">= {BFMI_MIN}", bool(np.isnan(bfmi) or bfmi >= BFMI_MIN)),
    )
    return Diagnostics(checks)
