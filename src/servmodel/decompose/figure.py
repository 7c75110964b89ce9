"""Waterfall figure: from the base aggregate through each component to the target."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from servmodel._fileio import atomic_path
from servmodel.decompose.result import SDA_PREFIX, Decomposition
from servmodel.decompose.sda import PART_LABELS


def waterfall_steps(result: Decomposition) -> list[tuple[str, float]]:
    """The finest additive steps from base to target: within (or its sourcing or structural
    parts), then composition (or its sourcing parts)."""
    t = result.totals()
    if result.sda_parts:
        within = [(f"within: {PART_LABELS.get(p, p)}", t[SDA_PREFIX + p]) for p in result.sda_parts]
    elif result.has_sourcing:
        within = [
            ("within: domestic", t["within_domestic"]),
            ("within: imported", t["within_foreign"]),
        ]
    else:
        within = [("within", t["within"])]
    if result.has_sourcing:
        composition = [
            ("composition: domestic", t["composition_domestic"]),
            ("composition: imported", t["composition_foreign"]),
        ]
    else:
        composition = [("composition", t["composition"])]
    return within + composition


def waterfall_figure(results: Sequence[Decomposition], path: str | os.PathLike[str]) -> Path:
    """One waterfall per decomposition (PNG), written atomically."""
    n = len(results)
    cols = min(n, 2)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 4.2 * rows), squeeze=False)
    for ax, r in zip(axes.ravel(), results, strict=False):
        comparator = "OECD" if r.comparator.lower() == "oecd" else r.comparator
        base_label, end_label = (
            (str(r.start), str(r.end)) if r.kind == "change" else (comparator, r.country)
        )
        steps = waterfall_steps(r)
        labels = [base_label, *(s[0] for s in steps), end_label]
        running = r.base_level
        ax.bar(0, r.base_level, color="0.6")
        tops = [r.base_level, r.level]
        for k, (_, value) in enumerate(steps, start=1):
            ax.bar(k, value, bottom=running, color="C2" if value >= 0 else "C3")
            # the steps are small beside the levels: print each one
            ax.annotate(
                f"{value:+.4f}",
                (k, max(running, running + value)),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
            running += value
            tops.append(running)
        ax.bar(len(steps) + 1, r.level, color="0.3")
        # bars whose bottoms are set stick the axis to them; leave room above the highest
        ax.set_ylim(0, max(tops) * 1.12)
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
        what = f"{r.start}-{r.end}" if r.kind == "change" else f"vs {comparator}, {r.end}"
        ax.set_title(f"{r.country} {what}: {r.definition}, {r.measure}", fontsize=10)
        ax.set_ylabel("output-weighted intensity")
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    plt.close(fig)
    return Path(path)
