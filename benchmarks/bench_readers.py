"""Benchmark: read a published release's table of the real size and build the panel from it.

The table is one year of the OECD ICIO 2023 edition in its full form, ``{year}.csv``: the 76
economies and the rest of the world, 45 industries each, and the split economies ``MX1``,
``MX2``, ``CN1``, ``CN2`` listed after them (81 x 45 = 3,645 rows and columns of intermediate
use), the six final-demand columns of each economy (462), the total column ``OUT`` and the
rows ``TLS``, ``VA`` and ``OUT``: 3,648 rows x 4,109 columns, written in a temporary directory
from seeded random flows (values to six decimals, as in millions of US dollars to the dollar;
every identity of the file holds). Splits summed back, the table has 3,465 country-industries.

Measured, each part in its own process so that its peak resident memory is its own:

* time: servmodel, ``read_icio_file`` and ``build_panel`` (the four named definitions when
  the Rev. 4 classifications are installed), against its peer, ``pandas.read_csv`` of the
  same file plus the floor of any Leontief measure on the table: A = Z / x, one LU
  factorization of I - A and one solve for the per-supplier requirements (as in
  ``bench_large_build.py``). Interleaved repeats; medians and the ratio. Goal: ratio <= 1.5.
* memory: ``servmodel data build --source icio:FILE --out panel.parquet``, as a user runs it,
  and ``pandas.read_csv`` alone, each in a fresh process; peak RSS. Goal: <= 3 GB.

Run: ``.venv/bin/python benchmarks/bench_readers.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 2023
YEAR = 2020
ECONOMIES = (
    "AUS", "AUT", "BEL", "CAN", "CHL", "COL", "CRI", "CZE", "DNK", "EST", "FIN", "FRA", "DEU",
    "GRC", "HUN", "ISL", "IRL", "ISR", "ITA", "JPN", "KOR", "LVA", "LTU", "LUX", "MEX", "NLD",
    "NZL", "NOR", "POL", "PRT", "SVK", "SVN", "ESP", "SWE", "CHE", "TUR", "GBR", "USA", "ARG",
    "BGD", "BLR", "BRA", "BRN", "BGR", "KHM", "CMR", "CHN", "CIV", "HRV", "CYP", "EGY", "IND",
    "IDN", "HKG", "JOR", "KAZ", "LAO", "MYS", "MLT", "MAR", "MMR", "NGA", "PAK", "PER", "PHL",
    "ROU", "RUS", "SAU", "SEN", "SGP", "ZAF", "TWN", "THA", "TUN", "UKR", "VNM", "ROW",
)
SPLITS = ("MX1", "MX2", "CN1", "CN2")
GOAL_RATIO = 1.5
GOAL_MIB = 3072


def write_icio2023(path: Path, seed: int = SEED) -> dict:
    """Write one year of the 2023 edition with splits; return its shape and size."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from servmodel.io.icio import ICIO_FINAL, ICIO_INDUSTRIES

    industries = ICIO_INDUSTRIES["icio2023"]
    blocks = [*ECONOMIES, *SPLITS]
    labels = [f"{e}_{i}" for e in blocks for i in industries]
    fd_labels = [f"{e}_{f}" for e in ECONOMIES for f in ICIO_FINAL]
    n, nfd = len(labels), len(fd_labels)
    rng = np.random.default_rng(seed)
    Z = np.round(rng.gamma(0.3, 4.0, size=(n, n)), 6)
    F = np.round(rng.gamma(0.5, 40.0, size=(n, nfd)), 6)
    F[:, len(ICIO_FINAL) - 2::len(ICIO_FINAL)] -= 10.0  # inventories, either sign
    ni = len(industries)
    mex, chn = ECONOMIES.index("MEX"), ECONOMIES.index("CHN")
    for parent in (mex, chn):  # as in the files: the split economies hold the flows
        Z[parent * ni:(parent + 1) * ni] = 0.0
        Z[:, parent * ni:(parent + 1) * ni] = 0.0
        F[parent * ni:(parent + 1) * ni] = 0.0
    total = Z.sum(axis=1) + F.sum(axis=1)
    added = total - Z.sum(axis=0)
    tls = np.round(0.1 * added, 6)
    bottom = np.vstack([tls, added - tls, total])
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerow(["V1", *labels, *fd_labels, "OUT"])
    columns = [pa.array([*labels, "TLS", "VA", "OUT"])]
    zeros = np.zeros((3, nfd))
    for k in range(n):
        columns.append(pa.array(np.concatenate([Z[:, k], bottom[:, k]])))
    for k in range(nfd):
        columns.append(pa.array(np.concatenate([F[:, k], zeros[:, k]])))
    columns.append(pa.array(np.concatenate([total, bottom.sum(axis=1)])))
    table = pa.table(columns, names=[f"c{k}" for k in range(len(columns))])
    with open(path, "ab") as handle:
        pa_csv.write_csv(table, handle, write_options=pa_csv.WriteOptions(include_header=False))
    return {"rows": n + 3, "columns": n + nfd + 2, "mib": path.stat().st_size / 2**20}


def classification_and_countries() -> tuple[object, object, str]:
    """The Rev. 4 classification of the 2023 edition and its country information; without
    the Rev. 4 module, a stand-in (manufacturing C10T12 ... C31T33, services J-N) that does
    the same work per cell."""
    try:
        from servmodel.intensity.rev4 import rev4_classification, rev4_country_info

        return rev4_classification("icio2023"), rev4_country_info(), "all"
    except ImportError:
        from servmodel.intensity import IndustryClassification
        from servmodel.io.icio import ICIO_INDUSTRIES

        codes = ICIO_INDUSTRIES["icio2023"]
        manufacturing = codes[5:22]
        stand_in = IndustryClassification(
            manufacturing=manufacturing, tech=dict.fromkeys(manufacturing, "medium-high"),
            producer_services=("J61", "J62_63", "K", "L", "M", "N"), source="stand-in")
        return stand_in, None, "all"


