"""Diagnostic figures of a Bayesian fit: rank/trace plots and the posterior predictive check."""

from __future__ import annotations

import os
from pathlib import Path

import arviz as az
import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from servmodel._fileio import atomic_path  # noqa: E402
from servmodel.bayes.summary import HIDDEN_PREFIXES  # noqa: E402

SCALAR_FIRST = ("alpha", "beta_tech", "trend", "tech_trend", "sigma_industry", "sigma_country",
                "sigma_slope", "sigma_cell", "log_phi", "sigma_obs", "zero_intercept",
                "zero_log_output")


def _save(fig: plt.Figure, path: str | os.PathLike[str]) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    plt.close(fig)
    return Path(path)


def scalar_parameters(idata: az.InferenceData) -> list[str]:
    """Scalar posterior variables, the model's main parameters first."""
    post = idata.posterior
    names = [v for v in post.data_vars
             if not v.startswith(HIDDEN_PREFIXES) and set(post[v].dims) <= {"chain", "draw"}]
    return sorted(names, key=lambda v: (SCALAR_FIRST.index(v) if v in SCALAR_FIRST else 99, v))


def rank_plot(idata: az.InferenceData, path: str | os.PathLike[str]) -> Path:
    """Trace and rank plots of the scalar parameters, saved as PNG."""
    names = scalar_parameters(idata)
    axes = az.plot_trace(idata, var_names=names, kind="rank_vlines", compact=True,
                         figsize=(10, 1.9 * len(names)))
    axes = np.asarray(axes)
    axes[0, 0].set_title(f"{names[0]}: posterior by chain")
    axes[0, 1].set_title(f"{names[0]}: rank plot (uniform when chains agree)")
    fig = axes.ravel()[0].figure
    fig.tight_layout()
    return _save(fig, path)


def ppc_plot(idata: az.InferenceData, path: str | os.PathLike[str], label: str = "") -> Path:
    """Posterior predictive check: observed share density against replicated data."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    pp_draws = idata.posterior_predictive.sizes["chain"] * idata.posterior_predictive.sizes["draw"]
    # ArviZ refuses more replicated curves than there are draws (a short test fit)
    az.plot_ppc(idata, ax=axes[0], num_pp_samples=min(100, pp_draws), random_seed=1)
    axes[0].set_title(f"Posterior predictive check {label}".strip())
    y = np.asarray(idata.observed_data["y"].values).ravel()
    pp = np.asarray(idata.posterior_predictive["y"].values).reshape(-1, y.size)
    zeros = (pp == 0).mean(axis=1) * y.size
    axes[1].hist(zeros, bins=30, color="0.7", label="replicated")
    axes[1].axvline((y == 0).sum(), color="C3", lw=2, label="observed")
    axes[1].set_title("Number of exact zeros")
    axes[1].legend()
    return _save(fig, path)
