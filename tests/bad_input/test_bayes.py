"""The Bayesian commands refuse bad input with one line before any work: `servmodel bayes`
before it samples, `compare`, `contrast` and `sensitivity-prior` before they compute, and
`replicate` before it starts the study."""

from __future__ import annotations

from pathlib import Path

import pytest

import servmodel.bayes.fit
from tests.bad_input.conftest import BAYES_SPEC
from tests.bad_input.helpers import assert_not_written, expect_error


@pytest.fixture(autouse=True)
def no_sampling(monkeypatch):
    """Any case that reached the sampler would fail here, not after minutes of sampling."""
    def refuse(*args, **kwargs):
        raise AssertionError("sampling started before the input was checked")

    monkeypatch.setattr(servmodel.bayes.fit, "sample", refuse)


def _spec(tmp_path, extra: str = "", old: str = "", new: str = ""):
    path = tmp_path / "model.toml"
    path.write_text(BAYES_SPEC.replace(old, new) + extra if old else BAYES_SPEC + extra)
    return path


@pytest.mark.parametrize(("extra", "what", "fix"), [
    ("[bayes.priors]\ntech_sd = -1.0\n", ["[bayes.priors] tech_sd", "-1.0 is a scale"],
     ["must be > 0"]),
    ("[bayes.priors]\ntech_sdd = 1.0\n", ["unknown key 'tech_sdd'"],
     ["did you mean 'tech_sd'"]),
    ("[bayes.sampling]\nchains = 'four'\n", ["[bayes.sampling] chains", "'four'"],
     ["must be an integer >= 1"]),
], ids=["negative prior scale", "misspelt prior", "chains as text"])
def test_bad_bayes_section(extra, what, fix, tmp_path, capsys, panel_file):
    spec = _spec(tmp_path, extra)
    out = tmp_path / "fit.nc"
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", out,
                          "--no-progress"], 1, [str(spec), *what], fix)
    assert_not_written(out)
    assert_not_written(out.with_suffix(".json"))


def test_unknown_country_in_the_data_section(tmp_path, capsys, panel_file):
    spec = _spec(tmp_path, old='countries = ["KOR", "MEX", "CHN"]', new='countries = ["XYZ"]')
    out = tmp_path / "fit.nc"
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", out,
                          "--no-progress"], 1, ["[data] countries", "'XYZ'"],
                 ["its countries and groups are"])
    assert_not_written(out)


@pytest.mark.parametrize(("args", "what", "fix"), [
    (["--chains", "0"], ["'--chains'", "greater than or equal to 1"],
     ["see 'servmodel bayes --help'"]),
    (["--target-accept", "1.5"], ["--target-accept", "1.5"], ["must be in (0, 1)"]),
    (["--interval", "hpd"], ["unknown interval 'hpd'"], ["choose one of eti, hdi"]),
    (["--out", "{tmp}/fits/fit.nc"], ["fits/fit.nc", "does not exist"], ["create it first"]),
], ids=["zero chains", "target accept above 1", "unknown interval", "missing out directory"])
def test_bad_bayes_option(args, what, fix, tmp_path, capsys, panel_file):
    spec = _spec(tmp_path)
    argv = ["bayes", spec, "--panel", panel_file, "--no-progress",
            *(a.format(tmp=tmp_path) for a in args)]
    expect_error(capsys, argv, 2, what, fix)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.toml"]


def test_panel_spec_given_to_bayes(tmp_path, capsys, panel_file):
    spec = tmp_path / "fe.toml"
    spec.write_text('formula = "trend"\n[data]\ndefinition = "standard"\n'
                    '[frequentist]\nestimator = "fe"\n')
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", tmp_path / "f.nc"],
                 2, [str(spec), "has no [bayes] section"], ["servmodel estimate"])
    assert_not_written(tmp_path / "f.nc")


# ------------------------------------------------------------------ seeds
SEED_TOO_BIG = "99999999999999999999999"


