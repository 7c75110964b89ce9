"""Every measure on the hand-computed toy table (see tests/intensity/toy.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.intensity import build_panel
from servmodel.intensity.measures import MEASURES, supplier_requirements
from servmodel.intensity.value_added import gross_exports
from tests.intensity.toy import (
    EXPECTED,
    EXPECTED_ECONOMY_DIRECT,
    toy_classification,
    toy_long_rows,
    toy_table,
)


@pytest.fixture(scope="module")
def toy_panel():
    return build_panel([toy_table(2000), toy_table(2001)], toy_classification())


@pytest.mark.parametrize("key", sorted(EXPECTED))
@pytest.mark.parametrize("measure", [*MEASURES, "output", "exports"])
def test_toy_measure_matches_hand_computation(toy_panel, key, measure):
    f = toy_panel.frame
    row = f[(f.country == key[0]) & (f.industry == key[1]) & (f.year == 2000)]
    assert len(row) == 1
    assert row[measure].iloc[0] == pytest.approx(EXPECTED[key][measure], rel=1e-12, abs=1e-15)


def test_toy_zero_output_industry_is_dropped_and_counted(toy_panel):
    assert set(toy_panel.frame.country) == {"A", "B"}
    assert len(toy_panel.dropped) == 2  # C m, in each of two years
    assert set(toy_panel.dropped.country) == {"C"}
    assert (toy_panel.dropped.reason == "zero gross output").all()


def test_toy_definition_comes_from_mapping(toy_panel):
    assert dict(toy_panel.definitions) == {"mapping": ("s",)}
    assert set(toy_panel.frame.definition) == {"mapping"}


def test_toy_tech_and_oecd_columns(toy_panel):
    f = toy_panel.frame
    assert (f.tech == "high").all() and (f.tech_score == 4).all()
    assert f.oecd.isna().all()  # no country file: membership unknown, not False


def test_toy_economy_wide_aggregate(toy_panel):
    agg = toy_panel.aggregates
    agg = agg[agg.weight == "output"]
    eco = agg[(agg.scope == "economy") & (agg.year == 2000)].set_index("country")
    for country, value in EXPECTED_ECONOMY_DIRECT.items():
        assert eco.loc[country, "direct"] == pytest.approx(value, abs=1e-15)
    manu = agg[(agg.scope == "manufacturing") & (agg.year == 2000)].set_index("country")
    assert manu.loc["A", "direct"] == pytest.approx(0.15)
    assert np.isnan(manu.loc["C", "direct"])  # no manufacturing output at all


def test_leontief_rows_against_explicit_inverse():
    table = toy_table()
    req = supplier_requirements(table)
    x = table.x
    A = np.divide(table.Z, x, out=np.zeros_like(table.Z), where=x > 0)
    L = np.linalg.inv(np.eye(len(x)) - A)
    by_supplier = L.reshape(3, 3, 9).sum(axis=0)
    np.testing.assert_allclose(req.total, by_supplier, rtol=1e-12, atol=1e-15)


def test_long_csv_reader_reproduces_toy(tmp_path):
    from servmodel.intensity.sources import panel_from_source

    path = tmp_path / "toy.csv"
    pd.DataFrame(toy_long_rows(2000)).to_csv(path, index=False)
    mapping = tmp_path / "map.csv"
    pd.DataFrame({"industry": ["m", "s", "o"],
                  "role": ["manufacturing", "producer_service", "other"],
                  "tech": ["high", "", ""]}).to_csv(mapping, index=False)
    panel = panel_from_source(path, mapping=mapping)
    f = panel.frame.set_index(["country", "industry"])
    for key, expected in EXPECTED.items():
        for measure, value in expected.items():
            assert f.loc[key, measure] == pytest.approx(value, rel=1e-12, abs=1e-15)


def test_toy_export_weighted_aggregate(toy_panel):
    agg = toy_panel.aggregates
    manu = agg[(agg.scope == "manufacturing") & (agg.year == 2000) & (agg.weight == "exports")]
    manu = manu.set_index("country")
    # B's only manufacturing exporter is B m (exports 10, va_services 0.10); A's m exports
    # nothing, so A has no export-weighted value
    assert manu.loc["B", "va_services"] == pytest.approx(0.10)
    assert manu.loc["B", "exports"] == pytest.approx(10.0)
    assert np.isnan(manu.loc["A", "va_services"])
    assert manu.loc["A", "exports"] == 0.0
    eco = agg[(agg.scope == "economy") & (agg.year == 2000) & (agg.weight == "exports")]
    # the scope's exports are the sum of its country-industries' gross exports
    e = gross_exports(toy_table(2000)).reshape(3, 3)
    np.testing.assert_allclose(eco.set_index("country")["exports"].to_numpy(),
                               e.sum(axis=1))
