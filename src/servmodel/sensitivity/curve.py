"""The specification curve (Simonsohn, Simmons and Nelson 2020): the estimates of every
specification sorted by size, with their intervals, above an indicator panel of the
choices each one made."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel._fileio import atomic_path
from servmodel.sensitivity.choices import ESTIMATOR_LABELS
from servmodel.sensitivity.summary import summarize, value_column

COLOURS = {"positive": "#2166ac", "negative": "#b2182b", "neither": "#9a9a9a"}
_SAMPLE_LABELS = {
    "all": "full sample",
    "oecd_last_year": "OECD members in the last year",
    "non_oecd_last_year": "non-members of the OECD in the last year",
    "loo": "leave one country out",
}
DIMENSION_LABELS = {
    "definition": "definition",
    "measure": "measure",
    "estimator": "estimator",
    "transform": "transform",
    "sample": "sample",
    "cov": "std. errors",
}


def _choice_label(dimension: str, choice: str) -> str:
    if dimension == "estimator":
        return ESTIMATOR_LABELS.get(choice, choice)
    if dimension == "sample":
        return _SAMPLE_LABELS.get(choice, choice.replace("without:", "without "))
    if dimension == "cov":
        kind, _, arg = choice.partition(":")
        if kind == "clustered":
            return "clustered by " + arg.replace("+", " and ")
        if kind == "driscoll_kraay":
            return "Driscoll-Kraay" + (f" (bandwidth {arg})" if arg else "")
    return choice.replace("_", " ") if dimension == "measure" else choice


def sorted_by_value(table: pd.DataFrame, column: str, digits: int = 10) -> pd.DataFrame:
    """The specifications in the order of the curve: by ``column`` to ``digits``
    significant digits, ties in the table's (the grid's) order.

    Specifications that agree in theory (for some targets pooled OLS, fixed and random
    effects and Mundlak give one estimate, shared by every covariance choice) differ at
    most in the 15th digit, by the order of the arithmetic alone; sorting on the full
    value would let that noise decide their order, and so the picture.
    """
    key = table[column].map(lambda v: float(f"{v:.{digits}g}"))
    order = np.argsort(key.to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def plot_spec_curve(
    table: pd.DataFrame,
    dimensions: Sequence[str],
    *,
    title: str,
    scale: str = "sd",
    level: float = 0.95,
    alpha: float = 0.05,
):
    """Draw the specification curve of one target.

    Parameters
    ----------
    table
        The target's rows of :meth:`SensitivityResult.table`.
    dimensions
        Dimensions shown in the indicator panel (those with more than one choice).
    title
        Figure title (the target's label).
    scale
        ``sd`` or ``raw`` (see :func:`~servmodel.sensitivity.summary.value_column`).
    level
        Confidence level of the intervals drawn.
    alpha
        Significance level of the colouring.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    column = value_column(scale)
    low, high = ("conf_low_sd", "conf_high_sd") if scale == "sd" else ("conf_low", "conf_high")
    data = sorted_by_value(table, column)
    n = len(data)
    x = np.arange(1, n + 1)
    significant = data["p_value"].to_numpy() < alpha
    positive = data["estimate"].to_numpy() > 0
    kind = np.where(~significant, "neither", np.where(positive, "positive", "negative"))
    colours = np.array([COLOURS[k] for k in kind])
    rows = [(d, c) for d in dimensions for c in _ordered_choices(data, d)]
    panel_height = 0.16 * (len(rows) + 1.3 * len(dimensions))
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(10, 3.6 + panel_height),
        gridspec_kw={"height_ratios": [3.6, max(panel_height, 0.6)], "hspace": 0.06},
    )
    dense = n > 150
    top.vlines(
        x,
        data[low],
        data[high],
        colors=colours,
        linewidth=0.4 if dense else 1.0,
        alpha=0.35 if dense else 0.6,
    )
    top.scatter(x, data[column], c=colours, s=3 if dense else 14, zorder=3, linewidths=0)
    top.axhline(0.0, color="black", linewidth=0.8)
    summary = summarize(data, scale, alpha).iloc[0] if n else None
    if summary is not None:
        top.axhline(summary["median"], color="#444444", linewidth=0.8, linestyle="--")
        top.text(
            1.0,
            summary["median"],
            " median",
            transform=top.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize=8,
            color="#444444",
        )
    ylabel = "estimate / SD of dependent variable" if scale == "sd" else "estimate"
    top.set_ylabel(f"{ylabel}\n({level:.0%} interval)", fontsize=9)
    top.grid(axis="y", color="#e6e6e6", linewidth=0.6)
    top.set_axisbelow(True)
    for spine in ("top", "right"):
        top.spines[spine].set_visible(False)
    heading = title
    if summary is not None:
        heading += (
            f"\n{n:,} specifications: {summary['share_same_sign']:.0%} share the "
            f"sign of the median, {summary['share_significant']:.0%} significant at "
            f"{alpha:g} ({summary['share_significant_same_sign']:.0%} with that sign)"
        )
    top.set_title(heading, fontsize=10, loc="left")
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=COLOURS[k], markersize=5)
        for k in ("positive", "negative", "neither")
    ]
    top.legend(
        handles,
        [f"positive, p < {alpha:g}", f"negative, p < {alpha:g}", "not significant"],
        fontsize=8,
        frameon=False,
        loc="upper left",
    )
    _indicator_panel(bottom, data, dimensions, rows, x, colours, dense)
    bottom.set_xlabel("specifications, sorted by estimate", fontsize=9)
    bottom.set_xlim(0, n + 1)
    return fig


