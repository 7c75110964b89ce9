"""Property-based checks of the table readers: random valid long-format IO tables read back
with exactly the flows written, and random corruptions that give a DataError and nothing
else."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servmodel.errors import DataError, UsageError
from servmodel.intensity.classification import TECH_LEVELS, read_sector_mapping
from servmodel.io import IOTable, read_io_long

COLUMNS = ("supplier_country", "supplier_industry", "user_country", "user_industry", "value")
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Codes as users write them: letters, digits, leading zeros, numeric-looking text, and codes
# that spell missing values in other tools (NA is Namibia's ISO code).
CODE = st.one_of(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_",
            min_size=1, max_size=4),
    st.sampled_from(["01", "15", "1.0", "NA", "nan", "None", "NULL", "N/A", "TRUE", "1e3"]),
)


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh directory per example (function-scoped fixtures are shared across examples)."""
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


@st.composite
def long_tables(draw) -> dict:
    """A valid long table: rows (dicts), labels, and whether it carries a year column."""
    codes = draw(st.lists(CODE, min_size=3, max_size=11, unique=True))
    nc = draw(st.integers(1, min(3, len(codes) - 2)))
    rest = codes[nc:]
    ni = draw(st.integers(1, min(4, len(rest) - 1)))
    countries, industries = codes[:nc], rest[:ni]
    finals = rest[ni:ni + draw(st.integers(0, 2))]
    years = draw(st.lists(st.integers(1950, 2030), min_size=1, max_size=2, unique=True))
    with_year = len(years) > 1 or draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    value = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
    rows = []
    for year in years:
        for sc in countries:
            for si in industries:
                users = [(uc, ui) for uc in countries for ui in (*industries, *finals)]
                for uc, ui in users:
                    # diagonal cells make every label (and every year) appear
                    keep = (sc, si) == (uc, ui) or rng.random() < 0.5
                    if keep:
                        rows.append({"year": year, "supplier_country": sc,
                                     "supplier_industry": si, "user_country": uc,
                                     "user_industry": ui, "value": draw(value)})
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    return {"rows": rows, "countries": countries, "industries": industries,
            "finals": finals, "years": sorted(years), "with_year": with_year}


def write_csv(path: Path, rows: list[dict], with_year: bool) -> None:
    """CSV written by the csv module (not pandas); floats with repr, which round-trips."""
    cols = (*COLUMNS, "year") if with_year else COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(cols)
        for r in rows:
            writer.writerow([repr(r[c]) if c == "value" else str(r[c]) for c in cols])


def write_parquet(path: Path, rows: list[dict], with_year: bool) -> None:
    frame = pd.DataFrame(rows)
    if not with_year:
        frame = frame.drop(columns="year")
    frame.to_parquet(path, index=False)


def expected_arrays(case: dict, table: IOTable) -> tuple[np.ndarray, np.ndarray]:
    """Z and F of ``table.year`` placed cell by cell from the rows written."""
    ni, nf = len(case["industries"]), len(table.final_categories)
    c_pos = {c: k for k, c in enumerate(table.countries)}
    i_pos = {c: k for k, c in enumerate(table.industries)}
    f_pos = {c: k for k, c in enumerate(table.final_categories)}
    n = len(case["countries"]) * ni
    Z = np.zeros((n, n))
    F = np.zeros((n, len(case["countries"]) * nf))
    for r in case["rows"]:
        if case["with_year"] and r["year"] != table.year:
            continue
        row = c_pos[r["supplier_country"]] * ni + i_pos[r["supplier_industry"]]
        if r["user_industry"] in i_pos:
            Z[row, c_pos[r["user_country"]] * ni + i_pos[r["user_industry"]]] = r["value"]
        else:
            F[row, c_pos[r["user_country"]] * nf + f_pos[r["user_industry"]]] = r["value"]
    return Z, F


