"""The services value-added share of manufacturing exports, by two independent routes: the
export-weighted panel measure, and the value added by origin from diag(v) B diag(e)."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.intensity.sources import value_added_origin_from_source
from servmodel.study.descriptive import (
    ALL_SERVICES,
    OECD_LABEL,
    VA_COMPONENTS,
    services_va_in_exports,
)


@pytest.fixture(scope="module")
def shares(wiod_panel):
    return services_va_in_exports(wiod_panel)


@pytest.mark.parametrize(("country", "year"), [("KOR", 2011), ("MEX", 1995), ("CHN", 2003)])
def test_export_weighted_share_equals_value_added_by_origin(shares, country, year):
    origin = value_added_origin_from_source(country, year, definition="standard")
    services = origin[origin["service"]]
    expected = {
        "total": services["share"].sum(),
        "domestic": services.loc[services["domestic"], "share"].sum(),
        "foreign": services.loc[~services["domestic"], "share"].sum(),
    }
    got = shares[(shares["definition"] == "standard") & (shares["series"] == country)
                 & (shares["year"] == year)].set_index("component")["value"]
    for component, value in expected.items():
        assert got[component] == pytest.approx(value, rel=1e-9), component


def test_shares_agree_with_the_panel_aggregates(wiod_panel, shares):
    agg = wiod_panel.aggregates
    kor = agg[(agg["country"] == "KOR") & (agg["scope"] == "manufacturing")
              & (agg["weight"] == "exports") & (agg["definition"] == "kibs")]
    mine = shares[(shares["series"] == "KOR") & (shares["definition"] == "kibs")]
    for component, column in VA_COMPONENTS.items():
        a = kor.set_index("year")[column].sort_index()
        b = mine[mine["component"] == component].set_index("year")["value"].sort_index()
        np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-12)


def test_components_add_up_and_the_oecd_average_is_present(shares):
    wide = shares.pivot_table(index=["definition", "year", "series"], columns="component",
                              values="value")
    np.testing.assert_allclose(wide["domestic"] + wide["foreign"], wide["total"], rtol=1e-12)
    assert OECD_LABEL in set(shares["series"])
    assert len(ALL_SERVICES) == 17
