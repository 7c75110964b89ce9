"""The Bayesian commands and API on small saved results whose draws come from the prior (no
sampler compiles): what they print, what they refuse, and how they say so."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import arviz as az
import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from servmodel.errors import ResultError, SpecError, UsageError
from servmodel.results.bayes import BayesInfo, CredibleInterval, LooSummary
from servmodel.spec import parse_spec
from servmodel.spec.bayes import SamplerSettings
from tests.bayes.synthetic import synthetic_rows

_SPEC = parse_spec({"name": "m", "data": {"definition": "standard", "measure": "direct"},
                    "bayes": {}})


def _info(chains: int) -> BayesInfo:
    """What print_bayes reads of a fit's information."""
    return BayesInfo(family="beta", zeros="hurdle", n_zeros=0, n_obs=10,
                     sampler=SamplerSettings(chains=chains, draws=500, tune=500, seed=1),
                     compile_seconds=1.0, sampling_seconds=1.0, zero_handling="none",
                     interval=CredibleInterval("eti", 0.95),
                     loo=LooSummary(elpd=1.0, se=0.1, p=1.0, pareto_k_over_07=0))


def _rows() -> pd.DataFrame:
    """Four countries, four industries, 2000-2005; K03 has no rows in 2003."""
    rows = synthetic_rows(n_countries=4, n_industries=4, years=range(2000, 2006), seed=1)
    rows["direct"] = np.random.default_rng(2).beta(4, 30, size=len(rows))
    keep = ~((rows["country"] == "K03") & (rows["year"] == 2003))
    return rows[keep].reset_index(drop=True)


def prior_result(name: str, bayes: dict, rows: pd.DataFrame, chains: int = 2, draws: int = 50):
    """A BayesResult whose 'posterior' is prior draws, with the pointwise log-likelihood."""
    import pymc as pm

    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import build_model
    from servmodel.bayes.summary import posterior_tidy
    from servmodel.results.bayes import BayesResult
    from servmodel.spec import parse_spec

    spec = parse_spec({"name": name, "data": {"definition": "standard", "measure": "direct"},
                       "bayes": bayes})
    data = prepare_data(rows, "direct", name)
    model = build_model(spec.bayes, data)
    with model:
        prior = pm.sample_prior_predictive(draws=chains * draws, random_seed=5,
                                           compile_kwargs={"mode": "FAST_COMPILE"})
    names = [v.name for v in model.free_RVs] + [v.name for v in model.deterministics]
    flat = prior.prior[[n for n in names if n in prior.prior]].isel(chain=0, drop=True)
    post = flat.coarsen(draw=draws).construct(draw=("chain", "draw"))
    idata = az.InferenceData(posterior=post.assign_coords(chain=range(chains),
                                                          draw=range(draws)))
    with model:
        pm.compute_log_likelihood(idata, progressbar=False,
                                  compile_kwargs={"mode": "FAST_COMPILE"})
    return BayesResult(name=name, spec=spec, summary=posterior_tidy(idata),
                       info=BayesInfo(sampler=spec.bayes.sampling),
                       idata=idata, rows=data.frame)


HIER = {"intercepts": ["country", "industry"], "country_slopes": True}
POOLED = {"intercepts": [], "country_slopes": False}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("usability")
    rows = _rows()
    paths = {}
    for name, bayes in (("hier", HIER), ("pooled", POOLED)):
        paths[name], _ = prior_result(name, bayes, rows).save(d / f"{name}.nc")
    return paths


# ------------------------------------------------------------------ contrast
def test_contrast_prints_no_sampling_line(saved, capsys, caplog):
    """PyMC logs "Sampling: []" when it evaluates a deterministic; that is no news."""
    caplog.set_level(logging.INFO, logger="pymc")
    assert main(["contrast", str(saved["hier"]), "--country", "K00", "--versus", "K01,oecd",
                 "--year", "2005"]) == 0
    out, err = capsys.readouterr()
    assert "P(K00 lowest of 4 economies)" in out
    assert "Sampling" not in err
    assert not [r for r in caplog.records if "Sampling" in r.getMessage()]


def test_contrast_with_a_comparator_absent_that_year(saved, capsys):
    """K03 is a country of the model but has no rows in 2003: it is not a group."""
    assert main(["contrast", str(saved["hier"]), "--country", "K00", "--versus", "K03",
                 "--year", "2003"]) == 2
    err = capsys.readouterr().err
    assert "error: comparator K03 has no observations in 2003" in err
    assert "choose another year" in err and "Traceback" not in err


