"""Invariants of the measures on the embedded WIOD 2013 panel."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.intensity import MEASURES, PANEL_COLUMNS


def wide(panel, measure):
    return panel.frame.pivot_table(index=["country", "industry", "year"], columns="definition",
                                   values=measure)


def test_shape_and_columns(wiod_panel):
    f = wiod_panel.frame
    assert list(f.columns) == list(PANEL_COLUMNS)
    assert f.country.nunique() == 40 and "RoW" not in set(f.country)
    assert f.industry.nunique() == 14
    assert sorted(f.year.unique()) == list(range(1995, 2012))
    assert sorted(f.definition.unique()) == ["broad", "kibs", "producer", "standard"]
    # 40 x 14 x 17 cells, less the zero-output ones, in each definition
    assert len(f) == 4 * (40 * 14 * 17 - len(wiod_panel.dropped))
    assert not f.duplicated(["country", "industry", "year", "definition"]).any()


def test_zero_output_rows_are_reported(wiod_panel):
    d = wiod_panel.dropped
    assert len(d) > 0
    assert set(zip(d.country, d.industry)) >= {("LUX", "c5"), ("LUX", "c8")}


def test_direct_is_a_share(wiod_panel):
    d = wiod_panel.frame.direct
    assert (d >= 0).all() and (d <= 1).all()


def test_domestic_plus_foreign_equals_direct(wiod_panel):
    f = wiod_panel.frame
    np.testing.assert_allclose(f.direct_domestic + f.direct_foreign, f.direct, rtol=0, atol=1e-15)
    assert (f.direct_domestic >= 0).all() and (f.direct_foreign >= -1e-15).all()


@pytest.mark.parametrize("measure", MEASURES)
def test_nested_definitions_are_ordered(wiod_panel, measure):
    w = wide(wiod_panel, measure).dropna()
    tol = 1e-12
    assert (w.kibs <= w.standard + tol).all()
    assert (w.producer <= w.standard + tol).all()
    assert (w.standard <= w.broad + tol).all()


def test_total_at_least_direct(wiod_panel):
    f = wiod_panel.frame
    assert (f.total >= f.direct - 1e-12).all()
    assert (f.total > f.direct).mean() > 0.95  # indirect requirements are almost always there


def test_share_of_intermediates_at_least_direct(wiod_panel):
    f = wiod_panel.frame.dropna(subset=["share_intermediate"])
    assert (f.share_intermediate >= f.direct - 1e-12).all()
    assert (f.share_intermediate <= 1 + 1e-12).all()


def test_exact_zeros_as_documented(wiod_panel):
    zeros = (wiod_panel.frame.direct == 0).groupby(wiod_panel.frame.definition).sum()
    assert zeros.min() >= 28 and zeros.max() <= 93


def test_oecd_membership_follows_accession_year(wiod_panel):
    f = wiod_panel.frame
    kor = f[(f.country == "KOR")].groupby("year").oecd.first()
    assert not kor[1995] and kor[1996] and kor[2011]
    assert not f[f.country == "CHN"].oecd.any()
    assert f[f.country == "USA"].oecd.all()


def test_tech_score_matches_class(wiod_panel):
    f = wiod_panel.frame
    by_class = f.groupby("tech", observed=True).tech_score.unique()
    assert {k: list(v) for k, v in by_class.items()} == {
        "low": [1], "medium-low": [2], "medium-high": [3], "high": [4]}
    assert set(f.loc[f.industry == "c14", "tech"]) == {"high"}


def test_direct_against_raw_table_for_korea_2011(wiod_panel):
    """Independent recomputation from the raw arrays, one cell at a time."""
    from servmodel.io import read_wiod2013_year

    t = read_wiod2013_year(2011)
    ci = t.countries.index("KOR")
    col = ci * 35 + t.industries.index("c14")
    services = [t.industries.index(c) for c in ("c27", "c28", "c30")]
    rows = [r * 35 + s for r in range(41) for s in services]
    expected = t.Z[rows, col].sum() / t.x[col]
    f = wiod_panel.frame
    got = f[(f.country == "KOR") & (f.industry == "c14") & (f.year == 2011)
            & (f.definition == "kibs")].direct.iloc[0]
    assert got == pytest.approx(expected, rel=1e-13)
