"""Services value added in output and exports, against decompr's published results on its
3-country x 3-industry ``leather`` table, identities on the embedded WIOD tables, a brute
force inverse on a toy table, and a national table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servmodel.intensity.value_added import (
    factor_leontief,
    gross_exports,
    services_value_added,
    value_added_by_origin,
    value_added_coefficients,
    value_added_in_exports,
)
from servmodel.io.table import IOTable
from servmodel.io.wiod2013 import read_wiod2013_year

LEATHER = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "leather_3x3"
LEATHER_COUNTRIES = ("Argentina", "Turkey", "Germany")
LEATHER_INDUSTRIES = ("Agriculture", "Textile.Leather", "Transport.Equipment")


@pytest.fixture(scope="module")
def leather() -> IOTable:
    if not LEATHER.is_dir():
        pytest.skip(f"{LEATHER} is not there")
    Z = pd.read_csv(LEATHER / "intermediate.csv", index_col=0)
    F = pd.read_csv(LEATHER / "final_demand.csv", index_col=0)
    x = pd.read_csv(LEATHER / "output.csv", index_col=0)["output"]
    labels = [f"{c}.{i}" for c in LEATHER_COUNTRIES for i in LEATHER_INDUSTRIES]
    assert list(Z.index) == labels and list(Z.columns) == labels
    assert list(F.columns) == list(LEATHER_COUNTRIES)
    return IOTable(Z.to_numpy(), F.to_numpy(), x.to_numpy(), LEATHER_COUNTRIES,
                   LEATHER_INDUSTRIES, ("final",), 2000, source="leather")


def test_exports_match_decompr(leather):
    published = [33.2, 28.5, 2.6, 45.9, 59.2, 8.5, 38.7, 31.0, 77.9]
    np.testing.assert_allclose(gross_exports(leather), published, atol=1e-12)


def test_value_added_in_exports_matches_decompr(leather):
    vae = value_added_in_exports(leather, range(9))
    # decompr's leontief decomposition, as published
    assert vae[0, 0] == pytest.approx(28.52278143, abs=5e-8)
    assert vae[8, 8] == pytest.approx(34.7438192, abs=5e-7)
    np.testing.assert_allclose(vae.sum(axis=0), gross_exports(leather), rtol=1e-12)


def _brute_force(table: IOTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """va_services and its domestic part from the full inverse."""
    n = table.n_countries * table.n_industries
    x = table.x
    A = table.Z / np.where(x > 0, x, 1.0)
    B = np.linalg.inv(np.eye(n) - A)
    v = (x - table.Z.sum(axis=0)) / x
    country = np.repeat(np.arange(table.n_countries), table.n_industries)
    in_s = np.isin(np.tile(np.arange(table.n_industries), table.n_countries), rows)
    weighted = v[:, None] * B
    total = weighted[in_s].sum(axis=0)
    domestic = np.array([weighted[in_s & (country == country[j]), j].sum() for j in range(n)])
    return total, domestic


def test_services_value_added_agrees_with_the_full_inverse(leather):
    rows = {"agri": np.array([0]), "two": np.array([0, 2])}
    got = services_value_added(factor_leontief(leather), leather,
                               value_added_coefficients(leather), rows)
    for name, r in rows.items():
        total, domestic = _brute_force(leather, r)
        np.testing.assert_allclose(got[name]["va_services"], total, rtol=1e-12)
        np.testing.assert_allclose(got[name]["va_services_domestic"], domestic, rtol=1e-12)
        np.testing.assert_allclose(got[name]["va_services_foreign"], total - domestic,
                                   rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("year", [1995, 2003, 2011])
def test_value_added_over_every_origin_sums_to_one_per_unit_of_output(year):
    """v' B = 1' on the embedded tables: every industry as the 'service' set."""
    for table in [read_wiod2013_year(year)]:
        all_rows = {"everything": np.arange(table.n_industries)}
        got = services_value_added(factor_leontief(table), table,
                                   value_added_coefficients(table), all_rows)["everything"]
        produced = table.x > 0
        np.testing.assert_allclose(got["va_services"][produced], 1.0, atol=1e-9)
        assert np.all(got["va_services_domestic"][produced] <= 1.0 + 1e-9)
        assert np.all(got["va_services_foreign"][produced] >= -1e-9)


def test_value_added_by_origin_for_one_economy(leather):
    frame = value_added_by_origin(leather, "Germany", ["Textile.Leather",
                                                       "Transport.Equipment"],
                                  services=["Agriculture"])
    assert len(frame) == 9
    exports = gross_exports(leather)
    assert frame["value_added"].sum() == pytest.approx(exports[7] + exports[8], rel=1e-12)
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame["value_added"].is_monotonic_decreasing
    own = frame[frame["domestic"]]
    assert set(own["origin_country"]) == {"Germany"}
    # the cell published by decompr is one of the two columns summed here
    vae = value_added_in_exports(leather, [7, 8])
    row = frame[(frame.origin_country == "Germany")
                & (frame.origin_industry == "Transport.Equipment")]
    assert row["value_added"].iloc[0] == pytest.approx(vae[8].sum(), rel=1e-12)
    assert frame.loc[frame["service"], "origin_industry"].eq("Agriculture").all()


def _national() -> IOTable:
    Z = np.array([[10.0, 5.0, 2.0], [4.0, 8.0, 6.0], [3.0, 2.0, 4.0]])
    F = np.array([[20.0, 13.0], [30.0, 12.0], [10.0, 1.0]])  # domestic use, exports
    x = Z.sum(axis=1) + F.sum(axis=1)
    return IOTable(Z, F, x, ("KOR",), ("m", "s", "o"), ("dom", "EXP"), 2011, "national")


def test_national_table_has_domestic_value_added_only():
    table = _national()
    got = services_value_added(factor_leontief(table), table,
                               value_added_coefficients(table), {"s": np.array([1])})["s"]
    total, domestic = _brute_force(table, np.array([1]))
    np.testing.assert_allclose(got["va_services_domestic"], domestic, rtol=1e-12)
    assert np.isnan(got["va_services"]).all()
    assert np.isnan(got["va_services_foreign"]).all()


def test_national_exports_come_from_the_export_category():
    table = _national()
    np.testing.assert_array_equal(gross_exports(table, ["EXP"]), [13.0, 12.0, 1.0])
    assert np.isnan(gross_exports(table)).all()


def test_va_origin_command_writes_every_origin(tmp_path, capsys):
    from servmodel.cli import main

    out = tmp_path / "kor.csv"
    assert main(["data", "va-origin", "--country", "KOR", "--year", "2011", "--out",
                 str(out)]) == 0
    frame = pd.read_csv(out)
    table = read_wiod2013_year(2011)
    assert len(frame) == table.n_countries * table.n_industries
    ni = table.n_industries
    kor = table.countries.index("KOR")
    manufacturing = [kor * ni + table.industries.index(f"c{k}") for k in range(3, 17)]
    # the value added of every origin adds up to Korea's manufacturing gross exports
    assert frame["value_added"].sum() == pytest.approx(
        gross_exports(table)[manufacturing].sum(), rel=1e-9)
    assert frame["share"].sum() == pytest.approx(1.0)
    standard = {"c20", "c23", "c24", "c25", "c26", "c27", "c28", "c29", "c30"}
    assert set(frame.loc[frame["service"], "origin_industry"]) == standard
    assert (frame["domestic"] == (frame["origin_country"] == "KOR")).all()
    assert "services (standard) 19." in " ".join(capsys.readouterr().out.split())


def test_va_origin_refuses_an_unknown_economy(capsys):
    from servmodel.cli import main

    assert main(["data", "va-origin", "--country", "XYZ", "--year", "2011"]) == 2
    err = capsys.readouterr().err
    assert "country 'XYZ' is not in" in err and "KOR" in err
