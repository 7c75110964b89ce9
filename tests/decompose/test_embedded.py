"""The embedded data (two years): Korea's figures, the OECD average, the structural split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servmodel.decompose import (
    check_additivity,
    constant_weight_series,
    decompose_change,
    decompose_gap,
    shift_share,
)
from servmodel.intensity import panel_from_source
from servmodel.study.descriptive import comparator_series


@pytest.fixture(scope="module")
def panel():
    return panel_from_source(years=[1995, 2011], definitions="standard")


def test_korea_direct_1995_2011(panel):
    r = decompose_change(panel, "KOR", 1995, 2011, "standard", "direct")
    assert round(r.base_level, 4) == 0.0979 and round(r.level, 4) == 0.0849
    s = constant_weight_series(panel, "KOR", "standard", "direct", base=1995)
    assert round(float(s.loc[s["year"] == 2011, "constant_weights"].item()), 4) == 0.0901
    check_additivity(r)


def test_oecd_comparator_matches_the_descriptive_average(panel):
    series = comparator_series(panel, "share_intermediate")
    for year in (1995, 2011):
        r = decompose_gap(panel, "KOR", "OECD", year, "standard", "share_intermediate")
        want = series[(series["series"] == "OECD (excl. KOR)") & (series["year"] == year)]
        assert r.base_level == pytest.approx(want["value"].item(), rel=1e-13)
        kor = series[(series["series"] == "KOR") & (series["year"] == year)]
        assert r.level == pytest.approx(kor["value"].item(), rel=1e-13)
        check_additivity(r)


def test_total_sda_reproduces_the_panel_change(panel):
    r = decompose_change(panel, "KOR", 1995, 2011, "standard", "total", sda=True)
    f = panel.frame[(panel.frame["country"] == "KOR")].pivot(index="industry", columns="year",
                                                             values="total")
    per = r.industries.set_index("industry")
    sda = per[[c for c in per.columns if c.startswith("within_sda_")]].sum(axis=1)
    wbar = 0.5 * (per["weight0"] + per["weight1"])
    np.testing.assert_allclose(sda, wbar * (f[2011] - f[1995]).reindex(per.index),
                               rtol=1e-12)
    check_additivity(r)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_shift_share_adds_up_on_random_aggregates(seed, n):
    rng = np.random.default_rng(seed)
    x0, x1 = rng.gamma(1.0, 100.0, size=(2, n)) * (rng.random((2, n)) < 0.85)
    a0, a1 = rng.random((2, n))
    a0[rng.random(n) < 0.1] = np.nan
    ss = shift_share(x0, a0, x1, a1)
    if np.isnan(ss.level0) or np.isnan(ss.level1):
        return
    terms = np.concatenate([ss.within, ss.composition])
    change = ss.level1 - ss.level0
    scale = max(abs(change), np.abs(terms).max(), 1e-300)
    assert abs(change - terms.sum()) <= 1e-12 * scale
    np.testing.assert_allclose(ss.within + ss.composition, ss.change, atol=1e-15)
