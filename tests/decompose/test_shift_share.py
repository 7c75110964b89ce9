"""Shift-share over time and across economies against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.decompose import constant_weight_series, decompose_change, decompose_gap
from servmodel.errors import DataError, UsageError
from tests.decompose.helpers import panel_of

# Two industries, three years. By hand (w output shares, a direct intensities):
# 2000: x = (60, 40), a = (0.10, 0.30): w = (0.6, 0.4), aggregate 0.18
# 2005: x = (50, 50), a = (0.11, 0.28): w = (0.5, 0.5), aggregate 0.195
# 2010: x = (40, 60), a = (0.12, 0.25): w = (0.4, 0.6), aggregate 0.198
# 2000 -> 2010: wbar = (0.5, 0.5), da = (0.02, -0.05): within = 0.01 - 0.025 = -0.015;
#   abar = (0.11, 0.275), dw = (-0.2, 0.2): composition = -0.022 + 0.055 = 0.033;
#   change 0.018 = -0.015 + 0.033.
# chained: 2000 -> 2005 within 0.55*0.01 - 0.45*0.02 = -0.0035, composition
#   -0.105*0.1 + 0.29*0.1 = 0.0185; 2005 -> 2010 within 0.45*0.01 - 0.55*0.03 = -0.012,
#   composition -0.115*0.1 + 0.265*0.1 = 0.015; sums -0.0155 and 0.0335.
TWO = [
    ("m1", 2000, 60, 0.10, 0.04), ("m2", 2000, 40, 0.30, 0.20),
    ("m1", 2005, 50, 0.11, 0.05), ("m2", 2005, 50, 0.28, 0.20),
    ("m1", 2010, 40, 0.12, 0.08), ("m2", 2010, 60, 0.25, 0.10),
]


def two_industry_panel():
    rows = [{"country": "A", "industry": i, "year": y, "output": x, "direct": a,
             "direct_domestic": d} for i, y, x, a, d in TWO]
    # a second economy, B, equal to A in 2010 but for m2's intensity (0.35), output (20, 80)
    rows += [{"country": "B", "industry": "m1", "year": 2010, "output": 20.0, "direct": 0.12,
              "direct_domestic": 0.06},
             {"country": "B", "industry": "m2", "year": 2010, "output": 80.0, "direct": 0.35,
              "direct_domestic": 0.30}]
    return panel_of(rows)


def test_two_industries_by_hand():
    r = decompose_change(two_industry_panel(), "A", 2000, 2010, "standard", "direct")
    assert r.base_level == pytest.approx(0.18, abs=1e-15)
    assert r.level == pytest.approx(0.198, abs=1e-15)
    assert r.within == pytest.approx(-0.015, abs=1e-15)
    assert r.composition == pytest.approx(0.033, abs=1e-15)
    per = r.industries.set_index("industry")
    assert per.loc["m1", "within"] == pytest.approx(0.01, abs=1e-15)
    assert per.loc["m2", "composition"] == pytest.approx(0.055, abs=1e-15)
    totals = r.totals()
    assert totals["within_chained"] == pytest.approx(-0.0155, abs=1e-15)
    assert totals["composition_chained"] == pytest.approx(0.0335, abs=1e-15)
    assert list(r.steps["within"]) == pytest.approx([-0.0035, -0.012], abs=1e-15)
    assert r.max_residual() < 1e-12


def test_sourcing_by_hand():
    # domestic 2000 (0.04, 0.20) -> 2010 (0.08, 0.10): within 0.5*0.04 + 0.5*(-0.10) = -0.03,
    # composition 0.06*(-0.2) + 0.15*0.2 = 0.018; foreign (0.06, 0.10) -> (0.04, 0.15):
    # within 0.5*(-0.02) + 0.5*0.05 = 0.015, composition 0.05*(-0.2) + 0.125*0.2 = 0.015
    r = decompose_change(two_industry_panel(), "A", 2000, 2010)
    t = r.totals()
    assert t["within_domestic"] == pytest.approx(-0.03, abs=1e-15)
    assert t["composition_domestic"] == pytest.approx(0.018, abs=1e-15)
    assert t["within_foreign"] == pytest.approx(0.015, abs=1e-15)
    assert t["composition_foreign"] == pytest.approx(0.015, abs=1e-15)
    assert r.max_residual() < 1e-12


def test_gap_by_hand():
    # B against A in 2010: w (0.4, 0.6) -> (0.2, 0.8), a (0.12, 0.25) -> (0.12, 0.35):
    # within 0.7*0.10 = 0.07; composition 0.12*(-0.2) + 0.30*0.2 = 0.036; gap 0.304 - 0.198
    r = decompose_gap(two_industry_panel(), "B", "A", 2010)
    assert (r.start, r.end, r.comparator) == (2010, 2010, "A")
    assert r.change == pytest.approx(0.106, abs=1e-15)
    assert r.within == pytest.approx(0.07, abs=1e-15)
    assert r.composition == pytest.approx(0.036, abs=1e-15)
    tidy = r.tidy()
    assert set(tidy["comparator"]) == {"A"}
    assert tidy.query("component == 'gap' and industry == 'all'")["value"].item() == \
        pytest.approx(0.106, abs=1e-15)


def test_industry_entering_and_leaving():
    # m3 exists only in 2010 (x 100, a 0.5); m2 only in 2000 (x 50, a 0.2). By hand:
    # 2000: w (m1, m2) = (0.5, 0.5), a (0.1, 0.2): 0.15; 2010: w (m1, m3) = (0.5, 0.5),
    # a (0.3, 0.5): 0.40. m1: within 0.5*0.2 = 0.1, composition 0; m2 exits: within 0,
    # composition -0.5*0.2 = -0.1; m3 enters: within 0, composition 0.5*0.5 = 0.25.
    rows = [{"country": "A", "industry": "m1", "year": 2000, "output": 50.0, "direct": 0.1},
            {"country": "A", "industry": "m2", "year": 2000, "output": 50.0, "direct": 0.2},
            {"country": "A", "industry": "m1", "year": 2010, "output": 100.0, "direct": 0.3},
            {"country": "A", "industry": "m3", "year": 2010, "output": 100.0, "direct": 0.5}]
    r = decompose_change(panel_of(rows), "A", 2000, 2010)
    per = r.industries.set_index("industry")
    assert per["within"].to_dict() == pytest.approx({"m1": 0.1, "m2": 0.0, "m3": 0.0})
    assert per["composition"].to_dict() == pytest.approx({"m1": 0.0, "m2": -0.1, "m3": 0.25})
    assert r.change == pytest.approx(0.25)
    assert r.max_residual() < 1e-12


def test_undefined_measure_is_left_out_as_in_the_aggregate():
    # share_intermediate NaN for m2 in 2010: the 2010 aggregate is m1's alone (0.4), as in
    # the panel's output-weighted aggregates; m2 counts as leaving: composition -0.5*0.2
    rows = [{"country": "A", "industry": "m1", "year": 2000, "output": 50.0,
             "share_intermediate": 0.3},
            {"country": "A", "industry": "m2", "year": 2000, "output": 50.0,
             "share_intermediate": 0.2},
            {"country": "A", "industry": "m1", "year": 2010, "output": 50.0,
             "share_intermediate": 0.4},
            {"country": "A", "industry": "m2", "year": 2010, "output": 50.0,
             "share_intermediate": np.nan}]
    r = decompose_change(panel_of(rows), "A", 2000, 2010, measure="share_intermediate")
    assert (r.base_level, r.level) == pytest.approx((0.25, 0.4))
    per = r.industries.set_index("industry")
    assert per.loc["m2", "composition"] == pytest.approx(-0.1)
    assert per.loc["m2", "within"] == 0.0
    assert per.loc["m1", "within"] == pytest.approx(0.75 * 0.1)
    assert per.loc["m1", "composition"] == pytest.approx(0.35 * 0.5)


def test_group_comparator_by_hand():
    # OECD in 2010 = members other than the focus: B and C (D is not a member).
    # m1: output 10 + 30 = 40, intensity (10*0.1 + 30*0.3)/40 = 0.25; m2: 60, 0.2 (C only)
    # group aggregate (40*0.25 + 60*0.2)/100 = 0.22; focus A: w (0.5, 0.5), a (0.2, 0.2) 0.2
    # within 0.45*(-0.05) + 0.55*0 = -0.0225; composition 0.225*0.1 + 0.2*(-0.1) = 0.0025
    rows = [{"country": c, "industry": i, "year": 2010, "output": x, "direct": a, "oecd": o}
            for c, i, x, a, o in (("A", "m1", 50, 0.2, True), ("A", "m2", 50, 0.2, True),
                                  ("B", "m1", 10, 0.1, True), ("C", "m1", 30, 0.3, True),
                                  ("C", "m2", 60, 0.2, True), ("D", "m1", 99, 0.9, False))]
    r = decompose_gap(panel_of(rows), "A", "OECD", 2010)
    assert r.comparator == "oecd"
    assert r.base_level == pytest.approx(0.22)
    assert r.within == pytest.approx(-0.0225)
    assert r.composition == pytest.approx(0.0025)


def test_constant_weights_by_hand():
    # 2010 intensities at 2000 weights: 0.6*0.12 + 0.4*0.25 = 0.172
    s = constant_weight_series(two_industry_panel(), "A", "standard", "direct")
    assert list(s["year"]) == [2000, 2005, 2010]
    assert list(s["constant_weights"]) == pytest.approx([0.18, 0.6 * 0.11 + 0.4 * 0.28, 0.172])
    assert list(s["level"]) == pytest.approx([0.18, 0.195, 0.198])


def test_bad_requests():
    panel = two_industry_panel()
    with pytest.raises(UsageError, match="no sourcing split"):
        decompose_change(panel, "A", 2000, 2010, measure="total", sourcing=True)
    with pytest.raises(UsageError, match="not an economy"):
        decompose_gap(panel, "A", "ZZZ", 2010)
    with pytest.raises(UsageError, match="before"):
        decompose_change(panel, "A", 2010, 2000)
    with pytest.raises(UsageError, match="not a year"):
        decompose_change(panel, "A", 1999, 2010)
    with pytest.raises(UsageError, match="the economy itself"):
        decompose_gap(panel, "A", "A", 2010)
    one = panel.with_frame(panel.frame[panel.frame["year"] == 2010])
    with pytest.raises(DataError, match="only the year 2010"):
        decompose_change(one, "A", 2010, 2010)
    with pytest.raises(UsageError, match="measure"):
        decompose_change(panel, "A", 2000, 2010, measure="total", sda=False, sourcing=True)