def floor_once(table) -> float:
    """A, one LU of I - A and one solve: the work no implementation of the total measure can
    skip (as in bench_large_build.py)."""
    import scipy.linalg

    start = time.perf_counter()
    n, ni = len(table.x), table.n_industries
    A = table.Z * np.divide(1.0, table.x, out=np.zeros_like(table.x), where=table.x > 0)
    np.negative(A, out=A)
    A.flat[:: n + 1] += 1.0
    lu = scipy.linalg.lu_factor(A, overwrite_a=True, check_finite=False)
    indicator = np.zeros((n, ni))
    indicator[np.arange(n), np.tile(np.arange(ni), table.n_countries)] = 1.0
    scipy.linalg.lu_solve(lu, indicator, trans=1, check_finite=False)
    return time.perf_counter() - start


def measure_time(path: str, repeat: int) -> dict:
    """servmodel (read + build) against pandas.read_csv + the floor, interleaved."""
    import pandas as pd

    from servmodel.intensity import build_panel
    from servmodel.io import read_icio_file

    classification, countries, definitions = classification_and_countries()
    table = read_icio_file(path)  # warm: imports, first calls and the file in the page cache
    pd.read_csv(path, index_col=0)
    floor_once(table)
    parts: dict[str, list[float]] = {k: [] for k in ("read", "build", "peer_read", "floor")}
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pd.read_csv(path, index_col=0)
        parts["peer_read"].append(time.perf_counter() - start)
        parts["floor"].append(floor_once(table))
        start = time.perf_counter()
        read = read_icio_file(path)
        parts["read"].append(time.perf_counter() - start)
        start = time.perf_counter()
        panel = build_panel([read], classification, countries, definitions,
                            exclude_countries=("ROW",))
        parts["build"].append(time.perf_counter() - start)
        rows = len(panel.frame)
        del read, panel
    medians = {k: statistics.median(v) for k, v in parts.items()}
    ours = [r + b for r, b in zip(parts["read"], parts["build"], strict=True)]
    peer = [r + f for r, f in zip(parts["peer_read"], parts["floor"], strict=True)]
    medians["ours"] = statistics.median(ours)
    medians["peer"] = statistics.median(peer)
    medians["ratio"] = statistics.median(o / p for o, p in zip(ours, peer, strict=True))
    medians["rows"] = rows
    medians["n"] = len(table.x)
    medians["definitions"] = classification.source
    return medians


_PEAK_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as handle:
    handle.write(f"{proc.returncode} {seconds} {peak * (1 if sys.platform == 'darwin' else 1024)}")
if proc.returncode:
    sys.stderr.write(proc.stderr[-2000:])
"""


def run_measured(command: list[str], scratch: Path) -> dict:
    """Run ``command`` in a fresh process; its wall seconds and peak RSS (MiB)."""
    report = scratch / "peak.txt"
    proc = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, str(report), *command],
                          stderr=subprocess.PIPE, text=True, check=False)
    code, seconds, peak = report.read_text().split()
    report.unlink()
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(command[:6])} ... failed ({code}): {proc.stderr}")
    return {"seconds": float(seconds), "rss": int(peak) / 2**20}


def _in_child(func, *args):
    """Run ``func`` in a fresh process and return its result."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(func, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="servmodel-bench-") as d:
        scratch = Path(d)
        path = scratch / f"{YEAR}.csv"
        start = time.perf_counter()
        shape = write_icio2023(path)
        print(f"ICIO 2023 edition, {path.name} with splits: {shape['rows']:,} rows x "
              f"{shape['columns']:,} columns, {shape['mib']:,.0f} MiB "
              f"(written in {time.perf_counter() - start:.0f} s)")
        tim = _in_child(measure_time, str(path), args.repeat)
        print(f"time ({args.repeat} interleaved repeats, medians; {tim['n']:,} "
              f"country-industries after the splits are summed, {tim['rows']:,} panel rows, "
              f"classification {tim['definitions']}):")
        print(f"  servmodel: read_icio_file {tim['read']:.1f} s + build_panel {tim['build']:.1f} s"
              f" = {tim['ours']:.1f} s")
        print(f"  peer:      pandas.read_csv {tim['peer_read']:.1f} s + floor (A, LU, solve) "
              f"{tim['floor']:.1f} s = {tim['peer']:.1f} s")
        print(f"  ratio servmodel / peer: {tim['ratio']:.2f} (goal <= {GOAL_RATIO})")
        peer = run_measured([sys.executable, "-c", "import pandas as pd, sys; "
                             "pd.read_csv(sys.argv[1], index_col=0)", str(path)], scratch)
        if importlib.util.find_spec("servmodel.intensity.rev4") is None:
            print("memory: the Rev. 4 classifications are not installed; the command-line "
                  "build is not measured")
            return
        build = run_measured([sys.executable, "-m", "servmodel", "--quiet", "data", "build",
                              "--source", f"icio:{path}", "--out",
                              str(scratch / "panel.parquet")], scratch)
        print(f"memory (peak RSS, fresh processes): servmodel data build --source icio:FILE "
              f"{build['rss']:,.0f} MiB in {build['seconds']:.1f} s; pandas.read_csv alone "
              f"{peer['rss']:,.0f} MiB in {peer['seconds']:.1f} s (goal <= {GOAL_MIB} MiB)")


if __name__ == "__main__":
    main()
