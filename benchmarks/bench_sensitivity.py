"""A full sensitivity grid through the fast engine against a naive loop of linearmodels fits.

The grid is ``models/sensitivity.toml`` (four targets crossed with definitions, measures,
estimators, transforms, samples and covariances: over 4,000 specifications after the
skipped cells) on the embedded WIOD panel.

* engine: ``run_grid(grid, panel, jobs=N)`` without a cache: expansion of the grid, every
  estimate, the result table. Timed with ``--jobs 1`` and with ``--jobs`` (default 2).
* naive: ``servmodel.frequentist.fit(spec, panel)`` (one linearmodels fit per
  specification) on a seeded random sample of 50 of the grid's specifications, in the same
  run; the mean time per fit times the number of specifications estimates the full loop.

Prints the seconds of each, the ratios, and the largest relative difference between the
engine's and linearmodels' estimates and standard errors on the sample. Goals: the grid in
at most 30 s on 2 cores, at least 10 times faster than the naive loop.

Run: ``python benchmarks/bench_sensitivity.py [--jobs 2] [--sample 50] [--grid FILE]``
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path, default=ROOT / "models" / "sensitivity.toml")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the "
                        "parallel run")
    parser.add_argument("--sample", type=int, default=50, help="specifications fitted one "
                        "by one with linearmodels")
    parser.add_argument("--seed", type=int, default=20131)
    args = parser.parse_args()

    from servmodel.errors import ServmodelError
    from servmodel.frequentist import fit
    from servmodel.intensity import panel_from_source
    from servmodel.sensitivity import expand_grid, load_grid, run_grid

    t0 = time.perf_counter()
    panel = panel_from_source()
    print(f"panel built in {time.perf_counter() - t0:.1f} s (not counted below)")
    grid = load_grid(args.grid)

    timings = {}
    results = {}
    for jobs in dict.fromkeys((1, args.jobs)):
        t0 = time.perf_counter()
        results[jobs] = run_grid(grid, panel, jobs=jobs)
        timings[jobs] = time.perf_counter() - t0
    result = results[1]
    n_specs = result.stats.computed
    print(f"grid: {result.stats.specifications:,} cells, {n_specs:,} specifications "
          f"estimated, {result.stats.skipped_before:,} skipped before fitting")
    for jobs, seconds in timings.items():
        print(f"engine, {jobs} process(es): {seconds:.2f} s "
              f"({1000 * seconds / n_specs:.2f} ms per specification)")

    runnable = [p for p in expand_grid(grid, panel) if p.skip is None]
    chosen = random.Random(args.seed).sample(runnable, args.sample)
    outcomes = {p.key: result.outcomes[p.key] for p in chosen}
    fit_seconds = []
    worst = 0.0
    for p in chosen:
        t0 = time.perf_counter()
        try:
            reference = fit(p.spec, panel)
        except ServmodelError:
            fit_seconds.append(time.perf_counter() - t0)
            continue
        fit_seconds.append(time.perf_counter() - t0)
        o = outcomes[p.key]
        row = reference.tidy().set_index("term").loc[p.term]
        worst = max(worst, abs(o.estimate / row["estimate"] - 1),
                    abs(o.std_error / row["std_error"] - 1))
    per_fit = sum(fit_seconds) / len(fit_seconds)
    naive = per_fit * n_specs
    print(f"naive loop: {1000 * per_fit:.1f} ms per linearmodels fit (mean of "
          f"{len(fit_seconds)}), {naive:.1f} s for {n_specs:,} specifications")
    print(f"largest relative difference engine vs linearmodels on the sample: {worst:.2e}")
    for jobs, seconds in timings.items():
        print(f"ratio naive / engine ({jobs} process(es)): {naive / seconds:.1f}x")
    best = timings[args.jobs]
    print(f"goals: <= 30 s on 2 cores: {'met' if best <= 30 else 'NOT met'} "
          f"({best:.1f} s with {args.jobs} processes); >= 10x: "
          f"{'met' if naive / best >= 10 else 'NOT met'} ({naive / best:.1f}x)")


if __name__ == "__main__":
    main()
