"""`servmodel data build` and `data summary` given bad tables, mappings and options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import UsageError
from servmodel.intensity import (
    build_panel,
    panel_from_source,
    resolve_definitions,
    wiod_classification,
)
from servmodel.io import read_io_long
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


def _inputs_above_output(frame: pd.DataFrame) -> pd.DataFrame:
    """A's m buys 500 from A's s but sells only 100: inputs 535 > gross output 100."""
    out = frame.copy()
    cell = ((out["supplier_country"] == "A") & (out["supplier_industry"] == "s")
            & (out["user_country"] == "A") & (out["user_industry"] == "m"))
    out.loc[cell, "value"] = 500.0
    return out


def test_inputs_above_gross_output_are_refused(tmp_path, capsys, toy_frame, mapping_file):
    source = tmp_path / "table.csv"
    _inputs_above_output(toy_frame).to_csv(source, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping_file,
                          "--out", out], 1,
                 [source.name, "A m (year 2000)", "inputs 535 exceed its gross output 100"],
                 ["every final-demand row", "supplier and user are not swapped"])
    assert_not_written(out)


def test_mapping_without_producer_services(tmp_path, capsys, toy_frame):
    source, mapping = tmp_path / "table.csv", tmp_path / "sectors.csv"
    toy_frame.to_csv(source, index=False)
    pd.DataFrame({"industry": ["m", "s", "o"], "role": ["manufacturing", "other", "other"],
                  "tech": ["high", "", ""]}).to_csv(mapping, index=False)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping,
                          "--out", out], 1, [mapping.name, "defines no producer services"],
                 ["role to producer_service", "--definition"])
    assert_not_written(out)


@pytest.mark.parametrize(("text", "what", "fix"), [
    ("country,year,rd\nAUS,2011,1\nAUT,2011.5,2\n",
     ["line 3", "year 2011.5 is not a whole year"], ["integers such as 2011"]),
    ("country,year,rd\nAUS,2011,1\n,2011,2\n",
     ["line 3, column 'country'", "blank key"], ["give every row its country"]),
    ("industry,year,rd\nc3,2011,1\nc4,,2\n",
     ["line 3, column 'year'", "blank key"], ["give every row its year"]),
    ("industry,rd\nc3,1\nc4,inf\n",
     ["line 3", "'rd' holds inf, not a finite number"], ["leave the cell empty"]),
    ("industry,rd,rd\nc3,1,2\n",
     ["column 'rd' appears more than once"], ["keep one of them"]),
], ids=["fractional year", "blank country", "blank year", "infinite value",
        "repeated column"])
def test_bad_covariate_cell(text, what, fix, tmp_path, capsys):
    covariates = tmp_path / "rd.csv"
    covariates.write_text(text)
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--years", "2011", "--definition", "kibs",
                          "--covariates", covariates, "--out", out], 1,
                 [str(covariates), *what], fix)
    assert_not_written(out)


def test_covariate_file_is_checked_before_the_build(tmp_path, capsys, monkeypatch):
    """A mistake in the covariates stops the command before minutes of building."""
    import servmodel.intensity.sources

    def refuse(*args, **kwargs):
        raise AssertionError("the panel was built before the covariates were checked")

    monkeypatch.setattr(servmodel.intensity.sources, "build_panel", refuse)
    covariates = tmp_path / "rd.csv"
    covariates.write_text("industry,rd\nc3,1\nc3,2\n")
    expect_error(capsys, ["data", "build", "--covariates", covariates,
                          "--out", tmp_path / "panel.csv"], 1,
                 [str(covariates), "appears more than once"], ["keep one row per industry"])


def test_country_file_with_text_accession_year(tmp_path, capsys, toy_frame, mapping_file):
    source, countries = tmp_path / "table.csv", tmp_path / "countries.csv"
    toy_frame.to_csv(source, index=False)
    countries.write_text("code,name,oecd_member_since\nA,a,1961\nB,b,since 1994\nC,c,\n")
    out = tmp_path / "panel.csv"
    expect_error(capsys, ["data", "build", "--source", source, "--mapping", mapping_file,
                          "--countries", countries, "--out", out], 1,
                 [str(countries), "line 3", "'since 1994' is not a year"],
                 ["leave the cell empty for a non-member"])
    assert_not_written(out)


@pytest.mark.parametrize(("call", "words"), [
    (lambda path: read_io_long(path, year=2000.5), "year 2000.5 is not a whole number"),
    (lambda path: read_io_long(None), "must be a file path"),
    (lambda path: panel_from_source(path, years=[2000.0, 2000.5], mapping=path),
     "2000.5 is not a whole year"),
    (lambda path: panel_from_source(path, definitions=5, mapping=path),
     "definitions must be a string"),
    (lambda path: panel_from_source(path, covariates=[1, 2]), "or a pandas DataFrame"),
    (lambda path: resolve_definitions(None, ("m", "s"), wiod_classification()),
     "definitions must be a string"),
    (lambda path: build_panel("table.csv", wiod_classification()),
     "must be a list (or iterator) of IOTable"),
    (lambda path: build_panel([], None), "must be an IndustryClassification"),
], ids=["read_io_long fractional year", "read_io_long None", "fractional years",
        "definitions not text", "covariates a list", "resolve_definitions None",
        "build_panel text", "build_panel without classification"])
def test_build_functions_raise_usage_errors(call, words, tmp_path, toy_frame):
    path = tmp_path / "table.csv"
    toy_frame.drop(columns="year").to_csv(path, index=False)
    with pytest.raises(UsageError) as err:
        call(path)
    assert words in str(err.value)
