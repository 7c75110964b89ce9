"""Decompositions as LaTeX and Markdown tables (through the report's table code)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from servmodel.decompose.result import Decomposition
from servmodel.report.frame import write_frame_table


def _what(result: Decomposition) -> str:
    if result.kind == "change":
        return f"{result.start}-{result.end}"
    return f"vs {result.comparator} {result.end}"


def summary_frame(results: Sequence[Decomposition]) -> pd.DataFrame:
    """One row per decomposition: base and target level, change or gap, and each
    economy-level component."""
    rows = []
    for r in results:
        totals = r.totals()
        base, level = (
            (totals.pop("level_start"), totals.pop("level_end"))
            if r.kind == "change"
            else (totals.pop("level_comparator"), totals.pop("level_country"))
        )
        difference = totals.pop("change" if r.kind == "change" else "gap")
        rows.append(
            {
                "country": r.country,
                "decomposition": _what(r),
                "definition": r.definition,
                "measure": r.measure,
                "base": base,
                "level": level,
                "difference": difference,
                **totals,
            }
        )
    return pd.DataFrame(rows)


def industry_frame(result: Decomposition) -> pd.DataFrame:
    """One row per industry: output shares, intensities and contributions."""
    per = result.industries
    cols = [
        "industry",
        "weight0",
        "weight1",
        "intensity0",
        "intensity1",
        "change",
        *result.totals().keys(),
    ]
    keep = [c for c in dict.fromkeys(cols) if c in per.columns]
    return per[keep].rename(columns={"change": "difference"})


def write_tables(results: Sequence[Decomposition], stem: str | os.PathLike[str]) -> list[Path]:
    """Write ``STEM.tex`` / ``STEM.md`` (the economy-level summary) and
    ``STEM_industries.tex`` / ``.md`` (per industry, one block per decomposition)."""
    stem = Path(stem)
    notes = (
        "base: the start year's aggregate, or the comparator's; level: the end year's, or "
        "the economy's; within: intensities change at average output shares; "
        "composition: output shares change at average intensities (symmetric "
        "shift-share: within + composition = difference)."
    )
    paths = list(
        write_frame_table(
            summary_frame(results),
            stem,
            caption="Decomposition of output-weighted manufacturing producer-service intensity",
            label="tab:decomposition",
            digits=5,
            notes=notes,
        )
    )
    blocks = [industry_frame(r).assign(decomposition=f"{r.country} {_what(r)}") for r in results]
    per = pd.concat(blocks, ignore_index=True)
    per = per[["decomposition", *[c for c in per.columns if c != "decomposition"]]]
    paths += write_frame_table(
        per,
        stem.with_name(stem.name + "_industries"),
        caption="Decomposition by industry",
        digits=5,
        label="tab:decomposition-industries",
        notes="weight0/weight1: output shares of base and target; "
        "intensity0/intensity1: industry intensities (an industry "
        "missing on one side takes the other side's value).",
    )
    return paths