def check_tables(case: dict, tables: list[IOTable]) -> None:
    years = case["years"] if case["with_year"] else [1999]
    assert [t.year for t in tables] == years
    finals_used = {r["user_industry"] for r in case["rows"]} - set(case["industries"])
    for t in tables:
        assert set(t.countries) == set(case["countries"])
        assert len(t.countries) == len(case["countries"])
        assert set(t.industries) == set(case["industries"])
        assert len(t.industries) == len(case["industries"])
        assert set(t.final_categories) == finals_used
        Z, F = expected_arrays(case, t)
        # exact: the values are written with repr and must come back bit for bit
        np.testing.assert_array_equal(t.Z, Z)
        np.testing.assert_array_equal(t.F, F)
        np.testing.assert_allclose(t.x, Z.sum(axis=1) + F.sum(axis=1), rtol=1e-14, atol=0)


@SETTINGS
@given(case=long_tables(), fmt=st.sampled_from(["csv", "parquet"]))
def test_valid_tables_round_trip(case, fmt):
    with scratch() as d:
        path = d / f"io.{fmt}"
        (write_csv if fmt == "csv" else write_parquet)(path, case["rows"], case["with_year"])
        tables = read_io_long(path, year=None if case["with_year"] else 1999)
    check_tables(case, tables)


def test_codes_spelling_missing_values_and_a_year_without_final_use(tmp_path):
    """Namibia (NA) and an industry coded None are codes; 2001 has no final-use rows."""
    rows = [
        {"year": 2000, "supplier_country": "NA", "supplier_industry": "None",
         "user_country": "NA", "user_industry": "None", "value": 2.0},
        {"year": 2000, "supplier_country": "NA", "supplier_industry": "None",
         "user_country": "NA", "user_industry": "hh", "value": 3.0},
        {"year": 2001, "supplier_country": "NA", "supplier_industry": "None",
         "user_country": "NA", "user_industry": "None", "value": 5.0},
    ]
    path = tmp_path / "t.csv"
    write_csv(path, rows, with_year=True)
    t0, t1 = read_io_long(path)
    assert t0.countries == ("NA",) and t0.industries == ("None",)
    assert t0.final_categories == ("hh",)
    assert (t0.Z.tolist(), t0.F.tolist(), t0.x.tolist()) == ([[2.0]], [[3.0]], [5.0])
    assert (t1.Z.tolist(), t1.F.tolist(), t1.x.tolist()) == ([[5.0]], [[0.0]], [5.0])


# ------------------------------------------------------------------ corruptions

def _frame(case: dict) -> pd.DataFrame:
    return pd.DataFrame(case["rows"])[["year", *COLUMNS]]


def _intermediate_rows(frame: pd.DataFrame, case: dict) -> np.ndarray:
    return np.flatnonzero(frame["user_industry"].isin(case["industries"]).to_numpy())


CORRUPTIONS = ("drop_column", "rename_column", "text_value", "nan_value", "inf_value",
               "negative_intermediate", "duplicate_row", "blank_key", "text_year")


def corrupt(frame: pd.DataFrame, case: dict, kind: str, data) -> pd.DataFrame:
    """``frame`` with one defect that the reader must refuse."""
    f = frame.copy()
    pick = data.draw(st.integers(0, len(f) - 1), label="row")
    if kind == "drop_column":
        return f.drop(columns=data.draw(st.sampled_from(COLUMNS), label="column"))
    if kind == "rename_column":
        col = data.draw(st.sampled_from(COLUMNS), label="column")
        return f.rename(columns={col: col.upper() + "_"})
    if kind in ("text_value", "nan_value", "inf_value"):
        bad = {"text_value": data.draw(st.sampled_from(["abc", "1,5", "--1", "12x", "one"])),
               "nan_value": "nan", "inf_value": data.draw(st.sampled_from(["inf", "-inf"]))}
        f["value"] = f["value"].astype(object)
        f.iloc[pick, f.columns.get_loc("value")] = bad[kind]
        return f
    if kind == "negative_intermediate":
        rows = _intermediate_rows(f, case)
        i = rows[data.draw(st.integers(0, len(rows) - 1), label="intermediate row")]
        f.iloc[i, f.columns.get_loc("value")] = -data.draw(
            st.floats(1e-9, 1e6, allow_nan=False), label="magnitude")
        return f
    if kind == "duplicate_row":
        return pd.concat([f, f.iloc[[pick]]], ignore_index=True)
    if kind == "blank_key":
        col = data.draw(st.sampled_from(COLUMNS[:4]), label="column")
        f[col] = f[col].astype(object)
        f.iloc[pick, f.columns.get_loc(col)] = data.draw(st.sampled_from(["", "  "]))
        return f
    if kind == "text_year":
        f["year"] = f["year"].astype(object)
        f.iloc[pick, f.columns.get_loc("year")] = data.draw(
            st.sampled_from(["20x0", "", "2000.5", "year"]))
        return f
    raise AssertionError(kind)


