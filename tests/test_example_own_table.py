"""Korea's national table in ``examples/own_table`` through the command line, as its README
runs it: panel, fixed effects, Bayesian fit, table, sensitivity grid.

Reference values come from the example's CSV by hand (pandas and numpy), from the embedded
WIOD file read with numpy alone, and from direct fits (linearmodels, numpy least squares).
"""

from __future__ import annotations

import json
import re
import runpy
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "own_table"
SECTION = "## Example: one country's own table"


def readme_commands(text: str) -> list[list[str]]:
    """The ``servmodel`` commands of the first bash block, continuation lines joined."""
    block = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1)
    return [shlex.split(line) for line in block.replace("\\\n", " ").splitlines()
            if line.strip()]


def main_readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """Run the README's commands verbatim in a fresh directory that sees ``examples/``."""
    where = tmp_path_factory.mktemp("own_table")
    (where / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    commands = readme_commands((EXAMPLE / "README.md").read_text(encoding="utf-8"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(where)
        for cmd in commands:
            assert cmd[0] == "servmodel"
            assert main(cmd[1:]) == 0, " ".join(cmd)
    return where


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / "korea_national.csv", dtype={"value": float})


@pytest.fixture(scope="module")
def sectors() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / "sectors.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def panel(work) -> pd.DataFrame:
    return pd.read_csv(work / "korea_panel.csv")


def demeaned_fit(panel: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-effects slopes of log(direct) on trend and centred tech x trend, and their
    clustered-by-industry standard errors with Stata's (n - 1) / (n - k) x G / (G - 1)."""
    d = panel.sort_values(["industry", "year"])
    trend = (d["year"] - d["year"].min()).to_numpy(float)
    tech = d["tech_score"].to_numpy(float)
    X = np.column_stack([trend, (tech - tech.mean()) * trend])
    y = np.log(d["direct"].to_numpy())
    groups = d["industry"].to_numpy()

    def within(a: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame(a).groupby(groups)
        return a - frame.transform("mean").to_numpy().reshape(a.shape)

    Xw, yw = within(X), within(y)
    bread = np.linalg.inv(Xw.T @ Xw)
    b = bread @ Xw.T @ yw
    e = yw - Xw @ b
    scores = np.array([Xw[groups == g].T @ e[groups == g] for g in np.unique(groups)])
    n, k, G = len(y), X.shape[1] + 1, len(np.unique(groups))  # k counts the intercept
    cov = bread @ scores.T @ scores @ bread * (n - 1) / (n - k) * G / (G - 1)
    return b, np.sqrt(np.diag(cov))


def test_both_readmes_give_the_same_commands():
    example = readme_commands((EXAMPLE / "README.md").read_text(encoding="utf-8"))
    assert readme_commands(main_readme_section()) == example
    assert [c[1] for c in example] == ["data", "estimate", "bayes", "table", "sensitivity"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("## One's own data") < text.index(SECTION) < text.index("## Python API")


def test_generator_reproduces_the_files_from_the_embedded_data(tmp_path):
    # run_path compiles without writing bytecode beside the script
    runpy.run_path(str(EXAMPLE / "make_example.py"), run_name="make_example")["main"](tmp_path)
    for name in ("korea_national.csv", "sectors.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
    files = [f for f in EXAMPLE.parent.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    assert sum(f.stat().st_size for f in files) < 500_000


def test_table_is_national_and_row_totals_are_wiod_gross_output(table):
    assert set(table["supplier_country"]) == set(table["user_country"]) == {"KOR"}
    assert sorted(table["year"].unique()) == list(range(1995, 2012))
    # row total of a sector in 2011 against WIOD's gross output of its industries
    with np.load(ROOT / "data" / "wiod2013" / "wiot_2011.npz") as npz:
        k = list(npz["countries"]).index("KOR") * 35
        x = npz["x"].astype(float)
    rows = table[(table["year"] == 2011) & (table["supplier_industry"] == "MAN_MACH")]
    assert rows["value"].sum() == x[k + 12] + x[k + 14]  # c13 machinery, c15 transport eq.


def test_panel_intensities_equal_hand_computation(panel, table, sectors):
    services = set(sectors.loc[sectors["role"] == "producer_service", "industry"])
    manufacturing = sectors.loc[sectors["role"] == "manufacturing"]
    assert len(panel) == 8 * 17 and set(panel["definition"]) == {"mapping"}
    assert dict(zip(panel["industry"], panel["tech"])) == dict(
        zip(manufacturing["industry"], manufacturing["tech"]))

    year = table[table["year"] == 2011]
    codes = list(dict.fromkeys(year["supplier_industry"]))
    output = year.groupby("supplier_industry")["value"].sum()
    Z = (year[year["user_industry"].isin(codes)]
         .pivot_table(index="supplier_industry", columns="user_industry", values="value",
                      aggfunc="sum", fill_value=0.0).reindex(index=codes, columns=codes,
                                                             fill_value=0.0))
    x = output.reindex(codes).to_numpy()
    L = np.linalg.inv(np.eye(len(codes)) - Z.to_numpy() / x)  # explicit Leontief inverse
    is_service = np.array([c in services for c in codes])
    got = panel[panel["year"] == 2011].set_index("industry")
    for sector in manufacturing["industry"]:
        inputs = Z[sector]
        direct = inputs[is_service].sum() / output[sector]
        assert got.loc[sector, "direct"] == pytest.approx(direct, rel=1e-12)
        assert got.loc[sector, "share_intermediate"] == pytest.approx(
            inputs[is_service].sum() / inputs.sum(), rel=1e-12)
        assert got.loc[sector, "total"] == pytest.approx(
            L[is_service, codes.index(sector)].sum(), rel=1e-9)
        assert got.loc[sector, "output"] == output[sector]

    # MAN_ELEC is WIOD's c14 and the services are the `standard` set: the intensity equals
    # Korea's domestic direct intensity in the world table
    with np.load(ROOT / "data" / "wiod2013" / "wiot_2011.npz") as npz:
        k = list(npz["countries"]).index("KOR") * 35
        Zw, xw = npz["Z"].astype(float), npz["x"].astype(float)
    standard = [k + c - 1 for c in (20, 23, 24, 25, 26, 27, 28, 29, 30)]
    assert got.loc["MAN_ELEC", "direct"] == pytest.approx(
        Zw[standard, k + 13].sum() / xw[k + 13], rel=1e-12)


def test_fixed_effects_match_direct_fits(work, panel):
    from linearmodels.panel import PanelOLS

    saved = json.loads((work / "korea_results" / "own_fe_trend.json").read_text())["result"]
    params = dict(zip(saved["terms"], saved["params"], strict=True))
    se = dict(zip(saved["terms"], np.sqrt(np.diag(saved["cov"])), strict=True))
    terms = ["trend", "center(tech_score):trend"]

    d = panel.assign(t=panel["year"] - panel["year"].min())
    d["tt"] = (d["tech_score"] - d["tech_score"].mean()) * d["t"]
    d["const"] = 1.0
    d = d.set_index(["industry", "year"])
    lm = PanelOLS(np.log(d["direct"]), d[["const", "t", "tt"]], entity_effects=True).fit()
    assert [params[t] for t in terms] == pytest.approx(lm.params[["t", "tt"]].to_numpy(),
                                                       rel=1e-9)
    b, stata_se = demeaned_fit(panel)
    assert [params[t] for t in terms] == pytest.approx(b, rel=1e-9)
    assert [se[t] for t in terms] == pytest.approx(stata_se, rel=1e-8)
    assert saved["fit"]["clusters"] == [["industry", 8]]


def test_bayes_agrees_with_weighted_logit_least_squares(work, panel):
    import arviz as az

    saved = json.loads((work / "korea_results" / "own_beta.json").read_text())["result"]
    info = saved["info"]
    assert info["n_obs"] == 136 and info["countries"] == ["KOR"]
    assert {k: info["sampler"][k] for k in ("chains", "draws", "tune", "seed")} == {
        "chains": 2, "draws": 100, "tune": 100, "seed": 1995}
    assert info["zero_handling"].startswith("squeeze: no exact zeros;")
    post = az.from_netcdf(work / "korea_results" / "own_beta.nc").posterior
    assert (post.sizes["chain"], post.sizes["draw"]) == (2, 100)
    assert "country" not in post.dims  # no country terms for a national table

    # a Beta with large precision is close to least squares on the logit scale with
    # weights mu (1 - mu): industry intercepts, trend (decades) and tech (centred at 2.5)
    y = panel["direct"].to_numpy()
    decades = (panel["year"].to_numpy() - panel["year"].mean()) / 10
    tech = panel["tech_score"].to_numpy() - 2.5
    X = np.column_stack([pd.get_dummies(panel["industry"]).to_numpy(float), decades,
                         tech * decades])
    w = np.sqrt(y * (1 - y))
    ref = np.linalg.lstsq(X * w[:, None], np.log(y / (1 - y)) * w, rcond=None)[0][-2:]
    for name, value in zip(("trend", "tech_trend"), ref, strict=True):
        draws = post[name].to_numpy()
        assert abs(draws.mean() - value) < 3 * draws.std(), name


def test_table_holds_both_models_with_the_direct_estimates(work, panel):
    text = (work / "korea_table.md").read_text(encoding="utf-8")
    b, stata_se = demeaned_fit(panel)
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    rows = {line.split("|")[1].strip(): k for k, line in enumerate(lines)}
    at = rows["center(tech_score):trend"]
    assert f"{b[1]:.3f}" in lines[at] and f"({stata_se[1]:.3f})" in lines[at + 1]
    assert "trend_decade" in rows and "tech_score:trend_decade" in rows
    assert "(1) own_fe_trend" in text and "(2) own_beta" in text
    assert "Clustered by industry" in text


def test_sensitivity_grid_counts_and_agrees_with_the_direct_fit(work, panel):
    specs = pd.read_csv(work / "korea_sensitivity" / "specifications.csv")
    assert len(specs) == 2 * 2 * 2 * 2 * 2
    assert specs.groupby("target").size().to_dict() == {"tech_trend": 16, "trend": 16}
    assert pd.read_csv(work / "korea_sensitivity" / "skipped.csv").empty
    pick = specs.query("target == 'tech_trend' and measure == 'direct' and estimator == 'fe' "
                       "and transform == 'log' and cov == 'clustered:industry'")
    b, stata_se = demeaned_fit(panel)
    assert pick["estimate"].item() == pytest.approx(b[1], rel=1e-8)
    assert pick["std_error"].item() == pytest.approx(stata_se[1], rel=1e-6)
    assert sorted(p.name for p in (work / "korea_sensitivity").glob("spec_curve_*.png")) == [
        "spec_curve_tech_trend.png", "spec_curve_trend.png"]


def test_country_terms_on_one_country_are_refused(work, tmp_path, capsys):
    spec = (ROOT / "models" / "hier_beta.toml").read_text(encoding="utf-8")
    path = tmp_path / "hier.toml"
    path.write_text(spec.replace('definition = "standard"', 'definition = "mapping"'),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["bayes", str(path), "--panel", str(work / "korea_panel.csv"),
                 "--out", str(tmp_path / "hier.nc")]) == 1
    err = capsys.readouterr().err
    assert "one country (KOR)" in err and "country time slopes" in err
    assert not (tmp_path / "hier.nc").exists()
