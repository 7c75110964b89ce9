"""Claim-level posterior predictive checks on simulated data with known truth: the
vectorised statistics against direct computations, coverage and p-values against closed
forms, and ``servmodel ppc`` end to end on a small saved result (no sampler compiles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from servmodel.bayes.claim_checks import (
    TABLE_COLUMNS,
    check_replicates,
    claim_checks,
    gradient_weights,
    intensity_weights,
    trend_weights,
)
from servmodel.cli import main
from servmodel.study import claims as cl
from tests.bayes.synthetic import synthetic_rows


def _rows(n_countries: int = 5, n_industries: int = 4, years=range(2000, 2007),
          seed: int = 0) -> pd.DataFrame:
    rows = synthetic_rows(n_countries=n_countries, n_industries=n_industries, years=years,
                          seed=seed)
    rows["direct"] = np.random.default_rng(seed + 1).beta(4, 30, size=len(rows))
    return rows


def _direct_intensity(rows: pd.DataFrame, shares: np.ndarray) -> pd.Series:
    """Output-weighted mean per (country, year), by pandas."""
    f = rows.assign(v=shares * rows["output"])
    g = f.groupby(["country", "year"])
    return g["v"].sum() / g["output"].sum()


# ---------------------------------------------------------------- (a) the statistics
def test_vectorised_statistics_equal_direct_computations():
    rows = _rows()
    # one country without its 2003 row in one industry, one without a whole year: unequal
    # weights and an unbalanced panel
    rows = rows.drop(rows.index[(rows["country"] == "K01") & (rows["year"] == 2003)
                                & (rows["industry"] == "c3")])
    rows = rows[~((rows["country"] == "K02") & (rows["year"] == 2004))].reset_index(drop=True)
    rng = np.random.default_rng(3)
    rep = rng.beta(4, 30, size=(7, len(rows)))
    W, groups = intensity_weights(rows)
    A, countries = trend_weights(groups)
    a = gradient_weights(rows)
    for s in range(rep.shape[0]):
        direct = _direct_intensity(rows, rep[s])
        vec = np.asarray(W.T @ rep[s])
        np.testing.assert_allclose(vec, direct.to_numpy(), rtol=1e-12)
        slopes = vec @ A
        for k, c in enumerate(countries):
            series = direct.loc[c]
            ref = cl.trend(series.index.to_numpy(), series.to_numpy()).slope
            assert slopes[k] == pytest.approx(ref, rel=1e-10, abs=1e-14)
        # the gradient: OLS with an intercept, the score and year dummies
        X = pd.get_dummies(rows["year"], drop_first=True, dtype=float)
        X.insert(0, "tech_score", rows["tech_score"].astype(float))
        X.insert(0, "const", 1.0)
        beta = np.linalg.lstsq(X.to_numpy(), rep[s], rcond=None)[0]
        assert float(rep[s] @ a) == pytest.approx(beta[1], rel=1e-10, abs=1e-14)
    checks = check_replicates(rows, rows["direct"].to_numpy(), rep, focus="K02")
    t = checks.table()
    # the rank from the top in the focus country's first and last year, by pandas
    for year in (2000, 2006):
        r = t[(t["statistic"] == "rank") & (t["year"] == year)].iloc[0]
        obs = _direct_intensity(rows, rows["direct"].to_numpy()).xs(year, level="year")
        assert r.observed == obs.rank(ascending=False, method="min")["K02"]
        reps = [_direct_intensity(rows, rep[s]).xs(year, level="year")
                .rank(ascending=False, method="min")["K02"] for s in range(rep.shape[0])]
        assert r["mean"] == pytest.approx(np.mean(reps))
    assert list(t.columns) == list(TABLE_COLUMNS)
    assert set(t["statistic"]) == {"intensity", "trend", "tech_gradient", "rank"}
    assert len(t[t["statistic"] == "intensity"]) == 5 * 7 - 1


def test_gradient_equals_the_c4_fit_on_the_observed_data():
    """C4's coefficient (servmodel's pooled OLS with year dummies, linearmodels) to 1e-10."""
    from servmodel.frequentist import fit
    from servmodel.study.evidence import tech_gradient_spec
    from tests.frequentist.helpers import toy_panel

    rng = np.random.default_rng(11)
    n_c, n_i, years = 6, 5, range(2000, 2006)
    n = n_c * n_i * len(years)
    panel = toy_panel(rng.beta(3, 25, size=n), n_countries=n_c, n_industries=n_i,
                      years=years, output=np.exp(rng.normal(8, 1, size=n)))
    ref = fit(tech_gradient_spec("standard", "direct"), panel).tidy().set_index(
        "term").loc["tech_score", "estimate"]
    rows = panel.frame
    a = gradient_weights(rows)
    assert abs(float(rows["direct"].to_numpy() @ a) - ref) < 1e-10
    checks = check_replicates(rows, rows["direct"].to_numpy(),
                              rng.beta(3, 25, size=(50, n)), focus="C00")
    row = checks.table().query("statistic == 'tech_gradient'").iloc[0]
    assert abs(row.observed - ref) < 1e-10
    assert row.country == "" and pd.isna(row.year)


# ---------------------------------------------------------------- (b) known truth
def _known_spread(rows: pd.DataFrame, sigma: float, offsets: np.ndarray, draws: int,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Replicates whose economy-year intensity is N(m_g, sigma^2) exactly (one shock per
    economy-year added to every industry), and observed shares equal to the mean plus
    ``offsets[g] * sigma``: the observed value sits at a known number of predictive SDs."""
    _, groups = intensity_weights(rows)
    code = pd.MultiIndex.from_frame(groups).get_indexer(
        pd.MultiIndex.from_frame(rows[["country", "year"]]))
    mean = rows["direct"].to_numpy()
    z = np.random.default_rng(seed).standard_normal((draws, len(groups)))
    rep = mean + sigma * z[:, code]
    return rep, mean + sigma * offsets[code]


