"""Models on a covariate the user merged into the panel (an R&D intensity in place of the
OECD technology class)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import SpecError
from servmodel.frequentist import fit
from servmodel.intensity import merge_covariates
from tests.frequentist.helpers import log_standard_frame, make_spec
from tests.optional import require

LOG = {"transform": "log", "zeros": "drop"}


@pytest.fixture(scope="module")
def rd_panel(wiod_panel):
    """R&D intensity by industry and year (made up, smooth in time); missing for c16."""
    rng = np.random.default_rng(5)
    industries = sorted(set(wiod_panel.frame["industry"]) - {"c16"})
    rows = [{"industry": i, "year": y, "rd": float(base + 0.05 * (y - 1995))}
            for i, base in zip(industries, rng.uniform(0.2, 6.0, len(industries)), strict=True)
            for y in range(1995, 2012)]
    merged, missing = merge_covariates(wiod_panel, pd.DataFrame(rows))
    assert 0 < missing["rd"] < 0.1
    return merged


def test_pooled_on_merged_covariate_matches_statsmodels(rd_panel):
    sm = require("statsmodels.formula.api")
    res = fit(make_spec("rd + trend", "pooled", dependent=LOG, cov="clustered",
                        cluster="country"), rd_panel)
    f = log_standard_frame(rd_panel).dropna(subset=["rd"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.ols("y ~ rd + trend", data=f).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(f["country"])[0]})
    for term in ("Intercept", "rd", "trend"):
        assert res.params[term] == pytest.approx(ref.params[term], rel=1e-8)
        assert res.std_errors[term] == pytest.approx(ref.bse[term], rel=1e-6)
    # rows without an R&D value are dropped, counted and reported
    dropped = dict(res.sample.dropped)
    assert dropped["missing regressor value"] == int(
        (log_standard_frame(rd_panel)["rd"].isna()).sum())
    assert any("missing regressor value" in n for n in res.notes)
    assert res.nobs == len(f)


def test_fixed_effects_on_time_varying_covariate(rd_panel):
    res = fit(make_spec("rd", "fe", effects="entity", dependent=LOG, cov="clustered",
                        cluster="country"), rd_panel)
    assert res.terms == ("Intercept", "rd")  # the average effect, as xtreg's _cons
    assert np.isfinite(res.std_errors["rd"])


def test_unknown_covariate_names_the_allowed_variables(wiod_panel):
    with pytest.raises(SpecError) as err:
        fit(make_spec("rd + trend", "pooled", dependent=LOG), wiod_panel)
    msg = str(err.value)
    assert "test.toml" in msg and "formula" in msg and "'rd'" in msg
    assert "tech_score" in msg and "trend" in msg and "--covariates" in msg