def _ordered_choices(data: pd.DataFrame, dimension: str) -> list[str]:
    """Choices in the order of their first appearance in the grid (the table's order is
    sorted by estimate here, so the original order is restored from the grid columns)."""
    return (
        list(pd.unique(data.sort_values("spec_order")[dimension]))
        if "spec_order" in data
        else list(pd.unique(data[dimension]))
    )


def _indicator_panel(
    ax,
    data: pd.DataFrame,
    dimensions: Sequence[str],
    rows: list[tuple[str, str]],
    x: np.ndarray,
    colours: np.ndarray,
    dense: bool,
) -> None:
    """One row per choice under a bold header row per dimension; a tick where a
    specification made that choice, coloured as its estimate."""
    ticks: list[float] = []
    labels: list[str] = []
    headers: list[int] = []
    y = 0.0
    for d in dimensions:
        headers.append(len(ticks))
        ticks.append(y)
        labels.append(DIMENSION_LABELS.get(d, d))
        y += 1.0
        values = data[d].to_numpy()
        for d2, c in rows:
            if d2 != d:
                continue
            hit = values == c
            ax.scatter(
                x[hit],
                np.full(hit.sum(), y),
                c=colours[hit],
                marker="|",
                s=22 if dense else 60,
                linewidths=0.5 if dense else 1.2,
            )
            ticks.append(y)
            labels.append(_choice_label(d, c))
            y += 1.0
        ax.axhline(y - 0.4, color="#dddddd", linewidth=0.6)
        y += 0.3
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels, fontsize=7.5)
    for i in headers:
        label = ax.get_yticklabels()[i]
        label.set_fontweight("bold")
        label.set_fontsize(8.5)
    ax.set_ylim(y - 0.5, -0.7)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(axis="y", length=0)


def save_spec_curve(fig, stem: str | Path) -> list[Path]:
    """Save ``fig`` as ``STEM.png`` and ``STEM.pdf`` (atomically) and close it."""
    import matplotlib.pyplot as plt

    paths = []
    for fmt in ("png", "pdf"):
        path = Path(f"{stem}.{fmt}")
        with atomic_path(path) as tmp:
            # no creation date in the PDF: the same run writes the same bytes
            fig.savefig(
                tmp,
                format=fmt,
                dpi=170 if fmt == "png" else None,
                metadata={"CreationDate": None} if fmt == "pdf" else None,
                bbox_inches="tight",
            )
        paths.append(path)
    plt.close(fig)
    return paths


def write_spec_curves(
    table: pd.DataFrame,
    targets: Sequence[tuple[str, str]],
    dimensions: Sequence[str],
    out: str | Path,
    *,
    scale: str = "sd",
    level: float = 0.95,
) -> list[Path]:
    """One specification curve per target with estimates: ``OUT/spec_curve_NAME.png`` and
    ``.pdf``.

    Parameters
    ----------
    table
        :meth:`SensitivityResult.table`.
    targets
        (name, label) of each target, in grid order.
    dimensions
        Dimensions with more than one choice.
    out
        Directory.
    """
    paths: list[Path] = []
    ordered = table.assign(spec_order=np.arange(len(table)))
    for name, label in targets:
        sub = ordered[ordered["target"] == name]
        if sub.empty:
            continue
        shown = [d for d in dimensions if sub[d].nunique() > 1]
        fig = plot_spec_curve(sub, shown, title=label, scale=scale, level=level)
        paths += save_spec_curve(fig, Path(out) / f"spec_curve_{name}")
    return paths
