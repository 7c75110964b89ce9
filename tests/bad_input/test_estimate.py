"""`servmodel estimate` given bad specs, bad panels and bad options: exit code, one line,
and no results directory left behind."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.bad_input.helpers import expect_error

SPEC = """formula = "{formula}"
[data]
definition = "standard"
{data}
[dependent]
transform = "log"
zeros = "drop"
[frequentist]
estimator = "{estimator}"
{frequentist}
"""


def spec_text(formula: str = "log(output) + trend", data: str = "",
              estimator: str = "pooled", frequentist: str = "") -> str:
    return SPEC.format(formula=formula, data=data, estimator=estimator,
                       frequentist=frequentist)


# spec text -> words naming the mistake, words saying how to fix it (all exit 1)
BAD_SPECS = {
    "unknown country": (spec_text(data='countries = ["XYZ"]'),
                        ["[data] countries", "'XYZ' not in the panel"],
                        ["its countries and groups are", "KOR"]),
    "years outside the data": (spec_text(data='years = "1990-1994"'),
                               ["[data] years", "1990"], ["which covers 2009-2011"]),
    "absorbed by fixed effects": (spec_text("tech_score + trend", estimator="fe"),
                                  ["tech_score does not vary", "absorb"],
                                  ["interact it with time", "'mundlak'"]),
    "singular design": (spec_text("trend + I(2 * trend)"),
                        ["singular design", "I(2 * trend)", "linear combination"],
                        ["remove it from the formula"]),
    "one cluster": (spec_text(data='countries = ["KOR"]',
                              frequentist='cov = "clustered"\ncluster = "country"'),
                    ["cluster = 'country'", "single cluster (KOR)"],
                    ["cluster on another dimension", "'driscoll_kraay'"]),
    "toml syntax error": ('formula = "trend"\n[data\ndefinition = "standard"\n',
                          ["TOML syntax error at line 2, column 6"], ["Expected ']'"]),
    "unknown key": (spec_text().replace("formula =", "formla ="),
                    ["unknown key 'formla'"], ["did you mean 'formula'", "allowed keys"]),
    "wrong type": (spec_text(frequentist='bandwidth = "3"'),
                   ["[frequentist] bandwidth", "not a string ('3')"],
                   ["must be a number >= 0"]),
    "bad covariance type": (spec_text(frequentist='cov = "hac"'),
                            ["[frequentist] cov", "'hac' is not allowed"],
                            ["choose one of unadjusted, robust, clustered"]),
    "unknown estimator": (spec_text(estimator="ols"), ["'ols' is not allowed"],
                          ["choose one of pooled, fe, re"]),
    "unknown measure": (spec_text(data='measure = "gross"'),
                        ["[data] measure", "'gross'"], ["choose one of direct"]),
    "unknown variable": (spec_text("rnd + trend"), ["unknown variable 'rnd'"],
                         ["--covariates"]),
    "formula syntax": (spec_text("trend +"), ["'trend +' cannot be parsed"],
                       ["terms joined by +"]),
}


@pytest.mark.parametrize("case", list(BAD_SPECS), ids=list(BAD_SPECS))
def test_bad_spec(case, tmp_path, capsys, panel_file):
    text, what, fix = BAD_SPECS[case]
    spec = tmp_path / "model.toml"
    spec.write_text(text)
    out = tmp_path / "results"
    expect_error(capsys, ["estimate", spec, "--panel", panel_file, "--out", out], 1,
                 [str(spec), *what], fix)
    assert not out.exists()


def _write_panel(kind: str, path, panel_file) -> None:
    if kind == "parquet named csv":
        path.write_bytes(panel_file.read_bytes())
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(b"\x00\x01\x02servmodel\x00")
    elif kind == "missing columns":
        pd.read_parquet(panel_file).drop(columns=["direct", "tech_score"]).to_csv(path,
                                                                                index=False)
    elif kind == "truncated parquet":
        path.write_bytes(panel_file.read_bytes()[:200])


@pytest.mark.parametrize(("kind", "name", "code", "what", "fix"), [
    ("missing", "panel.parquet", 1, ["panel file", "does not exist"], ["check the path"]),
    ("parquet named csv", "panel.csv", 1, ["Parquet file named .csv"],
     ["rename it to .parquet"]),
    ("empty", "panel.csv", 1, ["is empty"], ["needs a header row"]),
    ("binary", "panel.csv", 1, ["binary file"], ["give a CSV text file"]),
    ("missing columns", "panel.csv", 1, ["not an intensity panel", "direct, tech_score"],
     ["servmodel data build"]),
    ("truncated parquet", "panel.parquet", 1, ["could not be read as parquet"],
     ["complete parquet file"]),
    ("text", "panel.txt", 2, ["unknown table format '.txt'"], ["use a .csv or .parquet"]),
], ids=["missing", "parquet named csv", "empty", "binary", "missing columns",
        "truncated parquet", "unknown suffix"])
def test_bad_panel_file(kind, name, code, what, fix, tmp_path, capsys, panel_file):
    panel = tmp_path / name
    if kind == "text":
        panel.write_text("country,year\nKOR,2011\n")
    else:
        _write_panel(kind, panel, panel_file)
    spec = tmp_path / "model.toml"
    spec.write_text(spec_text())
    out = tmp_path / "results"
    expect_error(capsys, ["estimate", spec, "--panel", panel, "--out", out], code,
                 [panel.name, *what], fix)
    assert not out.exists()


@pytest.mark.parametrize(("args", "code", "what", "fix"), [
    (["--covariates", "{tmp}/rd.csv"], 1, ["covariate file", "rd.csv does not exist"],
     ["check the path"]),
    (["--out", "{tmp}/model.toml"], 2, ["--out", "model.toml is a file"],
     ["give a directory"]),
    (["--level", "95"], 2, ["confidence level 95"], ["between 0 and 1", "0.95"]),
], ids=["missing covariates", "out is a file", "level as a percentage"])
def test_bad_estimate_option(args, code, what, fix, tmp_path, capsys, panel_file):
    spec = tmp_path / "model.toml"
    spec.write_text(spec_text())
    argv = ["estimate", spec, "--panel", panel_file, "--out", tmp_path / "results",
            *(a.format(tmp=tmp_path) for a in args)]
    expect_error(capsys, argv, code, what, fix)
    assert not (tmp_path / "results").exists()
    assert spec.read_text() == spec_text()


def test_spec_path_is_a_directory(tmp_path, capsys, panel_file):
    out = tmp_path / "results"
    expect_error(capsys, ["estimate", tmp_path, "--panel", panel_file, "--out", out], 2,
                 [str(tmp_path), "is a directory"], ["give a .toml file"])
    assert not out.exists()


def test_hausman_second_model_must_be_random_effects(tmp_path, capsys, panel_file):
    fe, other = tmp_path / "fe.toml", tmp_path / "fe_too.toml"
    fe.write_text(spec_text(estimator="fe"))
    other.write_text(spec_text(estimator="fe"))
    out = tmp_path / "hausman.json"
    expect_error(capsys, ["hausman", fe, other, "--panel", panel_file, "--out", out], 1,
                 [str(other), "second model of a Hausman test"], ["estimator = 're'"])
    assert not out.exists()
