"""Small inputs shared by the bad-input cases: a panel as `servmodel data build` writes it,
a sector mapping for the toy table, and a Bayesian result file made without sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servmodel.cli import main
from tests.intensity.toy import toy_long_rows


@pytest.fixture(scope="session")
def panel_file(tmp_path_factory) -> Path:
    """Three years of the standard definition, built from the embedded tables."""
    path = tmp_path_factory.mktemp("panel") / "panel.parquet"
    code = main(["--quiet", "data", "build", "--definition", "standard", "--years",
                 "2009-2011", "--out", str(path)])
    assert code == 0
    return path


@pytest.fixture()
def toy_frame() -> pd.DataFrame:
    """A valid three-country long-format IO table (countries A, B, C; industries m, s, o)."""
    return pd.DataFrame(toy_long_rows(2000))


@pytest.fixture()
def mapping_file(tmp_path) -> Path:
    """The toy table's sector mapping: m manufacturing (high tech), s producer service."""
    path = tmp_path / "sectors.csv"
    pd.DataFrame({"industry": ["m", "s", "o"],
                  "role": ["manufacturing", "producer_service", "other"],
                  "tech": ["high", "", ""]}).to_csv(path, index=False)
    return path


BAYES_SPEC = """
name = "fake"
[data]
definition = "standard"
measure = "direct"
countries = ["KOR", "MEX", "CHN"]
[bayes]
family = "beta"
zeros = "hurdle"
intercepts = ["country"]
tech = "score"
"""


@pytest.fixture(scope="session")
def bayes_file(panel_file, tmp_path_factory) -> Path:
    """A result file as `servmodel bayes` writes it (envelope, spec, data rows), holding
    four placeholder draws: the cases that read it fail before any draw is used."""
    import tomllib

    import arviz as az
    import xarray as xr

    from servmodel.results.bayes import BayesResult
    from servmodel.results.tidy import TIDY_COLUMNS
    from servmodel.spec import parse_spec

    spec = parse_spec(tomllib.loads(BAYES_SPEC), source="fake.toml")
    rows = pd.read_parquet(panel_file)
    rows = rows[rows["country"].isin(["KOR", "MEX", "CHN"])].reset_index(drop=True)
    summary = pd.DataFrame({c: [0.0] for c in TIDY_COLUMNS}).assign(
        term="mu", r_hat=1.0, ess_bulk=400.0, ess_tail=400.0)
    idata = az.InferenceData(posterior=xr.Dataset({"mu": (("chain", "draw"), np.zeros((1, 4)))}))
    result = BayesResult(name="fake", spec=spec, summary=summary, idata=idata, rows=rows)
    nc, _ = result.save(tmp_path_factory.mktemp("bayes") / "fake.nc")
    return nc


@pytest.fixture(scope="session")
def foreign_netcdf(tmp_path_factory) -> Path:
    """A netCDF file that servmodel did not write."""
    import xarray as xr

    path = tmp_path_factory.mktemp("foreign") / "model.nc"
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(path, engine="h5netcdf")
    return path
