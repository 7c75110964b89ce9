"""The fast engine against one linearmodels fit per specification (frequentist.fit)."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest

from servmodel.errors import ServmodelError
from servmodel.frequentist import fit
from servmodel.sensitivity import Job, expand_grid, parse_grid, run_jobs

RTOL = 1e-8

GRID = {
    "name": "agreement",
    "targets": [
        {"name": "tech", "formula": "tech_score + center(trend) + log(output)",
         "term": "tech_score"},
        {"name": "tech_trend", "formula": "tech_score + center(trend) + "
         "tech_score:center(trend) + log(output)", "term": "tech_score:center(trend)"},
        {"name": "korea_trend", "formula": "trend", "term": "trend", "countries": ["KOR"],
         "dimensions": {"cov": ["clustered:industry", "driscoll_kraay", "robust"]}},
        {"name": "korea_gap", "formula": "korea + C(industry) + center(trend)",
         "term": "korea", "countries": ["oecd_last_year"]},
    ],
    "dimensions": {
        "definition": ["standard", "broad"],
        "measure": ["direct", "share_intermediate", "total"],
        "estimator": ["pooled", "fe", "fe_time", "fe_twoway", "re", "mundlak", "fd",
                      "between"],
        "transform": ["level", "log", "logit"],
        "sample": ["all", "oecd_last_year", "1995-2007", "without:CHN,MEX"],
        "cov": ["unadjusted", "robust", "clustered:country+year", "clustered:entity",
                "driscoll_kraay:2"],
    },
}


def _stratified(points, per_estimator: int, seed: int):
    """A seeded random subset with the same number of specifications per estimator."""
    by_estimator = defaultdict(list)
    for p in points:
        by_estimator[p.choices["estimator"]].append(p)
    rng = random.Random(seed)
    chosen = []
    for name in sorted(by_estimator):
        pool = by_estimator[name]
        chosen += rng.sample(pool, min(per_estimator, len(pool)))
    return chosen


@pytest.fixture(scope="module")
def chosen(wiod_panel):
    points = []
    for small_sample, per_estimator in ((True, 5), (False, 2)):
        grid = parse_grid({**GRID, "base": {"small_sample": small_sample}}, "agreement.toml")
        runnable = [p for p in expand_grid(grid, wiod_panel) if p.skip is None]
        points += _stratified(runnable, per_estimator, seed=20131 + small_sample)
    return points


@pytest.fixture(scope="module")
def outcomes(chosen, wiod_panel):
    return run_jobs([Job(p.key, p.spec, p.term) for p in chosen], wiod_panel)


def test_subset_is_large_and_covers_every_estimator(chosen):
    assert len(chosen) >= 50
    assert {p.choices["estimator"] for p in chosen} == {
        "pooled", "fe", "fe_time", "fe_twoway", "re", "mundlak", "fd", "between"}
    assert len({p.choices["cov"] for p in chosen}) >= 4


def test_estimates_and_standard_errors_match_linearmodels(chosen, outcomes, wiod_panel):
    compared = 0
    for point, outcome in zip(chosen, outcomes, strict=True):
        try:
            reference = fit(point.spec, wiod_panel)
        except ServmodelError as exc:
            # the engine refuses what fit refuses, with the same reason
            assert not outcome.ok, (point.choices, str(exc))
            assert outcome.reason in " ".join(str(exc).split()), (outcome.reason, str(exc))
            continue
        assert outcome.ok, (point.choices, outcome.reason)
        row = reference.tidy().set_index("term").loc[point.term]
        assert outcome.estimate == pytest.approx(row["estimate"], rel=RTOL, abs=0), point.choices
        assert outcome.std_error == pytest.approx(row["std_error"], rel=RTOL, abs=0), \
            point.choices
        inference = reference.inference
        assert outcome.df == (inference.df if inference.distribution == "t" else None)
        assert outcome.nobs == reference.nobs
        compared += 1
    assert compared >= 45


def test_fast_engine_used_where_it_applies(chosen, outcomes):
    engines = {(p.choices["estimator"], o.engine) for p, o in zip(chosen, outcomes, strict=True)
               if o.ok}
    assert ("between", "linearmodels") in engines
    assert {e for est, e in engines if est != "between"} == {"fwl"}
    assert all(np.isfinite(o.sd_y) and o.sd_y > 0 for o in outcomes if o.ok)


@pytest.mark.parametrize(("formula", "countries", "estimator", "effects"), [
    ("korea + trend", ["KOR"], "pooled", None),          # korea is the intercept
    ("C(tech):trend", ["all"], "fe", "twoway"),          # the tech trends add up to trend
    ("trend + tech_score", ["all"], "fe", "entity"),     # absorbed by the unit effects
    ("trend", ["KOR"], "re", None),                      # one cluster (country)
])
def test_engine_refuses_what_fit_refuses(formula, countries, estimator, effects, wiod_panel):
    """The same refusal, with the same message (the term is one the model would have)."""
    from servmodel.spec import parse_spec

    frequentist = {"estimator": estimator, "cov": "clustered", "cluster": "country"}
    if effects:
        frequentist["effects"] = effects
    spec = parse_spec({"name": "bad", "formula": formula, "frequentist": frequentist,
                       "data": {"definition": "standard", "countries": countries},
                       "dependent": {"transform": "log", "zeros": "drop"}}, source="bad.toml")
    outcome = run_jobs([Job("k", spec, "trend")], wiod_panel)[0]
    with pytest.raises(ServmodelError) as err:
        fit(spec, wiod_panel)
    assert not outcome.ok
    assert outcome.reason == " ".join(str(err.value).split()).removeprefix("bad.toml: ")
