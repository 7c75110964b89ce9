"""A large sensitivity grid on one process and on two: does the second process pay?

The grid is the shipped ``models/sensitivity.toml`` with leave-one-country-out samples
added to its ``sample`` dimension (``"loo"``, the choice its comment suggests): every
specification is repeated once per country left out, about 40 times the shipped grid's
work, enough that start-up costs no longer hide the gain from a second process. The grid
file is read as TOML and changed in memory, so it stays in step with the shipped one.

Each repeat runs ``run_grid(grid, panel, jobs=N)`` without a cache for N = 1 and N =
``--jobs`` (alternating, so that a busy machine slows both alike); the median of the
repeats is reported. The tables and skip lists of the two runs must be identical.

Prints both times, their ratio and whether the goals are met: at least 1.6 times faster on
2 processes than on 1, and at most 180 s on 2 cores.

Run: ``python benchmarks/bench_grid_parallel.py [--jobs 2] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GRID = ROOT / "models" / "sensitivity.toml"
GOAL_RATIO = 1.6
GOAL_SECONDS = 180.0


def loo_grid(path: Path = GRID) -> Any:
    """The grid of ``path`` with ``"loo"`` added to its ``sample`` choices."""
    from servmodel.sensitivity import parse_grid

    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    samples = list(raw.setdefault("dimensions", {}).get("sample", ["all"]))
    if "loo" not in samples:
        samples.append("loo")
    raw["dimensions"]["sample"] = samples
    return parse_grid(raw, source=f"{path.name} + loo")


def _identical(a: Any, b: Any) -> bool:
    """Whether two results hold the same tables, to the last bit."""
    try:
        pd.testing.assert_frame_equal(a.table(), b.table(), check_exact=True)
        pd.testing.assert_frame_equal(a.skipped(), b.skipped(), check_exact=True)
    except AssertionError as exc:
        print(f"results differ: {exc}")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes of the parallel run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (median)")
    args = parser.parse_args()

    from servmodel.intensity import panel_from_source
    from servmodel.sensitivity import run_grid

    t0 = time.perf_counter()
    panel = panel_from_source()
    print(f"panel built in {time.perf_counter() - t0:.1f} s (not counted below)")
    grid = loo_grid()

    timings: dict[int, list[float]] = {1: [], args.jobs: []}
    first: dict[int, Any] = {}
    for r in range(args.repeats):
        for jobs in timings:
            t0 = time.perf_counter()
            result = run_grid(grid, panel, jobs=jobs)
            seconds = time.perf_counter() - t0
            timings[jobs].append(seconds)
            first.setdefault(jobs, result)
            print(f"repeat {r + 1}: {jobs} process(es) {seconds:.1f} s", flush=True)
    stats = first[1].stats
    print(
        f"grid: {stats.specifications:,} cells, {stats.computed:,} specifications "
        f"estimated, {stats.skipped_before:,} skipped before fitting"
    )
    one = statistics.median(timings[1])
    many = statistics.median(timings[args.jobs])
    ratio = one / many
    same = _identical(first[1], first[args.jobs])
    print(f"1 process: {one:.1f} s (median of {len(timings[1])})")
    print(f"{args.jobs} processes: {many:.1f} s (median of {len(timings[args.jobs])})")
    print(f"ratio 1 / {args.jobs}: {ratio:.2f}x")
    print(f"results identical: {'yes' if same else 'NO'}")
    print(
        f"goals: >= {GOAL_RATIO}x: {'met' if ratio >= GOAL_RATIO else 'NOT met'} "
        f"({ratio:.2f}x); <= {GOAL_SECONDS:.0f} s on {args.jobs} processes: "
        f"{'met' if many <= GOAL_SECONDS else 'NOT met'} ({many:.1f} s)"
    )


if __name__ == "__main__":
    main()
