"""Evaluate the five claims under every producer-service definition and measure."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from servmodel.decompose import constant_weight_series
from servmodel.frequentist import fit
from servmodel.intensity import IntensityPanel
from servmodel.spec import parse_spec
from servmodel.study import claims as cl
from servmodel.study.descriptive import (
    FOCUS,
    OECD_LABEL,
    comparator_series,
    economy_vs_manufacturing,
)

MEASURES_FOR_CLAIMS = (
    "direct",
    "direct_domestic",
    "share_intermediate",
    "total",
    "va_services",
    "va_services_domestic",
)


def tech_gradient_spec(definition: str, measure: str):
    """C4's model: pooled OLS of the intensity on the technology score with year effects."""
    return parse_spec(
        {
            "name": f"c4_{definition}_{measure}",
            "formula": "tech_score + C(year)",
            "data": {"definition": definition, "measure": measure},
            "dependent": {"transform": "level"},
            "frequentist": {"estimator": "pooled", "cov": "clustered", "cluster": "country"},
        },
        source="claim C4",
    )


def claim_verdicts(
    panel: IntensityPanel, measures: Sequence[str] = MEASURES_FOR_CLAIMS
) -> list[cl.Verdict]:
    """Verdicts of C1-C5 for each definition in the panel and each of ``measures``."""
    out: list[cl.Verdict] = []
    definitions = list(dict.fromkeys(panel.frame["definition"]))
    for measure in measures:
        comps = comparator_series(panel, measure)
        eco = economy_vs_manufacturing(panel, measure)
        for d in definitions:
            series = eco[eco["definition"] == d]
            e = series[series["scope"] == "economy"]
            m = series[series["scope"] == "manufacturing"]
            t_eco = cl.trend(e["year"].to_numpy(), e["value"].to_numpy())
            t_man = cl.trend(m["year"].to_numpy(), m["value"].to_numpy())
            out.append(
                cl.Verdict(
                    "C1", d, measure, cl.judge_rise(t_eco), "economy-wide " + t_eco.describe()
                )
            )
            out.append(
                cl.Verdict(
                    "C2",
                    d,
                    measure,
                    cl.judge_slow_rise(t_man, t_eco),
                    f"manufacturing {t_man.describe()}; economy-wide "
                    f"{t_eco.percent_per_year:+.2f}%/yr",
                )
            )
            out.append(
                cl.Verdict(
                    "C5", d, measure, cl.judge_fall(t_man), "manufacturing " + t_man.describe()
                )
            )
            fixed = constant_weight_series(panel, FOCUS, d, measure)
            t_fix = cl.trend(fixed["year"].to_numpy(), fixed["constant_weights"].to_numpy())
            out.append(
                cl.Verdict(
                    "C5w",
                    d,
                    measure,
                    cl.judge_fall(t_fix),
                    f"manufacturing at {int(fixed['base'].iloc[0])} output "
                    f"weights {t_fix.describe()}",
                )
            )
            c = comps[comps["definition"] == d]
            last = int(c["year"].max())
            at_last = c[c["year"] == last].set_index("series")["value"]
            others = {k: float(at_last[k]) for k in at_last.index if k != FOCUS}
            verdict, below = cl.judge_fewer(float(at_last[FOCUS]), others)
            listing = ", ".join(f"{k} {v:.4f}" for k, v in others.items())
            out.append(
                cl.Verdict(
                    "C3",
                    d,
                    measure,
                    verdict,
                    f"{last}: KOR {float(at_last[FOCUS]):.4f} vs {listing}; "
                    f"below {', '.join(below) or 'none'}",
                )
            )
            res = fit(tech_gradient_spec(d, measure), panel)
            row = res.tidy().set_index("term").loc["tech_score"]
            out.append(
                cl.Verdict(
                    "C4",
                    d,
                    measure,
                    cl.judge_tech(row.estimate, row.p_value),
                    f"tech_score {row.estimate:+.4f} (SE {row.std_error:.4f}, p {row.p_value:.3f})",
                )
            )
    return out


def verdict_table(verdicts: list[cl.Verdict]) -> pd.DataFrame:
    """Tidy verdicts: claim, definition, measure, verdict, evidence."""
    return pd.DataFrame([v.__dict__ for v in verdicts]).sort_values(
        ["claim", "measure", "definition"], ignore_index=True
    )


__all__ = ["OECD_LABEL", "claim_verdicts", "tech_gradient_spec", "verdict_table"]
