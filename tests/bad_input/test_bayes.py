"""`servmodel bayes` refuses bad specs and options before it samples anything."""

from __future__ import annotations

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
