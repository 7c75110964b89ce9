"""The long CSV reader: a round trip and every malformed input it must reject."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import DataError
from servmodel.io import read_io_long
from tests.intensity.toy import toy_arrays, toy_long_rows


def write(tmp_path, rows, name="t.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_round_trip_of_toy(tmp_path):
    rows = toy_long_rows(2000) + toy_long_rows(2001)
    (t0, t1) = read_io_long(write(tmp_path, rows))
    Z, F, x = toy_arrays()
    assert (t0.year, t1.year) == (2000, 2001)
    np.testing.assert_allclose(t0.Z, Z)
    np.testing.assert_allclose(t0.F, F)
    np.testing.assert_allclose(t0.x, x)  # row totals = gross output by construction
    assert t0.final_categories == ("fd",)


def test_parquet_and_year_argument(tmp_path):
    frame = pd.DataFrame(toy_long_rows(2000)).drop(columns="year")
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    (t,) = read_io_long(path, year=2005)
    assert t.year == 2005


def test_numeric_looking_codes_stay_text(tmp_path):
    rows = toy_long_rows()
    for r in rows:
        r["supplier_industry"] = {"m": "15", "s": "64", "o": "01"}[r["supplier_industry"]]
        r["user_industry"] = {"m": "15", "s": "64", "o": "01"}.get(r["user_industry"],
                                                                    r["user_industry"])
    (t,) = read_io_long(write(tmp_path, rows))
    assert t.industries[0] == "15" and "01" in t.industries


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns="value"), r"missing column\(s\) value"),
        (lambda f: f.rename(columns={"user_country": "usr_country"}),
         r"missing column\(s\) user_country"),
        (lambda f: f.assign(value=f.value.astype(object).where(f.index != 3, "abc")),
         r"line 5: value 'abc' is not a number"),
        (lambda f: f.assign(value=f.value.where(f.index != 2, np.nan)),
         r"line 4: value is nan; every value must be a finite number"),
        (lambda f: f.assign(value=f.value.where(f.index != 2, np.inf)), r"line 4: value is inf"),
        (lambda f: f.assign(value=f.value.where(f.user_industry == "fd", -1.0)),
         r"line \d+: negative intermediate flow -1"),
        (lambda f: pd.concat([f, f.iloc[[1]]], ignore_index=True),
         r"lines 3, \d+: duplicate cell"),
        (lambda f: f.assign(year=f.year.astype(object).where(f.index != 1, "20x0")),
         r"line 3: year '20x0' is not a whole number"),
        (lambda f: pd.concat([f, pd.DataFrame([{"year": 2000, "supplier_country": "D",
                                                "supplier_industry": "m", "user_country": "A",
                                                "user_industry": "m", "value": 1.0}])]),
         r"country 'D' appears as supplier but never as user"),
        (lambda f: f.drop(columns="year"), r"no year column"),
        (lambda f: f.iloc[0:0], r"has a header but no data rows"),
    ],
)
def test_malformed_tables(tmp_path, mutate, message):
    frame = mutate(pd.DataFrame(toy_long_rows()))
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=message):
        read_io_long(path)


def test_declared_final_demand_catches_misspelt_industry(tmp_path):
    rows = toy_long_rows()
    rows[0]["user_industry"] = "mm"  # a typo for "m"
    with pytest.raises(DataError, match="'mm' is neither an industry nor a declared final-demand"):
        read_io_long(write(tmp_path, rows), final_categories=("fd",))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"PAR1\x00\x00garbage", "is a Parquet file named .csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
    ],
)
def test_wrong_kind_of_file(tmp_path, content, message):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_io_long(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_io_long(tmp_path / "nope.csv")
