"""The replication's decomposition: how much of Korea's change over time and of its gaps
to the comparators is industry mix, under every definition and measure."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from servmodel.decompose import Decomposition, decompose_change, decompose_gap
from servmodel.intensity import IntensityPanel
from servmodel.study.descriptive import COMPARATORS, FOCUS, OECD_LABEL

GAP_COMPARATORS = (*COMPARATORS, "oecd")


def korea_decompositions(
    panel: IntensityPanel, measures: Sequence[str]
) -> dict[tuple[str, str], list[Decomposition]]:
    """For each (definition, measure): Korea's change from the first to the last year,
    then its gap in the last year to Mexico, China and the OECD members of that year."""
    f = panel.frame
    first, last = int(f["year"].min()), int(f["year"].max())
    out: dict[tuple[str, str], list[Decomposition]] = {}
    for definition in dict.fromkeys(f["definition"]):
        for measure in measures:
            results = [
                decompose_change(panel, FOCUS, first, last, definition, measure, sourcing=False)
            ]
            results += [
                decompose_gap(panel, FOCUS, c, last, definition, measure, sourcing=False)
                for c in GAP_COMPARATORS
            ]
            out[(definition, measure)] = results
    return out


def mix_table(results: dict[tuple[str, str], list[Decomposition]]) -> pd.DataFrame:
    """One row per (definition, measure): the change over time and each gap, with the part
    of each that is industry mix (``composition``); ``within`` is the rest."""
    rows = []
    for (definition, measure), parts in results.items():
        change, *gaps = parts
        row = {
            "definition": definition,
            "measure": measure,
            f"change {change.start}-{change.end}": change.change,
            "of which mix": change.composition,
        }
        for g in gaps:
            name = OECD_LABEL if g.comparator.lower() == "oecd" else g.comparator
            row[f"gap to {name}"] = g.change
            row[f"of which mix ({name})"] = g.composition
        rows.append(row)
    return pd.DataFrame(rows)
