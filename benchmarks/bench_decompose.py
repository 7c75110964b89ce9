"""Benchmark: every decomposition of the embedded data against the panel build.

Times ``decompose_all`` on the full embedded panel: all 40 economies x 4 definitions x 8
measures x 16 pairs of consecutive years, with the sourcing split of ``direct`` and the
structural decomposition of ``total`` (which reads and factors the 17 tables again), and
the panel build (``panel_from_source()``) in the same process, interleaved. Prints both
medians and their ratio. Goal: ratio <= 2.

Run: .venv/bin/python benchmarks/bench_decompose.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from servmodel.decompose import decompose_all
from servmodel.intensity import panel_from_source


def build_once() -> tuple[float, object]:
    start = time.perf_counter()
    panel = panel_from_source()
    return time.perf_counter() - start, panel


def decompose_once(panel) -> tuple[float, int]:
    start = time.perf_counter()
    tidy = decompose_all(panel)
    return time.perf_counter() - start, len(tidy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _, panel = build_once()  # warm caches and imports before timing
    decompose_once(panel)
    builds, decomps = [], []
    rows = 0
    for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
        elapsed, panel = build_once()
        builds.append(elapsed)
        elapsed, rows = decompose_once(panel)
        decomps.append(elapsed)
    bb, dd = statistics.median(builds), statistics.median(decomps)
    print(f"panel build (8 measures, 4 definitions, 17 years):   median {bb:.2f} s over "
          f"{args.repeat} runs")
    print(f"all decompositions (incl. SDA of total, {rows:,} rows): median {dd:.2f} s")
    print(f"ratio decompositions / build: {dd / bb:.2f}  (goal <= 2)")


if __name__ == "__main__":
    main()
