"""Benchmark: the panel build on a world table the size of the OECD inter-country tables.

The table is synthetic and seeded: 80 countries x 50 industries = 4,000 country-industries,
3 years, 5 final-demand categories, dense intermediate flows with input coefficients that
sum to about one half per column. Industries are coded c1..c50 so that the WIOD
classification (manufacturing c3..c16) and the four named producer-service definitions
apply, and the build does the same work per cell as on the embedded WIOD tables.

The in-memory measurements make the tables as :class:`servmodel.io.IOTable` objects. The
long-file measurement writes the same world in the long format (4,000 x 4,400 x 3 = 52.8
million cells, intermediate and final use) and builds the panel from it with the command
line, as a user would, with a sector mapping file for the synthetic codes (WIOD's
manufacturing industries and technology classes). That file is Parquet, written a year and
200 supplier rows at a time with dictionary-encoded keys: as CSV the same cells take 2.1 GiB
of disk (and plain ``pandas.read_csv`` of it needs 5.5 GiB), while Parquet stores them in
0.4 GiB (the values are incompressible doubles; the keys repeat). ``--long-csv`` measures
the CSV as well. The CSV reader is also measured on a slice of 20 countries x 50 industries
and 2 years (2 million cells) in-process.

Each measurement runs in its own process, so that the peak resident memory of a process
(``resource.getrusage``) belongs to that measurement alone:

* memory: the 3 tables held in memory (as ``read_io_long`` returns them), then
  ``build_panel`` under ``tracemalloc``; prints the per-year progress the build reports.
  Goal: peak RSS below 3 GB.
* time: the build against its floor, interleaved in one process: for each year, A = Z / x,
  one LU factorization of I - A and one solve for the per-supplier Leontief requirements,
  which no implementation of the total measure can skip. Prints the medians and the ratio.
* CSV slice: ``read_io_long`` on the long CSV against ``pandas.read_csv`` of the same
  file, then the build of what was read; times, ratio and peak memory.
* long file: ``servmodel data build --source world.parquet --mapping sectors.csv --out
  panel.parquet`` in a subprocess (the four named definitions, as in the in-memory runs),
  beside ``read_io_long`` alone and ``pandas.read_parquet`` of the same file (the peer: merely
  reading it). Wall time and peak RSS of each process; goal: the build below 3 GB. Nothing is
  asserted. The files live in a temporary directory that is deleted afterwards.

Run: ``.venv/bin/python benchmarks/bench_large_build.py [--repeat 1] [--countries 80]
[--only long] [--long-csv]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

INDUSTRIES = 50
FINAL = 5
YEARS = (2000, 2001, 2002)
SEED = 20131
PARTS = ("memory", "time", "csv", "long")


def synthetic_table(countries: int, year: int, seed: int = SEED):
    """One year of a dense synthetic world table (country-major, codes c1..c50)."""
    from servmodel.io import IOTable

    rng = np.random.default_rng((seed, year))
    n = countries * INDUSTRIES
    x = rng.lognormal(mean=6.0, sigma=1.2, size=n)
    # input coefficients: gamma draws scaled to a column total in [0.3, 0.7]
    Z = rng.gamma(0.6, 1.0, size=(n, n))
    Z *= rng.uniform(0.3, 0.7, size=n) / Z.sum(axis=0)
    Z *= x  # Z = A * x, in place (one n x n array)
    # final demand closes each row: x = intermediate sales + final use
    final_total = x - Z.sum(axis=1)
    weights = rng.dirichlet(np.ones(countries * FINAL), size=n)
    F = weights * final_total[:, None]
    table = IOTable(
        Z=Z, F=F, x=x,
        countries=[f"K{k:02d}" for k in range(countries)],
        industries=[f"c{k}" for k in range(1, INDUSTRIES + 1)],
        final_categories=[f"f{k}" for k in range(FINAL)],
        year=year, source="synthetic",
    )
    return table


def _tables(countries: int, years: tuple[int, ...]) -> list:
    return [synthetic_table(countries, y) for y in years]


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report(done: int, total: int | None) -> None:
    print(f"  built year {done} of {total}", file=sys.stderr, flush=True)


def _build(tables: list, on_progress=None):
    from servmodel.intensity import build_panel, wiod_classification

    return build_panel(tables, wiod_classification(), None, "all", exclude_countries=(),
                       on_progress=on_progress)


def measure_memory(countries: int) -> dict:
    """Tables in memory, then the build under tracemalloc (its own process)."""
    tables = _tables(countries, YEARS)
    rss_tables = _max_rss_mib()
    calls: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        calls.append((done, total))
        _report(done, total)

    tracemalloc.start()
    start = time.perf_counter()
    panel = _build(tables, progress)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rows": len(panel.frame), "seconds_traced": seconds, "traced_peak": peak / 2**20,
            "rss_tables": rss_tables, "rss": _max_rss_mib(), "progress": calls}


def floor_once(tables: list) -> float:
    """A, one LU of I - A and one solve per year: the work no implementation can skip."""
    import scipy.linalg

    start = time.perf_counter()
    for t in tables:
        n, ni = len(t.x), t.n_industries
        A = t.Z * np.divide(1.0, t.x, out=np.zeros_like(t.x), where=t.x > 0)
        np.negative(A, out=A)
        A.flat[:: n + 1] += 1.0
        lu = scipy.linalg.lu_factor(A, overwrite_a=True, check_finite=False)
        indicator = np.zeros((n, ni))
        indicator[np.arange(n), np.tile(np.arange(ni), t.n_countries)] = 1.0
        scipy.linalg.lu_solve(lu, indicator, trans=1, check_finite=False)
    return time.perf_counter() - start


def measure_time(countries: int, repeat: int) -> dict:
    """Build and floor on the same tables, interleaved (its own process)."""
    warm = _tables(2, YEARS[:1])
    floor_once(warm)
    _build(warm)  # imports and first-call costs outside the timings
    tables = _tables(countries, YEARS)
    floors, builds = [], []
    for _ in range(repeat):  # interleaved, so that machine noise hits both alike
        floors.append(floor_once(tables))
        start = time.perf_counter()
        _build(tables)
        builds.append(time.perf_counter() - start)
    return {"floor": statistics.median(floors), "build": statistics.median(builds),
            "rss": _max_rss_mib()}


def measure_csv(countries: int) -> dict:
    """The long-CSV reader on a slice of the world (its own process)."""
    import pandas as pd

    from servmodel.io import read_io_long

    years = YEARS[:2]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "slice.csv"
        parts = []
        for t in _tables(countries, years):
            labels = [f"{c}|{i}" for c in t.countries for i in t.industries]
            sup = np.repeat(labels, len(labels))
            use = np.tile(labels, len(labels))
            fd_labels = [f"{c}|{f}" for c in t.countries for f in t.final_categories]
            sup_f = np.repeat(labels, len(fd_labels))
            use_f = np.tile(fd_labels, len(labels))
            sc, si = np.char.partition(np.concatenate([sup, sup_f]), "|")[:, [0, 2]].T
            uc, ui = np.char.partition(np.concatenate([use, use_f]), "|")[:, [0, 2]].T
            parts.append(pd.DataFrame({
                "year": t.year, "supplier_country": sc, "supplier_industry": si,
                "user_country": uc, "user_industry": ui,
                "value": np.concatenate([t.Z.ravel(), t.F.ravel()]),
            }))
        frame = pd.concat(parts, ignore_index=True)
        cells = len(frame)
        frame.to_csv(path, index=False, float_format="%.17g")
        del frame, parts
        size = path.stat().st_size
        start = time.perf_counter()
        pd.read_csv(path, dtype={c: str for c in ("supplier_country", "supplier_industry",
                                                  "user_country", "user_industry")})
        peer = time.perf_counter() - start
        start = time.perf_counter()
        tables = read_io_long(path)
        read = time.perf_counter() - start
        del tables
        tracemalloc.start()  # a second read, traced (tracing slows it down)
        tables = read_io_long(path)
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        start = time.perf_counter()
        panel = _build(tables)
        build = time.perf_counter() - start
    return {"cells": cells, "mib": size / 2**20, "peer": peer, "read": read,
            "read_peak": read_peak / 2**20, "build": build, "rows": len(panel.frame),
            "rss": _max_rss_mib()}


# Peak RSS of one command: this wrapper is the command's only parent, so the high-water
# mark of its children (``RUSAGE_CHILDREN``) is the command's own peak.
_PEAK_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as handle:
    handle.write(f"{code} {seconds} {peak * (1 if sys.platform == 'darwin' else 1024)}")
"""
KEYS = ("supplier_country", "supplier_industry", "user_country", "user_industry")
GOAL_MIB = 3072