@pytest.mark.parametrize(("seed", "what", "fix"), [
    (SEED_TOO_BIG, ["--seed", SEED_TOO_BIG], ["between 0 and 2**64 - 1"]),
    ("18446744073709551616", ["--seed", "18446744073709551616"], ["between 0 and 2**64 - 1"]),
    ("-1", ["'--seed'", "greater than or equal to 0"], ["see 'servmodel bayes --help'"]),
], ids=["far beyond 64 bits", "2**64", "negative"])
def test_bayes_seed_out_of_range(seed, what, fix, tmp_path, capsys, panel_file):
    spec = _spec(tmp_path)
    out = tmp_path / "fit.nc"
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", out, "--no-progress",
                          f"--seed={seed}"], 2, what, fix)
    assert_not_written(out)


def test_spec_seed_out_of_range(tmp_path, capsys, panel_file):
    spec = _spec(tmp_path, f"[bayes.sampling]\nseed = {SEED_TOO_BIG}\n")
    out = tmp_path / "fit.nc"
    expect_error(capsys, ["bayes", spec, "--panel", panel_file, "--out", out, "--no-progress"],
                 1, [str(spec), "[bayes.sampling] seed", SEED_TOO_BIG],
                 ["between 0 and 2**64 - 1"])
    assert_not_written(out)


@pytest.mark.parametrize(("seed", "what"), [
    (SEED_TOO_BIG, ["'--seed'", "less than or equal to 18446744073709551615"]),
    ("-3", ["'--seed'", "greater than or equal to 0"]),
], ids=["beyond 64 bits", "negative"])
def test_replicate_seed_out_of_range(seed, what, tmp_path, capsys, monkeypatch):
    import servmodel.study.run

    def refuse(*args, **kwargs):
        raise AssertionError("the study started before --seed was checked")

    monkeypatch.setattr(servmodel.study.run, "run_study", refuse)
    out = tmp_path / "study"
    expect_error(capsys, ["replicate", "--out", out, f"--seed={seed}"], 2, what,
                 ["see 'servmodel replicate --help'"])
    assert not out.exists()


# ------------------------------------------------------------------ contrast
@pytest.mark.parametrize(("args", "what", "fix"), [
    (["--country", "KOR", "--versus", "KOR"], ["--versus", "KOR", "--country"],
     ["other countries", "oecd"]),
    (["--country", "KOR", "--versus", "MEX,oecd,MEX"], ["--versus", "MEX", "twice"],
     ["once"]),
    (["--versus", ""], ["--versus", "no comparator"], ["e.g. --versus MEX,CHN,oecd"]),
    (["--versus", " , "], ["--versus", "no comparator"], ["e.g. --versus MEX,CHN,oecd"]),
    (["--country", "kor"], ["country 'kor'"], ["did you mean 'KOR'"]),
    (["--versus", "OECD"], ["comparator 'OECD'"], ["did you mean 'oecd'"]),
    (["--year", "1990"], ["no data for year 1990"], ["2009-2011"]),
    (["--year", "0"], ["no data for year 0"], ["2009-2011"]),
    (["--out", "{tmp}/contrasts.json"], ["--out", "contrasts.json"], [".csv", ".parquet"]),
], ids=["country against itself", "comparator twice", "empty versus", "blank versus",
        "lower-case country", "upper-case group", "year before the data", "year zero",
        "json table"])
def test_contrast_bad_request(args, what, fix, tmp_path, capsys, bayes_file):
    out = tmp_path / "contrasts.csv"
    argv = ["contrast", bayes_file, *(a.format(tmp=tmp_path) for a in args)]
    if "--out" not in args:
        argv += ["--out", out]
    expect_error(capsys, argv, 2, what, fix)
    assert sorted(tmp_path.iterdir()) == []


def test_contrast_of_draws_that_lack_the_model_variables(tmp_path, capsys, bayes_file):
    """The fixture's draws hold none of its spec's variables; PyMC would draw them from the
    prior and print a table of prior predictions."""
    out = tmp_path / "contrasts.csv"
    expect_error(capsys, ["contrast", bayes_file, "--country", "KOR", "--versus", "MEX",
                          "--out", out], 1, ["the draws lack", "alpha"], ["servmodel bayes"])
    assert_not_written(out)


@pytest.mark.parametrize("command", ["contrast", "compare", "sensitivity-prior"])
def test_a_directory_for_the_draws(command, tmp_path, capsys, bayes_file):
    args = [command, tmp_path] + ([bayes_file] if command == "compare" else [])
    expect_error(capsys, args, 2, [str(tmp_path), "is a directory"], ["NAME.nc"])


