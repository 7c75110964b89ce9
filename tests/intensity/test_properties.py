"""Property-based checks of the measures on random non-negative tables."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servmodel.intensity.measures import definition_measures, supplier_requirements
from servmodel.io import IOTable


@st.composite
def tables(draw):
    nc = draw(st.integers(1, 3))
    ni = draw(st.integers(2, 4))
    n = nc * ni
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    Z = rng.gamma(0.5, 10.0, size=(n, n)) * (rng.random((n, n)) < 0.7)
    # gross output exceeds intermediate inputs so that A's column sums stay below 1
    x = Z.sum(axis=0) / rng.uniform(0.05, 0.95, size=n)
    x[rng.random(n) < 0.1] = 0.0
    Z[:, x == 0] = 0.0
    F = np.zeros((n, nc))
    S = np.flatnonzero(rng.random(ni) < 0.5)
    if S.size == 0:
        S = np.array([0])
    t = IOTable(Z=Z, F=F, x=x, countries=[f"C{k}" for k in range(nc)],
                industries=[f"i{k}" for k in range(ni)], final_categories=["fd"], year=2000)
    return t, S


@settings(max_examples=60, deadline=None)
@given(tables())
def test_measures_against_direct_loops_and_explicit_inverse(case):
    table, S = case
    nc, ni = table.n_countries, table.n_industries
    n = nc * ni
    got = definition_measures(supplier_requirements(table), S)
    x = table.x
    A = np.divide(table.Z, x, out=np.zeros_like(table.Z), where=x > 0)
    L = np.linalg.inv(np.eye(n) - A)
    for j in range(n):
        cj = j // ni
        rows = [r * ni + s for r in range(nc) for s in S]
        dom = [cj * ni + s for s in S]
        assert np.isclose(got["direct"][j], A[rows, j].sum(), rtol=1e-12, atol=1e-14)
        assert np.isclose(got["direct_domestic"][j], A[dom, j].sum(), rtol=1e-12, atol=1e-14)
        assert np.isclose(got["total"][j], L[rows, j].sum(), rtol=1e-9, atol=1e-12)
        col = table.Z[:, j].sum()
        if col > 0:
            assert np.isclose(got["share_intermediate"][j], table.Z[rows, j].sum() / col)
            assert got["share_intermediate"][j] >= got["direct"][j] - 1e-12
        else:
            assert np.isnan(got["share_intermediate"][j])
    assert np.all(got["total"] >= got["direct"] - 1e-12)
    np.testing.assert_allclose(got["direct_domestic"] + got["direct_foreign"], got["direct"],
                               atol=1e-15)
