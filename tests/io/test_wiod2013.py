"""The embedded WIOD 2013 tables are found and read without configuration."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.errors import DataError
from servmodel.io import WIOD_YEARS, embedded_data_dir, read_wiod2013_year


def test_embedded_files_present():
    d = embedded_data_dir()
    for y in WIOD_YEARS:
        assert (d / f"wiot_{y}.npz").is_file()
    assert (d / "README.md").read_text().count("Timmer") >= 1


def test_read_one_year_matches_raw_file():
    t = read_wiod2013_year(2003)
    raw = np.load(embedded_data_dir() / "wiot_2003.npz")
    assert t.n_countries == 41 and t.n_industries == 35 and t.year == 2003
    np.testing.assert_array_equal(t.Z, raw["Z"].astype(float))
    assert t.countries[23] == "KOR" and t.countries[-1] == "RoW"


def test_unknown_year():
    with pytest.raises(DataError, match="no table for 1990.*1995-2011"):
        read_wiod2013_year(1990)
