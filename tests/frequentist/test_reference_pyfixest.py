"""Estimates on the embedded panel against pyfixest (an independent implementation of
fixest), computed in the test: coefficients to 1e-8 relative, standard errors to 1e-6.

The conventions compared are Stata's and fixest's: clustered covariances scaled by
(n - 1) / (n - k) x G / (G - 1) with fixed effects nested in the clusters not counted in k,
t(G - 1) tests; heteroskedasticity-robust (HC1) and unadjusted covariances with every
fixed effect counted.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from servmodel.frequentist import fit
from tests.frequentist.helpers import log_standard_frame, make_spec
from tests.optional import require

pf = require("pyfixest")

LOG = {"transform": "log", "zeros": "drop"}


@pytest.fixture(scope="module")
def frame(wiod_panel):
    return log_standard_frame(wiod_panel)


def _pyfixest(formula, data, vcov, weights=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols(formula, data=data, vcov=vcov, weights=weights, fixef_rm="none")


def _compare(ours, ref, mapping, p_values=True):  # noqa: FBT002
    """mapping: our term -> pyfixest's coefficient name."""
    for term, ref_name in mapping.items():
        b, se = ours.params[term], ours.std_errors[term]
        assert b == pytest.approx(ref.coef()[ref_name], rel=1e-8), term
        assert se == pytest.approx(ref.se()[ref_name], rel=1e-6), term
        if p_values:
            row = ours.tidy().set_index("term").loc[term]
            assert row["statistic"] == pytest.approx(ref.tstat()[ref_name], rel=1e-6), term
            # p-values amplify the last digits of t in the tails; 1e-4 still tells t(G - 1)
            # from t(n - k) or the normal apart
            assert row["p_value"] == pytest.approx(ref.pvalue()[ref_name], rel=1e-4), term
    assert ours.nobs == ref._N


@pytest.mark.parametrize(("cluster", "vcov"), [
    ("country", {"CRV1": "country"}),
    ("entity", {"CRV1": "entity"}),
])
def test_pooled_clustered(wiod_panel, frame, cluster, vcov):
    spec = make_spec("tech_score + trend + tech_score:trend", "pooled", dependent=LOG,
                     cov="clustered", cluster=cluster)
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ tech_score + trend + ts_trend", frame, vcov)
    _compare(ours, ref, {"Intercept": "Intercept", "tech_score": "tech_score", "trend": "trend",
                         "tech_score:trend": "ts_trend"})


def test_pooled_robust(wiod_panel, frame):
    spec = make_spec("tech_score + trend", "pooled", dependent=LOG, cov="robust")
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ tech_score + trend", frame, "hetero")
    _compare(ours, ref, {"Intercept": "Intercept", "tech_score": "tech_score", "trend": "trend"})


@pytest.mark.parametrize(("cluster", "vcov"), [
    ("entity", {"CRV1": "entity"}),
    ("country", {"CRV1": "country"}),
])
def test_fe_oneway_clustered(wiod_panel, frame, cluster, vcov):
    spec = make_spec("trend + tech_score:trend + log(output)", "fe", effects="entity",
                     dependent=LOG, cov="clustered", cluster=cluster)
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ trend + ts_trend + log_output | entity", frame, vcov)
    _compare(ours, ref, {"trend": "trend", "tech_score:trend": "ts_trend",
                         "log(output)": "log_output"})


@pytest.mark.parametrize(("cluster", "vcov"), [
    ("entity", {"CRV1": "entity"}),
    ("country", {"CRV1": "country"}),
])
def test_fe_twoway_clustered(wiod_panel, frame, cluster, vcov):
    spec = make_spec("tech_score:trend + log(output)", "fe", effects="twoway", dependent=LOG,
                     cov="clustered", cluster=cluster)
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ ts_trend + log_output | entity + year", frame, vcov)
    _compare(ours, ref, {"tech_score:trend": "ts_trend", "log(output)": "log_output"})


@pytest.mark.parametrize(("cov", "vcov"), [("unadjusted", "iid"), ("robust", "hetero")])
def test_fe_twoway_iid_and_robust(wiod_panel, frame, cov, vcov):
    spec = make_spec("tech_score:trend + log(output)", "fe", effects="twoway", dependent=LOG,
                     cov=cov)
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ ts_trend + log_output | entity + year", frame, vcov)
    _compare(ours, ref, {"tech_score:trend": "ts_trend", "log(output)": "log_output"})


def test_fe_twoway_weighted_by_output(wiod_panel, frame):
    spec = make_spec("tech_score:trend + log(output)", "fe", effects="twoway", dependent=LOG,
                     cov="clustered", cluster="country", weights="output")
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ ts_trend + log_output | entity + year", frame, {"CRV1": "country"},
                    weights="output")
    _compare(ours, ref, {"tech_score:trend": "ts_trend", "log(output)": "log_output"})


