"""Benchmark: build the full embedded panel (5 measures x 4 definitions x 17 years).

Prints the median wall time of the full build, the median of the floor measured in the same
process (for each year: read the table, form A = Z / x and one LU factorization of I - A,
which any Leontief measure needs), their ratio, and peak memory.
Goal: ratio <= 1.5 and peak memory <= 1.5 GB.

Run: .venv/bin/python benchmarks/bench_panel_build.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np
import scipy.linalg

from servmodel.intensity import panel_from_source
from servmodel.io import WIOD_YEARS, embedded_data_dir


def floor_once() -> float:
    """Read, form A and factor I - A for every year: the work no implementation can skip."""
    start = time.perf_counter()
    for year in WIOD_YEARS:
        with np.load(embedded_data_dir() / f"wiot_{year}.npz") as npz:
            Z = npz["Z"].astype(np.float64)
            x = npz["x"].astype(np.float64)
        A = Z * np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
        M = np.eye(len(x)) - A
        scipy.linalg.lu_factor(M, overwrite_a=True, check_finite=False)
    return time.perf_counter() - start


def build_once() -> float:
    start = time.perf_counter()
    panel = panel_from_source()
    elapsed = time.perf_counter() - start
    assert len(panel.frame) == 4 * (40 * 14 * 17 - len(panel.dropped))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    build_once()  # warm caches and imports before timing
    floors, builds = [], []
    for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
        floors.append(floor_once())
        builds.append(build_once())
    tracemalloc.start()
    build_once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fb, bb = statistics.median(floors), statistics.median(builds)
    print(f"panel build (all measures, 4 definitions, 17 years): median {bb:.2f} s "
          f"over {args.repeat} runs")
    print(f"floor (read + A + LU of I - A, 17 years):            median {fb:.2f} s")
    print(f"ratio build / floor: {bb / fb:.2f}  (goal <= 1.5)")
    print(f"peak memory: {peak / 2**20:.0f} MiB allocated by the build (tracemalloc), "
          f"{rss:.0f} MiB process peak RSS (goal <= 1536 MiB)")


if __name__ == "__main__":
    main()
