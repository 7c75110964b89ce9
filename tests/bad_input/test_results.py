"""`servmodel table`, `compare`, `contrast` and `sensitivity-prior` given files that are not
servmodel's results, or results of the wrong kind."""

from __future__ import annotations

import json

import pytest

from tests.bad_input.helpers import assert_not_written, expect_error

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "report" / "fixtures"
PANEL_RESULT = FIXTURES / "fe_twoway.json"


def _json(tmp_path, doc: dict, name: str = "result.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(("doc", "what", "fix"), [
    ({"coefficients": {"x": 1.0}, "tool": "stata"},
     ["not a servmodel result", "\"format\": \"servmodel-result\""],
     ["not written by servmodel"]),
    ({"format": "servmodel-result", "format_version": 99, "kind": "panel", "result": {}},
     ["result format version 99 is newer"], ["upgrade servmodel"]),
    ({"format": "servmodel-result", "format_version": 1, "kind": "quantile", "result": {}},
     ["unknown result kind 'quantile'"], ["this servmodel reads", "panel"]),
    ({"format": "servmodel-result", "format_version": 1, "kind": "panel",
      "result": {"name": "x"}}, ["damaged panel result"], ["re-run the estimation"]),
], ids=["foreign json", "future version", "unknown kind", "damaged payload"])
def test_table_of_a_foreign_json(doc, what, fix, tmp_path, capsys):
    result = _json(tmp_path, doc)
    out = tmp_path / "table.tex"
    expect_error(capsys, ["table", PANEL_RESULT, result, "--out", out], 1,
                 [str(result), *what], fix)
    assert_not_written(out)


def test_table_of_a_foreign_netcdf(tmp_path, capsys, foreign_netcdf):
    out = tmp_path / "table.md"
    expect_error(capsys, ["table", PANEL_RESULT, foreign_netcdf, "--out", out], 1,
                 [str(foreign_netcdf), "not a servmodel Bayesian result"],
                 ["servmodel bayes"])
    assert_not_written(out)


def test_table_with_an_unknown_output_suffix(tmp_path, capsys):
    out = tmp_path / "table.pdf"
    expect_error(capsys, ["table", PANEL_RESULT, "--out", out], 2,
                 ["cannot tell the table format", "table.pdf"], ["--format", ".tex", ".docx"])
    assert_not_written(out)


@pytest.mark.parametrize(("which", "what", "fix"), [
    ("foreign", ["not a servmodel Bayesian result"], ["NAME.nc", "servmodel bayes"]),
    ("json", ["not a netCDF file"], ["NAME.nc", "servmodel bayes"]),
], ids=["foreign netcdf", "panel json"])
def test_compare_a_file_that_is_not_a_bayesian_result(which, what, fix, tmp_path, capsys,
                                                      bayes_file, foreign_netcdf):
    other = foreign_netcdf if which == "foreign" else PANEL_RESULT
    out = tmp_path / "comparison.csv"
    expect_error(capsys, ["compare", bayes_file, other, "--out", out], 1,
                 [str(other), *what], fix)
    assert_not_written(out)


def test_compare_with_an_unknown_criterion(tmp_path, capsys, bayes_file, foreign_netcdf):
    out = tmp_path / "comparison.csv"
    expect_error(capsys, ["compare", bayes_file, foreign_netcdf, "--ic", "bic", "--out", out],
                 2, ["unknown --ic 'bic'"], ["choose loo or waic"])
    assert_not_written(out)


def test_compare_output_directory_missing(tmp_path, capsys, bayes_file, foreign_netcdf):
    out = tmp_path / "tables" / "comparison.csv"
    expect_error(capsys, ["compare", bayes_file, foreign_netcdf, "--out", out], 2,
                 [str(out), "does not exist"], ["create it first"])
    assert not out.parent.exists()


@pytest.mark.parametrize(("args", "what", "fix"), [
    (["--country", "XXX"], ["country 'XXX' is not in the model's data"],
     ["it has CHN, KOR, MEX"]),
    (["--versus", "MEX,ZZZ"], ["comparator 'ZZZ'"], ["(oecd, non_oecd, all)"]),
], ids=["unknown country", "unknown comparator"])
def test_contrast_with_an_unknown_country(args, what, fix, tmp_path, capsys, bayes_file):
    out = tmp_path / "contrasts.csv"
    expect_error(capsys, ["contrast", bayes_file, *args, "--out", out], 2, what, fix)
    assert_not_written(out)


def test_prior_sensitivity_of_a_panel_result(tmp_path, capsys):
    out = tmp_path / "prior"
    expect_error(capsys, ["sensitivity-prior", PANEL_RESULT, "--no-refit", "--out", out], 1,
                 [str(PANEL_RESULT), "not a netCDF file"], ["servmodel bayes"])
    assert not out.exists()
