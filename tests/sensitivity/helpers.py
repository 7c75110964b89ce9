"""Small grids for the sensitivity tests (the embedded panel, few specifications)."""

from __future__ import annotations

from typing import Any

from servmodel.sensitivity import Grid, parse_grid


def small_grid(**dimensions: Any) -> Grid:
    """Two targets over a few choices: about 40 specifications, some skipped."""
    dims = {
        "definition": ["standard", "kibs"],
        "measure": ["direct"],
        "estimator": ["pooled", "fe", "re"],
        "transform": ["log"],
        "sample": ["all", "1995-2007"],
        "cov": ["clustered:country"],
    }
    dims.update(dimensions)
    return parse_grid({
        "name": "small",
        "targets": [
            {"name": "tech", "formula": "tech_score + center(trend)", "term": "tech_score"},
            {"name": "tech_trend", "formula": "tech_score + center(trend) + "
             "tech_score:center(trend)", "term": "tech_score:center(trend)"},
        ],
        "dimensions": dims,
    }, source="small.toml")
