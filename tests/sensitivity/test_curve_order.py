"""The specification curve's order does not depend on rounding noise in the estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from servmodel.sensitivity.curve import sorted_by_value


def _table() -> pd.DataFrame:
    # four estimators x two covariances sharing two estimates, and one other estimate
    estimators = ["pooled", "fe", "re", "mundlak"] * 2
    return pd.DataFrame(
        {
            "spec_id": [f"s{k}" for k in range(9)],
            "estimator": [*estimators, "fd"],
            "estimate_sd": [-0.0277] * 4 + [0.0512] * 4 + [-0.1],
        }
    )


def test_ties_within_rounding_noise_keep_the_grid_order():
    table = _table()
    rng = np.random.default_rng(7)
    noisy = table.assign(
        estimate_sd=table["estimate_sd"] * (1 + rng.uniform(-3e-15, 3e-15, len(table)))
    )
    # the noise alone reorders a plain sort of the tied estimates ...
    plain = noisy.sort_values("estimate_sd", kind="stable")["spec_id"].tolist()
    assert plain[1:5] != ["s0", "s1", "s2", "s3"] or plain[5:] != ["s4", "s5", "s6", "s7"]
    # ... but not the curve's order, which is the exact values' order
    expected = ["s8", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"]
    assert sorted_by_value(table, "estimate_sd")["spec_id"].tolist() == expected
    assert sorted_by_value(noisy, "estimate_sd")["spec_id"].tolist() == expected


def test_values_apart_beyond_the_digits_are_sorted_and_missing_go_last():
    table = pd.DataFrame({"spec_id": ["a", "b", "c"], "v": [0.3, np.nan, 0.3 - 1e-8]})
    assert sorted_by_value(table, "v")["spec_id"].tolist() == ["c", "a", "b"]
