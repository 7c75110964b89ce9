"""`servmodel data build` and `data summary` given bad tables, mappings and options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.bad_input.helpers import assert_not_written, expect_error


def _with_value(frame: pd.DataFrame, row: int, value: object) -> pd.DataFrame:
    out = frame.copy()
    out["value"] = out["value"].astype(object)
    out.loc[row, "value"] = value
    return out


def _negative_intermediate(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    row = out.index[out["user_industry"] != "fd"][0]
    out.loc[row, "value"] = -4.0
    return out


def _supplier_only(frame: pd.DataFrame) -> pd.DataFrame:
    extra = {"year": 2000, "supplier_country": "D", "supplier_industry": "m",
             "user_country": "A", "user_industry": "m", "value": 1.0}
    return pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)


# mutation of a valid table -> words naming the mistake, words saying how to fix it
MALFORMED_TABLES = {
    "missing value column": (lambda f: f.drop(columns="value"),
                             ["missing column(s) value"], ["needs", "supplier_country"]),
    "misspelt column": (lambda f: f.rename(columns={"user_country": "usr_country"}),
                        ["missing column(s) user_country"], ["rename usr_country to user_country"]),
    "text in value": (lambda f: _with_value(f, 3, "12,5"),
                      ["line 5", "'12,5' is not a number"], ["decimal point"]),
    "nan value": (lambda f: _with_value(f, 2, np.nan),
                  ["line 4", "value is nan"], ["finite number", "write 0"]),
    "inf value": (lambda f: _with_value(f, 2, np.inf),
                  ["line 4", "value is inf"], ["finite number", "write 0"]),
    "negative intermediate flow": (_negative_intermediate,
                                   ["negative intermediate flow -4"], ["must be >= 0"]),
    "duplicate cell": (lambda f: pd.concat([f, f.iloc[[1]]], ignore_index=True),
                       ["duplicate cell", "lines 3, "], ["sum them into one row"]),
    "country only supplies": (_supplier_only, ["country 'D'", "never as user"],
                              ["add the rows where it is the user country"]),
}


@pytest.mark.parametrize("case", list(MALFORMED_TABLES), ids=list(MALFORMED_TABLES))
def test_malformed_io_table(case, tmp_path, capsys, toy_frame, mapping_file):
    mutate, what, fix = MALFORMED_TABLES[case]
    source = tmp_path / "table.csv"
    mutate(toy_frame).to_csv(source, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping_file,
                          "--out", out], 1, [source.name, *what], fix)
    assert_not_written(out)


@pytest.mark.parametrize(("content", "what", "fix"), [
    (None, ["does not exist"], ["--source wiod2013"]),
    (b"", ["is empty"], ["needs a header row"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["binary file"], ["give a CSV text file"]),
    ("parquet", ["Parquet file named .csv"], ["rename it to .parquet"]),
], ids=["missing", "empty", "binary", "parquet named csv"])
def test_source_of_the_wrong_kind(content, what, fix, tmp_path, capsys, toy_frame):
    source = tmp_path / "table.csv"
    if content == "parquet":
        toy_frame.to_parquet(source)
    elif content is not None:
        source.write_bytes(content)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--out", out], 1,
                 [str(source), *what], fix)
    assert_not_written(out)


def test_own_table_without_a_mapping(tmp_path, capsys, toy_frame):
    source = tmp_path / "table.csv"
    toy_frame.to_csv(source, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--out", out], 1,
                 ["not WIOD codes"], ["--mapping", "industry, role, tech"])
    assert_not_written(out)


@pytest.mark.parametrize(("rows", "what", "fix"), [
    ({"role": ["manufacturing", "service", "other"], "tech": ["high", "", ""]},
     ["line 3", "role 'service'"], ["use one of manufacturing, producer_service, other"]),
    ({"role": ["manufacturing", "producer_service", "other"], "tech": ["", "", ""]},
     ["manufacturing industry 'm'", "technology class"], ["use one of low, medium-low"]),
], ids=["unknown role", "manufacturing without tech class"])
def test_bad_sector_mapping(rows, what, fix, tmp_path, capsys, toy_frame):
    source, mapping = tmp_path / "table.csv", tmp_path / "sectors.csv"
    toy_frame.to_csv(source, index=False)
    pd.DataFrame({"industry": ["m", "s", "o"], **rows}).to_csv(mapping, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping,
                          "--out", out], 1, [mapping.name, *what], fix)
    assert_not_written(out)


@pytest.mark.parametrize(("extra", "what", "fix"), [
    (["--definition", "c99,zz"], ["unknown industries c99, zz"],
     ["use a definition name", "codes of the table: m, o, s"]),
    (["--years", "2005"], ["no table for year(s) 2005"], ["the file holds 2000"]),
], ids=["unknown definition codes", "year not in the table"])
def test_own_table_with_bad_selection(extra, what, fix, tmp_path, capsys, toy_frame,
                                      mapping_file):
    source = tmp_path / "table.csv"
    toy_frame.to_csv(source, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping_file,
                          *extra, "--out", out], 1, what, fix)
    assert_not_written(out)


def test_country_file_without_membership_column(tmp_path, capsys, toy_frame, mapping_file):
    source, countries = tmp_path / "table.csv", tmp_path / "countries.csv"
    toy_frame.to_csv(source, index=False)
    pd.DataFrame({"code": ["A", "B", "C"], "name": ["a", "b", "c"]}).to_csv(countries,
                                                                          index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping_file,
                          "--countries", countries, "--out", out], 1,
                 [str(countries), "missing column(s) oecd_member_since"],
                 ["needs code, name, oecd_member_since"])
    assert_not_written(out)


@pytest.mark.parametrize(("frame", "what", "fix"), [
    (pd.DataFrame({"rd": [1.0, 2.0]}), ["no key column"], ["name at least one of country"]),
    (pd.DataFrame({"industry": ["c14", "c14"], "rd": [1.0, 2.0]}),
     ["key (c14) appears more than once"], ["keep one row per industry"]),
], ids=["no key column", "duplicate keys"])
def test_bad_covariate_file(frame, what, fix, tmp_path, capsys):
    covariates = tmp_path / "rd.csv"
    frame.to_csv(covariates, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--years", "2011", "--definition", "kibs",
                          "--covariates", covariates, "--out", out], 1,
                 [str(covariates), *what], fix)
    assert_not_written(out)


def test_backwards_year_range(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--years", "2011-2009", "--out", out], 2,
                 ["'2011-2009' runs backwards"], ["write it as 2009-2011"])
    assert_not_written(out)


@pytest.mark.parametrize(("extra", "code", "what", "fix"), [
    (["--definition", "kibs"], 1, ["no definition kibs"], ["it holds standard"]),
    (["--years", "1990"], 1, ["no rows for years 1990"], ["covers 2009-2011", "--years"]),
    (["--highlight", "XYZ"], 2, ["--highlight 'XYZ'"], ["choose one of AUS"]),
], ids=["definition not in panel", "years not in panel", "unknown highlight"])
def test_summary_of_a_panel_file(extra, code, what, fix, capsys, panel_file):
    expect_error(capsys, ["data", "summary", "--panel", panel_file, *extra], code,
                 what, fix)
