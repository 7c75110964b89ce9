"""The batch backend's building blocks: exact within transformations, the degrees-of-freedom
rules both backends share, and its import on its own."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from servmodel.frequentist.batch.memory import _hugepage_setter, ordinary_pages
from servmodel.frequentist.batch.within import Demean, TwoWay
from servmodel.frequentist.dof import (
    counted_effects,
    dk_bandwidth,
    effect_nested_in_clusters,
    model_effects,
)


def _panel(n_e: int, n_t: int, drop: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit and year codes of an unbalanced panel, rows sorted by unit then year."""
    rng = np.random.default_rng(seed)
    e = np.repeat(np.arange(n_e), n_t)
    t = np.tile(np.arange(n_t), n_e)
    keep = rng.random(len(e)) >= drop
    keep[::n_t] = True  # every unit and the first year keep a row
    return e[keep], np.unique(t[keep], return_inverse=True)[1]


def _dummy_residuals(z: np.ndarray, *codes: np.ndarray) -> np.ndarray:
    """Residuals of z on the full dummies of each code (least squares)."""
    d = np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])
    return z - d @ np.linalg.lstsq(d, z, rcond=None)[0]


@pytest.mark.parametrize(("n_e", "n_t", "drop"), [(60, 8, 0.0), (60, 8, 0.3), (5, 40, 0.2)])
def test_two_way_within_equals_dummy_regression(n_e, n_t, drop):
    e, t = _panel(n_e, n_t, drop, seed=n_e + n_t)
    z = np.random.default_rng(1).normal(size=(len(e), 3)) + 5.0
    np.testing.assert_allclose(TwoWay.of(e, t)(z), _dummy_residuals(z, e, t), atol=1e-10)


def test_two_way_within_of_a_disconnected_panel():
    """Two groups of units observed in different years: the projection is still exact."""
    e = np.repeat(np.arange(6), 3)
    t = np.concatenate([np.tile([0, 1, 2], 3), np.tile([3, 4, 5], 3)])
    z = np.random.default_rng(2).normal(size=(len(e), 2))
    np.testing.assert_allclose(TwoWay.of(e, t)(z), _dummy_residuals(z, e, t), atol=1e-10)


def test_one_way_within_keeps_the_input():
    e, _ = _panel(30, 6, 0.2, seed=3)
    z = np.random.default_rng(3).normal(size=(len(e), 2))
    before = z.copy()
    np.testing.assert_allclose(Demean.of(e)(z), _dummy_residuals(z, e), atol=1e-12)
    np.testing.assert_array_equal(z, before)


def test_dk_bandwidth_rule_of_thumb():
    # floor(4 (T / 100)^(2/9)), linearmodels' default
    assert [dk_bandwidth(t) for t in (2, 17, 40, 100)] == [1.0, 2.0, 3.0, 4.0]


def test_effect_counts():
    # linearmodels: every level, less one per dimension already spanned
    assert model_effects("twoway", 10, 5, has_constant=True) == 13
    assert model_effects("twoway", 10, 5, has_constant=False) == 14
    assert model_effects("time", 10, 5, has_constant=True) == 4
    # servmodel: effects nested in the clusters count as the one intercept they span
    assert counted_effects("twoway", 10, 5, {}, has_constant=True) == 13
    assert counted_effects("twoway", 10, 5, {"entity": True}, has_constant=True) == 4
    assert counted_effects("entity", 10, 5, {"entity": True}, has_constant=True) == 0


def test_effect_nested_in_clusters():
    entity = np.array([0, 0, 1, 1, 2, 2])
    country = np.array([0, 0, 0, 0, 1, 1])
    year = np.array([0, 1, 0, 1, 0, 1])
    assert effect_nested_in_clusters(entity, [country])
    assert not effect_nested_in_clusters(entity, [country, year])
    assert not effect_nested_in_clusters(entity, [])


def test_ordinary_pages_restores_numpy_setting():
    setter = _hugepage_setter()
    if setter is None:
        pytest.skip("this NumPy has no huge-page switch")
    before = setter(True)
    try:
        with ordinary_pages():
            assert setter(False) is False
        assert setter(True) is True
    finally:
        setter(before)


def test_batch_engine_imports_before_sensitivity():
    """servmodel.sensitivity re-exports run_jobs and the job types from the batch
    package, which does not import servmodel.sensitivity: either may be imported first."""
    code = (
        "import servmodel.frequentist.batch.engine as e, servmodel.sensitivity as s; "
        "assert s.run_jobs is e.run_jobs and s.Outcome is e.Outcome"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
