"""Diagnostic figures of a Bayesian fit: rank/trace plots and the posterior predictive check."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import arviz as az
import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from servmodel._fileio import atomic_path
from servmodel.bayes.summary import HIDDEN_PREFIXES

if TYPE_CHECKING:
    import pandas as pd

    from servmodel.bayes.claim_checks import ClaimChecks

SCALAR_FIRST = (
    "alpha",
    "beta_tech",
    "trend",
    "tech_trend",
    "sigma_industry",
    "sigma_country",
    "sigma_slope",
    "sigma_cell",
    "log_phi",
    "sigma_obs",
    "zero_intercept",
    "zero_log_output",
)


def _save(fig: plt.Figure, path: str | os.PathLike[str]) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    plt.close(fig)
    return Path(path)


def scalar_parameters(idata: az.InferenceData) -> list[str]:
    """Scalar posterior variables, the model's main parameters first."""
    post = idata.posterior
    names = [
        v
        for v in post.data_vars
        if not v.startswith(HIDDEN_PREFIXES) and set(post[v].dims) <= {"chain", "draw"}
    ]
    return sorted(names, key=lambda v: (SCALAR_FIRST.index(v) if v in SCALAR_FIRST else 99, v))


def rank_plot(idata: az.InferenceData, path: str | os.PathLike[str]) -> Path:
    """Trace and rank plots of the scalar parameters, saved as PNG."""
    names = scalar_parameters(idata)
    axes = az.plot_trace(
        idata, var_names=names, kind="rank_vlines", compact=True, figsize=(10, 1.9 * len(names))
    )
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


def claim_check_plot(
    checks: ClaimChecks,
    path: str | os.PathLike[str],
    highlight: tuple[str, ...] = ("KOR", "MEX", "CHN"),
) -> Path:
    """Each economy's observed manufacturing intensity against its posterior predictive
    bands (50% and 95%), the ``highlight`` countries large, the others as small multiples;
    observed years outside the 95% band are marked in red.

    Parameters
    ----------
    checks
        A :class:`servmodel.bayes.claim_checks.ClaimChecks`.
    path
        The PNG to write.
    highlight
        Countries drawn large (those in the fit, in this order).
    """
    bands = checks.bands
    countries = list(dict.fromkeys(bands["country"]))
    big = [c for c in highlight if c in countries]
    rest = [c for c in countries if c not in big]
    ncols = 8
    nrows = math.ceil(len(rest) / ncols)
    fig = plt.figure(figsize=(16, (4.2 if big else 0) + 1.7 * nrows + 0.6))
    outer = fig.add_gridspec(
        int(bool(big)) + int(bool(rest)),
        1,
        height_ratios=[r for r, on in ((4.2, big), (1.7 * nrows, rest)) if on],
    )
    k = 0
    if big:
        top = outer[k].subgridspec(1, len(big))
        for j, c in enumerate(big):
            _band_axis(fig.add_subplot(top[0, j]), bands[bands["country"] == c], c, large=True)
        k += 1
    if rest:
        grid = outer[k].subgridspec(nrows, ncols, hspace=0.6)
        for j, c in enumerate(rest):
            _band_axis(
                fig.add_subplot(grid[j // ncols, j % ncols]),
                bands[bands["country"] == c],
                c,
                large=False,
            )
    fig.suptitle(
        f"{checks.model}: observed manufacturing intensity (output-weighted) and "
        f"posterior predictive 50% / 95% bands\n{checks.coverage.describe()}",
        fontsize=11,
    )
    return _save(fig, path)


def _band_axis(ax: plt.Axes, b: pd.DataFrame, country: str, large: bool) -> None:
    years = b["year"].to_numpy()
    ax.fill_between(years, b["low"], b["high"], color="C0", alpha=0.2, lw=0, label="95% predictive")
    ax.fill_between(
        years, b["low50"], b["high50"], color="C0", alpha=0.4, lw=0, label="50% predictive"
    )
    ax.plot(years, b["mean"], color="C0", lw=1, ls="--", label="predictive mean")
    ax.plot(
        years,
        b["observed"],
        color="k",
        lw=1.2 if large else 0.8,
        marker="o",
        ms=3 if large else 1.5,
        label="observed",
    )
    out = (b["observed"] < b["low"]) | (b["observed"] > b["high"])
    ax.plot(
        years[out.to_numpy()],
        b.loc[out, "observed"],
        "o",
        color="C3",
        ms=5 if large else 2.5,
        label="outside 95%",
    )
    ax.set_title(country, fontsize=12 if large else 8)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5 if large else 3, integer=True))
    if large:
        ax.set_xlabel("year")
        ax.legend(fontsize=8, loc="best")
    else:
        ax.tick_params(labelsize=6)