def test_contrast_of_a_json_summary_names_the_draws(tmp_path, capsys, bayes_file):
    summary = bayes_file.with_suffix(".json")
    assert summary.is_file()
    expect_error(capsys, ["contrast", summary], 1, [str(summary), "JSON summary"],
                 [str(bayes_file)])


# ------------------------------------------------------------------ compare
def _refit_on(bayes_file, tmp_path, name: str, keep) -> object:
    """A copy of the fixture's result named ``name`` whose rows are those ``keep`` selects."""
    from dataclasses import replace

    from servmodel.results.bayes import load_bayes

    r = load_bayes(bayes_file)
    spec = r.spec.replace(name=name)
    rows = r.rows[keep(r.rows)].reset_index(drop=True)
    nc, _ = replace(r, name=name, spec=spec, rows=rows).save(tmp_path / f"{name}.nc")
    return nc


@pytest.mark.parametrize(("keep", "what"), [
    (lambda rows: rows["country"] != "CHN", ["countries", "CHN"]),
    (lambda rows: rows["year"] != 2009, ["years", "2009-2011", "2010-2011"]),
    (lambda rows: rows.index != 0, ["observations", "1 row"]),
], ids=["a country fewer", "a year fewer", "a row fewer"])
def test_compare_results_fit_on_different_samples(keep, what, tmp_path, capsys, bayes_file):
    other = _refit_on(bayes_file, tmp_path, "other", keep)
    out = tmp_path / "comparison.csv"
    expect_error(capsys, ["compare", bayes_file, other, "--out", out], 2,
                 [str(bayes_file), str(other), "different samples", *what],
                 ["same observations", "refit"])
    assert_not_written(out)


def test_compare_results_of_different_measures(tmp_path, capsys, bayes_file):
    from dataclasses import replace

    from servmodel.results.bayes import load_bayes

    r = load_bayes(bayes_file)
    spec = r.spec.replace(name="total", data=replace(r.spec.data, measure="total"))
    other, _ = replace(r, name="total", spec=spec).save(tmp_path / "total.nc")
    expect_error(capsys, ["compare", bayes_file, other], 2,
                 [str(other), "measure direct", "total"], ["same observations"])


def test_compare_to_a_json_table(tmp_path, capsys, bayes_file):
    other = _refit_on(bayes_file, tmp_path, "other", lambda rows: rows.index >= 0)
    out = tmp_path / "comparison.json"
    expect_error(capsys, ["compare", bayes_file, other, "--out", out], 2,
                 ["--out", "comparison.json"], [".csv", ".parquet"])
    assert_not_written(out)


# ------------------------------------------------------------------ sensitivity-prior
def test_prior_sensitivity_with_an_unknown_parameter(tmp_path, capsys, bayes_file):
    shipped = (Path(__file__).resolve().parents[2] / "models" / "sensitivity.toml").read_text()
    assert 'parameters = ["alpha",' in shipped
    grid = tmp_path / "grid.toml"
    grid.write_text(shipped.replace('parameters = ["alpha",', 'parameters = ["alpah",'))
    out = tmp_path / "prior"
    expect_error(capsys, ["sensitivity-prior", bayes_file, "--grid", grid, "--no-refit",
                          "--out", out], 1,
                 [str(grid), "[prior] parameters", "'alpah'"],
                 ["did you mean 'alpha'", "beta_tech", "sigma_country"])
    assert not out.exists()


# ------------------------------------------------------------------ ArviZ's banner
def test_no_arviz_banner_on_stderr(tmp_path, bayes_file):
    """ArviZ warns of its coming refactor once a day at import; servmodel's users cannot act
    on it. A fresh cache directory makes ArviZ believe it has not warned today."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    # reads the draws and builds the model (ArviZ and PyMC loaded), then refuses them
    got = subprocess.run([sys.executable, "-m", "servmodel", "contrast", str(bayes_file),
                          "--country", "KOR", "--versus", "MEX"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert "FutureWarning" not in got.stderr and "ArviZ" not in got.stderr, got.stderr
    assert got.returncode == 1 and "the draws lack" in got.stderr, got.stderr
    assert (tmp_path / "cache").exists()  # ArviZ did run its once-a-day check