def test_fe_time_effects_clustered_by_year(wiod_panel, frame):
    """Time effects nested in year clusters: not counted, as fixest does."""
    spec = make_spec("tech_score + log(output)", "fe", effects="time", dependent=LOG,
                     cov="clustered", cluster="year")
    ours = fit(spec, wiod_panel)
    ref = _pyfixest("y ~ tech_score + log_output | year", frame, {"CRV1": "year"})
    _compare(ours, ref, {"tech_score": "tech_score", "log(output)": "log_output"})


def test_fit_statistics_of_the_fe_model(wiod_panel, frame):
    spec = make_spec("tech_score:trend", "fe", effects="twoway", dependent=LOG,
                     cov="clustered", cluster="country")
    ours = fit(spec, wiod_panel)
    assert ours.fit.entities == frame["entity"].nunique()
    assert ours.fit.periods == frame["year"].nunique()
    assert ours.fit.clusters == (("country", frame["country"].nunique()),)
    ref = _pyfixest("y ~ ts_trend | entity + year", frame, {"CRV1": "country"})
    assert ours.fit.r2 == pytest.approx(ref._r2_within, rel=1e-8)
    # one restriction: F = t^2, compared on G - 1 denominator degrees of freedom
    t = ours.tidy().set_index("term").loc["tech_score:trend", "statistic"]
    assert ours.fit.f_test.statistic == pytest.approx(t ** 2, rel=1e-10)
    assert ours.fit.f_test.df_denom == frame["country"].nunique() - 1
    assert np.isfinite(ours.fit.r2_overall)


def test_pooled_twoway_clustered(wiod_panel, frame):
    """Cameron, Gelbach and Miller (2011) two-way clustering, each of the three one-way
    covariances scaled by its own G / (G - 1) (fixest's G_df = "conventional")."""
    spec = make_spec("tech_score + trend", "pooled", dependent=LOG, cov="clustered",
                     cluster=["entity", "year"])
    ours = fit(spec, wiod_panel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols("y ~ tech_score + trend", data=frame, vcov={"CRV1": "entity+year"},
                       ssc=pf.ssc(G_df="conventional"))
    _compare(ours, ref, {"tech_score": "tech_score", "trend": "trend"})
    assert ours.inference.df == frame["year"].nunique() - 1  # t(min(G) - 1)


def test_pooled_driscoll_kraay_against_statsmodels(wiod_panel, frame):
    """statsmodels' hac-groupsum (without its T / (T - 1) correction) is the Driscoll-Kraay
    covariance without the n / (n - k) factor that servmodel (linearmodels, debiased)
    applies."""
    sm = require("statsmodels.api")
    spec = make_spec("tech_score + trend", "pooled", dependent=LOG, cov="driscoll_kraay",
                     bandwidth=2)
    ours = fit(spec, wiod_panel)
    x = sm.add_constant(frame[["tech_score", "trend"]].to_numpy())
    ref = sm.OLS(frame["y"].to_numpy(), x).fit(
        cov_type="hac-groupsum",
        cov_kwds={"time": frame["year"].to_numpy() - 1995, "maxlags": 2,
                  "use_correction": False})
    n, k = x.shape
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params, rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors.to_numpy(), ref.bse * np.sqrt(n / (n - k)),
                               rtol=1e-6)
    assert ours.inference.df == frame["year"].nunique() - 1


@pytest.mark.parametrize(("formula", "ref_formula", "cov", "vcov", "terms"), [
    ("tech_score + trend", "y ~ tech_score + trend", {"cov": "robust"}, "hetero",
     {"tech_score": "tech_score", "trend": "trend"}),
    ("tech_score:trend", "y ~ ts_trend | entity + year",
     {"cov": "clustered", "cluster": "country"}, {"CRV1": "country"},
     {"tech_score:trend": "ts_trend"}),
])
def test_without_small_sample_correction(wiod_panel, frame, formula, ref_formula, cov, vcov,
                                         terms):
    """small_sample = false: HC0 and the plain cluster sandwich, normal inference."""
    estimator = "fe" if "|" in ref_formula else "pooled"
    extra = {"effects": "twoway"} if estimator == "fe" else {}
    ours = fit(make_spec(formula, estimator, dependent=LOG, small_sample=False, **cov, **extra),
               wiod_panel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols(ref_formula, data=frame, vcov=vcov, fixef_rm="none",
                       ssc=pf.ssc(k_adj=False, G_adj=False))
    _compare(ours, ref, terms, p_values=False)
    assert ours.inference.distribution == "normal"
    row = ours.tidy().iloc[-1]
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(row["statistic"])), rel=1e-12)


def test_driscoll_kraay_automatic_bandwidth_is_the_one_reported(wiod_panel):
    auto = fit(make_spec("tech_score + trend", "pooled", dependent=LOG,
                         cov="driscoll_kraay"), wiod_panel)
    assert "bandwidth 2, automatic" in auto.fit.cov_type  # floor(4 (17 / 100)^(2/9))
    given = fit(make_spec("tech_score + trend", "pooled", dependent=LOG,
                          cov="driscoll_kraay", bandwidth=2), wiod_panel)
    np.testing.assert_allclose(auto.std_errors, given.std_errors, rtol=1e-12)
