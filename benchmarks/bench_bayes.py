"""Benchmark: the flagship Bayesian model as shipped against the same model under PyMC's own
NUTS sampler and against a naive parameterization.

All fit the full embedded panel (standard definition, ``direct``) in this one invocation:

(a) servmodel's flagship (models/hier_beta.toml) with its default sampler (nutpie, low-rank
    mass matrix adaptation), 4 chains x 1000 draws after 1000 tuning steps;
(b) the same model and parameterization under PyMC's own NUTS sampler (what a PyMC user
    gets by default), the same settings unless ``--pymc-draws``/``--pymc-tune`` say less;
(c) the naive parameterization (free global intercept, non-centred country, industry, cell,
    slope and year effects, technology as a plain covariate) under PyMC's sampler, a short
    run (``--naive-draws``/``--naive-tune``): it mixes so badly that its ratio says little.

Prints compile and sampling seconds, the minimum bulk ESS over all parameters, minimum bulk
ESS per second of sampling (tuning included), the largest R-hat, divergences, and the ratios
of minimum ESS per second. Goals: (a)/(b) >= 3, R-hat < 1.01, no divergences, whole
flagship fit (build, compile, sampling) <= 3 minutes on 2 cores.

Run: .venv/bin/python benchmarks/bench_bayes.py [--chains 4 --draws 1000 --tune 1000]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from dataclasses import replace
from pathlib import Path

from servmodel.bayes.data import prepare_data
from servmodel.bayes.diagnostics import diagnose
from servmodel.bayes.model import build_model
from servmodel.bayes.sampling import sample
from servmodel.intensity import panel_from_source
from servmodel.spec import load_spec
from servmodel.spec.select import select_rows

ROOT = Path(__file__).resolve().parents[1]


def run(label: str, spec, frame, settings) -> dict[str, float]:
    rows = frame.iloc[select_rows(frame, spec.data, spec.source).positions]
    data = prepare_data(rows, spec.data.measure, spec.source, spec.bayes.zeros)
    start = time.perf_counter()
    model = build_model(spec.bayes, data)
    result = sample(model, settings)
    total = time.perf_counter() - start
    d = diagnose(result.idata)
    ess = d.value("ess_bulk")
    out = {
        "compile": result.compile_seconds,
        "sampling": result.sampling_seconds,
        "total": total,
        "min_ess": ess,
        "ess_per_s": ess / result.sampling_seconds,
        "max_rhat": d.value("r_hat"),
        "divergences": d.value("divergences"),
    }
    print(f"{label:<46} compile {out['compile']:6.1f} s  sampling {out['sampling']:6.1f} s  "
          f"total {total:6.1f} s  min bulk ESS {ess:7.0f}  ESS/s {out['ess_per_s']:7.2f}  "
          f"max R-hat {out['max_rhat']:.3f}  divergences {out['divergences']:.0f}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--pymc-draws", type=int, default=None, help="default: --draws")
    parser.add_argument("--pymc-tune", type=int, default=None, help="default: --tune")
    parser.add_argument("--naive-draws", type=int, default=200)
    parser.add_argument("--naive-tune", type=int, default=200)
    parser.add_argument("--skip-pymc", action="store_true")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    frame = panel_from_source(definitions="standard").frame
    spec = load_spec(ROOT / "models" / "hier_beta.toml")
    base = replace(spec.bayes.sampling, chains=args.chains, draws=args.draws, tune=args.tune)
    a = run("(a) flagship, nutpie", spec, frame, base)
    print(f"flagship whole fit (build + compile + sampling): {a['total']:.0f} s "
          "(goal <= 180 s)", flush=True)
    if not args.skip_pymc:
        pymc = replace(base, sampler="pymc", draws=args.pymc_draws or args.draws,
                       tune=args.pymc_tune or args.tune)
        b = run("(b) flagship, PyMC's NUTS", spec, frame, pymc)
        print(f"ratio (a)/(b) of minimum bulk ESS per second: "
              f"{a['ess_per_s'] / b['ess_per_s']:.1f} (goal >= 3)", flush=True)
    if not args.skip_naive:
        naive = spec.replace(bayes=replace(spec.bayes, parameterization="naive"))
        c = run("(c) naive parameterization, PyMC's NUTS (short)", naive, frame,
                replace(base, sampler="pymc", draws=args.naive_draws, tune=args.naive_tune))
        print(f"ratio (a)/(c) of minimum bulk ESS per second: "
              f"{a['ess_per_s'] / c['ess_per_s']:.1f}")


if __name__ == "__main__":
    main()
