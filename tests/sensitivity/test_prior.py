"""Prior sensitivity: power-scaling verdicts on posteriors known in closed form, the priors
that are scaled, and the command on a small saved result."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from servmodel.sensitivity.prior import power_scaling, verdict


def normal_mean(n: int, sigma: float, tau: float, ybar: float, seed: int = 0):
    """Exact posterior draws of mu in y ~ N(mu, sigma), mu ~ N(0, tau), with the pointwise
    log-likelihood and the log prior."""
    rng = np.random.default_rng(seed)
    y = sigma * rng.standard_normal(n)
    y = y - y.mean() + ybar
    precision = n / sigma**2 + 1 / tau**2
    mean = y.sum() / sigma**2 / precision
    mu = rng.normal(mean, precision ** -0.5, size=(4, 1000))
    idata = az.from_dict(posterior={"mu": mu}, log_likelihood={
        "y": stats.norm.logpdf(y[None, None, :], mu[..., None], sigma)})
    idata.add_groups({"log_prior": {"mu": xr.DataArray(stats.norm.logpdf(mu, 0, tau),
                                                       dims=("chain", "draw"))}})
    return idata


@pytest.mark.parametrize(("prior", "likelihood", "expected"), [
    (0.01, 0.2, "likelihood-sensitive"),
    (0.2, 0.01, "prior-sensitive"),
    (0.2, 0.2, "prior-data conflict"),
    (0.01, 0.01, "weak likelihood"),
    (0.05, 0.05, "prior-data conflict"),   # the threshold counts as sensitive
    (np.nan, 0.2, "undetermined"),
])
def test_verdicts(prior, likelihood, expected):
    assert verdict(prior, likelihood, 0.05) == expected


@pytest.mark.parametrize(("case", "expected"), [
    ((100, 1.0, 10.0, 0.5), "likelihood-sensitive"),   # vague prior, informative data
    ((1, 10.0, 0.1, 0.5), "prior-sensitive"),          # tight prior, one noisy observation
    ((100, 1.0, 0.1, 3.0), "prior-data conflict"),     # tight prior at 0, data at 3
])
def test_power_scaling_diagnoses_known_posteriors(case, expected):
    table = power_scaling(normal_mean(*case), ["mu"])
    assert list(table["parameter"]) == ["mu"]
    assert table.loc[0, "verdict"] == expected


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    """A saved result of a small Beta model: draws from the prior stand in for the
    posterior (no sampler compiles), with the pointwise log-likelihood."""
    import pymc as pm

    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import build_model
    from servmodel.bayes.summary import posterior_tidy
    from servmodel.results.bayes import BayesInfo, BayesResult
    from servmodel.spec import parse_spec
    from tests.bayes.synthetic import synthetic_rows

    rows = synthetic_rows(n_countries=4, n_industries=4, years=range(2000, 2006), seed=1)
    rows["direct"] = np.random.default_rng(2).beta(4, 30, size=len(rows))
    spec = parse_spec({"name": "tiny", "data": {"definition": "standard", "measure": "direct"},
                       "bayes": {"intercepts": ["country", "industry"], "country_slopes": True,
                                 "sampling": {"chains": 2, "draws": 100, "tune": 100}}})
    data = prepare_data(rows, "direct", "tiny")
    model = build_model(spec.bayes, data)
    with model:
        # PyMC adds its own keys to the dict it is given: one dict per call
        prior = pm.sample_prior_predictive(draws=200, random_seed=5,
                                           compile_kwargs={"mode": "FAST_COMPILE"})
    names = [v.name for v in model.free_RVs] + [v.name for v in model.deterministics]
    draws = prior.prior[[n for n in names if n in prior.prior]].isel(chain=0, drop=True)
    post = draws.coarsen(draw=100).construct(draw=("chain", "draw"))
    idata = az.InferenceData(posterior=post.assign_coords(chain=[0, 1], draw=range(100)))
    with model:
        pm.compute_log_likelihood(idata, progressbar=False,
                                  compile_kwargs={"mode": "FAST_COMPILE"})
    result = BayesResult(name="tiny", spec=spec, summary=posterior_tidy(idata),
                         info=BayesInfo(sampler=spec.bayes.sampling),
                         idata=idata, rows=data.frame)
    path = tmp_path_factory.mktemp("prior") / "tiny.nc"
    result.save(path)
    return path, model


def test_only_top_level_priors_are_scaled(tiny_result):
    from servmodel.sensitivity.prior import top_level

    _, model = tiny_result
    scaled = set(top_level(model))
    assert {"alpha", "beta_tech", "trend", "sigma_country", "sigma_industry",
            "sigma_slope"} <= scaled
    # group-level effects have priors that depend on other parameters
    assert not scaled & {"b_industry", "a_country", "slope_country"}


def test_command_without_refits(tiny_result, tmp_path, capsys):
    from servmodel.cli import main

    path, _ = tiny_result
    assert main(["sensitivity-prior", str(path), "--no-refit", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Power-scaling" in out and "the top level of the hierarchy" in out
    table = pd.read_csv(tmp_path / "tiny_psens.csv")
    assert {"alpha", "beta_tech", "trend", "sigma_slope"} <= set(table["parameter"])
    assert "slope_country[K00]" in set(table["parameter"])   # a key quantity, per country
    assert set(table["verdict"]) <= {"prior-sensitive", "likelihood-sensitive",
                                     "prior-data conflict", "weak likelihood", "undetermined"}
    assert not (tmp_path / "tiny_prior_refits.csv").exists()


def test_command_rejects_files_that_are_not_results(tmp_path, capsys):
    from servmodel.cli import main

    bad = tmp_path / "x.nc"
    bad.write_text("not netcdf")
    assert main(["sensitivity-prior", str(bad), "--no-refit"]) == 1
    assert "not a netCDF file" in capsys.readouterr().err


@pytest.mark.slow
def test_refits_with_scaled_priors(tiny_result, tmp_path, capsys):
    """Two short nutpie refits (compiling the model takes most of the time)."""
    from servmodel.cli import main

    path, _ = tiny_result
    assert main(["sensitivity-prior", str(path), "--out", str(tmp_path), "--draws", "100",
                 "--tune", "100", "--chains", "2", "--no-progress"]) == 0
    refits = pd.read_csv(tmp_path / "tiny_prior_refits.csv")
    assert set(refits["scale"]) == {0.5, 1.0, 2.0}
    assert np.isfinite(refits["shift_sd"]).all()
    assert "refit with prior scales x0.5" in capsys.readouterr().out
