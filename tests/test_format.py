"""servmodel.format: each number format prints what the summaries and tables have printed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from servmodel.format import (
    count,
    fixed,
    fixed_or_scientific,
    frame_cell,
    percent,
    pvalue,
    rounds_to_zero,
    significant,
    stars,
    table_number,
)

VALUES = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    0.0812345,
    -0.001032,
    1.23456e-7,
    -4.2e-5,
    12345.678,
    9_876_543.21,
    1e12,
    math.nan,
    None,
    np.float64(0.25),
    np.float64(math.nan),
    3,
    np.int64(7),
]
PVALUES = [0.0, 1e-12, 0.00009, 0.0001, 0.000999, 0.001, 0.0449, 0.05, 0.5, 1.0, math.nan, None]


@pytest.mark.parametrize("value", VALUES)
def test_terminal_formats(value):
    nan = value is None or math.isnan(value)
    assert significant(value) == ("." if nan else f"{value:.4g}")
    assert significant(value, 3) == ("." if nan else f"{value:.3g}")
    assert fixed(value, 2) == ("." if nan else f"{value:.2f}")
    assert fixed(value, 3, missing="n/a") == ("n/a" if nan else f"{value:.3f}")
    assert percent(value) == ("." if nan else f"{value:.0%}")


def test_fixed_or_scientific():
    assert fixed_or_scientific(0.12345678) == "0.1235"
    assert fixed_or_scientific(0.0) == "0.0000"
    # fixed decimals would print zero, or a number too long to read
    assert fixed_or_scientific(4.2e-5) == "4.2000e-05"
    assert fixed_or_scientific(-1234567.0) == "-1.2346e+06"
    assert fixed_or_scientific(999999.0, 2) == "999999.00"
    assert fixed_or_scientific(0.0012, 2) == "1.20e-03"
    assert fixed_or_scientific(math.nan) == "." and fixed_or_scientific(None) == "."


@pytest.mark.parametrize("p", PVALUES)
def test_pvalues(p):
    nan = p is None or math.isnan(p)
    # the command line's three decimals
    assert pvalue(p, 3, ".") == ("." if nan else "<0.001" if p < 1e-3 else f"{p:.3f}")
    # the text summaries' four
    assert pvalue(p, 4, ".") == ("." if nan else "<0.0001" if p < 1e-4 else f"{p:.4f}")
    # a table leaves the cell empty
    assert pvalue(p) == ("" if nan else "<0.001" if p < 1e-3 else f"{p:.3f}")


def test_table_numbers():
    assert table_number(-0.12345) == "-0.123"
    assert table_number(-0.0001) == "0.000"  # no sign on a zero
    assert table_number(-0.001032, 3, "significant") == "-0.00103"
    assert table_number(123.456, 2, "significant") == "123"
    assert table_number(math.inf) == "" and table_number(None) == ""
    assert count(9435) == "9,435" and count(1234.6) == "1,235" and count(math.nan) == ""
    assert stars(0.004, (0.1, 0.05, 0.01)) == "***" and stars(0.07, (0.1, 0.05)) == "*"
    assert stars(math.nan, (0.1,)) == ""
    assert rounds_to_zero(0.0004, 3, "decimals")
    assert not rounds_to_zero(0.0004, 3, "significant")


def test_frame_cells():
    assert frame_cell(0.0812345, 3) == "0.081"
    assert frame_cell(-0.0) == "-0.0000"
    assert frame_cell(1995) == "1995" and frame_cell(np.int64(2011)) == "2011"
    assert frame_cell(True) == "True" and frame_cell(np.float64(2.0), 1) == "2.0"
    assert frame_cell(None) == "" and frame_cell(math.nan) == ""
    assert frame_cell(math.inf, 2) == "inf"
    assert frame_cell("KOR") == "KOR"