def test_coverage_and_p_values_match_closed_forms():
    rows = _rows(n_countries=4, years=range(2000, 2010))
    _, groups = intensity_weights(rows)
    G = len(groups)
    # a quarter of economy-years at 0.3 SD (inside 50%), a quarter at 1.2 (inside 95%
    # only), half at 2.6 (outside both): coverage 25% and 50%
    offsets = np.tile([0.3, 1.2, 2.6, -2.6], G // 4)
    sigma = 0.01
    rep, obs = _known_spread(rows, sigma, offsets, draws=40_000)
    checks = check_replicates(rows, obs, rep, focus="K00")
    assert checks.coverage.inside_50 == pytest.approx(0.25)
    assert checks.coverage.inside_95 == pytest.approx(0.50)
    assert checks.coverage.n == G and checks.coverage.focus_n == 10
    t = checks.table()
    inten = t[t["statistic"] == "intensity"].reset_index(drop=True)
    expected_p = 2 * stats.norm.sf(np.abs(offsets))
    np.testing.assert_allclose(inten["p_value"], expected_p, atol=0.01)
    np.testing.assert_allclose((inten["high"] - inten["low"]) / (2 * sigma),
                               stats.norm.ppf(0.975), rtol=0.03)
    # each trend: the slope of the shocks has SD sigma / sqrt(Sxx); the observed slope sits
    # at slope(offsets) * sqrt(Sxx) SDs from the mean
    t_years = np.arange(2000, 2010, dtype=float)
    sxx = ((t_years - t_years.mean()) ** 2).sum()
    trends = t[t["statistic"] == "trend"].set_index("country")
    for c, sub in groups.groupby("country"):
        off = offsets[sub.index.to_numpy()]
        zscore = np.polyfit(t_years, off, 1)[0] * np.sqrt(sxx)
        assert trends.loc[c, "p_value"] == pytest.approx(2 * stats.norm.sf(abs(zscore)),
                                                         abs=0.01)
    assert not checks.passed and checks.verdict.startswith("fails")
    assert "20 of 40 (50%) economy-year intensities inside" in checks.verdict


def test_shocks_the_model_lacks_fail_and_data_without_them_pass():
    """Economy x year shocks that the replicates do not carry: the observed intensities
    wander outside their intervals; observed data drawn like the replicates pass."""
    rows = _rows(n_countries=10, n_industries=5, years=range(2000, 2010), seed=4)
    _, groups = intensity_weights(rows)
    code = pd.MultiIndex.from_frame(groups).get_indexer(
        pd.MultiIndex.from_frame(rows[["country", "year"]]))
    rng = np.random.default_rng(5)
    # the model: Beta noise around a fixed mean share of each row
    mu, phi = rows["direct"].to_numpy().clip(0.02, 0.5), 400.0
    rep = rng.beta(mu * phi, (1 - mu) * phi, size=(2000, len(rows)))
    clean = rng.beta(mu * phi, (1 - mu) * phi)
    logit = np.log(mu / (1 - mu)) + 0.5 * rng.standard_normal(len(groups))[code]
    shocked_mu = 1 / (1 + np.exp(-logit))
    shocked = rng.beta(shocked_mu * phi, (1 - shocked_mu) * phi)
    good = check_replicates(rows, clean, rep, focus="K00")
    bad = check_replicates(rows, shocked, rep, focus="K00")
    assert good.coverage.inside_95 >= 0.9 and good.passed, good.verdict
    assert bad.coverage.inside_95 < 0.5 and not bad.passed, bad.verdict
    # a uniform p-value under the right model, piled up near 0 under the wrong one
    p_good = good.table().query("statistic == 'intensity'")["p_value"]
    p_bad = bad.table().query("statistic == 'intensity'")["p_value"]
    assert p_good.median() > 0.3 and p_bad.median() < 0.05


def test_focus_absent_skips_rank_and_trend_in_the_verdict():
    rows = _rows()
    rep = np.tile(rows["direct"].to_numpy(), (20, 1))
    checks = check_replicates(rows, rows["direct"].to_numpy(), rep, model="m")
    assert "rank" not in set(checks.table()["statistic"])
    assert checks.coverage.focus_n == 0
    assert "KOR's trend not checked" in checks.verdict


# ---------------------------------------------------------------- (c) the API and CLI
@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    from tests.bayes.test_usability import HIER, prior_result

    rows = _rows(n_countries=4, n_industries=4, years=range(2000, 2005), seed=2)
    result = prior_result("hier", HIER, rows, chains=2, draws=30)
    path, _ = result.save(tmp_path_factory.mktemp("ppc") / "hier.nc")
    return result, path


def test_checks_of_a_result_are_reproducible_and_use_its_rows(saved):
    from servmodel.results.bayes import load_bayes

    result, path = saved
    first = claim_checks(result, focus="K00")
    # no stored predictive draws: drawn now with the result's seed, the same every time
    pd.testing.assert_frame_equal(first.table(), claim_checks(result, focus="K00").table())
    loaded = load_bayes(path)
    pd.testing.assert_frame_equal(claim_checks(loaded, focus="K00").table(),
                                  claim_checks(loaded, focus="K00").table())
    inten = first.table().query("statistic == 'intensity'")
    obs = _direct_intensity(result.rows, result.rows["direct"].to_numpy())
    np.testing.assert_allclose(inten["observed"], obs.to_numpy(), rtol=1e-12)
    assert first.n_draws == 60


def test_checks_refuse_a_result_without_draws(saved):
    from dataclasses import replace

    from servmodel.errors import ResultError, UsageError

    result, _ = saved
    with pytest.raises(ResultError, match="no draws or data rows"):
        claim_checks(replace(result, idata=None))
    with pytest.raises(UsageError, match="give a Bayesian result"):
        claim_checks("hier.nc")


def test_ppc_writes_table_and_figure(saved, tmp_path, capsys):
    _, path = saved
    out, fig = tmp_path / "checks.csv", tmp_path / "checks.png"
    assert main(["ppc", str(path), "--out", str(out), "--figure", str(fig),
                 "--country", "K00", "--versus", "K01"]) == 0
    printed = capsys.readouterr().out
    assert "economy-years inside their 50% predictive interval" in printed
    assert "claim-level verdict:" in printed and "K00" in printed
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert (table.loc[table["statistic"] == "tech_gradient", ["country", "year"]] == "").all(
        axis=None)
    assert fig.stat().st_size > 10_000 and fig.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, message", [
    (["--out", "checks.txt"], "--out checks.txt: the table is written as CSV or Parquet"),
    (["--figure", "checks.pdf"], "--figure checks.pdf: the figure is written as PNG"),
    (["--out", "/dev/null"], "/dev/null"),
    (["--out", "taken.csv"], "taken.csv"),
    (["--figure", "taken.png"], "taken.png"),
    (["--country", "kor"], "--country kor is not in the model's data"),
])
def test_ppc_refuses_bad_paths_before_work(saved, tmp_path, capsys, args, message,
                                           monkeypatch):
    _, path = saved
    monkeypatch.chdir(tmp_path)
    for taken in ("taken.csv", "taken.png"):  # a directory where the file should go
        (tmp_path / taken).mkdir()
    assert main(["ppc", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_ppc_of_a_missing_file(tmp_path, capsys):
    assert main(["ppc", str(tmp_path / "none.nc")]) == 1
    assert "does not exist" in capsys.readouterr().err
