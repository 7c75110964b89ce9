"""Merging one's own covariates into the real panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import DataError
from servmodel.intensity import merge_covariates


def test_industry_and_country_year_covariates(wiod_panel, tmp_path):
    rd = pd.DataFrame({"industry": [f"c{k}" for k in range(3, 17)],
                       "rd_intensity": np.linspace(0.1, 1.4, 14)})
    path = tmp_path / "rd.csv"
    rd.to_csv(path, index=False)
    merged, missing = merge_covariates(wiod_panel, path)
    f = merged.frame
    assert missing == {"rd_intensity": 0.0}
    assert merged.covariates == ("rd_intensity",)
    assert len(f) == len(wiod_panel.frame)
    assert (f.loc[f.industry == "c14", "rd_intensity"] == rd.set_index("industry").loc["c14"].iloc[0]).all()

    gdp = pd.DataFrame({"country": ["KOR"] * 17 + ["USA"] * 17,
                        "year": list(range(1995, 2012)) * 2,
                        "log_gdp": np.arange(34, dtype=float)})
    ppath = tmp_path / "gdp.parquet"
    gdp.to_parquet(ppath)
    merged2, missing2 = merge_covariates(merged, ppath)
    share_with_value = (wiod_panel.frame.country.isin(["KOR", "USA"])).mean()
    assert missing2["log_gdp"] == pytest.approx(1 - share_with_value)
    kor = merged2.frame[(merged2.frame.country == "KOR") & (merged2.frame.year == 2000)]
    assert (kor.log_gdp == 5.0).all()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"sector": ["c3"], "x": [1.0]}), "no key column"),
        (pd.DataFrame({"industry": ["c3", "c3"], "x": [1.0, 2.0]}), "appears more than once"),
        (pd.DataFrame({"industry": ["c3"], "direct": [1.0]}), "already exist in the panel"),
        (pd.DataFrame({"industry": ["c3", "c4"], "x": ["1.0", "high"]}), "holds 'high', not a number"),
        (pd.DataFrame({"country": ["Korea"], "x": [1.0]}), "no country value matches the panel"),
        (pd.DataFrame({"industry": ["c3"]}), "no covariate columns"),
    ],
)
def test_bad_covariates(wiod_panel, tmp_path, frame, message):
    path = tmp_path / "cov.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=message):
        merge_covariates(wiod_panel, path)