def test_contrast_of_an_absent_country_names_the_years(saved, capsys):
    assert main(["contrast", str(saved["hier"]), "--country", "K03", "--versus", "K00",
                 "--year", "2003"]) == 2
    err = capsys.readouterr().err
    assert "K03 has no observations in 2003" in err and "2000-2002, 2004-2005" in err


# ------------------------------------------------------------------ compare
def test_compare_accepts_models_of_the_same_sample(saved, capsys):
    assert main(["compare", str(saved["hier"]), str(saved["pooled"])]) == 0
    assert "Model comparison by LOO" in capsys.readouterr().out


def test_compare_api_refuses_different_samples():
    from servmodel.bayes import compare_models

    rows = _rows()
    a = prior_result("a", POOLED, rows, draws=20)
    b = prior_result("b", POOLED, rows[rows["country"] != "K02"].reset_index(drop=True),
                     draws=20)
    with pytest.raises(UsageError, match=r"a and b were fit on different samples \(countries: "
                                         r"K02 only in a\)"):
        compare_models({"a": a, "b": b})
    # draws alone: the pointwise log-likelihood tells the samples apart
    with pytest.raises(UsageError, match=r"a and b were fit on different samples "
                                         r"\(observations 92 vs 68\)"):
        compare_models({"a": a.idata.copy(), "b": b.idata.copy()})


# ------------------------------------------------------------------ R-hat with one chain
def _draws(chains: int) -> az.InferenceData:
    rng = np.random.default_rng(0)
    return az.from_dict(posterior={"alpha": rng.normal(size=(chains, 500)),
                                   "beta_tech": rng.normal(size=(chains, 500))},
                        sample_stats={"diverging": np.zeros((chains, 500), dtype=bool)})


def test_rhat_with_one_chain_is_not_available(caplog):
    from servmodel.bayes.diagnostics import diagnose

    with caplog.at_level(logging.WARNING):
        d = diagnose(_draws(1))
    rhat = d.checks[0]
    assert rhat.name == "r_hat" and np.isnan(rhat.value) and not rhat.available
    assert not rhat.passed and not d.passed  # unchecked is not a pass (--strict exits 1)
    assert "R-hat needs 2+ chains" in d.verdict and "FAILED" not in d.verdict
    assert d.record().r_hat.available is False
    assert not [r for r in caplog.records if "Shape validation" in r.getMessage()]
    two = diagnose(_draws(2))
    assert two.checks[0].available and np.isfinite(two.checks[0].value)


def test_rhat_with_one_chain_prints_as_not_available(capsys):
    from servmodel.bayes.diagnostics import diagnose
    from servmodel.bayes.summary import posterior_tidy
    from servmodel.cli.bayes import print_bayes
    from servmodel.results.bayes import BayesResult

    idata = _draws(1)
    summary = posterior_tidy(idata)
    assert summary["r_hat"].isna().all()
    info = _info(chains=1)
    result = BayesResult(name="one", spec=_SPEC, summary=summary,
                         diagnostics=diagnose(idata).record(), info=info, idata=idata)
    print_bayes(result, [])
    out = capsys.readouterr().out
    assert not re.search(r"\binf\b|\bnan\b", out), out
    line = next(ln for ln in out.splitlines() if "r_hat" in ln and "1.01" in ln)
    assert "n/a" in line and "FAIL" not in line
    assert "R-hat needs 2+ chains" in " ".join(out.split())
    assert not result.passed


def test_fit_summary_keeps_brackets_of_terms(capsys):
    """Rich would read "[high]" and "[c10]" as markup and print "tech" and "b_industry"."""
    from servmodel.bayes.diagnostics import diagnose
    from servmodel.bayes.summary import posterior_tidy
    from servmodel.cli.bayes import print_bayes
    from servmodel.results.bayes import BayesResult

    idata = _draws(2)
    summary = posterior_tidy(idata)
    summary.loc[1, "term"] = "tech[high]"
    diagnostics = diagnose(idata).record()
    diagnostics = replace(
        diagnostics, ess_bulk=replace(diagnostics.ess_bulk, worst_parameter="b_industry[c10]"))
    print_bayes(BayesResult(name="m", spec=_SPEC, summary=summary, diagnostics=diagnostics,
                            info=_info(chains=2), idata=idata), [])
    out = capsys.readouterr().out
    assert "tech[high]" in out and "b_industry[c10]" in out


