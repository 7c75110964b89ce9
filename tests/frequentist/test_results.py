"""The result type: tidy() layout and numbers, read-only, JSON round trip, foreign files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from servmodel.errors import ResultError
from servmodel.frequentist import fit, hausman_from_specs
from servmodel.results import (
    FORMAT_TAG,
    TIDY_COLUMNS,
    HausmanResult,
    PanelResult,
    load_result,
)
from tests.frequentist.helpers import make_spec

LOG = {"transform": "log", "zeros": "drop"}


@pytest.fixture(scope="module")
def result(wiod_panel):
    return fit(make_spec("tech_score + center(trend) + tech_score:center(trend)", "mundlak",
                         dependent=LOG, cov="clustered", cluster="country"), wiod_panel)


def test_tidy_columns_and_values(result):
    t = result.tidy(level=0.9)
    assert tuple(t.columns) == TIDY_COLUMNS
    assert list(t["term"]) == list(result.terms)
    se = np.sqrt(np.diag(result.cov.to_numpy()))
    np.testing.assert_allclose(t["std_error"], se, rtol=1e-15)
    np.testing.assert_allclose(t["statistic"], t["estimate"] / se, rtol=1e-15)
    df = result.inference.df
    assert df == 39
    crit = stats.t.ppf(0.95, df)
    np.testing.assert_allclose(t["conf_low"], t["estimate"] - crit * se, rtol=1e-12)
    np.testing.assert_allclose(t["p_value"], 2 * stats.t.sf(np.abs(t["statistic"]), df),
                               rtol=1e-12)


def test_read_only(result):
    with pytest.raises(AttributeError):
        result.params = None  # type: ignore[misc]
    p = result.params
    p.iloc[0] = 99.0  # a copy: the result is unchanged
    assert result.params.iloc[0] != 99.0
    with pytest.raises(ValueError):
        result._params[0] = 1.0  # noqa: SLF001 - the stored array is not writeable


def test_provenance(result, wiod_panel):
    assert result.fingerprint == wiod_panel.fingerprint()
    assert set(result.versions) >= {"python", "servmodel", "linearmodels", "numpy", "pandas"}
    assert result.spec.frequentist.estimator == "mundlak"
    assert result.sample.dependent == "log(direct)"
    assert result.sample.trend_origin == 1995
    assert dict(result.sample.dropped) == {"direct exactly 0 (log undefined)": 28}


def test_json_round_trip(result, tmp_path):
    path = result.save(tmp_path / "m.json")
    back = load_result(path)
    assert isinstance(back, PanelResult)
    assert back.terms == result.terms
    np.testing.assert_array_equal(back.params.to_numpy(), result.params.to_numpy())
    np.testing.assert_array_equal(back.cov.to_numpy(), result.cov.to_numpy())
    assert back.tidy().equals(result.tidy())
    assert back.spec == result.spec
    assert back.fit == result.fit
    assert back.sample == result.sample
    assert back.tests == result.tests
    assert back.notes == result.notes
    assert back.inference == result.inference
    assert back.fingerprint == result.fingerprint
    assert back.to_dict() == result.to_dict()
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_hausman_round_trip(wiod_panel, tmp_path):
    h = hausman_from_specs(
        make_spec("trend + log(output)", "fe", dependent=LOG, cov="clustered",
                  cluster="country"),
        make_spec("trend + log(output)", "re", dependent=LOG), wiod_panel)
    assert "refit with the unadjusted covariance" in h.notes[0]
    back = load_result(h.save(tmp_path / "h.json"))
    assert isinstance(back, HausmanResult) and back == h


@pytest.mark.parametrize(("content", "message"), [
    ('{"a": 1}', "not a servmodel result"),
    ("[1, 2]", "not a servmodel result"),
    ("not json", "not a JSON file"),
    (json.dumps({"format": FORMAT_TAG, "format_version": 99, "kind": "panel", "result": {}}),
     "newer than this servmodel reads"),
    (json.dumps({"format": FORMAT_TAG, "format_version": 1, "kind": "quantile", "result": {}}),
     "unknown result kind 'quantile'"),
    (json.dumps({"format": FORMAT_TAG, "format_version": 1, "kind": "bayes", "result": {}}),
     "damaged bayes result"),
    (json.dumps({"format": FORMAT_TAG, "format_version": 1, "kind": "panel",
                 "result": {"terms": []}}), "damaged panel result"),
])
def test_foreign_or_damaged_json(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(ResultError, match=message) as err:
        load_result(path)
    assert str(path) in str(err.value)


def test_missing_result_file(tmp_path):
    with pytest.raises(ResultError, match="does not exist"):
        load_result(tmp_path / "nope.json")


def test_nan_survives_the_round_trip(result, tmp_path):
    d = result.to_dict()
    d["fit"]["r2_between"] = float("nan")
    path = tmp_path / "nan.json"
    from servmodel.results.serialize import save_payload

    save_payload("panel", d, path)
    assert "NaN" not in path.read_text()  # strict JSON
    assert np.isnan(load_result(path).fit.r2_between)


def test_summary_text(result):
    text = result.summary()
    assert "Mundlak" in text and "tech_score" in text and "Clusters (country)" in text
    assert "Note: 28 rows dropped" in text


def test_fit_many_keeps_the_order(wiod_panel):
    from servmodel.frequentist import fit_many

    specs = [make_spec("trend", est, dependent=LOG) for est in ("pooled", "re", "between")]
    specs = [s.replace(name=n) for s, n in zip(specs, ("a", "b", "c"), strict=True)]
    assert [r.name for r in fit_many(specs, wiod_panel)] == ["a", "b", "c"]
