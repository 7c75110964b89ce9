"""`servmodel bayes`, `compare` and `contrast` end to end on a small slice of the real data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from servmodel.cli import main
from servmodel.results import load_result
from servmodel.results.bayes import BayesResult, load_bayes

SMALL = """
name = "{name}"
[data]
definition = "standard"
measure = "direct"
countries = ["KOR", "MEX", "CHN", "USA", "DEU", "JPN", "FRA", "IDN"]
years = "2004-2011"

[bayes]
family = "beta"
zeros = "hurdle"
intercepts = {intercepts}
country_slopes = {slopes}
cells = false
tech = "score"
tech_trend = true

[bayes.sampling]
chains = 2
draws = 150
tune = 150
seed = 3
"""


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    d = tmp_path_factory.mktemp("bayes")
    specs = {
        "hier": SMALL.format(name="hier", intercepts='["country", "industry"]', slopes="true"),
        "pooled": SMALL.format(name="pooled", intercepts="[]", slopes="false"),
    }
    codes = {}
    for name, text in specs.items():
        (d / f"{name}.toml").write_text(text)
        # --strict: 150 draws cannot reach ESS 400, so the run must exit 1 after writing
        codes[name] = main(["bayes", str(d / f"{name}.toml"), "--out", str(d / f"{name}.nc"),
                            "--no-progress", "--strict"])
    return d, codes


def test_bayes_writes_draws_summary_and_figures(fitted, capsys):
    d, codes = fitted
    assert codes == {"hier": 1, "pooled": 1}  # --strict turned failed diagnostics into exit 1
    for name in ("hier", "pooled"):
        for suffix in (".nc", ".json", "_rank.png", "_ppc.png"):
            assert (d / f"{name}{suffix}").stat().st_size > 0
    assert not list(d.glob(".*.tmp"))


def test_netcdf_and_json_round_trip(fitted):
    d, _ = fitted
    full = load_bayes(d / "hier.nc")
    summary_only = load_result(d / "hier.json")
    assert isinstance(summary_only, BayesResult) and summary_only.idata is None
    assert full.tidy().equals(summary_only.tidy())
    post = full.idata.posterior
    assert post["beta_tech"].dtype == np.float32
    n_obs = full.info.n_obs
    assert full.idata.log_likelihood["y"].shape[-1] == n_obs
    assert "posterior_predictive" in full.idata.groups()
    # the summary's posterior mean equals the stored draws' mean (to float32 precision)
    row = full.tidy().set_index("term").loc["tech_score"]
    assert row.estimate == pytest.approx(float(post["beta_tech"].mean()), rel=1e-5)
    assert np.isnan(row.p_value) and row.conf_low < row.estimate < row.conf_high
    assert len(full.rows) == n_obs and set(full.rows.country) >= {"KOR", "MEX"}
    doc = json.loads((d / "hier.json").read_text())
    assert doc["format"] == "servmodel-result" and doc["kind"] == "bayes"
    assert {n for n, _ in full.diagnostics.items()} == {
        "r_hat", "ess_bulk", "ess_tail", "divergences", "bfmi"}
    assert not full.passed
    assert not any(t.endswith("__") or "__[" in t for t in full.tidy().term)  # no sampler internals


def test_compare_ranks_models(fitted, capsys):
    d, _ = fitted
    out = d / "cmp.csv"
    assert main(["compare", str(d / "hier.nc"), str(d / "pooled.nc"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Model comparison by LOO" in text
    import pandas as pd

    table = pd.read_csv(out)
    assert list(table["rank"]) == [0, 1]
    assert table.loc[0, "model"] == "hier"  # varying effects fit far better than pooling
    assert table["weight"].sum() == pytest.approx(1.0)


def test_contrast_answers_korea_questions(fitted, capsys):
    d, _ = fitted
    out = d / "contrast.csv"
    assert main(["contrast", str(d / "hier.nc"), "--country", "KOR", "--versus", "MEX,CHN,oecd",
                 "--year", "2011", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "P(KOR lowest of 8 economies)" in text
    assert "P(technology effect > 0)" in text and "P(KOR time slope < 0)" in text
    import pandas as pd

    table = pd.read_csv(out)
    assert list(table.comparator) == ["MEX", "CHN", "oecd"]
    assert ((table.prob_below >= 0) & (table.prob_below <= 1)).all()
    assert (table.difference_low <= table.difference_mean).all()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["contrast", "{d}/hier.nc", "--country", "XXX"], 2, "country 'XXX' is not in"),
        (["contrast", "{d}/hier.nc", "--versus", "ZZZ"], 2, "comparator 'ZZZ'"),
        (["contrast", "{d}/hier.nc", "--year", "1990"], 2, "no data for year 1990"),
        (["compare", "{d}/hier.nc"], 1, "at least two models"),
        (["compare", "{d}/hier.json", "{d}/pooled.nc"], 1, "not a netCDF file"),
        (["compare", "{d}/missing.nc", "{d}/pooled.nc"], 1, "does not exist"),
        (["bayes", "{d}/hier.toml", "--out", "{d}/x.txt"], 2, "use a .nc file name"),
        (["bayes", "{d}/hier.toml", "--sampler", "stan"], 2, "unknown sampler 'stan'"),
    ],
)
def test_bad_requests(fitted, capsys, args, code, message):
    d, _ = fitted
    assert main([a.format(d=d) for a in args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
