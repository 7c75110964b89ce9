"""Small panels and tables for the decomposition tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from servmodel.intensity import IntensityPanel
from servmodel.intensity.classification import IndustryClassification
from servmodel.io import IOTable


def panel_of(rows: list[dict], definition: str = "standard") -> IntensityPanel:
    """A panel from rows holding country, industry, year, output and some measures; the
    other measures are 0 (``direct_foreign`` = ``direct - direct_domestic``)."""
    frame = pd.DataFrame(rows)
    for col in ("direct", "direct_domestic", "share_intermediate", "total", "va_services",
                "va_services_domestic", "va_services_foreign", "exports"):
        if col not in frame:
            frame[col] = 0.0
    frame["direct_foreign"] = frame["direct"] - frame["direct_domestic"]
    frame["definition"] = definition
    frame["tech"] = pd.Categorical(["low"] * len(frame),
                                   categories=["low", "medium-low", "medium-high", "high"])
    frame["tech_score"] = 1
    if "oecd" not in frame:
        frame["oecd"] = pd.NA
    frame["oecd"] = frame["oecd"].astype("boolean")
    frame["year"] = frame["year"].astype(np.int64)
    return IntensityPanel(frame)


def random_tables(seed: int, nc: int = 2, ni: int = 3, years: tuple[int, ...] = (2000, 2001)
                  ) -> list[IOTable]:
    """Random tables of one layout (countries C0.., industries i0..), every output > 0 and
    inputs below output."""
    rng = np.random.default_rng(seed)
    n = nc * ni
    out = []
    for year in years:
        Z = rng.gamma(0.7, 10.0, size=(n, n)) * (rng.random((n, n)) < 0.8)
        x = Z.sum(axis=0) / rng.uniform(0.1, 0.9, size=n) + 1.0
        F = (x - Z.sum(axis=1)).reshape(n, 1).repeat(nc, axis=1) / nc
        out.append(IOTable(Z=Z, F=F, x=x, countries=[f"C{k}" for k in range(nc)],
                           industries=[f"i{k}" for k in range(ni)],
                           final_categories=["fd"], year=year, source=f"random {seed}"))
    return out


def classification(ni: int, manufacturing: int, services: tuple[str, ...]
                   ) -> IndustryClassification:
    """The first ``manufacturing`` industries are manufacturing; ``services`` the producer
    services."""
    codes = [f"i{k}" for k in range(ni)][:manufacturing]
    return IndustryClassification(manufacturing=tuple(codes), tech=dict.fromkeys(codes, "low"),
                                  producer_services=services, source="test mapping")
