"""Each bad input gives a clear error naming the spec and what to do, never a bare
linear-algebra or pandas error."""

from __future__ import annotations

import numpy as np
import pytest

from servmodel.errors import DataError, EstimationError, SpecError
from servmodel.frequentist import fit, hausman
from tests.frequentist.helpers import make_spec, toy_panel

LOG = {"transform": "log", "zeros": "drop"}


def test_singular_design(wiod_panel):
    with pytest.raises(EstimationError, match=r"test.toml: singular design: .*trend.* linear "
                       r"combination"):
        fit(make_spec("trend + I(2 * trend)", "pooled", dependent=LOG), wiod_panel)


def test_constant_regressor_in_the_sample(wiod_panel):
    with pytest.raises(EstimationError, match="korea is 0 in every observation"):
        fit(make_spec("korea + trend", "pooled", dependent=LOG,
                      data={"countries": ["USA", "JPN"]}), wiod_panel)


def test_all_observations_filtered_out(wiod_panel):
    with pytest.raises(EstimationError, match="leaves no observations"):
        fit(make_spec("trend", "pooled", dependent=LOG,
                      data={"countries": ["KOR"], "exclude_countries": ["KOR"]}), wiod_panel)


def test_all_rows_dropped_by_the_zero_rule():
    panel = toy_panel(np.zeros(150))
    with pytest.raises(EstimationError, match="no observations left"):
        fit(make_spec("trend", "pooled", dependent=LOG), panel)


def test_single_cluster(wiod_panel):
    with pytest.raises(EstimationError, match=r"single cluster \(KOR\)"):
        fit(make_spec("trend", "pooled", dependent=LOG, data={"countries": ["KOR"]},
                      cov="clustered", cluster="country"), wiod_panel)


def test_unknown_column(wiod_panel):
    with pytest.raises(SpecError, match=r"test.toml: formula: unknown variable 'rnd'; "
                       r"allowed: .*tech_score"):
        fit(make_spec("rnd + trend", "pooled", dependent=LOG), wiod_panel)


def test_duplicate_panel_keys(wiod_panel):
    f = wiod_panel.frame
    dup = f.iloc[[0, 0]].copy()
    with pytest.raises(DataError, match="duplicate panel key"):
        fit(make_spec("trend", "pooled", dependent=LOG),
            __import__("pandas").concat([f, dup], ignore_index=True))


def test_log_of_zero_is_a_clear_error_not_nan(wiod_panel):
    spec = make_spec("trend", "pooled", dependent={"transform": "log", "zeros": "error"})
    with pytest.raises(EstimationError) as err:
        fit(spec, wiod_panel)
    msg = str(err.value)
    assert "28 rows of direct are exactly 0" in msg and "NaN" in msg
    assert "zeros = 'drop'" in msg


def test_negative_values_under_log():
    y = np.full(150, 0.1)
    y[7] = -0.5
    with pytest.raises(EstimationError, match=r"1 rows of direct are outside >= 0 \(e.g. C00 "
                       r"c4 2002"):
        fit(make_spec("trend", "pooled", dependent=LOG), toy_panel(y))


def test_logit_outside_unit_interval():
    y = np.full(150, 0.2)
    y[3] = 1.5
    with pytest.raises(EstimationError, match=r"outside \[0, 1\]"):
        fit(make_spec("trend", "pooled", dependent={"transform": "logit", "zeros": "drop"}),
            toy_panel(y))


@pytest.mark.parametrize(("formula", "effects", "absorbed", "advice"), [
    ("tech_score + trend", "entity", "tech_score", "tech_score:trend"),
    ("C(tech) + trend", "entity", "C(tech)", "mundlak"),
    ("korea:tech_score + trend", "entity", "korea:tech_score", "'re'"),
    ("trend + log(output)", "time", "trend", "year effects absorb"),
    ("tech_score:trend + trend", "twoway", "trend", "year effects absorb"),
])
def test_absorbed_by_fixed_effects(wiod_panel, formula, effects, absorbed, advice):
    with pytest.raises(EstimationError) as err:
        fit(make_spec(formula, "fe", effects=effects, dependent=LOG), wiod_panel)
    msg = str(err.value)
    assert msg.startswith(f"test.toml: {absorbed}") and advice in msg