def test_posterior_predictive_logs_no_sampling_line(caplog):
    """`servmodel bayes` printed "Sampling: [y]" from PyMC between its own lines."""
    import pymc as pm

    from servmodel.bayes.sampling import add_posterior_predictive

    with pm.Model() as model:
        mu = pm.Normal("mu")
        pm.Normal("y", mu, 1.0, observed=np.zeros(5))
    idata = az.from_dict(posterior={"mu": np.zeros((2, 10))})
    caplog.set_level(logging.INFO, logger="pymc")
    add_posterior_predictive(idata, model, seed=1)
    assert "posterior_predictive" in idata.groups()
    assert not [r for r in caplog.records if "Sampling" in r.getMessage()]


# ------------------------------------------------------------------ help texts
def _commands():
    import typer

    from servmodel.cli import app

    group = typer.main.get_command(app)
    out = []
    for name, cmd in group.commands.items():
        subs = getattr(cmd, "commands", None)
        if subs:
            out += [([name, sub], c) for sub, c in subs.items()]
        else:
            out.append(([name], cmd))
    return out


COMMANDS = _commands()


@pytest.mark.parametrize(("args", "cmd"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS])
def test_help_keeps_square_brackets(args, cmd, capsys):
    """Rich reads "[bayes]" in a help text as markup and drops it unless it is escaped."""
    texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
    words = {w for t in texts for w in re.findall(r"\[[a-z_.]+\]", t)}
    assert main([*args, "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "\\[" not in shown
    for w in words:
        assert w in shown, f"{w} vanished from `servmodel {' '.join(args)} --help`"


@pytest.mark.parametrize(("args", "word"), [
    (["bayes"], "[bayes]"),
    (["sensitivity-prior"], "[prior]"),
])
def test_help_names_the_sections(args, word, capsys):
    assert main([*args, "--help"]) == 0
    assert word in capsys.readouterr().out


# ------------------------------------------------------------------ the Python API
@pytest.fixture(scope="module")
def hier(saved):
    from servmodel.bayes.data import prepare_data
    from servmodel.results.bayes import load_bayes

    r = load_bayes(saved["hier"])
    spec = r.spec
    return r, spec, prepare_data(r.rows, "direct", "hier", spec.bayes.zeros)


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"versus": "K01"}, UsageError, "versus must be a list .* not the string 'K01'"),
    ({"versus": []}, UsageError, "versus names no comparator"),
    ({"versus": ["K00"]}, UsageError, "comparator K00 is the country itself"),
    ({"versus": ["K01", "K01"]}, UsageError, "comparator K01 is listed twice"),
    ({"versus": [1]}, UsageError, "comparator 1 is neither"),
    ({"country": 7}, UsageError, "country 7 is not in the model's data"),
    ({"year": "2005"}, UsageError, "year must be a whole number such as 2011, not '2005'"),
    ({"year": 2005.5}, UsageError, "year must be a whole number"),
    ({"level": 95}, UsageError, "level 95 must be between 0 and 1"),
    ({"first_year": 1990}, UsageError, "no data for year 1990"),
    ({"idata": None}, UsageError, "idata must be the draws .* not NoneType"),
    ({"opts": {}}, UsageError, "opts must be the spec's BayesOptions"),
    ({"data": "rows"}, UsageError, "data must be a BayesData"),
])
def test_contrast_api_refuses_bad_arguments(hier, change, error, message):
    from servmodel.bayes import contrast

    r, spec, data = hier
    kwargs = {"idata": r.idata, "opts": spec.bayes, "data": data, "country": "K00",
              "versus": ["K01"], "year": 2005, **change}
    with pytest.raises(error, match=message):
        contrast(**kwargs)


