"""Structural decomposition of the Leontief measure: exact rational arithmetic, explicit
inverses, additivity over random tables, and the panel's ``total``."""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servmodel.decompose import decompose_all, decompose_change, structural_decomposition
from servmodel.intensity import build_panel
from servmodel.io import IOTable
from tests.decompose.helpers import classification, random_tables


def _inverse(m: list[list[Fr]]) -> list[list[Fr]]:
    """Gauss-Jordan inverse in exact rational arithmetic (a hand computation)."""
    n = len(m)
    a = [row[:] + [Fr(int(i == j)) for j in range(n)] for i, row in enumerate(m)]
    for c in range(n):
        p = next(r for r in range(c, n) if a[r][c] != 0)
        a[c], a[p] = a[p], a[c]
        piv = a[c][c]
        a[c] = [v / piv for v in a[c]]
        for r in range(n):
            if r != c and a[r][c] != 0:
                f = a[r][c]
                a[r] = [v - f * w for v, w in zip(a[r], a[c], strict=True)]
    return [row[n:] for row in a]


def _mul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def _leontief(A):
    n = len(A)
    return _inverse([[Fr(int(i == j)) - A[i][j] for j in range(n)] for i in range(n)])


def _table(A: list[list[Fr]], x: list[int], year: int, countries, industries) -> IOTable:
    Z = np.array([[float(A[i][j] * x[j]) for j in range(len(x))] for i in range(len(x))])
    return IOTable(Z=Z, F=np.zeros((len(x), len(countries))), x=np.array(x, dtype=float),
                   countries=countries, industries=industries, final_categories=["fd"],
                   year=year)


def _exact_parts(A0, A1, masks, service_rows):
    """1/2 (L1 dA_k L0 + L0 dA_k L1) summed over the service rows, exactly."""
    L0, L1 = _leontief(A0), _leontief(A1)
    n = len(A0)
    out = []
    for mask in masks:
        dA = [[(A1[i][j] - A0[i][j]) if mask(i, j) else Fr(0) for j in range(n)]
              for i in range(n)]
        a, b = _mul(_mul(L1, dA), L0), _mul(_mul(L0, dA), L1)
        out.append([sum((a[i][j] + b[i][j]) / 2 for i in service_rows) for j in range(n)])
    levels = [[sum(L[i][j] for i in service_rows) for j in range(n)] for L in (L0, L1)]
    return out, levels


def test_two_sector_example_exact():
    # one economy, sectors m (manufacturing) and s (services), coefficients in tenths
    A0 = [[Fr(2, 10), Fr(1, 10)], [Fr(3, 10), Fr(1, 10)]]
    A1 = [[Fr(1, 10), Fr(2, 10)], [Fr(4, 10), Fr(2, 10)]]
    x = [1000, 1000]
    t0 = _table(A0, x, 2000, ["A"], ["m", "s"])
    t1 = _table(A1, x, 2001, ["A"], ["m", "s"])
    sd = structural_decomposition(t0, t1, ["s"])
    # by hand: L0 = 1/0.69 [[0.9, 0.1], [0.3, 0.8]], so the s row is (0.3, 0.8)/0.69 and
    # L1 = 1/0.64 [[0.8, 0.2], [0.4, 0.9]], s row (0.4, 0.9)/0.64
    assert sd.level0 == pytest.approx([0.3 / 0.69, 0.8 / 0.69], rel=1e-14)
    assert sd.level1 == pytest.approx([0.4 / 0.64, 0.9 / 0.64], rel=1e-14)
    masks = [lambda i, j: i == 1, lambda i, j: False, lambda i, j: i != 1]
    exact, _ = _exact_parts(A0, A1, masks, [1])
    for k in range(3):
        assert sd.contributions[k] == pytest.approx([float(v) for v in exact[k]], rel=1e-13,
                                                    abs=1e-15)
    # a national table imports nothing
    assert np.all(sd.contributions[1] == 0)


def test_two_economy_two_industry_example_exact():
    # economies A, B with industries m, s (2 x 2 = 4 columns) in the three-part split:
    # rows of s supplied to the same economy, s supplied across borders, everything else
    A0 = [[Fr(1, 10), Fr(0), Fr(1, 20), Fr(0)],
          [Fr(2, 10), Fr(1, 10), Fr(1, 10), Fr(0)],
          [Fr(1, 20), Fr(0), Fr(2, 10), Fr(1, 10)],
          [Fr(1, 10), Fr(1, 20), Fr(1, 10), Fr(1, 10)]]
    A1 = [[Fr(1, 10), Fr(1, 20), Fr(1, 20), Fr(0)],
          [Fr(1, 10), Fr(1, 10), Fr(2, 10), Fr(0)],
          [Fr(1, 10), Fr(0), Fr(1, 10), Fr(1, 10)],
          [Fr(2, 10), Fr(1, 20), Fr(1, 20), Fr(2, 10)]]
    x = [100, 100, 100, 100]
    t0 = _table(A0, x, 2000, ["A", "B"], ["m", "s"])
    t1 = _table(A1, x, 2001, ["A", "B"], ["m", "s"])
    sd = structural_decomposition(t0, t1, ["s"])
    country = [0, 0, 1, 1]
    services = [1, 3]
    masks = [lambda i, j: i in services and country[i] == country[j],
             lambda i, j: i in services and country[i] != country[j],
             lambda i, j: i not in services]
    exact, levels = _exact_parts(A0, A1, masks, services)
    assert sd.level0 == pytest.approx([float(v) for v in levels[0]], rel=1e-14)
    assert sd.level1 == pytest.approx([float(v) for v in levels[1]], rel=1e-14)
    for k in range(3):
        assert sd.contributions[k] == pytest.approx([float(v) for v in exact[k]], rel=1e-13,
                                                    abs=1e-15)
    total = sum(exact[k][j] for k in range(3) for j in range(4))
    assert total == sum(levels[1]) - sum(levels[0])  # exact additivity, in rationals