def test_combination_absorbed_by_twoway_effects(wiod_panel):
    """tech_score + trend varies within units and within years but is a unit effect plus a
    year effect: linearmodels finds it after demeaning; the message still names it."""
    with pytest.raises(EstimationError, match=r"fixed effects absorb .*I\(tech_score \+ trend\)"):
        fit(make_spec("I(tech_score + trend) + log(output)", "fe", effects="twoway",
                      dependent=LOG), wiod_panel)


def test_collinear_after_demeaning(wiod_panel):
    with pytest.raises(EstimationError, match="after removing the entity effects"):
        fit(make_spec("trend + I(trend + tech_score)", "fe", dependent=LOG), wiod_panel)


def test_removed_by_first_differences(wiod_panel):
    with pytest.raises(EstimationError, match="tech_score does not change over time"):
        fit(make_spec("tech_score + trend", "fd", dependent=LOG), wiod_panel)


def test_between_cannot_estimate_a_balanced_trend():
    y = np.random.default_rng(0).normal(size=150) + 2
    with pytest.raises(EstimationError, match="between estimator: the entity means of trend"):
        fit(make_spec("trend", "between"), toy_panel(y))


def test_unknown_definition_country_year_industry(wiod_panel):
    with pytest.raises(SpecError, match=r"\[data\] definition: 'fire' is not in the panel; "
                       r"it holds broad, kibs, producer, standard"):
        fit(make_spec("trend", "pooled", data={"definition": "fire"}), wiod_panel)
    with pytest.raises(SpecError, match=r"\[data\] countries: 'XYZ' not in the panel"):
        fit(make_spec("trend", "pooled", data={"countries": ["XYZ"]}), wiod_panel)
    with pytest.raises(SpecError, match=r"\[data\] years: 2015 not in the panel"):
        fit(make_spec("trend", "pooled", data={"years": [2011, 2015]}), wiod_panel)
    with pytest.raises(SpecError, match=r"\[data\] industries: 'c40'"):
        fit(make_spec("trend", "pooled", data={"industries": ["c40"]}), wiod_panel)


def test_driscoll_kraay_bandwidth_too_large():
    y = np.random.default_rng(0).normal(size=150) + 2
    with pytest.raises(EstimationError, match="bandwidth = 5 must be below the number of years"):
        fit(make_spec("trend", "pooled", cov="driscoll_kraay", bandwidth=5), toy_panel(y))


def test_output_weights_need_positive_output():
    out = np.full(150, 100.0)
    out[4] = 0.0
    y = np.random.default_rng(0).normal(size=150) + 2
    with pytest.raises(EstimationError, match="weights = 'output': 1 rows"):
        fit(make_spec("trend", "pooled", weights="output"), toy_panel(y, output=out))


def test_hausman_refuses_robust_covariance_and_other_samples(wiod_panel):
    fe = fit(make_spec("trend", "fe", dependent=LOG, cov="clustered", cluster="country"),
             wiod_panel)
    re = fit(make_spec("trend", "re", dependent=LOG), wiod_panel)
    with pytest.raises(EstimationError, match="needs the unadjusted covariance"):
        hausman(fe, re)
    fe_u = fit(make_spec("trend", "fe", dependent=LOG, data={"years": "1995-2010"}),
               wiod_panel)
    with pytest.raises(EstimationError, match="not estimated on the same observations"):
        hausman(fe_u, re)
    with pytest.raises(EstimationError, match="must use estimator = 're'"):
        hausman(fe_u, fe_u)


def test_weak_cluster_designs_are_reported(wiod_panel):
    res = fit(make_spec("korea + trend", "pooled", dependent=LOG, cov="clustered",
                        cluster="country"), wiod_panel)
    assert any("korea is 1 in only 1 of 40 country clusters" in n and "MacKinnon" in n
               for n in res.notes)
    res = fit(make_spec("trend", "fe", dependent=LOG, data={"countries": ["KOR"]},
                        cov="clustered", cluster="industry"), wiod_panel)
    assert any("only 14 clusters (industry)" in n for n in res.notes)
    assert res.inference.df == 13
