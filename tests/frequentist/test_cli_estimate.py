"""`servmodel estimate` and `servmodel hausman` as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from servmodel.cli import main
from servmodel.results import PanelResult, load_result
from servmodel.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"


@pytest.fixture(scope="module")
def panel_file(wiod_panel, tmp_path_factory):
    """The embedded panel's standard-definition rows, as written by `servmodel data build`."""
    path = tmp_path_factory.mktemp("panel") / "standard.parquet"
    f = wiod_panel.frame
    wiod_panel.with_frame(f[f["definition"] == "standard"].reset_index(drop=True)).write(path)
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_estimate_every_shipped_model(panel_file, tmp_path, capsys):
    specs = sorted(MODELS.glob("*.toml"))
    grids = [p for p in specs if p.stem == "sensitivity"]
    panel_specs = [p for p in specs if p not in grids and load_spec(p).frequentist is not None]
    assert {p.stem for p in panel_specs} >= {"pooled", "fe_twoway", "re", "mundlak", "fd",
                                             "korea_trend", "korea_gap"}
    out = tmp_path / "results"
    code = main(["estimate", *map(str, specs), "--panel", str(panel_file), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    for spec in panel_specs:
        result = load_result(out / f"{spec.stem}.json")
        assert isinstance(result, PanelResult) and result.name == spec.stem
        assert spec.stem in captured.out
    for spec in set(specs) - set(panel_specs):  # Bayesian specs and grids: skipped, said so
        assert f"skipped {spec}" in captured.err
        assert not (out / f"{spec.stem}.json").exists()
    assert "korea:trend" in captured.out and "mean(log(output))" in captured.out


def test_estimate_without_panel_builds_the_embedded_one(tmp_path, capsys):
    assert main(["estimate", str(MODELS / "korea_trend.toml"), "--out", str(tmp_path)]) == 0
    result = load_result(tmp_path / "korea_trend.json")
    assert result.sample.countries == ("KOR",) and result.nobs == 238


def test_bad_spec_is_one_line_exit_1(tmp_path, panel_file, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('formula = "trend"\n[data]\ndefinition = "standard"\n'
                   '[frequentist]\nestimator = "fe"\ncovv = "robust"\n')
    assert main(["estimate", str(bad), "--panel", str(panel_file), "--out",
                 str(tmp_path)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert str(bad) in line and "unknown key 'covv'" in line and "did you mean 'cov'" in line


def test_missing_spec_file_exit_2(tmp_path, capsys):
    assert main(["estimate", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in _one_error_line(capsys.readouterr().err)


def test_estimation_error_exit_1(tmp_path, panel_file, capsys):
    spec = tmp_path / "absorbed.toml"
    spec.write_text('formula = "tech_score + trend"\n[data]\ndefinition = "standard"\n'
                    '[dependent]\ntransform = "log"\nzeros = "drop"\n'
                    '[frequentist]\nestimator = "fe"\n')
    assert main(["estimate", str(spec), "--panel", str(panel_file), "--out",
                 str(tmp_path)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert "tech_score does not vary within country x industry" in line
    assert not (tmp_path / "absorbed.json").exists()


def test_one_failure_among_several(tmp_path, panel_file, capsys):
    bad = tmp_path / "kor_clustered.toml"
    text = (MODELS / "korea_trend.toml").read_text()
    bad.write_text(text.replace('name = "korea_trend"', 'name = "kor_clustered"').replace(
        'cov = "driscoll_kraay"\nkernel = "bartlett"\nbandwidth = 2',
        'cov = "clustered"\ncluster = "country"'))
    code = main(["estimate", str(MODELS / "pooled.toml"), str(bad), "--panel",
                 str(panel_file), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "single cluster (KOR)" in err and "1 of 2 models failed: kor_clustered" in err
    assert (tmp_path / "pooled.json").exists()


def test_duplicate_names_are_refused(tmp_path, capsys):
    copy = tmp_path / "copy.toml"
    shutil.copy(MODELS / "pooled.toml", copy)
    assert main(["estimate", str(MODELS / "pooled.toml"), str(copy)]) == 2
    assert "both named 'pooled'" in _one_error_line(capsys.readouterr().err)


def test_hausman(tmp_path, panel_file, capsys):
    out = tmp_path / "h.json"
    code = main(["hausman", str(MODELS / "fe.toml"), str(MODELS / "re.toml"), "--panel",
                 str(panel_file), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Hausman test" in captured.out and "chi2(" in captured.out
    assert "refit with the unadjusted covariance" in captured.out
    h = load_result(out)
    assert h.fe_name == "fe" and h.re_name == "re"
    assert h.terms == ("center(trend)", "log(output)", "tech_score:center(trend)")


def test_hausman_wrong_order(tmp_path, panel_file, capsys):
    assert main(["hausman", str(MODELS / "re.toml"), str(MODELS / "fe.toml"), "--panel",
                 str(panel_file)]) == 1
    assert "must use estimator = 'fe'" in _one_error_line(capsys.readouterr().err)