def run_measured(command: list[str], scratch: Path) -> dict:
    """Run ``command`` in a fresh process; its exit code, wall seconds and peak RSS (MiB)."""
    report = scratch / "peak.txt"
    proc = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, str(report), *command],
                          stderr=subprocess.PIPE, text=True, check=False)
    code, seconds, peak = report.read_text().split()
    report.unlink()
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(command[:6])} ... failed ({code}): {proc.stderr[-2000:]}")
    return {"seconds": float(seconds), "rss": int(peak) / 2**20}


def write_world_long(path: Path, countries: int, years: tuple[int, ...]) -> int:
    """Write the synthetic world in the long format (Parquet or CSV, by suffix); return the
    number of cells.

    One year's dense table is made at a time, and written 200 supplier rows (880,000 cells) at
    a time, so the writer holds one table and one batch. Keys are dictionary-encoded arrays
    (int16 indices into the labels): no string per cell is ever made.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    n = countries * INDUSTRIES
    country_labels = pa.array([f"K{k:02d}" for k in range(countries)])
    industry_labels = pa.array([f"c{k}" for k in range(1, INDUSTRIES + 1)])
    # users are industries first, then the final-demand categories
    user_labels = pa.array([*industry_labels.to_pylist(), *(f"f{k}" for k in range(FINAL))])
    key_type = pa.dictionary(pa.int16(), pa.string())
    schema = pa.schema([*((c, key_type) for c in KEYS), ("value", pa.float64()),
                        ("year", pa.int16())])
    # the user side of one supplier row: n industry columns, then countries * FINAL columns
    user = np.arange(n)
    final = np.arange(countries * FINAL)
    user_country = np.concatenate([user // INDUSTRIES, final // FINAL]).astype(np.int16)
    user_code = np.concatenate([user % INDUSTRIES, INDUSTRIES + final % FINAL]).astype(np.int16)
    width = len(user_country)
    if path.suffix == ".csv":
        writer = pa_csv.CSVWriter(path, schema,
                                  write_options=pa_csv.WriteOptions(quoting_style="none"))
    else:
        writer = pq.ParquetWriter(path, schema)
    cells = 0
    with writer:
        for year in years:
            t = synthetic_table(countries, year)
            for lo in range(0, n, 200):
                rows = np.arange(lo, min(lo + 200, n))
                values = np.concatenate([t.Z[rows], t.F[rows]], axis=1).ravel()
                columns = [
                    (np.repeat(rows // INDUSTRIES, width), country_labels),
                    (np.repeat(rows % INDUSTRIES, width), industry_labels),
                    (np.tile(user_country, len(rows)), country_labels),
                    (np.tile(user_code, len(rows)), user_labels),
                ]
                arrays = [pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int16)), labels)
                          for codes, labels in columns]
                arrays += [pa.array(values), pa.array(np.full(len(values), year, np.int16))]
                writer.write_batch(pa.record_batch(arrays, schema=schema))
                cells += len(values)
            del t
    return cells


def write_mapping(path: Path) -> None:
    """Sector mapping of the synthetic codes c1..c50: WIOD's manufacturing industries and
    technology classes, the ``broad`` producer services, everything else ``other``."""
    import pandas as pd

    from servmodel.intensity import REGISTRY, wiod_classification

    wiod = wiod_classification()
    services = set(REGISTRY["broad"].codes)
    codes = [f"c{k}" for k in range(1, INDUSTRIES + 1)]
    pd.DataFrame({
        "industry": codes,
        "role": ["manufacturing" if c in wiod.tech else
                 "producer_service" if c in services else "other" for c in codes],
        "tech": [wiod.tech.get(c, "") for c in codes],
    }).to_csv(path, index=False)


def measure_long(countries: int, with_csv: bool) -> list[dict]:
    """The command-line build from a long file of the whole world, beside two readers."""
    import pandas as pd

    results = []
    with tempfile.TemporaryDirectory(prefix="servmodel-bench-") as d:
        scratch = Path(d)
        mapping = scratch / "sectors.csv"
        write_mapping(mapping)
        for suffix in (".parquet", ".csv") if with_csv else (".parquet",):
            source = scratch / f"world{suffix}"
            start = time.perf_counter()
            cells = write_world_long(source, countries, YEARS)
            written = time.perf_counter() - start
            peer_code = ("import pandas as pd, sys; pd.read_parquet(sys.argv[1])"
                         if suffix == ".parquet" else
                         "import pandas as pd, sys; pd.read_csv(sys.argv[1], dtype={c: str for "
                         f"c in {KEYS!r}}})")
            peer = run_measured([sys.executable, "-c", peer_code, str(source)], scratch)
            reader = run_measured([sys.executable, "-c", "import sys; from servmodel.io import "
                                   "read_io_long; read_io_long(sys.argv[1])", str(source)],
                                  scratch)
            out = scratch / "panel.parquet"
            build = run_measured([sys.executable, "-m", "servmodel", "--quiet", "data",
                                  "build", "--source", str(source), "--mapping", str(mapping),
                                  "--definition", "kibs,producer,standard,broad",
                                  "--no-progress", "--out", str(out)], scratch)
            rows = len(pd.read_parquet(out, columns=["year"]))
            results.append({"format": suffix[1:], "cells": cells, "written": written,
                            "mib": source.stat().st_size / 2**20, "peer": peer,
                            "reader": reader, "build": build, "rows": rows})
            source.unlink()
            out.unlink()
    return results


def _in_child(func, *args):
    """Run ``func`` in a fresh process and return its result."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(func, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=80)
    parser.add_argument("--csv-countries", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only these measurements (repeatable; default all)")
    parser.add_argument("--long-csv", action="store_true",
                        help="also write the whole world as a long CSV and build from it")
    args = parser.parse_args()
    parts = args.only or PARTS
    n = args.countries * INDUSTRIES
    print(f"world table: {args.countries} countries x {INDUSTRIES} industries = {n:,} "
          f"country-industries, {len(YEARS)} years, {args.countries * FINAL} final-demand "
          "columns")
    if "memory" in parts:
        _report_memory(args)
    if "time" in parts:
        _report_time(args)
    if "csv" in parts:
        _report_csv(args)
    if "long" in parts:
        _report_long(args)


def _report_memory(args: argparse.Namespace) -> None:
    mem = _in_child(measure_memory, args.countries)
    print(f"memory run: progress reported {len(mem['progress'])} times: "
          f"{', '.join(f'{d}/{t}' for d, t in mem['progress'])}")
    print(f"  panel rows: {mem['rows']:,}; build under tracemalloc {mem['seconds_traced']:.1f} s")
    print(f"  tracemalloc peak of the build: {mem['traced_peak']:,.0f} MiB")
    print(f"  peak RSS: {mem['rss_tables']:,.0f} MiB with the tables made, "
          f"{mem['rss']:,.0f} MiB after the build (goal < 3072 MiB)")


def _report_time(args: argparse.Namespace) -> None:
    tim = _in_child(measure_time, args.countries, args.repeat)
    print(f"time run ({args.repeat} repeat(s), medians): build {tim['build']:.1f} s, "
          f"floor (A + LU + solve, {len(YEARS)} years) {tim['floor']:.1f} s, "
          f"ratio {tim['build'] / tim['floor']:.2f}; peak RSS {tim['rss']:,.0f} MiB")


def _report_csv(args: argparse.Namespace) -> None:
    csv = _in_child(measure_csv, args.csv_countries)
    nc = args.csv_countries * INDUSTRIES
    print(f"CSV slice: {args.csv_countries} countries x {INDUSTRIES} industries = {nc:,} "
          f"country-industries, 2 years, {csv['cells']:,} cells, {csv['mib']:,.0f} MiB")
    print(f"  read_io_long {csv['read']:.1f} s vs pandas.read_csv {csv['peer']:.1f} s "
          f"(ratio {csv['read'] / csv['peer']:.2f}); tracemalloc peak of the reader "
          f"{csv['read_peak']:,.0f} MiB")
    print(f"  build of what was read {csv['build']:.1f} s ({csv['rows']:,} rows); peak RSS "
          f"{csv['rss']:,.0f} MiB")


def _report_long(args: argparse.Namespace) -> None:
    for r in measure_long(args.countries, args.long_csv):
        peer = "pandas.read_parquet" if r["format"] == "parquet" else "pandas.read_csv (str keys)"
        build, reader = r["build"], r["reader"]
        print(f"long {r['format']}: {r['cells']:,} cells, {r['mib']:,.0f} MiB on disk, "
              f"written in {r['written']:.0f} s")
        print(f"  servmodel data build: {build['seconds']:.1f} s, peak RSS "
              f"{build['rss']:,.0f} MiB ({'under' if build['rss'] < GOAL_MIB else 'OVER'} the "
              f"{GOAL_MIB:,} MiB goal); {r['rows']:,} panel rows")
        print(f"  read_io_long alone: {reader['seconds']:.1f} s, peak RSS "
              f"{reader['rss']:,.0f} MiB")
        print(f"  peer {peer}: {r['peer']['seconds']:.1f} s, peak RSS "
              f"{r['peer']['rss']:,.0f} MiB")
        ratio = {k: (v["seconds"] / r["peer"]["seconds"], v["rss"] / r["peer"]["rss"])
                 for k, v in (("reader", reader), ("build", build))}
        print(f"  ratios to the peer (time, peak RSS): read_io_long {ratio['reader'][0]:.2f}, "
              f"{ratio['reader'][1]:.2f}; data build {ratio['build'][0]:.2f}, "
              f"{ratio['build'][1]:.2f}")


if __name__ == "__main__":
    main()