@pytest.mark.parametrize(("models", "kwargs", "error", "message"), [
    (["a", "b"], {}, UsageError, "models must be a mapping of names to results"),
    ({"a": "a.nc", "b": "b.nc"}, {}, UsageError, "model 'a': 'a.nc' is a str; give"),
    ("pair", {"ic": "bic"}, UsageError, "unknown ic 'bic'; choose loo or waic"),
    ("summary", {}, ResultError, "hier: no draws"),
])
def test_compare_api_refuses_bad_arguments(saved, models, kwargs, error, message):
    from servmodel.bayes import compare_models
    from servmodel.results import load_result
    from servmodel.results.bayes import load_bayes

    if models == "pair":
        models = {k: load_bayes(p) for k, p in saved.items()}
    elif models == "summary":
        models = {"hier": load_result(saved["hier"].with_suffix(".json")),
                  "pooled": load_bayes(saved["pooled"])}
    with pytest.raises(error, match=message):
        compare_models(models, **kwargs)


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (("models/hier_beta.toml", "panel"), {}, "spec must be a ModelSpec.*load_spec"),
    (("SPEC", "panel.parquet"), {}, "panel must be an IntensityPanel"),
    (("SPEC", "PANEL"), {"settings": {"chains": 2}}, "settings must be SamplerSettings"),
    (("SPEC", "PANEL"), {"level": 1.5}, "level 1.5 must be between 0 and 1"),
    (("SPEC", "PANEL"), {"interval": "hpd"}, "unknown interval 'hpd'; choose one of eti, hdi"),
])
def test_fit_bayes_refuses_bad_arguments(monkeypatch, args, kwargs, message):
    import servmodel.bayes.fit
    from servmodel.bayes import fit_bayes
    from servmodel.intensity import IntensityPanel
    from servmodel.spec import parse_spec

    def refuse(*a, **k):
        raise AssertionError("sampling started before the arguments were checked")

    monkeypatch.setattr(servmodel.bayes.fit, "sample", refuse)
    spec = parse_spec({"name": "m", "data": {"definition": "standard"}, "bayes": POOLED})
    panel = IntensityPanel.__new__(IntensityPanel)
    real = {"SPEC": spec, "PANEL": panel}
    with pytest.raises(UsageError, match=message):
        fit_bayes(*[real.get(a, a) for a in args], **kwargs)


def test_with_settings_names_unknown_overrides():
    from servmodel.bayes.fit import with_settings
    from servmodel.spec.bayes import SamplerSettings

    with pytest.raises(UsageError, match="unknown sampler setting 'chain'; choose from"):
        with_settings(SamplerSettings(), chain=2)
    with pytest.raises(UsageError, match=r"--seed: -1 must be an integer between 0 and "):
        with_settings(SamplerSettings(), seed=-1)
    assert with_settings(SamplerSettings(), seed=2**64 - 1).seed == 2**64 - 1


def test_spec_seed_bounds():
    from servmodel.spec.bayes import SamplerSettings

    with pytest.raises(SpecError, match=r"seed: 18446744073709551616 must be an integer "
                                        r"between 0 and 2\*\*64 - 1"):
        SamplerSettings(seed=2**64)


# ------------------------------------------------------------------ prior sensitivity
def test_prior_sensitivity_parameter_names(saved):
    from servmodel.results.bayes import load_bayes
    from servmodel.sensitivity.grid import PriorPlan
    from servmodel.sensitivity.prior import prior_sensitivity

    r = load_bayes(saved["pooled"])
    with pytest.raises(SpecError, match=r"\[prior\] parameters: 'sigma_countyr' is not a "
                                        r"parameter .*did you mean 'sigma_country'"):
        prior_sensitivity(r, PriorPlan(parameters=("alpha", "sigma_countyr")), refit=False)
    # a parameter of other models (the pooled one has no country effects) is left out
    ps = prior_sensitivity(r, PriorPlan(parameters=("alpha", "sigma_country")), refit=False)
    assert "sigma_country" not in set(ps.psens["parameter"])
    with pytest.raises(UsageError, match="result must be a BayesResult.*load_bayes"):
        prior_sensitivity(saved["pooled"], refit=False)
    with pytest.raises(UsageError, match="plan must be a PriorPlan"):
        prior_sensitivity(r, {"scales": [0.5]}, refit=False)


def test_model_variables_are_listed():
    """MODEL_VARIABLES, against which parameter names are checked, holds every variable of
    every model the builder makes."""
    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import MODEL_VARIABLES, build_model
    from servmodel.spec.bayes import BayesOptions

    data = prepare_data(_rows(), "direct", "t")
    seen: set[str] = set()
    for opts in (
        BayesOptions(cells=True, tech="class", parameterization="naive",
                     family="logitnormal"),
        BayesOptions(cells=True, tech="score", zeros="squeeze"),
        BayesOptions(cells=True, cell_slopes=True, country_years=True, tech="score"),
        BayesOptions(cells=True, cell_slopes=True, country_years=True, tech="score",
                     parameterization="naive"),
    ):
        model = build_model(opts, data)
        seen |= {v.name for v in (*model.free_RVs, *model.deterministics)}
    seen -= {"y"}
    assert seen == set(MODEL_VARIABLES)
