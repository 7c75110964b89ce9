"""`servmodel table` as a user runs it: every format, panels, and bad requests."""

from __future__ import annotations

import json

import pytest

from servmodel.cli import main
from tests.report.helpers import COMBINED, FIXTURES, grid_csv, grid_docx, grid_markdown

FILES = [str(p) for p in COMBINED]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_prints_markdown_by_default(capsys):
    assert main(["table", *FILES]) == 0
    out = capsys.readouterr().out
    g = {r[0]: r[1:] for r in grid_markdown(out)}
    assert g["Intercept"] == ["-1.981***", "-2.248***", "-1.878"]
    assert out.startswith("|  | (1) fe_twoway | (2) mundlak | (3) hier_small |")


@pytest.mark.parametrize("suffix", ["tex", "md", "html", "csv", "docx"])
def test_writes_every_format_by_suffix(tmp_path, suffix, capsys):
    out = tmp_path / f"table.{suffix}"
    code = main(["table", *FILES, "--out", str(out), "--spanner", "Fixed effects=1-2",
                 "--title", "Main results", "--label", "tab:main"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert out.stat().st_size > 0 and f"wrote {out}" in err
    assert not list(tmp_path.glob(".*.tmp"))
    if suffix == "docx":
        assert grid_docx(out)[0][1:3] == ["Fixed effects", "Fixed effects"]
    elif suffix == "csv":
        assert {r["model"] for r in grid_csv(out.read_text())} == {
            "fe_twoway", "mundlak", "hier_small"}
    else:
        assert "Main results" in out.read_text()


def test_options_reach_the_table(tmp_path, capsys):
    labels = tmp_path / "labels.toml"
    labels.write_text('"tech_score:trend" = "Technology x trend"\ntech_score = "Tech"\n')
    code = main(["table", *FILES, "--labels", str(labels), "--rename", "Intercept=Constant",
                 "--rename", "tech_score=Technology",
                 "--drop", "^mean\\(", "--keep", "tech|Intercept", "--stat", "t",
                 "--bayes-stat", "sd", "--digits", "2", "--no-stars", "--fit", "nobs,p_loo",
                 "--no-fe-rows", "--column", "FE", "--column", "CRE", "--column", "Bayes",
                 "--note", "Source: WIOD 2013."])
    out = capsys.readouterr().out
    assert code == 0
    g = grid_markdown(out)
    assert [r[0] for r in g[1:] if r[0]] == ["Technology x trend", "Technology", "Constant",
                                             "tech_score:center(trend)", "Observations",
                                             "p_loo"]
    assert g[0] == ["", "(1) FE", "(2) CRE", "(3) Bayes"]
    assert g[1] == ["Technology x trend", "0.00", "", "0.00"]  # -0.001 and -0.002
    assert g[2] == ["", "(-1.06)", "", "(0.04)"]
    assert "Source: WIOD 2013." in out and "t statistics in parentheses" in out


def test_stacked_panels_from_the_command_line(capsys):
    fe, mundlak, bayes = FILES
    code = main(["table", "--panel", f"Standard={fe},{bayes}",
                 "--panel", f"Again={mundlak},{bayes}", "--column", "Panel model",
                 "--column", "Bayes", "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 0
    assert "| **Panel A: Standard** |  |  |" in out and "| **Panel B: Again** |  |  |" in out


def test_bayesian_netcdf_gives_the_same_column_as_its_json(tmp_path, capsys):
    import dataclasses

    import arviz as az
    import numpy as np
    import xarray as xr

    from servmodel.results import load_result

    # a .nc needs draws; a few made-up ones stand beside the fixture's stored summary
    summary_only = load_result(COMBINED[2])
    draws = az.from_dict(posterior={"beta_tech": np.zeros((2, 5))})
    nc = tmp_path / "hier_small.nc"
    dataclasses.replace(summary_only, idata=draws).save(nc)
    assert main(["table", str(nc), "--format", "csv"]) == 0
    from_nc = capsys.readouterr().out
    assert main(["table", str(COMBINED[2]), "--format", "csv"]) == 0
    assert from_nc == capsys.readouterr().out
    # a netCDF file that servmodel did not write is refused
    other = tmp_path / "other.nc"
    xr.Dataset({"x": ("a", [1.0, 2.0])}).to_netcdf(other, engine="h5netcdf")
    assert main(["table", FILES[0], str(other)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert str(other) in line and "not a servmodel Bayesian result" in line


# --- bad requests: one line, the right exit code ---------------------------------------
def test_label_that_matches_nothing(capsys):
    assert main(["table", *FILES, "--rename", "tech_scor=Technology"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "label for 'tech_scor' matches no term" in line and "tech_score" in line


def test_unknown_format(capsys):
    assert main(["table", *FILES, "--format", "pdf"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "unknown table format 'pdf'" in line and "latex, markdown, html, csv, docx" in line


def test_unknown_suffix(tmp_path, capsys):
    assert main(["table", *FILES, "--out", str(tmp_path / "t.pdf")]) == 2
    assert "cannot tell the table format" in _one_error_line(capsys.readouterr().err)


def test_result_file_from_another_tool(tmp_path, capsys):
    foreign = tmp_path / "estimates.json"
    foreign.write_text(json.dumps({"coefficients": {"x": 1.0}, "tool": "stata"}))
    assert main(["table", FILES[0], str(foreign)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert str(foreign) in line and "not a servmodel result" in line


def test_a_csv_is_not_a_result(tmp_path, capsys):
    other = tmp_path / "table.csv"
    other.write_text("term,estimate\nx,1\n")
    assert main(["table", str(other)]) == 1
    assert "not a JSON file" in _one_error_line(capsys.readouterr().err)


def test_missing_result(tmp_path, capsys):
    assert main(["table", str(tmp_path / "nope.json")]) == 1
    assert "does not exist" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "docx"], "docx is a binary format; give --out"),
    (["--keep", "nothing_here"], "--keep pattern 'nothing_here' matches no term"),
    (["--stat", "z"], "unknown --stat 'z'"),
    (["--stars", "0.05,0.10"], "largest first"),
    (["--stars", "a,b"], "--stars 'a,b'"),
    (["--spanner", "FE"], "--spanner 'FE': write LABEL=FIRST-LAST"),
    (["--spanner", "FE=2-5"], "reaches column 5"),
    (["--fit", "aic"], "unknown fit row 'aic'"),
    (["--column", "only one"], "1 column titles for 3 columns"),
    (["--label", "tab main"], "label 'tab main'"),
    (["--rename", "tech_score"], "write TERM=LABEL"),
])
def test_usage_errors_exit_2(args, message, capsys):
    assert main(["table", *FILES, *args]) == 2
    assert message in _one_error_line(capsys.readouterr().err)


def test_panel_usage_errors(capsys):
    fe, mundlak, bayes = FILES
    assert main(["table", fe, "--panel", f"A={fe}"]) == 2
    assert "not both" in _one_error_line(capsys.readouterr().err)
    assert main(["table", "--panel", f"A={fe},{mundlak}", "--panel", f"B={bayes}"]) == 2
    assert "panel 'B' has 1 models" in _one_error_line(capsys.readouterr().err)
    assert main(["table", "--panel", "no files"]) == 2
    assert "TITLE=RESULT,RESULT" in _one_error_line(capsys.readouterr().err)
    assert main(["table"]) == 2
    assert "no results given" in _one_error_line(capsys.readouterr().err)


def test_bad_label_file(tmp_path, capsys):
    bad = tmp_path / "labels.toml"
    bad.write_text("tech_score = 3\n")
    assert main(["table", *FILES, "--labels", str(bad)]) == 1
    assert "must be a string" in _one_error_line(capsys.readouterr().err)
    csv_labels = tmp_path / "labels.csv"
    csv_labels.write_text("term,label\ntech_score,Technology\n")
    assert main(["table", *FILES, "--labels", str(csv_labels)]) == 0
    assert "| Technology |" in capsys.readouterr().out


def test_nothing_half_written_on_error(tmp_path, capsys):
    out = tmp_path / "table.tex"
    out.write_text("old")
    assert main(["table", *FILES, "--out", str(out), "--keep", "zzz"]) == 2
    assert out.read_text() == "old" and not list(tmp_path.glob(".*.tmp"))
    capsys.readouterr()


def test_fixture_recipe_is_documented():
    readme = (FIXTURES / "README.md").read_text()
    assert "servmodel estimate models/fe_twoway.toml models/mundlak.toml" in readme
    assert "servmodel bayes tests/report/fixtures/hier_small.toml" in readme
