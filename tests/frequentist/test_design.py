"""The design matrix: the fast path for plain numeric formulas equals formulaic's matrix;
non-finite regressors are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from formulaic import Formula

from servmodel.errors import EstimationError
from servmodel.frequentist import fit
from servmodel.frequentist.design import _STATELESS, _model_matrix
from tests.frequentist.helpers import make_spec, toy_panel


@pytest.mark.parametrize(
    "formula",
    [
        "a + b + a:b",
        "0 + a:b:c",
        "a*b + c",
        "log(c) + a",  # element-wise transform: cached, evaluated by the plan
        "exp(a):b + log2(c)",
        "center(a) + b",  # stateful (the mean of a): never cached
    ],
)
def test_cached_evaluation_equals_formulaic(formula):
    rng = np.random.default_rng(7)
    first = {v: rng.uniform(1, 2, 50) for v in ("a", "b", "c")}
    _model_matrix(formula, first, 50)  # first evaluation: formulaic, structure kept
    assert ((formula, ("a", "b", "c")) in _STATELESS) == ("center" not in formula)
    second = {v: rng.uniform(1, 2, 40) for v in ("a", "b", "c")}
    x, names = _model_matrix(formula, second, 40)  # new rows: the cached path
    ref = Formula(formula).get_model_matrix(pd.DataFrame(second), output="numpy")
    assert names == [str(c) for c in ref.model_spec.column_names]
    np.testing.assert_allclose(x, np.asarray(ref), rtol=1e-15)


def test_cached_transform_giving_nan_is_refused_by_formulaic():
    """A transform outside its domain gives formulaic's own error, cached or not."""
    rng = np.random.default_rng(3)
    _model_matrix("log(c) + a", {"a": rng.uniform(1, 2, 20), "c": rng.uniform(1, 2, 20)}, 20)
    c = rng.uniform(1, 2, 20)
    c[4] = -1.0
    # build_design evaluates formulas with NumPy's warnings off
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="contains null values"):
        _model_matrix("log(c) + a", {"a": rng.uniform(1, 2, 20), "c": c}, 20)


def test_infinite_regressor_is_refused():
    out = np.full(150, 100.0)
    out[[3, 9]] = 0.0
    y = np.random.default_rng(1).normal(size=150) + 2
    with pytest.raises(EstimationError, match=r"log\(output\) is infinite or NaN in 2 rows"):
        fit(make_spec("log(output) + trend", "pooled"), toy_panel(y, output=out))


@pytest.mark.parametrize(
    ("dependent", "label", "transform"),
    [
        ({"transform": "level"}, "share_intermediate", lambda v: v),
        ({"transform": "log", "zeros": "drop"}, "log(share_intermediate)", np.log),
        (
            {"transform": "log", "zeros": "offset", "offset": 0.001},
            "log(share_intermediate + 0.001)",
            lambda v: np.log(v + 0.001),
        ),
        (
            {"transform": "logit", "zeros": "drop"},
            "logit(share_intermediate)",
            lambda v: np.log(v / (1 - v)),
        ),
        (
            {"transform": "logit", "zeros": "offset", "offset": 0.001},
            "logit(share_intermediate + 0.001)",
            lambda v: np.log((v + 0.001) / (1 - v + 0.001)),
        ),
    ],
)
def test_dependent_transforms(wiod_panel, dependent, label, transform):
    """An intercept-only model estimates the mean of the transformed measure."""
    res = fit(
        make_spec("1", "pooled", dependent=dependent, data={"measure": "share_intermediate"}),
        wiod_panel,
    )
    f = wiod_panel.frame
    v = f.loc[f["definition"] == "standard", "share_intermediate"].dropna().to_numpy()
    n_missing = int(f.loc[f["definition"] == "standard", "share_intermediate"].isna().sum())
    if dependent.get("zeros") == "drop":
        # log drops exact zeros; logit also exact ones (share_intermediate has both)
        v = v[(v > 0) & ((v < 1) if dependent["transform"] == "logit" else True)]
    expected = transform(v)
    assert res.sample.dependent == label
    assert res.nobs == len(expected)
    assert res.params["Intercept"] == pytest.approx(expected.mean(), rel=1e-10)
    assert dict(res.sample.dropped)["missing share_intermediate"] == n_missing
    assert res.fit.f_test is None  # no slopes
