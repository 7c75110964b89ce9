"""Overhead of servmodel's panel fit over the bare linearmodels call, pyfixest as reference.

The model is the two-way fixed-effects model of ``models/fe_twoway.toml`` (log direct
intensity, ``standard`` definition, on tech_score x trend with country x industry and year
effects, standard errors clustered by country) on the embedded WIOD panel.

* servmodel: ``servmodel.frequentist.fit(spec, panel)`` from the full panel (all four
  definitions): selection, transform, design, checks, the linearmodels fit, covariance
  conventions, the result object.
* bare linearmodels: ``PanelOLS(...).fit(cov_type="clustered", ...)`` and reading the
  covariance, on data prepared beforehand, outside the timing (integer entity codes and an
  intercept column, as servmodel passes).
* pyfixest: ``feols("y ~ x | entity + year", vcov={"CRV1": "country"})`` on a prepared frame.

Prints the median of repeated timings (after warm-up) and the ratio servmodel / bare; the
goal is a ratio of at most 1.10.

Run: ``python benchmarks/bench_panel.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def median_times(funcs: dict[str, Callable[[], object]], repeat: int,
                 warmup: int = 2) -> dict[str, float]:
    """Median wall time of each function; the runs are interleaved (a, b, c, a, b, c, ...)
    so that a change in machine load affects every variant alike."""
    for _ in range(warmup):
        for func in funcs.values():
            func()
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            t0 = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per variant")
    args = parser.parse_args()

    from linearmodels import PanelOLS

    from servmodel.frequentist import fit
    from servmodel.intensity import panel_from_source
    from servmodel.spec import load_spec

    panel = panel_from_source()
    spec = load_spec(ROOT / "models" / "fe_twoway.toml")

    # the same sample and variables, prepared once for the bare call and for pyfixest
    f = panel.frame
    f = f[(f["definition"] == "standard") & (f["direct"] > 0)].copy()
    f["y"] = np.log(f["direct"])
    f["x"] = f["tech_score"] * (f["year"] - f["year"].min())
    f["entity"] = f["country"] + ":" + f["industry"]
    # linearmodels is faster with integer entity labels, which servmodel passes; the bare
    # call gets the same, so that the ratio measures servmodel's own work
    f["entity_code"] = pd.factorize(f["entity"], sort=True)[0]
    data = f.set_index(["entity_code", "year"])
    data = data.assign(const=1.0)
    y, x = data["y"], data[["const", "x"]]
    clusters = pd.DataFrame({"country": pd.factorize(data["country"])[0]}, index=data.index)

    def bare() -> object:
        res = PanelOLS(y, x, entity_effects=True, time_effects=True).fit(
            cov_type="clustered", clusters=clusters, group_debias=True,
            auto_df=False, count_effects=False)
        res.cov  # linearmodels computes the covariance when it is first read
        return res

    def ours() -> object:
        return fit(spec, panel)

    res_ours, res_bare = ours(), bare()
    assert abs(res_ours.params["tech_score:trend"] - res_bare.params["x"]) < 1e-10, \
        "the two calls estimate different models"

    funcs: dict[str, Callable[[], object]] = {"bare": bare, "servmodel": ours}
    try:
        import pyfixest as pf
    except ImportError:
        pf = None
    if pf is not None:
        frame = f[["y", "x", "entity", "year", "country"]].reset_index(drop=True)

        def fixest() -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return pf.feols("y ~ x | entity + year", data=frame,
                                vcov={"CRV1": "country"}, fixef_rm="none")

        funcs["pyfixest"] = fixest
    t = median_times(funcs, args.repeat)
    print(f"two-way FE, clustered by country, n = {res_ours.nobs:,}; median of "
          f"{args.repeat} interleaved runs")
    print(f"  linearmodels (bare call)  {1e3 * t['bare']:8.1f} ms")
    print(f"  servmodel fit             {1e3 * t['servmodel']:8.1f} ms   ratio to bare "
          f"{t['servmodel'] / t['bare']:.3f} (goal <= 1.10)")
    if "pyfixest" in t:
        print(f"  pyfixest (reference)      {1e3 * t['pyfixest']:8.1f} ms   ratio to bare "
              f"{t['pyfixest'] / t['bare']:.3f}")
    else:
        print("  pyfixest                  not installed")


if __name__ == "__main__":
    main()
