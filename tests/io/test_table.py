"""IOTable validates on entry and names the position of what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.errors import DataError
from servmodel.io import IOTable
from tests.intensity.toy import COUNTRIES, INDUSTRIES, index, toy_arrays


def make(**overrides):
    Z, F, x = toy_arrays()
    args = dict(Z=Z, F=F, x=x, countries=COUNTRIES, industries=INDUSTRIES,
                final_categories=("fd",), year=2000, source="toy.npz")
    args.update(overrides)
    return IOTable(**args)


def test_valid_table_is_frozen_and_read_only():
    t = make()
    assert t.Z.dtype == np.float64 and not t.Z.flags.writeable
    with pytest.raises(ValueError):
        t.Z[0, 0] = 1.0
    with pytest.raises(AttributeError):
        t.year = 1999  # type: ignore[misc]
    assert t.label(index("B", "o")) == ("B", "o")


def test_shape_mismatch():
    Z, _, _ = toy_arrays()
    with pytest.raises(DataError, match=r"toy.npz \(year 2000\): Z has shape \(8, 9\)"):
        make(Z=Z[:8])


def test_duplicate_label():
    with pytest.raises(DataError, match="countries label 'A' appears twice"):
        make(countries=("A", "A", "C"))


def test_nan_names_the_cell():
    Z, _, _ = toy_arrays()
    Z[index("B", "s"), index("A", "m")] = np.nan
    with pytest.raises(DataError, match=r"Z\[row B s, column A m\]"):
        make(Z=Z)


def test_negative_flow_names_the_cell():
    Z, _, _ = toy_arrays()
    Z[index("C", "o"), index("B", "s")] = -3.0
    with pytest.raises(DataError, match=r"negative intermediate flow -3 at Z\[row C o, column B s\]"):
        make(Z=Z)


def test_negative_output():
    _, _, x = toy_arrays()
    x[index("A", "o")] = -1
    with pytest.raises(DataError, match=r"negative gross output -1 at x\[A o\]"):
        make(x=x)


def test_inf_in_final_demand():
    _, F, _ = toy_arrays()
    F[0, 2] = np.inf
    with pytest.raises(DataError, match=r"F\[row A m, column C fd\]"):
        make(F=F)


def test_negative_final_demand_is_allowed():
    _, F, _ = toy_arrays()
    F[0, 0] = -5.0  # inventories can fall
    assert make(F=F).F[0, 0] == -5.0
