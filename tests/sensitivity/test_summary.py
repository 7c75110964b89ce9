"""Summary, choice medians and variance decomposition on hand-made results."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from servmodel.sensitivity import by_choice, decompose, summarize


def table(estimates, p_values, sd_y=None, target="t", **columns):
    n = len(estimates)
    est = np.asarray(estimates, dtype=float)
    frame = pd.DataFrame({"target": [target] * n, "estimate": est,
                          "p_value": np.asarray(p_values, dtype=float)})
    sd = np.ones(n) if sd_y is None else np.asarray(sd_y, dtype=float)
    frame["estimate_sd"] = est / sd
    for k, v in columns.items():
        frame[k] = v
    return frame


def test_summary_counts_signs_and_significance():
    t = table([-3.0, -2.0, -1.0, 0.5, 4.0], [0.01, 0.2, 0.04, 0.03, 0.5])
    s = summarize(t, scale="raw").iloc[0]
    assert s["specifications"] == 5
    assert s["median"] == -1.0
    assert (s["q25"], s["q75"]) == (-2.0, 0.5)
    assert s["iqr"] == 2.5
    assert (s["min"], s["max"]) == (-3.0, 4.0)
    assert s["sign"] == -1
    assert s["share_same_sign"] == pytest.approx(3 / 5)
    assert s["share_positive"] == pytest.approx(2 / 5)
    assert s["share_negative"] == pytest.approx(3 / 5)
    assert s["share_significant"] == pytest.approx(3 / 5)       # 0.01, 0.04, 0.03
    assert s["share_significant_same_sign"] == pytest.approx(2 / 5)  # -3 and -1


def test_sd_scale_changes_magnitudes_not_signs():
    t = table([2.0, 4.0, -1.0], [0.01, 0.01, 0.9], sd_y=[2.0, 8.0, 1.0])
    raw = summarize(t, "raw").iloc[0]
    sd = summarize(t, "sd").iloc[0]
    assert raw["median"] == 2.0
    assert sd["median"] == 0.5   # 1.0, 0.5, -1.0
    for k in ("sign", "share_same_sign", "share_significant"):
        assert raw[k] == sd[k]


def test_summary_per_target_in_order():
    t = pd.concat([table([1.0, 2.0], [0.01, 0.01], target="b"),
                   table([-1.0], [0.5], target="a")])
    s = summarize(t, "raw")
    assert list(s["target"]) == ["b", "a"]
    assert list(s["share_significant"]) == [1.0, 0.0]


def test_by_choice_medians_and_shifts():
    t = table([1.0, 3.0, 10.0, 12.0], [0.01, 0.2, 0.01, 0.01],
              definition=["kibs", "kibs", "broad", "broad"])
    out = by_choice(t, ["definition"], "raw").set_index("choice")
    assert out.loc["kibs", "median"] == 2.0
    assert out.loc["broad", "median"] == 11.0
    assert out.loc["kibs", "shift"] == 2.0 - 6.5
    assert out.loc["kibs", "share_significant"] == 0.5


def test_decomposition_of_an_additive_balanced_grid():
    # estimate = a[definition] + b[measure]: balanced and additive, so each dimension's
    # share is its own variance over the total and nothing is left
    a = {"kibs": -2.0, "standard": 0.0, "broad": 2.0}
    b = {"direct": -1.0, "total": 1.0}
    cells = list(itertools.product(a, b))
    est = [a[d] + b[m] for d, m in cells]
    t = table(est, [0.01] * len(est), definition=[d for d, _ in cells],
              measure=[m for _, m in cells], estimator=["fe"] * len(est))
    out = decompose(t, ["definition", "measure", "estimator"], "raw").set_index("dimension")
    var_a, var_b = np.var(list(a.values())), np.var(list(b.values()))
    assert out.loc["definition", "share"] == pytest.approx(var_a / (var_a + var_b))
    assert out.loc["measure", "share"] == pytest.approx(var_b / (var_a + var_b))
    assert out.loc["interactions and residual", "share"] == pytest.approx(0.0, abs=1e-12)
    assert "estimator" not in out.index   # one choice only: nothing to explain


def test_decomposition_shares_add_up_in_an_unbalanced_grid():
    rng = np.random.default_rng(1)
    cells = [c for c in itertools.product(["k", "p", "s"], ["d", "t"], ["fe", "re"])
             if c != ("k", "t", "re")]
    est = rng.normal(size=len(cells)) + np.array([{"k": 1, "p": 0, "s": -1}[c[0]]
                                                   for c in cells])
    t = table(est, [0.5] * len(cells), definition=[c[0] for c in cells],
              measure=[c[1] for c in cells], estimator=[c[2] for c in cells])
    out = decompose(t, ["definition", "measure", "estimator"], "raw")
    assert out["share"].sum() == pytest.approx(1.0)
    assert out.iloc[0]["dimension"] == "definition"