@SETTINGS
@given(case=long_tables(), kind=st.sampled_from(CORRUPTIONS),
       fmt=st.sampled_from(["csv", "parquet"]), data=st.data())
def test_corrupted_tables_are_data_errors(case, kind, fmt, data):
    frame = corrupt(_frame(case), case, kind, data)
    with scratch() as d:
        path = d / f"bad.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            if kind in ("text_value", "nan_value", "inf_value", "blank_key", "text_year"):
                # mixed object columns are stored as text in Parquet, as a user's tool would
                frame = frame.astype({c: str for c in frame.columns
                                      if frame[c].dtype == object})
            frame.to_parquet(path, index=False)
        with pytest.raises(DataError):
            read_io_long(path)


def _valid_bytes(case: dict, fmt: str) -> bytes:
    with scratch() as d:
        path = d / f"ok.{fmt}"
        (write_csv if fmt == "csv" else write_parquet)(path, case["rows"], True)
        return path.read_bytes()


def _read_or_data_error(path: Path) -> list[IOTable] | None:
    """The tables, or ``None`` after a DataError; any other exception fails the test."""
    try:
        return read_io_long(path)
    except DataError:
        return None


@SETTINGS
@given(case=long_tables(), fmt=st.sampled_from(["csv", "parquet"]), data=st.data())
def test_truncated_files_are_data_errors_or_shorter_tables(case, fmt, data):
    raw = _valid_bytes(case, fmt)
    cut = data.draw(st.integers(0, len(raw) - 1), label="cut")
    with scratch() as d:
        path = d / f"cut.{fmt}"
        path.write_bytes(raw[:cut])
        tables = _read_or_data_error(path)
    if fmt == "parquet" or cut == 0:
        assert tables is None  # no Parquet footer, or an empty file
    elif tables is not None:
        # a cut at a line end (or inside the last number) leaves a valid, shorter table
        assert all(np.isfinite(t.Z).all() and (t.Z >= 0).all() for t in tables)


@SETTINGS
@given(payload=st.binary(max_size=2000), fmt=st.sampled_from(["csv", "parquet"]))
def test_random_bytes_are_data_errors(payload, fmt):
    with scratch() as d:
        path = d / f"noise.{fmt}"
        path.write_bytes(payload)
        with pytest.raises(DataError):
            read_io_long(path)


@SETTINGS
@given(case=long_tables(), data=st.data())
def test_random_byte_flips_never_raise_anything_but_data_error(case, data):
    raw = bytearray(_valid_bytes(case, "csv"))
    for _ in range(data.draw(st.integers(1, 5), label="flips")):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    with scratch() as d:
        path = d / "flipped.csv"
        path.write_bytes(bytes(raw))
        tables = _read_or_data_error(path)
    if tables is not None:
        for t in tables:
            assert np.isfinite(t.Z).all() and (t.Z >= 0).all() and (t.x >= 0).all()


