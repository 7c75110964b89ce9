"""The same command with the same inputs and seed writes the same files.

Each command runs twice, writing into two different directories, and the outputs are
compared byte for byte. The second run of the data, estimation and table commands is a
child process with another string-hash seed, so that no output may depend on the iteration
order of a set. A Bayesian fit stores how long compiling and sampling took, and
ArviZ stamps each group of the draws with its creation time; apart from those named fields
its files must agree exactly, draws included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from servmodel.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "own_table"
SPEC = EXAMPLE / "fe_trend.toml"
SAMPLERS = ("nutpie", "pymc")

# what legitimately differs between two runs of a Bayesian fit: wall-clock measurements
TIMING_INFO = ("compile_seconds", "sampling_seconds")
TIMING_ATTRS = ("created_at", "sampling_time")
TIMING_STATS = ("perf_counter_start", "perf_counter_diff", "process_time_diff")

BAYES_SPEC = """\
name = "tiny_beta"
[data]
definition = "mapping"
measure = "direct"
[bayes]
family = "beta"
zeros = "squeeze"
intercepts = ["industry"]
country_slopes = false
cells = false
tech = "score"
tech_trend = false
"""


def bayes_commands(spec: Path, panel: Path, out: Path,
                   samplers: tuple[str, ...] = SAMPLERS) -> list[list[str]]:
    """Fit ``spec`` with each sampler (same seed, tiny draws), writing into ``out``."""
    return [["bayes", str(spec), "--panel", str(panel), "--out", str(out / f"{sampler}.nc"),
             "--sampler", sampler, "--chains", "2", "--draws", "60", "--tune", "60",
             "--seed", "11", "--no-progress"] for sampler in samplers]


def panel_commands(out: Path) -> list[list[str]]:
    """Build, estimate and tabulate, writing into ``out`` (the table reads the Bayesian
    summary ``out/nutpie.json`` too)."""
    own = ["--source", str(EXAMPLE / "korea_national.csv"),
           "--mapping", str(EXAMPLE / "sectors.csv")]
    wiod = ["--years", "2011", "--definition", "kibs"]
    results = [str(out / "res" / "own_fe_trend.json"), str(out / "nutpie.json")]
    return [
        ["data", "build", *own, "--out", str(out / "panel.csv")],
        ["data", "build", *own, "--out", str(out / "panel.parquet")],
        ["data", "build", *wiod, "--out", str(out / "wiod.csv")],
        ["data", "build", *wiod, "--out", str(out / "wiod.parquet")],
        ["estimate", str(SPEC), "--panel", str(out / "panel.csv"), "--out", str(out / "res")],
        *(["table", *results, "--out", str(out / f"table.{fmt}")] for fmt in ("tex", "md")),
    ]


def run_commands(commands: list[list[str]]) -> None:
    for args in commands:
        assert main(["-q", *args]) == 0, args


# the second run of the panel commands: a child process with another string-hash seed
CHILD = ("import sys; from pathlib import Path; from tests.test_determinism import "
         "panel_commands, run_commands; run_commands(panel_commands(Path(sys.argv[1])))")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """Two runs of every command. The Bayesian fits (whose compilation dominates the time)
    both run in this process; the second run of the others in a child process."""
    spec = tmp_path_factory.mktemp("spec") / "tiny_beta.toml"
    spec.write_text(BAYES_SPEC, encoding="utf-8")
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    panel = first / "panel.csv"
    run_commands(panel_commands(first)[:1] + bayes_commands(spec, panel, first)
                 + panel_commands(first)[1:] + bayes_commands(spec, panel, second))
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    child = subprocess.run([sys.executable, "-c", CHILD, str(second)], cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, timeout=600)
    assert child.returncode == 0, child.stderr[-3000:]
    return first, second


def without_timings(doc: dict) -> dict:
    """``doc`` (a saved Bayesian result) without its wall-clock timings."""
    info = doc["result"]["info"]
    for key in TIMING_INFO:
        assert isinstance(info.pop(key), (float, type(None))), key
    return doc


def assert_same_groups(a: Path, b: Path) -> None:
    """Every netCDF group holds equal arrays and attributes, timings aside."""
    import h5py

    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        groups = sorted(fa.keys())
        assert groups == sorted(fb.keys())
    assert "posterior" in groups
    for group in groups:
        with xr.open_dataset(a, group=group, engine="h5netcdf") as da, \
                xr.open_dataset(b, group=group, engine="h5netcdf") as db:
            assert sorted(da.data_vars) == sorted(db.data_vars), group
            for name in da.data_vars:
                if name in TIMING_STATS:
                    continue
                x, y = da[name].to_numpy(), db[name].to_numpy()
                same = (np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f"
                        else np.array_equal(x, y))
                assert same, f"{group}/{name}"
            attrs = [{k: v for k, v in d.attrs.items() if k not in TIMING_ATTRS}
                     for d in (da, db)]
            for tagged in attrs:
                if "servmodel" in tagged:
                    tagged["servmodel"] = without_timings(json.loads(tagged["servmodel"]))
            assert attrs[0] == attrs[1], group


def test_panels_are_byte_identical(runs):
    first, second = runs
    for name in ("panel.csv", "panel.parquet", "wiod.csv", "wiod.parquet"):
        assert (first / name).stat().st_size > 0
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_estimate_json_is_byte_identical(runs):
    first, second = runs
    a = (first / "res" / "own_fe_trend.json").read_bytes()
    assert a == (second / "res" / "own_fe_trend.json").read_bytes()
    # the runs read panels at different paths: no input path or timestamp is stored, and
    # the package versions are
    assert str(first).encode() not in a and b'"versions"' in a


def test_tables_are_byte_identical(runs):
    first, second = runs
    for name in ("table.tex", "table.md"):
        text = (first / name).read_bytes()
        assert b"tiny" in text and b"own" in text and b"Observations" in text
        assert text == (second / name).read_bytes(), name


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_bayes_draws_are_identical(runs, sampler):
    first, second = runs
    with xr.open_dataset(first / f"{sampler}.nc", group="posterior", engine="h5netcdf") as pa, \
            xr.open_dataset(second / f"{sampler}.nc", group="posterior",
                            engine="h5netcdf") as pb:
        assert dict(pa.sizes)["chain"] == 2 and dict(pa.sizes)["draw"] == 60
        for name in ("alpha", "trend", "beta_tech", "b_industry", "log_phi"):
            draws = pa[name].to_numpy()
            assert np.unique(draws).size > 60, name  # real draws, not a constant
            np.testing.assert_array_equal(draws, pb[name].to_numpy(), err_msg=name)
    docs = [json.loads((d / f"{sampler}.json").read_text(encoding="utf-8")) for d in runs]
    assert docs[0]["result"]["info"]["sampler"]["sampler"] == sampler
    assert without_timings(docs[0]) == without_timings(docs[1])
    assert_same_groups(first / f"{sampler}.nc", second / f"{sampler}.nc")
    for png in ("rank", "ppc"):
        name = f"{sampler}_{png}.png"
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_both_samplers_store_the_panel_rows(runs):
    from servmodel.results.bayes import load_bayes

    first, _ = runs
    panel = pd.read_csv(first / "panel.csv")
    rows = [load_bayes(first / f"{sampler}.nc").rows for sampler in SAMPLERS]
    for r in rows:
        assert r is not None and len(r) == len(panel) == 136
        assert list(r["direct"]) == list(panel["direct"])
        assert set(r["country"]) == {"KOR"}
    pd.testing.assert_frame_equal(rows[0], rows[1])


def test_numpyro_draws_are_identical(tmp_path):
    pytest.importorskip("numpyro")
    spec = tmp_path / "tiny_beta.toml"
    spec.write_text(BAYES_SPEC, encoding="utf-8")
    outs = []
    for name in ("first", "second"):
        out = tmp_path / name
        out.mkdir()
        run_commands(panel_commands(out)[:1])
        run_commands(bayes_commands(spec, out / "panel.csv", out, ("numpyro",)))
        outs.append(out / "numpyro.nc")
    with xr.open_dataset(outs[0], group="posterior", engine="h5netcdf") as pa, \
            xr.open_dataset(outs[1], group="posterior", engine="h5netcdf") as pb:
        for name in pa.data_vars:
            np.testing.assert_array_equal(pa[name].to_numpy(), pb[name].to_numpy())
