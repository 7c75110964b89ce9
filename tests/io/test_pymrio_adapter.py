"""The pymrio adapter, on pymrio's own bundled test system."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.errors import DataError
from servmodel.intensity import IndustryClassification, build_panel
from servmodel.io import from_pymrio
from tests.optional import require

pymrio = require("pymrio", reason="pymrio is an optional extra (servmodel[pymrio])")


@pytest.fixture(scope="module")
def test_mrio():
    io = pymrio.load_test()
    io.calc_all()
    return io


def test_adapter_keeps_values_and_labels(test_mrio):
    t = from_pymrio(test_mrio, year=2012)
    assert t.countries == tuple(test_mrio.get_regions())
    assert t.industries == tuple(test_mrio.get_sectors())
    np.testing.assert_allclose(t.Z, test_mrio.Z.to_numpy())
    np.testing.assert_allclose(t.x, test_mrio.x.to_numpy().ravel())


def test_panel_from_pymrio_matches_pymrio_leontief(test_mrio):
    t = from_pymrio(test_mrio, year=2012)
    cls = IndustryClassification(manufacturing=("manufactoring",),
                                 tech={"manufactoring": "medium-high"},
                                 producer_services=("trade", "transport"), source="test")
    panel = build_panel([t], cls, exclude_countries=())
    L = test_mrio.L  # pymrio's own Leontief inverse
    services = [s for s in L.index if s[1] in ("trade", "transport")]
    for row in panel.frame.itertuples():
        expected = L.loc[services, (row.country, "manufactoring")].sum()
        assert row.total == pytest.approx(expected, rel=1e-9)


def test_adapter_without_gross_output_uses_row_totals(test_mrio):
    io = pymrio.load_test()  # x not calculated
    t = from_pymrio(io, year=2012)
    np.testing.assert_allclose(t.x, io.Z.to_numpy().sum(1) + io.Y.to_numpy().sum(1))


def test_adapter_rejects_object_without_tables():
    class Empty:
        Z = None
        Y = None

    with pytest.raises(DataError, match="needs Z and Y"):
        from_pymrio(Empty(), year=2000)