def test_empty_file_parquet_named_csv_and_missing_path(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="is empty"):
        read_io_long(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(COLUMNS) + ",year\n")
    with pytest.raises(DataError, match="no data rows"):
        read_io_long(header_only)
    parquet = tmp_path / "table.parquet"
    write_parquet(parquet, [{"year": 2000, "supplier_country": "A", "supplier_industry": "m",
                             "user_country": "A", "user_industry": "m", "value": 1.0}], True)
    disguised = tmp_path / "table.csv"
    disguised.write_bytes(parquet.read_bytes())
    with pytest.raises(DataError, match="Parquet file named .csv"):
        read_io_long(disguised)
    with pytest.raises((DataError, UsageError), match="does not exist"):
        read_io_long(tmp_path / "missing.csv")
    with pytest.raises(UsageError, match="unknown table format"):
        read_io_long(tmp_path / "table.xlsx")


# ------------------------------------------------------------------ sector mapping

ROLE = st.sampled_from(["manufacturing", "producer_service", "other"])


@st.composite
def mappings(draw) -> list[dict]:
    codes = draw(st.lists(CODE, min_size=1, max_size=8, unique=True))
    rows = []
    for code in codes:
        role = draw(ROLE)
        tech = draw(st.sampled_from(TECH_LEVELS)) if role == "manufacturing" else ""
        rows.append({"industry": code, "role": role, "tech": tech,
                     "name": draw(st.text(alphabet="abc xyz,\"'", max_size=12))})
    return rows


def _write_mapping(path: Path, rows: list[dict]) -> None:
    if path.suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        pd.DataFrame(rows).to_parquet(path, index=False)


@SETTINGS
@given(rows=mappings(), fmt=st.sampled_from(["csv", "parquet"]))
def test_sector_mapping_round_trip(rows, fmt):
    with scratch() as d:
        path = d / f"map.{fmt}"
        _write_mapping(path, rows)
        got = read_sector_mapping(path)
    manu = [r for r in rows if r["role"] == "manufacturing"]
    assert got.manufacturing == tuple(r["industry"] for r in manu)
    assert dict(got.tech) == {r["industry"]: r["tech"] for r in manu}
    assert got.producer_services == tuple(r["industry"] for r in rows
                                          if r["role"] == "producer_service")
    assert all(isinstance(c, str) for c in got.manufacturing + got.producer_services)


MAPPING_DEFECTS = ("drop_column", "bad_role", "bad_tech", "duplicate", "blank_industry")


@SETTINGS
@given(rows=mappings(), kind=st.sampled_from(MAPPING_DEFECTS),
       fmt=st.sampled_from(["csv", "parquet"]), data=st.data())
def test_corrupted_sector_mappings_are_data_errors(rows, kind, fmt, data):
    frame = pd.DataFrame(rows)
    pick = data.draw(st.integers(0, len(frame) - 1), label="row")
    if kind == "drop_column":
        frame = frame.drop(columns=data.draw(st.sampled_from(["industry", "role", "tech"])))
    elif kind == "bad_role":
        frame.loc[pick, "role"] = data.draw(st.sampled_from(["Manufacturing", "service", "",
                                                             "other "]))
    elif kind == "bad_tech":
        frame.loc[pick, ["role", "tech"]] = ["manufacturing", data.draw(
            st.sampled_from(["", "very high", "HIGH", "medium"]))]
    elif kind == "duplicate":
        frame = pd.concat([frame, frame.iloc[[pick]]], ignore_index=True)
    else:
        frame.loc[pick, "industry"] = ""
    with scratch() as d:
        path = d / f"bad.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        with pytest.raises(DataError):
            read_sector_mapping(path)


@SETTINGS
@given(payload=st.binary(max_size=600), fmt=st.sampled_from(["csv", "parquet"]))
def test_random_bytes_as_sector_mapping_are_data_errors(payload, fmt):
    with scratch() as d:
        path = d / f"map.{fmt}"
        path.write_bytes(payload)
        with pytest.raises(DataError):
            read_sector_mapping(path)
