"""The long-format reader on tables read in many chunks: the same tables as placing every
cell by hand, defects found in any chunk with their line, and memory that grows by a few
bytes per cell."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from servmodel.errors import DataError
from servmodel.io import read_io_long

# codes as users write them: numeric-looking, leading zeros, Namibia's NA, spellings of
# missing values and booleans in other tools
COUNTRIES = ("NA", "01", "DEU", "None", "KOR", "TRUE", "7", "USA")
INDUSTRIES = ("15", "01", "c3", "nan", "C10-C12", "1.0", "FALSE", "x", "64", "A01", "B", "99",
              "2", "C20", "D35", "Inf")
FINAL = ("hh", "gov", "inv")
YEARS = (2003, 2001, 2002)


def world(seed: int = 7) -> tuple[pd.DataFrame, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """A shuffled long table of three years and the dense arrays it was cut from.

    About 40% of the cells are zero and left out; final use has negative cells (inventory
    changes). Arrays are indexed by the positions of the labels in the tuples above.
    """
    rng = np.random.default_rng(seed)
    nc, ni, nf = len(COUNTRIES), len(INDUSTRIES), len(FINAL)
    n = nc * ni
    rows, arrays = [], {}
    for year in YEARS:
        Z = rng.gamma(0.7, 50.0, size=(n, n)) * (rng.random((n, n)) < 0.6)
        F = rng.normal(40.0, 30.0, size=(n, nc * nf)) * (rng.random((n, nc * nf)) < 0.7)
        arrays[year] = (Z, F)
        r, c = np.nonzero(Z)
        rows.append(pd.DataFrame({
            "supplier_country": np.array(COUNTRIES)[r // ni],
            "supplier_industry": np.array(INDUSTRIES)[r % ni],
            "user_country": np.array(COUNTRIES)[c // ni],
            "user_industry": np.array(INDUSTRIES)[c % ni], "value": Z[r, c], "year": year}))
        r, c = np.nonzero(F)
        rows.append(pd.DataFrame({
            "supplier_country": np.array(COUNTRIES)[r // ni],
            "supplier_industry": np.array(INDUSTRIES)[r % ni],
            "user_country": np.array(COUNTRIES)[c // nf],
            "user_industry": np.array(FINAL)[c % nf], "value": F[r, c], "year": year}))
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return frame, arrays


def write(frame: pd.DataFrame, path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False, float_format="%.17g")
    else:  # a column of mixed numbers and text is stored as text, as a user's tool would
        frame.astype({c: str for c in frame.columns if frame[c].dtype == object}).to_parquet(
            path, index=False)


@pytest.fixture(scope="module")
def table():
    return world()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_chunked_read_places_every_cell(tmp_path, table, fmt):
    frame, arrays = table
    path = tmp_path / f"world.{fmt}"
    write(frame, path)
    tables = read_io_long(path, chunk_rows=997)  # ~30 chunks, boundaries anywhere
    assert len(frame) > 25_000
    assert [t.year for t in tables] == sorted(YEARS)
    for t in tables:
        # labels in order of first appearance in the file, as written
        assert t.countries == tuple(pd.unique(frame["supplier_country"]))
        assert t.industries == tuple(pd.unique(frame["supplier_industry"]))
        assert t.final_categories == tuple(c for c in pd.unique(frame["user_industry"])
                                           if c in FINAL)
        ni, nf = len(INDUSTRIES), len(FINAL)
        rows = [COUNTRIES.index(c) * ni + INDUSTRIES.index(i)
                for c in t.countries for i in t.industries]
        finals = [COUNTRIES.index(c) * nf + FINAL.index(f)
                  for c in t.countries for f in t.final_categories]
        Z, F = arrays[t.year]
        np.testing.assert_array_equal(t.Z, Z[np.ix_(rows, rows)])
        np.testing.assert_array_equal(t.F, F[np.ix_(rows, finals)])
        np.testing.assert_allclose(t.x, Z[rows].sum(axis=1) + F[rows].sum(axis=1),
                                   rtol=1e-13)
    # one chunk or many: the same tables
    for whole, chunked in zip(read_io_long(path), tables, strict=True):
        np.testing.assert_array_equal(whole.Z, chunked.Z)
        np.testing.assert_array_equal(whole.F, chunked.F)


def _bad(frame: pd.DataFrame, row: int, column: str, value: object) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


def _intermediate(frame: pd.DataFrame, after: int) -> int:
    return int(frame.index[(frame.index > after) & ~frame["user_industry"].isin(FINAL)][0])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_defects_in_later_chunks_name_their_line(tmp_path, table, fmt):
    frame, _ = table
    path = tmp_path / f"bad.{fmt}"
    neg = _intermediate(frame, 20_000)
    cases = [
        (_bad(frame, 12_345, "user_industry", " "), "line 12347: empty user_industry"),
        (_bad(frame, 9_001, "value", "1,5"), "line 9003: value '1,5' is not a number"),
        (_bad(frame, 15_000, "value", np.inf), "line 15002: value is inf"),
        (_bad(frame, 18_000, "year", 2001.5), "line 18002: year"),
        (_bad(frame, neg, "value", -2.5), f"line {neg + 2}: negative intermediate flow -2.5"),
    ]
    for bad, message in cases:
        write(bad, path)
        with pytest.raises(DataError, match=message):
            read_io_long(path, chunk_rows=1000)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duplicates_within_and_across_chunks(tmp_path, table, fmt):
    frame, _ = table
    path = tmp_path / f"dup.{fmt}"
    r = frame.iloc[4_000]
    cell = (f"{r.supplier_country} {r.supplier_industry} -> {r.user_country} "
            f"{r.user_industry} \\(year {r.year}\\)")
    # the same cell again 20,000 rows later (another chunk), and right after (same chunk)
    for at in (24_000, 4_001):
        dup = pd.concat([frame.iloc[:at], frame.iloc[[4_000]], frame.iloc[at:]],
                        ignore_index=True)
        write(dup, path)
        with pytest.raises(DataError, match=f"lines 4002, {at + 2}: duplicate cell {cell}"):
            read_io_long(path, chunk_rows=1000)
    # the same cell in another year is no duplicate
    other = frame.iloc[[4_000]].assign(year=1999)
    write(pd.concat([frame, other], ignore_index=True), path)
    assert [t.year for t in read_io_long(path, chunk_rows=1000)] == [1999, *sorted(YEARS)]


def test_duplicates_among_many_sparse_codes(tmp_path):
    """Keys with so many codes that marking every possible cell would not pay: the check
    sorts cell keys, and still finds the repeat (and no false one)."""
    k = np.arange(300)
    frame = pd.DataFrame({"supplier_country": [f"S{i}" for i in k],
                          "supplier_industry": [f"i{i}" for i in k],
                          "user_country": [f"U{i}" for i in k],
                          "user_industry": [f"u{i}" for i in k], "value": 1.0, "year": 2000})
    path = tmp_path / "sparse.csv"
    write(frame, path)
    # no duplicate: the next check speaks (these countries never use)
    with pytest.raises(DataError, match="country 'S0' appears as supplier but never as user"):
        read_io_long(path, chunk_rows=64)
    write(pd.concat([frame, frame.iloc[[5]]], ignore_index=True), path)
    with pytest.raises(DataError, match="lines 7, 302: duplicate cell S5 i5 -> U5 u5"):
        read_io_long(path, chunk_rows=64)


# Growth of resident memory while reading: the kernel's high-water mark is reset first
# (writing 5 to clear_refs), so what the imports peaked at does not hide the read.
MEASURE = textwrap.dedent("""
    import sys
    from servmodel.io import read_io_long

    def status(field):
        with open("/proc/self/status") as handle:
            line = next(x for x in handle if x.startswith(field + ":"))
        return int(line.split()[1]) * 1024

    before = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    tables = read_io_long(sys.argv[1], chunk_rows=100_000)
    print(status("VmHWM") - before)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_memory_grows_by_a_few_bytes_per_cell(tmp_path):
    """1.9 million cells: the codes and values take 13 bytes per cell; a reader that held the
    long frame with text keys grows by some 180 bytes per cell (350 MB here)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    nc, ni, years = 20, 40, (2000, 2001, 2002)
    n = nc * ni
    cells = np.arange(n * n)
    labels = [pa.array([f"K{i:02d}" for i in range(nc)]), pa.array([f"i{i}" for i in range(ni)])]
    key = pa.dictionary(pa.int16(), pa.string())
    schema = pa.schema([("supplier_country", key), ("supplier_industry", key),
                        ("user_country", key), ("user_industry", key),
                        ("value", pa.float64()), ("year", pa.int16())])
    path = tmp_path / "big.parquet"
    with pq.ParquetWriter(path, schema) as writer:
        for year in years:
            codes = [cells // n // ni, cells // n % ni, cells % n // ni, cells % n % ni]
            arrays = [pa.DictionaryArray.from_arrays(pa.array(c.astype(np.int16)), labels[k % 2])
                      for k, c in enumerate(codes)]
            arrays += [pa.array(np.full(n * n, 1.0 + year % 10)),
                       pa.array(np.full(n * n, year, np.int16))]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
    rows = n * n * len(years)
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, check=True)
    grown = int(proc.stdout.split()[-1])
    tables_bytes = len(years) * n * n * 8
    # codes and values (13 B/cell) with room for the allocators' slack, the tables twice
    # (each is copied into its IOTable), and a fixed 64 MiB for chunk work and lazy imports
    assert grown < 30 * rows + 2 * tables_bytes + 64 * 2**20, f"{grown / rows:.0f} B/cell"