def test_against_full_inverse_on_random_table():
    t0, t1 = random_tables(7, nc=3, ni=4)
    codes = ["i1", "i3"]
    sd = structural_decomposition(t0, t1, codes)
    n, ni = 12, 4
    A0 = t0.Z / t0.x
    A1 = t1.Z / t1.x
    L0, L1 = np.linalg.inv(np.eye(n) - A0), np.linalg.inv(np.eye(n) - A1)
    rows = np.array([k for k in range(n) if k % ni in (1, 3)])
    service = np.zeros(n, dtype=bool)
    service[rows] = True
    same = (np.arange(n)[:, None] // ni) == (np.arange(n)[None, :] // ni)
    masks = [service[:, None] & same, service[:, None] & ~same,
             ~service[:, None] & np.ones((n, n), dtype=bool)]
    for k, mask in enumerate(masks):
        dA = np.where(mask, A1 - A0, 0.0)
        want = 0.5 * (L1 @ dA @ L0 + L0 @ dA @ L1)[rows].sum(axis=0)
        np.testing.assert_allclose(sd.contributions[k], want, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(sd.level1 - sd.level0, (L1 - L0)[rows].sum(axis=0),
                               rtol=1e-10, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(2, 4))
def test_parts_add_up_exactly(seed, nc, ni):
    t0, t1 = random_tables(seed, nc=nc, ni=ni)
    sd = structural_decomposition(t0, t1, [f"i{ni - 1}"])
    total = sd.contributions.sum(axis=0)
    scale = np.maximum(np.abs(sd.contributions).max(axis=0), np.abs(sd.change))
    assert np.all(np.abs(total - sd.change) <= 1e-12 * scale)


def _panel_and_tables(seed: int):
    tables = random_tables(seed, nc=3, ni=4, years=(2000, 2001, 2002))
    cls = classification(4, manufacturing=2, services=("i2", "i3"))
    panel = build_panel(tables, cls, definitions="mapping", exclude_countries=())
    return panel, tables


def test_reproduces_the_panel_total_and_splits_within():
    panel, tables = _panel_and_tables(3)
    r = decompose_change(panel, "C1", 2000, 2002, "mapping", "total", sda=True, tables=tables)
    f = panel.frame[panel.frame["country"] == "C1"].set_index(["year", "industry"])
    per = r.industries.set_index("industry")
    for ind in ("i0", "i1"):
        assert per.loc[ind, "intensity1"] - per.loc[ind, "intensity0"] == pytest.approx(
            f.loc[(2002, ind), "total"] - f.loc[(2000, ind), "total"], rel=1e-12)
    parts = r.totals()
    sda_sum = sum(parts[f"within_sda_{p}"] for p in ("ps_domestic", "ps_imported",
                                                     "other_inputs"))
    assert sda_sum == pytest.approx(r.within, rel=1e-12)
    assert r.max_residual() < 1e-12


def test_tables_that_do_not_match_the_panel_are_refused():
    from servmodel.errors import DataError

    panel, _ = _panel_and_tables(3)
    other = random_tables(4, nc=3, ni=4, years=(2000, 2001, 2002))
    with pytest.raises(DataError, match="differs from the panel"):
        decompose_change(panel, "C1", 2000, 2002, "mapping", "total", sda=True, tables=other)


def test_batch_matches_single_decompositions():
    panel, tables = _panel_and_tables(5)
    tidy = decompose_all(panel, tables=tables)
    for country in ("C0", "C2"):
        for measure in ("direct", "total", "share_intermediate"):
            r = decompose_change(panel, country, 2001, 2002, "mapping", measure,
                                 sda=measure == "total", tables=tables)
            want = r.tidy()
            want = want[~want["component"].str.endswith("_chained")]
            got = tidy[(tidy["country"] == country) & (tidy["measure"] == measure)
                       & (tidy["start"] == 2001)]
            merged = want.merge(got, on=["component", "industry"], how="outer",
                                suffixes=("", "_batch"), indicator=True)
            assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
            np.testing.assert_allclose(merged["value_batch"], merged["value"], rtol=1e-12,
                                       atol=1e-15)
