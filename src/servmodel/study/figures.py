"""Figures of the replication report (PNG)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from servmodel._fileio import atomic_path
from servmodel.intensity.classification import TECH_LEVELS
from servmodel.study.descriptive import FOCUS

DEFINITION_ORDER = ("kibs", "producer", "standard", "broad")


def _save(fig: plt.Figure, path: str | os.PathLike[str]) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    plt.close(fig)
    return Path(path)


def _grid(definitions: list[str]) -> tuple[plt.Figure, np.ndarray]:
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
    return fig, np.asarray(axes).ravel()[: len(definitions)]


def _definitions(frame: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(frame["definition"]))
    return [d for d in DEFINITION_ORDER if d in present] + [
        d for d in present if d not in DEFINITION_ORDER
    ]


def comparators_figure(series: pd.DataFrame, measure: str, path: Path) -> Path:
    """Korea against Mexico, China and the OECD average over time, one panel per definition."""
    defs = _definitions(series)[:4]
    fig, axes = _grid(defs)
    for ax, d in zip(axes, defs, strict=False):
        sub = series[series["definition"] == d]
        for name, part in sub.groupby("series", sort=False):
            focus = name == FOCUS
            ax.plot(
                part["year"],
                part["value"],
                lw=2.6 if focus else 1.4,
                color="C3" if focus else None,
                label=name,
                zorder=3 if focus else 2,
            )
        ax.set_title(f"{d}")
        ax.set_ylabel(f"{measure} intensity")
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False)
    fig.suptitle(f"Manufacturing producer-service intensity ({measure}, output-weighted)")
    fig.tight_layout()
    return _save(fig, path)


def tech_gradient_figure(gradient: pd.DataFrame, measure: str, path: Path) -> Path:
    """Intensity by OECD technology class over time, one panel per definition."""
    defs = _definitions(gradient)[:4]
    fig, axes = _grid(defs)
    colors = dict(zip(TECH_LEVELS, ("C0", "C2", "C1", "C3"), strict=True))
    for ax, d in zip(axes, defs, strict=False):
        sub = gradient[gradient["definition"] == d]
        for level in TECH_LEVELS:
            part = sub[sub["tech"] == level]
            ax.plot(part["year"], part["value"], color=colors[level], lw=1.8, label=level)
        ax.set_title(d)
        ax.set_ylabel(f"{measure} intensity")
        ax.grid(alpha=0.3)
    axes[0].legend(title="technology", frameon=False)
    fig.suptitle(
        f"Technology gradient: {measure} intensity by OECD technology class, all "
        "economies (output-weighted)"
    )
    fig.tight_layout()
    return _save(fig, path)


def economy_figure(series: pd.DataFrame, measure: str, path: Path) -> Path:
    """Korea's economy-wide against manufacturing intensity, one panel per definition."""
    defs = _definitions(series)[:4]
    fig, axes = _grid(defs)
    for ax, d in zip(axes, defs, strict=False):
        sub = series[series["definition"] == d]
        for scope, part in sub.groupby("scope"):
            ax.plot(part["year"], part["value"], lw=2, label=scope)
        ax.set_title(d)
        ax.set_ylabel(f"{measure} intensity")
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False)
    fig.suptitle(f"Korea: whole economy against manufacturing ({measure}, output-weighted)")
    fig.tight_layout()
    return _save(fig, path)


def services_va_figure(shares: pd.DataFrame, definitions: tuple[str, ...], path: Path) -> Path:
    """The services value-added share of manufacturing exports over time: one row of
    panels per definition, one column per component (total, domestic, foreign)."""
    components = ("total", "domestic", "foreign")
    fig, axes = plt.subplots(
        len(definitions), 3, figsize=(12, 3.6 * len(definitions)), sharex=True, squeeze=False
    )
    for r, d in enumerate(definitions):
        for c, component in enumerate(components):
            ax = axes[r, c]
            sub = shares[(shares["definition"] == d) & (shares["component"] == component)]
            for name, part in sub.groupby("series", sort=False):
                focus = name == FOCUS
                ax.plot(
                    part["year"],
                    part["value"],
                    lw=2.6 if focus else 1.4,
                    color="C3" if focus else None,
                    label=name,
                    zorder=3 if focus else 2,
                )
            ax.set_title(f"{d}: {component}", fontsize=10)
            ax.grid(alpha=0.3)
            if c == 0:
                ax.set_ylabel("share of manufacturing exports")
    axes[0, 0].legend(frameon=False, fontsize=8)
    fig.suptitle("Services value added in manufacturing gross exports (export-weighted)")
    fig.tight_layout()
    return _save(fig, path)


def contrast_figure(draws: dict[str, np.ndarray], country: str, year: int, path: Path) -> Path:
    """Posterior densities of (country - comparator) expected manufacturing intensity."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, d in draws.items():
        ax.hist(d, bins=60, density=True, alpha=0.55, label=f"{country} - {name}")
    ax.axvline(0, color="k", lw=1)
    ax.set_xlabel(f"difference in expected manufacturing intensity, {year}")
    ax.set_ylabel("posterior density")
    ax.set_title(f"Posterior contrasts: {country} against its comparators")
    ax.legend(frameon=False)
    fig.tight_layout()
    return _save(fig, path)
